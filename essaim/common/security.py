"""Protections at the edge of every request (docs/security.md, « Déploiement »).

* :func:`client_ip` — the client's address behind the reverse proxy, for django-axes
  (``AXES_CLIENT_IP_CALLABLE``). ``X-Forwarded-For`` is believed only when the request comes from a
  proxy listed in ``ESSAIM_TRUSTED_PROXIES``, and then only its right-most address that is not one of
  those proxies: a client cannot choose the address it is counted under by sending the header itself.
* :class:`ContentSecurityPolicyMiddleware` — the ``Content-Security-Policy`` header: scripts from the
  platform's own static files only (no inline script, no ``eval``), no plugin, no framing.
* :class:`RequestBodyLimitMiddleware` and :func:`accepts_uploads` — a request whose declared body is
  larger than its view accepts is answered 413 before a byte of it is read (before the CSRF check reads
  the form). Views that take files say how much with ``@accepts_uploads(megabytes=…)``.
* :class:`IdleSessionMiddleware` — a signed-in session ends after ``ESSAIM_SESSION_IDLE_MINUTES`` without
  a request and, whatever the activity, ``ESSAIM_SESSION_MAX_HOURS`` after sign-in.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

# ----------------------------------------------------------------------------------- client address


@cache
def _trusted_networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address a login attempt is counted under.

    ``REMOTE_ADDR`` unless it is a trusted proxy (``ESSAIM_TRUSTED_PROXIES``); then the right-most
    address of ``X-Forwarded-For`` that is not a trusted proxy (the one the proxy itself saw). A
    malformed header falls back to the proxy's address, never to a value the client chose.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _trusted_networks(tuple(settings.ESSAIM_TRUSTED_PROXIES))
    if remote is None or not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for item in reversed([part.strip() for part in forwarded.split(",")[-20:]]):
        try:
            address = str(ipaddress.ip_address(item))
        except ValueError:
            return remote
        if not _is_trusted(address, networks):
            return address
    return remote


# ---------------------------------------------------------------------------- Content-Security-Policy


class ContentSecurityPolicyMiddleware:
    """Adds ``settings.ESSAIM_CONTENT_SECURITY_POLICY`` to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}".strip()
            for directive, sources in settings.ESSAIM_CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


# ------------------------------------------------------------------------------------- request body

MEGABYTE = 1024 * 1024


def accepts_uploads(*, megabytes: int | Callable[[], int]) -> Callable:
    """Mark a view that takes files: its requests may carry up to ``megabytes`` (a number or a callable
    read at each request, for a limit set in the settings)."""

    def decorate(view):
        view.essaim_max_body_megabytes = megabytes
        return view

    return decorate


def body_limit_bytes(view_func) -> int:
    """The largest body a view accepts, in bytes (``ESSAIM_MAX_REQUEST_MB`` for views without files)."""
    megabytes = getattr(view_func, "essaim_max_body_megabytes", None)
    if megabytes is None:
        megabytes = settings.ESSAIM_MAX_REQUEST_MB
    elif callable(megabytes):
        megabytes = megabytes()
    return int(megabytes) * MEGABYTE


class RequestBodyLimitMiddleware:
    """Answers 413 to a request whose ``Content-Length`` exceeds what its view accepts.

    Placed before the CSRF middleware (which reads the form in ``process_view``): nothing of the body is
    read. A body without a length is read by Django up to ``Content-Length`` only (WSGI), so cannot
    exceed it; the reverse proxy's own cap (``client_max_body_size``) comes first in production.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = body_limit_bytes(view_func)
        if length <= limit:
            return None
        request._stream = None  # never read: the connection is closed after the answer
        html = render_to_string("413.html", {"limit_megabytes": limit // MEGABYTE})
        response = HttpResponse(html, status=413)
        response["Connection"] = "close"
        return response


# -------------------------------------------------------------------------------------- idle session

_LAST_SEEN = "essaim_last_seen"
_SIGNED_IN_AT = "essaim_signed_in_at"
_REFRESH_SECONDS = 60  # the session is written at most once a minute for its activity


@receiver(user_logged_in)
def _remember_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[_SIGNED_IN_AT] = now
        request.session[_LAST_SEEN] = now


class IdleSessionMiddleware:
    """Signs out after ``ESSAIM_SESSION_IDLE_MINUTES`` of inactivity or ``ESSAIM_SESSION_MAX_HOURS``
    after sign-in, and sends the user to the sign-in page with a French message.

    The time of the last request is kept in the session, written at most once a minute (not one
    database write per page).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            session = request.session
            last_seen = session.get(_LAST_SEEN)
            signed_in_at = session.get(_SIGNED_IN_AT)
            idle_limit = settings.ESSAIM_SESSION_IDLE_MINUTES * 60
            max_age = settings.ESSAIM_SESSION_MAX_HOURS * 3600
            if signed_in_at is None or last_seen is None:
                # A session opened before this rule (or by a path without the sign-in signal).
                session[_SIGNED_IN_AT] = signed_in_at or now
                session[_LAST_SEEN] = now
            elif now - last_seen > idle_limit or now - signed_in_at > max_age:
                idle = now - last_seen > idle_limit
                logout(request)
                messages.info(
                    request,
                    f"Votre session a expiré après {settings.ESSAIM_SESSION_IDLE_MINUTES} minutes sans activité : "
                    "connectez-vous à nouveau."
                    if idle
                    else f"Votre session a expiré ({settings.ESSAIM_SESSION_MAX_HOURS} heures après la connexion) : "
                    "connectez-vous à nouveau.",
                )
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                login_url = reverse(settings.LOGIN_URL)
                next_part = f"?{urlencode({'next': request.get_full_path()})}" if request.method == "GET" else ""
                return HttpResponseRedirect(f"{login_url}{next_part}")
            elif now - last_seen >= _REFRESH_SECONDS:
                session[_LAST_SEEN] = now
        return self.get_response(request)
