"""The dossier page's dates d'effet, payment schedule and planned vs paid figures (issue #15)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.models import ApplicationTransition, PlannedTranche
from tests.funding_applications.factories import advance

pytestmark = pytest.mark.django_db


def test_a_back_dated_decision_and_a_refused_future_one_through_the_form(fa, client):
    advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)
    client.force_login(fa.users["bdt"])
    url = reverse("funding_applications:transition", kwargs={"pk": fa.application.pk, "action": "grant"})
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    response = client.post(url, {"decided_amount": "120 000", "effective_date": tomorrow.isoformat()}, follow=True)
    assert f"({tomorrow:%d/%m/%Y}) est dans le futur" in response.content.decode()
    fa.application.refresh_from_db()
    assert fa.application.state == S.IN_REVIEW
    client.post(url, {"decided_amount": "120 000", "effective_date": "2026-10-15"})
    fa.application.refresh_from_db()
    assert fa.application.state == S.GRANTED and fa.application.decision_date == dt.date(2026, 10, 15)
    log = ApplicationTransition.objects.get(application=fa.application, name="grant")
    assert log.effective_date == dt.date(2026, 10, 15) and log.by == fa.users["bdt"]
    html = client.get(reverse("funding_applications:detail", kwargs={"pk": fa.application.pk})).content.decode()
    assert "Décision du</dt><dd>15/10/2026" in html


def test_the_funder_types_the_schedule_and_the_page_compares_it_with_payments(fa, client):
    advance(fa.application, until=S.CONVENTION_SIGNED, actors=fa.actors)
    client.force_login(fa.users["bdt"])
    url = reverse("funding_applications:schedule_update", kwargs={"pk": fa.application.pk})
    response = client.post(url, {"tranches": "15/11/2026 ; 40 000 ; 1re tranche\n32/01/2027 ; 80 000"}, follow=True)
    assert "Ligne 2 : date prévue illisible (« 32/01/2027 »)" in response.content.decode()
    assert not PlannedTranche.objects.exists()
    client.post(url, {"tranches": "15/11/2026 ; 40 000 ; 1re tranche\n15/06/2027 ; 80 000 ; Solde"})
    assert list(PlannedTranche.objects.values_list("amount", flat=True)) == [Decimal("40000"), Decimal("80000")]
    pay = reverse("funding_applications:disbursement_create", kwargs={"pk": fa.application.pk})
    client.post(pay, {"amount": "30 000", "paid_date": "2026-11-16", "label": "1re tranche"})
    html = client.get(reverse("funding_applications:detail", kwargs={"pk": fa.application.pk})).content.decode()
    assert "Échéancier prévisionnel" in html and "Solde" in html
    assert "Retard sur l&#x27;échéancier" in html or "Retard sur l'échéancier" in html
    fa.application.refresh_from_db()
    assert fa.application.disbursed_amount == Decimal("30000")  # the schedule is never « versé »
    client.force_login(fa.users["holder"])
    assert client.post(url, {"tranches": ""}).status_code == 403
    assert PlannedTranche.objects.count() == 2
