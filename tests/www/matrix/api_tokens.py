"""Matrix rows of the « Jetons d'accès à l'API » pages (account area). The API's own endpoints have their
matrix in tests/api/test_matrix.py (they authenticate by token, never by the session)."""

import datetime as dt

from django.utils import timezone

from essaim.api_tokens.models import ApiToken
from essaim.api_tokens.services import api_token_create
from tests.www.matrix.actors import SIGNED_IN


def extend_world(world):
    user = world["users"]["holder_a_admin"]
    token, _ = api_token_create(
        user=user,
        membership=user.memberships.get(),
        name="Logiciel du porteur",
        scope="read",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    world["api_token"] = token


def snapshot():
    return {"api_tokens": list(ApiToken.objects.order_by("pk").values_list("name", "revoked_at", "user_id"))}


def _create(world):
    return {
        "name": "Mon logiciel",
        "membership": "",  # replaced per actor by the form's only choice: the view refuses others' memberships
        "scope": "read",
        "expires_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
    }


ROWS = [
    ("api_tokens_list", "accounts:api_tokens", None, "get", None, SIGNED_IN),
    # A membership id that is not the actor's: refused for everyone (the form lists one's own memberships only).
    (
        "api_tokens_create_foreign_membership",
        "accounts:api_tokens",
        None,
        "post",
        lambda w: {**_create(w), "membership": w["users"]["holder_b_member"].memberships.get().pk},
        {"holder_b_member"},
    ),
    (
        "api_tokens_revoke",
        "accounts:api_token_revoke",
        lambda w: {"uid": w["api_token"].uid},
        "post",
        lambda w: {},
        {"holder_a_admin"},
        # A token is seen by its owner only: anyone else's answer is a 404.
        lambda w, user: user == w["api_token"].user,
    ),
]
