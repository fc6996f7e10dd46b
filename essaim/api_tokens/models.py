"""Personal API tokens.

A token belongs to one user and is bound to one of their memberships: requests made with it act
for that organisation, with that role, exactly as the pages do once the organisation is chosen in
the header. Its scope (lecture / lecture et écriture) can only narrow what the membership allows.
Only the SHA-256 of the secret is stored: the secret is shown once, when the token is created.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from essaim.api_tokens.enums import TokenScope


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A person sees their own tokens only (platform administrators included)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def usable(self, *, now=None):
        """Tokens that authenticate now: not revoked, not expired, on an active membership of an active user."""
        now = now or timezone.now()
        return self.filter(
            revoked_at__isnull=True,
            expires_at__gt=now,
            membership__is_active=True,
            user__is_active=True,
        )


class ApiToken(models.Model):
    """A personal API token: named, scoped, bound to one membership, expiring, revocable."""

    uid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="utilisateur"
    )
    membership = models.ForeignKey(
        "organizations.Membership",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="agit pour (adhésion)",
    )
    name = models.CharField("nom", max_length=100)
    scope = models.CharField("portée", max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    # The first characters of the secret, shown in the list so that people recognise their tokens.
    prefix = models.CharField("début du jeton", max_length=16)
    secret_hash = models.CharField("empreinte SHA-256 du jeton", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    last_used_ip = models.GenericIPAddressField("adresse IP de la dernière utilisation", null=True, blank=True)
    use_count = models.PositiveBigIntegerField("nombre d'utilisations", default=0)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'accès à l'API"
        verbose_name_plural = "jetons d'accès à l'API"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="api_token_expires_after_creation",
                condition=Q(expires_at__gt=models.F("created_at")),
                violation_error_message="La date d'expiration suit la date de création.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE

    def status(self, *, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "révoqué"
        if self.expires_at <= now:
            return "expiré"
        if not self.membership.is_active or not self.user.is_active:
            return "suspendu"
        return "actif"


class ApiTokenUse(models.Model):
    """One request made with a token: when, from which address, what, and the answer's status."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses", verbose_name="jeton")
    at = models.DateTimeField("le", default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    method = models.CharField("méthode", max_length=10)
    path = models.CharField("adresse", max_length=500)
    status_code = models.PositiveSmallIntegerField("statut de la réponse", null=True, blank=True)

    class Meta:
        verbose_name = "utilisation d'un jeton"
        verbose_name_plural = "utilisations des jetons"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["token", "-at"], name="api_token_use_recent")]

    def __str__(self):
        return f"{self.method} {self.path}"
