"""Token authentication, write scope and rate limit per token."""

from __future__ import annotations

from django.conf import settings
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from essaim.api.errors import READ_ONLY_TOKEN, ApiProblem
from essaim.api_tokens.services import api_token_authenticate
from essaim.organizations.permissions import set_current_membership


class TokenAuth(HttpBearer):
    """``Authorization: Bearer essaim_…``: a personal token acting for its membership's organisation.

    The request then runs exactly as a page would for that user after choosing that organisation in
    the header: ``request.user`` is the token's owner and the permission layer (``visible_to``,
    rules) reads the token's membership as the current one.
    """

    openapi_description = "Jeton personnel créé sur la page « Mon compte » (en-tête « Authorization: Bearer <jeton> »)."

    def authenticate(self, request, token):
        api_token = api_token_authenticate(secret=token)
        if api_token is None:
            return None
        user = api_token.user
        membership = api_token.membership
        set_current_membership(user, membership)
        user._memberships = [membership]
        request.user = user
        request.current_membership = membership
        request.current_organization = membership.organization
        request.api_token = api_token
        return api_token


def require_write(request) -> None:
    """Refuse a write with a read-only token (403), before anything is read or changed."""
    token = getattr(request, "api_token", None)
    if token is None or not token.can_write:
        raise ApiProblem(403, READ_ONLY_TOKEN)


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token and per period (``ESSAIM_API_RATE``, e.g. ``"300/min"``), shared cache."""

    scope = "token"

    def __init__(self):
        super().__init__(rate="300/min")

    def allow_request(self, request) -> bool:
        self.num_requests, self.duration = self.parse_rate(getattr(settings, "ESSAIM_API_RATE", "300/min"))
        return super().allow_request(request)

    def get_cache_key(self, request):
        token = getattr(request, "api_token", None)
        if token is None:
            return None
        return f"essaim-api-throttle-{token.pk}"
