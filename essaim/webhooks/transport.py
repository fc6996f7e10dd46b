"""Sending one signed POST (stdlib only): HTTPS, no redirect followed, short time-out, public addresses only."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 10
MAX_BODY_KEPT = 2000


@dataclass(frozen=True)
class Answer:
    status: int | None
    body: str
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, "<timestamp>.<body>")."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def public_address_error(url: str) -> str:
    """Why this URL may not receive webhooks (not HTTPS, private or local address), or ``""``."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return "L'adresse doit commencer par https://."
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return f"Le nom « {parts.hostname} » ne correspond à aucune adresse."
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return (
                "L'adresse pointe vers un réseau privé ou local : seules les adresses publiques reçoivent des webhooks."
            )
    return ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body``; the answer's status and the start of its body, or the error, in French."""
    problem = public_address_error(url)
    if problem:
        return Answer(status=None, body="", error=problem)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return Answer(status=response.status, body=response.read(MAX_BODY_KEPT).decode("utf-8", "replace"))
    except urllib.error.HTTPError as error:
        return Answer(status=error.code, body=error.read(MAX_BODY_KEPT).decode("utf-8", "replace"))
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return Answer(status=None, body="", error=f"Pas de réponse : {reason}"[:500])
