"""Webhooks: register, enable, delete; emit an event; deliver with retries and backoff.

Delivery is a plain function, ``webhook_delivery_attempt(delivery_id=…)``, run by the platform's task
queue (``tasks.deliver_webhook``, django-tasks): the first attempt once the event is committed, each
retry deferred to its time (``run_after``). ``essaim webhooks deliver`` runs whatever is due by hand
(or from cron) — e.g. with a queue backend that cannot defer. Backoff: 1 min, 5 min,
30 min, 2 h, 12 h, then the delivery is abandoned. After ``WEBHOOK_MAX_CONSECUTIVE_FAILURES`` failed
deliveries in a row the endpoint is disabled and the organisation's administrateurs get an e-mail.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from essaim.organizations.enums import MembershipRole
from essaim.organizations.models import Membership
from essaim.organizations.permissions import set_current_membership
from essaim.webhooks import transport
from essaim.webhooks.enums import DeliveryStatus, WebhookEvent
from essaim.webhooks.models import WebhookDelivery, WebhookEndpoint

BACKOFF = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
NOT_ADMIN = "Seuls les administrateurs de l'organisation gèrent ses webhooks."
NO_EVENT = "Choisissez au moins un événement."


def max_consecutive_failures() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_CONSECUTIVE_FAILURES", 5))


def _require_admin(membership, by) -> None:
    if membership is None or membership.user_id != by.pk or membership.role != MembershipRole.ADMIN:
        raise ValidationError(NOT_ADMIN)


@transaction.atomic
def webhook_endpoint_create(*, membership, url: str, events: list[str], by) -> tuple[WebhookEndpoint, str]:
    """Register an HTTPS endpoint for the membership's organisation; returns it with its secret (shown once)."""
    _require_admin(membership, by)
    url = (url or "").strip()
    errors = {}
    problem = transport.public_address_error(url) if url else "Indiquez l'adresse."
    if problem:
        errors["url"] = problem
    events = [event for event in events if event in WebhookEvent.values]
    if not events:
        errors["events"] = NO_EVENT
    if errors:
        raise ValidationError(errors)
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(
        organization=membership.organization, membership=membership, url=url, events=events, secret=secret
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_enable(*, endpoint, membership, by) -> WebhookEndpoint:
    """Switch a disabled endpoint back on (its failure count starts again from zero)."""
    _require_admin(membership, by)
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk, organization=membership.organization)
    locked.is_active = True
    locked.consecutive_failures = 0
    locked.disabled_at = None
    locked.disabled_reason = ""
    locked.save()
    return locked


@transaction.atomic
def webhook_endpoint_delete(*, endpoint, membership, by) -> None:
    _require_admin(membership, by)
    WebhookEndpoint.objects.filter(pk=endpoint.pk, organization=membership.organization).delete()


# --- Emitting ---------------------------------------------------------------------------------------


def _sees(endpoint, visible) -> bool:
    """Whether the endpoint's membership sees the object (``visible(user)`` → queryset filtered on it)."""
    user = endpoint.membership.user
    set_current_membership(user, endpoint.membership)
    user._memberships = [endpoint.membership]
    return visible(user).exists()


def _enqueue(delivery_id: int, *, run_after=None) -> None:
    """Hand an attempt to the task queue (after the commit). A retry needs a backend that defers; without
    one (the tests' immediate backend) it waits for ``essaim webhooks deliver``."""
    from django_tasks import default_task_backend

    from essaim.webhooks.tasks import deliver_webhook

    if run_after is None:
        transaction.on_commit(lambda: deliver_webhook.enqueue(delivery_id))
    elif default_task_backend.supports_defer:
        transaction.on_commit(lambda: deliver_webhook.using(run_after=run_after).enqueue(delivery_id))


