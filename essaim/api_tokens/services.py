"""Personal API tokens: create, revoke, authenticate, log a use. Keyword-only, atomic."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from essaim.api_tokens.enums import TokenScope
from essaim.api_tokens.models import ApiToken, ApiTokenUse
from essaim.organizations.permissions import membership_writes

# Secrets look like ``essaim_<43 url-safe characters>`` (256 bits): the prefix lets secret scanners
# recognise them; their entropy makes a plain SHA-256 the right stored form (no salt or slow hash needed).
SECRET_PREFIX = "essaim_"
MAX_LIFETIME_DAYS = 366
DEFAULT_LIFETIME_DAYS = 90

NAME_REQUIRED = "Donnez un nom au jeton (par exemple le logiciel qui l'utilisera)."
MEMBERSHIP_NOT_YOURS = "Choisissez une de vos organisations."
WRITE_NEEDS_WRITE_ROLE = (
    "Un lecteur ne peut créer qu'un jeton en lecture : votre rôle dans « {organization} » ne permet pas d'écrire."
)
EXPIRY_IN_PAST = "La date d'expiration doit être postérieure à aujourd'hui."
EXPIRY_TOO_FAR = "Un jeton expire au plus tard dans un an ({limit})."
ALREADY_REVOKED = "Ce jeton est déjà révoqué."


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _expiry_from_date(expires_on: dt.date) -> dt.datetime:
    """End of the chosen day, Paris time: a token « valable jusqu'au 31/12/2026 » works all that day."""
    return timezone.make_aware(dt.datetime.combine(expires_on, dt.time(23, 59, 59)))


@transaction.atomic
def api_token_create(*, user, membership, name: str, scope: str, expires_on: dt.date) -> tuple[ApiToken, str]:
    """Create a token for ``user`` acting through ``membership``; returns it with its secret (shown once)."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = NAME_REQUIRED
    if membership is None or membership.user_id != user.pk or not membership.is_active:
        errors["membership"] = MEMBERSHIP_NOT_YOURS
    elif scope == TokenScope.WRITE and not membership_writes(membership):
        errors["scope"] = WRITE_NEEDS_WRITE_ROLE.format(organization=membership.organization.name)
    if scope not in TokenScope.values:
        errors["scope"] = "Choisissez la portée du jeton."
    today = timezone.localdate()
    limit = today + dt.timedelta(days=MAX_LIFETIME_DAYS)
    if expires_on is None or expires_on <= today:
        errors["expires_on"] = EXPIRY_IN_PAST
    elif expires_on > limit:
        errors["expires_on"] = EXPIRY_TOO_FAR.format(limit=limit.strftime("%d/%m/%Y"))
    if errors:
        raise ValidationError(errors)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        membership=membership,
        name=name[:100],
        scope=scope,
        prefix=secret[: len(SECRET_PREFIX) + 6],
        secret_hash=hash_secret(secret),
        expires_at=_expiry_from_date(expires_on),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke one of one's own tokens: it stops working at once."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.user_id != by.pk:
        raise ValidationError("Ce jeton ne vous appartient pas.")
    if locked.revoked_at is not None:
        raise ValidationError(ALREADY_REVOKED)
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    token.revoked_at = locked.revoked_at
    return locked


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The usable token with this secret (user, membership and organisation loaded), or None."""
    if not secret or not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        return None
    return (
        ApiToken.objects.usable()
        .select_related("user", "membership__organization")
        .filter(secret_hash=hash_secret(secret))
        .first()
    )


def api_token_record_use(*, token: ApiToken, ip: str | None, method: str, path: str, status_code: int) -> None:
    """Log one use of a token: the request line, its answer, the address; last use and count on the token."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip, use_count=F("use_count") + 1)
    ApiTokenUse.objects.create(token=token, at=now, ip=ip, method=method[:10], path=path[:500], status_code=status_code)
