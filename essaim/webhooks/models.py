"""Webhooks: an organisation's HTTPS endpoints, and the log of every delivery with its answer.

An endpoint is registered by an administrateur of the organisation and acts through their membership:
it receives an event only about an object that membership sees through the API (same ``visible_to``).
The signing secret is stored (it is needed to sign) but shown once, at creation.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from essaim.common.models import BaseModel
from essaim.webhooks.enums import DeliveryStatus, WebhookEvent


class WebhookEndpointQuerySet(models.QuerySet):
    def of_organization(self, organization):
        return self.filter(organization=organization) if organization is not None else self.none()

    def active(self):
        return self.filter(is_active=True, membership__is_active=True, membership__user__is_active=True)


class WebhookEndpoint(BaseModel):
    uid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    membership = models.ForeignKey(
        "organizations.Membership",
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name="agit pour (adhésion de l'administrateur qui l'a créé)",
    )
    url = models.URLField("adresse HTTPS", max_length=500)
    events = models.JSONField("événements", default=list)
    secret = models.CharField("secret de signature", max_length=100)
    is_active = models.BooleanField("actif", default=True)
    consecutive_failures = models.PositiveIntegerField("échecs consécutifs", default=0)
    disabled_at = models.DateTimeField("désactivé le", null=True, blank=True)
    disabled_reason = models.CharField("motif de la désactivation", max_length=300, blank=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        verbose_name = "webhook"
        verbose_name_plural = "webhooks"
        ordering = ["organization", "created_at", "pk"]

    def __str__(self):
        return self.url

    def event_labels(self) -> list[str]:
        return [WebhookEvent(event).label for event in self.events if event in WebhookEvent.values]


class WebhookDelivery(models.Model):
    """One event for one endpoint, and its delivery attempts (the last answer is kept)."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField("identifiant de l'événement", default=uuid.uuid4, editable=False)
    event = models.CharField("événement", max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField("contenu")
    status = models.CharField("statut", max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    next_attempt_at = models.DateTimeField("prochain essai", null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField("dernier essai", null=True, blank=True)
    response_status = models.PositiveSmallIntegerField("statut HTTP de la réponse", null=True, blank=True)
    response_body = models.TextField("début de la réponse", blank=True)
    error = models.CharField("erreur", max_length=500, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "envoi de webhook"
        verbose_name_plural = "envois de webhooks"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"


__all__ = ["WebhookEndpoint", "WebhookDelivery", "settings"]
