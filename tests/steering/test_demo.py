"""The demo gives the steering dashboard something to show, and loading it twice changes nothing."""

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from essaim.accounts.models import User
from essaim.demo.services import demo_load
from essaim.steering.enums import ProgressStatus
from essaim.steering.models import Objective
from essaim.steering.selectors import REGION_SCOPE, steering_overview

pytestmark = pytest.mark.django_db


def test_demo_objectives_and_dashboard(reference_territories):
    Objective.objects.all().delete()  # as after a flush: the demo seeds them again
    demo_load()
    demo_load()
    assert Objective.objects.count() == 2
    user = User.objects.get(email="region@essaim.demo")
    overview = steering_overview(user=user, scope=REGION_SCOPE, on=dt.date(2023, 12, 31))
    five = next(row for row in overview.objectives if row.objective.label.startswith("5 écoles"))
    # domain.md §5.1: O'Tech, EPICC, EP2B (2021), Étincelle (2022), Flamme, Prod'Factory (2023).
    assert five.value == 6 and five.progress.status == ProgressStatus.REACHED
    today = steering_overview(user=user, scope=REGION_SCOPE, on=timezone.localdate())
    assert len(today.projects) >= 5 and today.late_count >= 1
    assert today.money_total.requested > 0 and today.leverage.bdt_loans >= 0


def test_demo_tells_the_story_at_31_12_2023(demo_content):
    """Projects started since 2021, stages moved on real dates, money decided and paid in the past; the
    Sud-Oise dossier's schedule plans future tranches that are not counted as paid."""
    from decimal import Decimal

    from essaim.funding_applications import schedule
    from essaim.funding_applications.models import FundingApplication

    user = User.objects.get(email="region@essaim.demo")
    overview = steering_overview(user=user, scope=REGION_SCOPE, on=dt.date(2023, 12, 31))
    stages = {line.project.name: line.stage for line in overview.projects}
    assert stages["Forges d'Artois – métallerie (démo)"] == "funding_secured"
    assert stages["Bois de Somme – menuiserie (démo)"] == "financing_plan"
    assert "Atelier Sud-Oise – métallerie (démo)" not in stages  # started in 2024
    total = overview.money_total
    assert total.granted == Decimal("360000")  # Artois 150 000 + 80 000, Somme 130 000
    assert total.paid == Decimal("230000")  # Artois, paid in 2023; Somme's tranche comes in 2024
    dossier = FundingApplication.objects.get(project__name="Atelier Sud-Oise – métallerie (démo)")
    comparison = schedule.application_comparison(dossier, on=dt.date(2026, 12, 7))
    assert comparison.planned_total == Decimal("200000") and comparison.paid == Decimal("80000")
    assert comparison.planned_later == Decimal("120000")


def _as_before_issue_15():
    """Bring a loaded demo back to what a demo loaded before issue 15 held: no older projects (Forges
    d'Artois, Bois de Somme) nor their lines, no Sud-Oise dossier (its loan granted, nothing paid), the
    demo school without its opening day, the objectives without their start date."""
    from essaim.demo.funding_programmes import SUD_OISE
    from essaim.demo.orders import DEMO_SCHOOL_NAME
    from essaim.funding_applications.models import (
        ApplicationTransition,
        Disbursement,
        FundingApplication,
        PlannedTranche,
    )
    from essaim.funding_programmes.models import EnvelopeMovement, FundingLine
    from essaim.projects.models import Project
    from essaim.schools.models import ProductionSchool

    older = Project.objects.filter(
        name__in=["Forges d'Artois – métallerie (démo)", "Bois de Somme – menuiserie (démo)"]
    )
    EnvelopeMovement.objects.filter(funding_line__project__in=older).delete()
    older.delete()
    dossier = FundingApplication.objects.get(project__name=SUD_OISE)
    line = dossier.funding_line
    PlannedTranche.objects.filter(application=dossier).delete()
    Disbursement.objects.filter(application=dossier).delete()
    ApplicationTransition.objects.filter(application=dossier).delete()
    dossier.delete()
    EnvelopeMovement.objects.filter(funding_line=line, kind="disbursement").delete()
    FundingLine.objects.filter(pk=line.pk).update(paid_amount=0, last_payment_date=None, status="granted")
    ProductionSchool.objects.filter(name=DEMO_SCHOOL_NAME).update(opened_on=None)
    Objective.objects.update(start_date=None)


def _demo_counts():
    from essaim.funding_applications.models import FundingApplication, PlannedTranche
    from essaim.funding_programmes.models import EnvelopeMovement, FundingLine
    from essaim.projects.models import Project, ProjectTransition

    return {
        "projects": Project.objects.filter(is_demo=True).count(),
        "moves": ProjectTransition.objects.count(),
        "lines": FundingLine.objects.count(),
        "ledger": EnvelopeMovement.objects.count(),
        "dossiers": FundingApplication.objects.count(),
        "tranches": PlannedTranche.objects.count(),
        "objectives": Objective.objects.count(),
    }


def test_reloading_a_demo_loaded_before_issue_15_fills_its_history_without_duplicates(demo_content):
    from decimal import Decimal

    from essaim.demo.orders import DEMO_SCHOOL_NAME
    from essaim.funding_programmes.models import FundingLine
    from essaim.schools.models import ProductionSchool

    complete = _demo_counts()
    _as_before_issue_15()
    assert _demo_counts() != complete
    report = demo_load()
    assert report.created["dossiers de financement fictifs"] == 1
    assert _demo_counts() == complete
    assert not FundingLine.objects.values("project", "programme").annotate(n=Count("pk")).filter(n__gt=1).exists()
    school = ProductionSchool.objects.get(name=DEMO_SCHOOL_NAME)
    assert school.opened_on == dt.date(2026, 9, 1)
    assert school.history.latest().history_change_reason == "Reprise de la démonstration : ouverture"
    assert set(Objective.objects.values_list("start_date", flat=True)) == {dt.date(2020, 12, 16), dt.date(2021, 1, 1)}
    user = User.objects.get(email="region@essaim.demo")
    overview = steering_overview(user=user, scope=REGION_SCOPE, on=dt.date(2023, 12, 31))
    stages = {line.project.name: line.stage for line in overview.projects}
    assert stages["Forges d'Artois – métallerie (démo)"] == "funding_secured"
    assert stages["Bois de Somme – menuiserie (démo)"] == "financing_plan"
    assert (overview.money_total.granted, overview.money_total.paid) == (Decimal("360000"), Decimal("230000"))
    # Once more: nothing changes.
    demo_load()
    assert _demo_counts() == complete