def webhook_event_emit(*, event: str, payload: dict, visible) -> list[WebhookDelivery]:
    """Log a delivery of ``event`` for every active endpoint subscribed to it whose membership sees the object.

    ``visible(user)``: a queryset of the object for that user (the same ``visible_to`` as the API).
    Called after the change is committed; the deliveries are then handed to the runner.
    """
    deliveries = []
    now = timezone.now()
    endpoints = WebhookEndpoint.objects.active().select_related("membership__user", "membership__organization")
    for endpoint in endpoints:
        if event not in endpoint.events or not _sees(endpoint, visible):
            continue
        delivery = WebhookDelivery(endpoint=endpoint, event=event, payload={}, next_attempt_at=now)
        delivery.payload = {
            "id": str(delivery.event_id),
            "event": event,
            "occurred_at": now.isoformat(),
            "data": payload,
        }
        delivery.save()
        deliveries.append(delivery)
    for delivery in deliveries:
        _enqueue(delivery.pk)
    return deliveries


# --- Delivering -------------------------------------------------------------------------------------


def _body(delivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def webhook_delivery_attempt(*, delivery_id: int, now=None) -> WebhookDelivery | None:
    """One attempt of one delivery (no transaction held during the HTTP call). Idempotent when not due."""
    now = now or timezone.now()
    delivery = (
        WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id, status=DeliveryStatus.PENDING).first()
    )
    if delivery is None or not delivery.endpoint.is_active:
        return delivery
    body = _body(delivery)
    timestamp = str(int(now.timestamp()))
    answer = transport.post(
        delivery.endpoint.url,
        body,
        {
            "Content-Type": "application/json",
            "User-Agent": "Essaim-Webhooks/1",
            "X-Essaim-Event": delivery.event,
            "X-Essaim-Delivery": str(delivery.event_id),
            "X-Essaim-Timestamp": timestamp,
            "X-Essaim-Signature": transport.signature(delivery.endpoint.secret, timestamp, body),
        },
    )
    return _record(delivery, answer, now=now)


@transaction.atomic
def _record(delivery, answer, *, now) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = answer.status
    delivery.response_body = answer.body[: transport.MAX_BODY_KEPT]
    delivery.error = answer.error[:500]
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    if answer.ok:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.next_attempt_at = None
        if endpoint.consecutive_failures:
            endpoint.consecutive_failures = 0
            endpoint.save(update_fields=["consecutive_failures", "updated_at"])
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=F("consecutive_failures") + 1)
        endpoint.refresh_from_db()
        if endpoint.is_active and endpoint.consecutive_failures >= max_consecutive_failures():
            _disable(endpoint, now=now)
    else:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
        _enqueue(delivery.pk, run_after=delivery.next_attempt_at)
    delivery.save()
    return delivery


def _disable(endpoint, *, now) -> None:
    endpoint.is_active = False
    endpoint.disabled_at = now
    endpoint.disabled_reason = (
        f"Désactivé automatiquement après {endpoint.consecutive_failures} envois abandonnés de suite."
    )
    endpoint.save()
    admins = list(
        Membership.objects.active()
        .filter(organization_id=endpoint.organization_id, role=MembershipRole.ADMIN)
        .values_list("user__email", flat=True)
    )
    body = (
        f"Bonjour,\n\nLe webhook de « {endpoint.organization.name} » vers {endpoint.url} ne répondait plus : "
        f"{endpoint.disabled_reason}\nAucun événement ne lui est plus envoyé. Après correction, réactivez-le "
        "depuis la page « Webhooks » de votre organisation sur Essaim ; le journal des envois y donne les "
        "réponses reçues.\n\n— Essaim"
    )
    messages = [EmailMessage("[Essaim] Webhook désactivé", body, None, [email]) for email in sorted(admins)]
    transaction.on_commit(lambda: get_connection().send_messages(messages) if messages else None)


def webhook_deliveries_run_due(*, now=None, limit: int = 200) -> int:
    """Attempt the deliveries that are due (oldest first); the number attempted."""
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for delivery_id in due:
        webhook_delivery_attempt(delivery_id=delivery_id, now=now)
    return len(due)
