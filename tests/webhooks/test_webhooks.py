"""Webhooks: events emitted from the dossiers' and plans' services, signed, retried with backoff, logged,
the endpoint disabled after N abandoned deliveries (administrateurs notified); only what the endpoint's
membership sees."""

import datetime as dt
import hashlib
import hmac
import json
from decimal import Decimal

import pytest
from django.core import mail

from essaim.funding_applications import services as application_services
from essaim.organizations.enums import MembershipRole
from essaim.webhooks import services, transport
from essaim.webhooks.enums import DeliveryStatus, WebhookEvent
from essaim.webhooks.models import WebhookDelivery
from tests.funding_applications.factories import advance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """No network in tests: every host resolves to a public address; POSTs go to ``sent``."""
    monkeypatch.setattr(transport, "public_address_error", lambda url: "" if url.startswith("https://") else "https")


@pytest.fixture
def sent(monkeypatch):
    class Calls(list):
        answers: list

    calls = Calls()
    answers = []

    def fake_post(url, body, headers):
        calls.append({"url": url, "body": body, "headers": headers})
        return answers.pop(0) if answers else transport.Answer(status=200, body="ok")

    monkeypatch.setattr(transport, "post", fake_post)
    calls.answers = answers
    return calls


def _endpoint(fa, key="bdt", events=(WebhookEvent.APPLICATION_STATE_CHANGED, WebhookEvent.APPLICATION_DECIDED)):
    user = fa.users[key]
    membership = user.memberships.get()
    membership.role = MembershipRole.ADMIN
    membership.save()
    return services.webhook_endpoint_create(
        membership=membership, url="https://bdt.example/hook", events=list(events), by=user
    )


def _run_commits(fa):
    return fa.commits(execute=True)


def test_decision_is_delivered_signed_to_the_funder_only(fa, sent):
    endpoint, secret = _endpoint(fa)
    other, _ = _endpoint(fa, key="other_holder")
    # One transaction per action, as on the pages: each event is emitted when its action is committed.
    for state in ("submitted_to_fnep", "fnep_validated", "deposited", "in_review"):
        with fa.commits(execute=True):
            advance(fa.application, until=state, actors=fa.actors)
    with fa.commits(execute=True):
        application_services.funding_application_transition(
            application=fa.application, by=fa.users["bdt"], name="grant", decided_amount=Decimal("100000")
        )
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("pk")
    events = [(d.event, d.payload["data"]["to_state"]) for d in deliveries]
    # The BdT sees the dossier from the deposit on: deposit, review, grant (+ the decision event).
    assert events == [
        (WebhookEvent.APPLICATION_STATE_CHANGED, "deposited"),
        (WebhookEvent.APPLICATION_STATE_CHANGED, "in_review"),
        (WebhookEvent.APPLICATION_STATE_CHANGED, "granted"),
        (WebhookEvent.APPLICATION_DECIDED, "granted"),
    ]
    # Another holder's endpoint never hears of this dossier.
    assert not WebhookDelivery.objects.filter(endpoint=other).exists()
    # Delivered by the task queue once each action was committed (immediate backend in tests).
    assert len(sent) == 4
    assert services.webhook_deliveries_run_due() == 0
    call = sent[-1]
    expected = hmac.new(
        secret.encode(), call["headers"]["X-Essaim-Timestamp"].encode() + b"." + call["body"], hashlib.sha256
    ).hexdigest()
    assert call["headers"]["X-Essaim-Signature"] == f"sha256={expected}"
    assert json.loads(call["body"])["data"]["decided_amount"] == "100000.00"
    assert all(d.status == DeliveryStatus.SUCCEEDED for d in WebhookDelivery.objects.filter(endpoint=endpoint))


def test_refused_action_sends_nothing(fa, sent):
    endpoint, _ = _endpoint(fa)
    with fa.commits(execute=True), pytest.raises(application_services.ApplicationPermissionError):
        application_services.funding_application_transition(
            application=fa.application, by=fa.users["fnep"], name="deposit"
        )
    assert not WebhookDelivery.objects.exists()


def test_retries_with_backoff_then_disables_and_notifies(fa, sent, settings):
    settings.WEBHOOK_MAX_CONSECUTIVE_FAILURES = 1
    endpoint, _ = _endpoint(fa, events=[WebhookEvent.PLAN_VERSION_SUBMITTED], key="fnep")
    from tests.funding_applications.factories import frozen_version

    sent.answers.extend([transport.Answer(status=500, body="panne")] * 10)
    with fa.commits(execute=True):
        frozen_version(fa.project, user=fa.users["holder"], name="Variante")  # first attempt: on the queue
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.attempts == 1 and delivery.response_status == 500
    delays = [delivery.next_attempt_at - delivery.last_attempt_at]
    now = delivery.next_attempt_at
    for _ in range(services.MAX_ATTEMPTS - 1):
        delivery.refresh_from_db()
        with fa.commits(execute=True):
            services.webhook_delivery_attempt(delivery_id=delivery.pk, now=now)
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            delays.append(delivery.next_attempt_at - now)
            now = delivery.next_attempt_at
    assert delays == list(services.BACKOFF)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.response_status == 500 and delivery.response_body == "panne"
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "Désactivé automatiquement" in endpoint.disabled_reason
    assert [m.subject for m in mail.outbox if "Webhook" in m.subject] == ["[Essaim] Webhook désactivé"]


def test_payment_event(fa, sent):
    endpoint, _ = _endpoint(fa, events=[WebhookEvent.PAYMENT_RECORDED], key="holder")
    with fa.commits(execute=True):
        advance(fa.application, until="convention_signed", actors=fa.actors)
        application_services.funding_application_disbursement_record(
            application=fa.application, amount=Decimal("30000"), paid_date=dt.date(2026, 11, 5), by=fa.users["bdt"]
        )
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.payload["data"]["amount"] == "30000.00"
    assert delivery.payload["data"]["paid_date"] == "2026-11-05"


def test_only_https_public_addresses(fa, monkeypatch):
    monkeypatch.undo()
    user = fa.users["bdt"]
    membership = user.memberships.get()
    membership.role = MembershipRole.ADMIN
    membership.save()
    from django.core.exceptions import ValidationError

    for url, message in [
        ("http://exemple.fr/hook", "https://"),
        ("https://127.0.0.1/hook", "réseau privé ou local"),
        ("https://10.1.2.3/hook", "réseau privé ou local"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.webhook_endpoint_create(membership=membership, url=url, events=["payment.recorded"], by=user)
        assert message in str(error.value)


def test_only_administrateurs_register(fa):
    from django.core.exceptions import ValidationError

    user = fa.users["bdt"]
    with pytest.raises(ValidationError):
        services.webhook_endpoint_create(
            membership=user.memberships.get(), url="https://x.example/h", events=["payment.recorded"], by=user
        )
