"""Numbers read from the environment, checked at start-up with a French message.

A setting such as ``LEARNER_RETENTION_YEARS_AFTER_EXIT=-1`` (it would anonymise recent leavers) or
``ESSAIM_JOBS_STALE_AFTER==abc`` stops the platform and every command at once with
``ImproperlyConfigured`` naming the variable and its allowed range, never a raw ``ValueError``.
The ranges live beside each setting in ``config/settings/base.py`` (docs/security.md,
« Limites et saisies hostiles »).

>>> import os
>>> os.environ["ESSAIM_N"] = "12"
>>> env_int("ESSAIM_N", 3, minimum=1, maximum=20)
12
>>> os.environ["ESSAIM_N"] = "=abc"
>>> env_int("ESSAIM_N", 3, minimum=1, maximum=20)
Traceback (most recent call last):
...
django.core.exceptions.ImproperlyConfigured: ESSAIM_N doit être un nombre entier entre 1 et 20 (reçu : « =abc »).
"""

from __future__ import annotations

import ipaddress
import math
import os

from django.core.exceptions import ImproperlyConfigured

_SHOWN = 40  # characters of a received value repeated in the message


def _received(raw: str) -> str:
    return raw if len(raw) <= _SHOWN else raw[:_SHOWN] + "…"


def env_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    """The integer in ``os.environ[name]`` (``default`` when unset or empty), within ``[minimum, maximum]``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    message = f"{name} doit être un nombre entier entre {minimum} et {maximum} (reçu : « {_received(raw)} »)."
    if len(raw) > 20 or not raw.lstrip("+-").isdigit() or not raw.isascii():
        raise ImproperlyConfigured(message)
    value = int(raw)
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(message)
    return value


def env_float(name: str, default: float, *, minimum: float, maximum: float) -> float:
    """The decimal number in ``os.environ[name]`` (a comma is accepted), within ``[minimum, maximum]``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    message = f"{name} doit être un nombre entre {minimum:g} et {maximum:g} (reçu : « {_received(raw)} »)."
    try:
        value = float(raw.replace(",", ".")) if len(raw) <= 30 and raw.isascii() else math.nan
    except ValueError:
        raise ImproperlyConfigured(message) from None
    if not (math.isfinite(value) and minimum <= value <= maximum):
        raise ImproperlyConfigured(message)
    return value


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks (``127.0.0.1,10.0.0.0/8``), each checked."""
    raw = os.environ.get(name, "").strip()
    networks = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} doit lister des adresses IP ou des réseaux séparés par des virgules "
                f"(reçu : « {_received(item)} »)."
            ) from None
        networks.append(item)
    return networks
