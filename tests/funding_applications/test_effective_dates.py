"""Effective dates (dates d'effet) of a dossier's events, their coherence, and the payment schedule
(issue #15, items 1 and 2): each refusal names the wrong date and writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from essaim.funding_applications import schedule, services
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.models import ApplicationTransition, Disbursement, PlannedTranche
from essaim.funding_programmes.enums import MovementKind, ProgrammeKind
from essaim.funding_programmes.models import EnvelopeMovement
from tests.funding_applications.factories import advance
from tests.funding_programmes.factories import BudgetEnvelopeFactory, FundingProgrammeFactory

D = Decimal
TODAY = timezone.localdate


def _until_review(fa):
    return advance(fa.application, until=S.IN_REVIEW, actors=fa.actors)


def _grant(fa, day):
    return services.funding_application_grant(
        application=fa.application, by=fa.users["bdt"], decided_amount=D("120000"), effective_date=day
    )


def test_a_back_dated_history_keeps_who_entered_what_and_when(fa):
    """Past events entered now: the log keeps the day each happened, who entered it and when."""
    advance(fa.application, until=S.CONVENTION_SIGNED, actors=fa.actors)
    log = {line.name: line for line in ApplicationTransition.objects.filter(application=fa.application)}
    assert log["deposit"].effective_date == dt.date(2026, 9, 15)
    assert log["deposit"].by == fa.users["fnep"]
    assert log["grant"].effective_date == dt.date(2026, 10, 15)
    assert log["sign_convention"].effective_date == dt.date(2026, 11, 1)
    assert all(timezone.localtime(line.at).date() == TODAY() for line in log.values())
    fa.application.refresh_from_db()
    assert fa.application.deposit_date == dt.date(2026, 9, 15)
    assert fa.application.decision_date == dt.date(2026, 10, 15)
    # The funding line and the envelope follow the decision's date, not the day it was typed.
    assert fa.application.funding_line.requested_date == dt.date(2026, 9, 15)
    assert fa.application.funding_line.decision_date == dt.date(2026, 10, 15)


def test_no_decision_before_the_deposit(fa):
    _until_review(fa)
    with pytest.raises(services.ApplicationError) as refusal:
        _grant(fa, dt.date(2026, 9, 14))
    assert "Date d'effet de la décision : le 14/09/2026 précède le dépôt du dossier (15/09/2026)" in str(refusal.value)
    assert refusal.value.field == "effective_date"
    fa.application.refresh_from_db()
    assert fa.application.state == S.IN_REVIEW and fa.application.decided_amount is None


def test_no_decision_in_the_future(fa):
    _until_review(fa)
    tomorrow = TODAY() + dt.timedelta(days=1)
    with pytest.raises(services.ApplicationError) as refusal:
        _grant(fa, tomorrow)
    assert f"({tomorrow:%d/%m/%Y}) est dans le futur" in str(refusal.value)
    assert refusal.value.field == "effective_date"


def test_convention_neither_in_the_future_nor_before_the_decision(fa):
    advance(fa.application, until=S.GRANTED, actors=fa.actors)
    bdt = fa.users["bdt"]
    future = TODAY() + dt.timedelta(days=40)
    with pytest.raises(services.ApplicationError) as refusal:
        services.funding_application_sign_convention(application=fa.application, by=bdt, convention_signed_date=future)
    assert f"Date de signature de la convention : le {future:%d/%m/%Y} est dans le futur" in str(refusal.value)
    assert refusal.value.field == "convention_signed_date"
    with pytest.raises(services.ApplicationError) as refusal:
        services.funding_application_sign_convention(
            application=fa.application, by=bdt, convention_signed_date=dt.date(2026, 10, 14)
        )
    assert "le 14/10/2026 précède la décision (15/10/2026)" in str(refusal.value)
    fa.application.refresh_from_db()
    assert fa.application.state == S.GRANTED and fa.application.convention_signed_date is None


def test_payments_neither_in_the_future_nor_before_the_convention(fa):
    advance(fa.application, until=S.CONVENTION_SIGNED, actors=fa.actors)
    bdt = fa.users["bdt"]
    future = TODAY() + dt.timedelta(days=1)
    with pytest.raises(services.ApplicationError) as refusal:
        services.funding_application_disbursement_record(
            application=fa.application, amount=D("1000"), paid_date=future, by=bdt
        )
    assert f"Date du versement : le {future:%d/%m/%Y} est dans le futur" in str(refusal.value)
    assert refusal.value.field == "paid_date"
    with pytest.raises(services.ApplicationError) as refusal:
        services.funding_application_disbursement_record(
            application=fa.application, amount=D("1000"), paid_date=dt.date(2026, 10, 31), by=bdt
        )
    assert "le 31/10/2026 précède la signature de la convention (01/11/2026)" in str(refusal.value)
    assert not Disbursement.objects.exists()
    assert not EnvelopeMovement.objects.filter(kind=MovementKind.DISBURSEMENT).exists()


def test_an_envelope_commits_only_decisions_dated_in_its_period(fa):
    programme = FundingProgrammeFactory(funder=fa.orgs["bdt"], kind=ProgrammeKind.SUBORDINATED_LOAN)
    closed = BudgetEnvelopeFactory(
        programme=programme,
        label="Enveloppe nationale BdT–FNEP 2018-2023",
        allocated_amount=D("1000000"),
        start_date=dt.date(2018, 1, 1),
        end_date=dt.date(2023, 12, 31),
    )
    fa.application.programme, fa.application.envelope = programme, closed
    fa.application.save()
    _until_review(fa)
    with pytest.raises(services.ApplicationError) as refusal:
        _grant(fa, dt.date(2026, 10, 15))
    message = str(refusal.value)
    assert "Date de la décision : le 15/10/2026 est hors de la période de l'enveloppe" in message
    assert "(du 01/01/2018 au 31/12/2023)" in message
    assert not EnvelopeMovement.objects.exists()
    fa.application.refresh_from_db()
    assert fa.application.state == S.IN_REVIEW


def test_the_schedule_is_a_plan_never_money_paid(fa):
    advance(fa.application, until=S.CONVENTION_SIGNED, actors=fa.actors)
    bdt = fa.users["bdt"]
    T = services.TrancheInput
    services.funding_application_schedule_set(
        application=fa.application,
        tranches=[T(dt.date(2026, 11, 10), D("40000"), "1re tranche"), T(dt.date(2027, 6, 1), D("80000"), "Solde")],
        by=bdt,
    )
    services.funding_application_disbursement_record(
        application=fa.application, amount=D("30000"), paid_date=dt.date(2026, 11, 12), by=bdt
    )
    fa.application.refresh_from_db()
    assert fa.application.disbursed_amount == D("30000")
    comparison = schedule.application_comparison(fa.application, on=dt.date(2026, 12, 1))
    assert comparison.planned_total == D("120000")
    assert comparison.planned_due == D("40000")
    assert comparison.paid == D("30000")
    assert comparison.behind == D("10000")
    assert comparison.planned_later == D("80000")


def test_the_schedule_is_refused_beyond_the_decided_amount_or_before_the_decision(fa):
    advance(fa.application, until=S.GRANTED, actors=fa.actors)
    bdt = fa.users["bdt"]
    T = services.TrancheInput
    with pytest.raises(services.ApplicationError, match=r"prévoit 120.000,01.€ au total, au-delà du montant accordé"):
        services.funding_application_schedule_set(
            application=fa.application,
            tranches=[T(dt.date(2026, 11, 1), D("60000")), T(dt.date(2027, 1, 1), D("60000.01"))],
            by=bdt,
        )
    with pytest.raises(services.ApplicationError, match=r"Tranche 2 : la date prévue \(01/10/2026\) précède"):
        services.funding_application_schedule_set(
            application=fa.application,
            tranches=[T(dt.date(2026, 11, 1), D("1000")), T(dt.date(2026, 10, 1), D("1000"))],
            by=bdt,
        )
    assert not PlannedTranche.objects.exists()
    for user in ("holder", "fnep", "bdt_reader"):
        with pytest.raises(services.ApplicationPermissionError):
            services.funding_application_schedule_set(
                application=fa.application, tranches=[T(dt.date(2027, 1, 1), D("1"))], by=fa.users[user]
            )


def test_programme_conditions_refuse_the_grant_unless_the_funder_writes_why(fa):
    """« Étapes du projet : Labellisée, Plan de financement » while the project is at « Idée »: refused,
    with the condition named; the funder may pass over it with a written reason, kept in the log."""
    programme = FundingProgrammeFactory(
        funder=fa.orgs["bdt"], kind=ProgrammeKind.SUBORDINATED_LOAN, project_stages=["accredited", "financing_plan"]
    )
    _until_review(fa)
    fa.application.programme = programme
    fa.application.save()
    with pytest.raises(services.ApplicationError) as refusal:
        _grant(fa, dt.date(2026, 10, 15))
    message = str(refusal.value)
    assert f"Conditions du dispositif « {programme.name} » non remplies" in message
    assert "Étape du projet : Le projet est à l'étape « Idée »" in message
    assert "passer outre en indiquant par écrit la raison" in message
    services.funding_application_grant(
        application=fa.application,
        by=fa.users["bdt"],
        decided_amount=D("120000"),
        effective_date=dt.date(2026, 10, 15),
        override_reason="Labellisation votée en commission le 10/10/2026, en cours d'enregistrement.",
    )
    log = ApplicationTransition.objects.get(application=fa.application, name="grant")
    assert "Condition non remplie : Conditions du dispositif" in log.override_reason
    assert "Labellisation votée en commission" in log.override_reason
    assert log.by == fa.users["bdt"]
