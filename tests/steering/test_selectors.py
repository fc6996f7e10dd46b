"""The steering figures, checked against the database (and the rule that a collectivité sees its territory)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Q, Sum

from essaim.funding_programmes.models import FundingLine
from essaim.projects.enums import ProjectStage as S
from essaim.schools.models import ProductionSchool
from essaim.steering.enums import ProgressStatus
from essaim.steering.models import Objective
from essaim.steering.selectors import REGION_SCOPE, department_scope, fixed_scope_for, steering_overview
from tests.steering.factories import ObjectiveFactory, at

pytestmark = pytest.mark.django_db
ON = dt.date(2025, 6, 30)


def test_seeded_objectives_are_there():
    five = Objective.objects.get(label__startswith="5 écoles de production")
    assert five.target_value == 5 and five.due_date == dt.date(2023, 12, 31)
    assert five.baseline_date == dt.date(2020, 12, 16) and "picardiegazette" in five.source_url
    assert Objective.objects.filter(scope="national", target_value=100).exists()


def test_funnel_timeline_and_late_projects(programme):
    overview = steering_overview(user=programme["users"]["region_admin"], scope=REGION_SCOPE, on=ON)
    funnel = {stage: count for stage, _, count in overview.funnel}
    assert funnel[S.FINANCING_PLAN] == 1 and funnel[S.OPPORTUNITY_STUDY] == 1 and funnel[S.ABANDONED] == 1
    assert sum(funnel.values()) == 3
    lines = {line.project.name: line for line in overview.projects}
    assert [s.stage for s in lines["Projet Dunkerque"].segments] == [
        S.IDEA,
        S.OPPORTUNITY_STUDY,
        S.ACCREDITATION_PENDING,
        S.ACCREDITED,
        S.FINANCING_PLAN,
    ]
    assert lines["Projet Abbeville"].is_late and not lines["Projet Dunkerque"].is_late
    # Earlier, the Dunkerque project was still at the accreditation and not yet in the financing plan.
    earlier = steering_overview(user=programme["users"]["region_admin"], scope=REGION_SCOPE, on=dt.date(2024, 8, 1))
    assert {line.project.name: line.stage for line in earlier.projects}["Projet Dunkerque"] == S.ACCREDITATION_PENDING
    assert "Projet Dunkerque" not in {
        line.project.name
        for line in steering_overview(
            user=programme["users"]["region_admin"], scope=REGION_SCOPE, on=dt.date(2023, 12, 1)
        ).projects
    }


def test_money_by_funder_matches_database(programme):
    overview = steering_overview(user=programme["users"]["bdt"], scope=REGION_SCOPE, on=ON)
    lines = FundingLine.objects.all()
    assert (
        overview.money_total.requested == lines.filter(requested_date__lte=ON).aggregate(s=Sum("requested_amount"))["s"]
    )
    granted = lines.filter(Q(status__in=["granted", "paid"]), decision_date__lte=ON).aggregate(s=Sum("granted_amount"))[
        "s"
    ]
    assert overview.money_total.granted == granted == Decimal("290000")
    assert overview.money_total.paid == Decimal("90000")
    # Leverage: 290 000 obtained for 200 000 of BdT loan → 1,45.
    assert overview.leverage.bdt_loans == Decimal("200000") and overview.leverage.ratio == Decimal("1.45")
    # Before the BdT decision, nothing is granted by it.
    before = steering_overview(user=programme["users"]["bdt"], scope=REGION_SCOPE, on=dt.date(2025, 1, 31))
    assert before.money_total.granted == 0 and before.leverage.ratio is None


def test_paid_amount_as_of_a_past_date_comes_from_history(programme):
    """A payment recorded today does not appear on an earlier date when the line was already recorded then."""
    FundingLine.history.update(history_date=at(2025, 1, 2))  # the lines were recorded in January 2025
    line = programme["lines"]["loan"]
    line.paid_amount = Decimal("50000")
    line.save()
    today = steering_overview(user=programme["users"]["bdt"], scope=REGION_SCOPE, on=dt.date.today())
    assert today.money_total.paid == Decimal("140000")
    past = steering_overview(user=programme["users"]["bdt"], scope=REGION_SCOPE, on=ON)
    assert past.money_total.paid == Decimal("90000")  # the Région line as recorded; the loan was not paid yet


def test_lines_entered_afterwards_count_their_payment_from_the_decision(programme):
    """Lines recorded after the date (backfilled) count what is paid once their decision is taken."""
    assert steering_overview(user=programme["users"]["bdt"], scope=REGION_SCOPE, on=ON).money_total.paid == Decimal(
        "90000"
    )
    early = steering_overview(user=programme["users"]["bdt"], scope=REGION_SCOPE, on=dt.date(2025, 2, 15))
    assert early.money_total.paid == 0


def test_objectives_progress_from_schools_and_projects(programme):
    scope = REGION_SCOPE
    ObjectiveFactory(
        label="Deux écoles depuis 2020",
        target_value=2,
        baseline_date=dt.date(2020, 1, 1),
        due_date=dt.date(2026, 12, 31),
    )
    ObjectiveFactory(label="Places", metric="youth_places", target_value=30)
    ObjectiveFactory(label="Projets labellisés", metric="projects_at_stage", stage=S.ACCREDITED, target_value=2)
    ObjectiveFactory(
        label="Prêts BdT",
        metric="amount_mobilised",
        amount_kind="granted",
        funder=programme["orgs"]["bdt"],
        target_value=400000,
    )
    ObjectiveFactory(label="Somme", scope="department", department=programme["departments"]["somme"], target_value=1)
    overview = steering_overview(user=programme["users"]["region_admin"], scope=scope, on=ON)
    rows = {row.objective.label: row for row in overview.objectives}
    # Open on 30/06/2025: 2019, 2022 and the school of unknown date (the closed one never counts).
    assert rows["Deux écoles depuis 2020"].value == 1  # 3 open now − 2 (2019 and unknown) open on 01/01/2020
    assert rows["Places"].value == 14
    assert rows["Projets labellisés"].value == 1  # Dunkerque (financing plan); the abandoned one is not counted
    assert rows["Prêts BdT"].value == Decimal("200000")
    assert rows["Prêts BdT"].progress.status in (ProgressStatus.ON_TRACK, ProgressStatus.BEHIND)
    assert rows["Somme"].value == 1 and rows["Somme"].progress.status == ProgressStatus.REACHED
    five = rows["5 écoles de production ouvertes en Hauts-de-France au 31/12/2023"]
    assert five.value == 1 and five.progress.status == ProgressStatus.MISSED
    # A département's objectives are shown for that département, not for another one.
    nord = steering_overview(
        user=programme["users"]["region_admin"], scope=department_scope(programme["departments"]["nord"]), on=ON
    )
    assert "Somme" not in {row.objective.label for row in nord.objectives}


def test_collectivite_sees_only_its_territory(programme):
    user = programme["users"]["nord"]
    scope = fixed_scope_for(user)
    assert scope.kind == "department" and scope.department_code == "59"
    overview = steering_overview(user=user, scope=scope, on=ON)
    assert {line.project.name for line in overview.projects} == {"Projet Dunkerque", "Projet abandonné"}
    assert {school.school.name for school in overview.schools} == {"École 2022", "École sans date"}
    # Even with the région's scope, the Abbeville project (not visible) is never counted.
    wide = steering_overview(user=user, scope=REGION_SCOPE, on=ON)
    assert "Projet Abbeville" not in {line.project.name for line in wide.projects}
    assert wide.partial_view and wide.money_total.requested == Decimal("360000")  # the refused Somme line is hidden


def test_places_by_trade_and_department(programme):
    overview = steering_overview(user=programme["users"]["region_admin"], scope=REGION_SCOPE, on=ON)
    places = {(row.trade, row.department): (row.planned, row.open) for row in overview.places}
    assert places[("Usinage", "59")] == (12, 14)  # Dunkerque's 12 planned; the 2022 school's workshop
    assert places[("Usinage", "80")] == (12, 0)


def test_an_objective_past_its_due_date_is_judged_on_that_date(programme):
    """« 5 écoles … au 31/12/2023 »: a school opened in 2024 counts today, not for that objective."""
    ProductionSchool.objects.create(
        name="École 2024", commune=programme["projects"]["p1"].commune, opening_year=2024, sources="x"
    )
    overview = steering_overview(user=programme["users"]["region_admin"], scope=REGION_SCOPE, on=ON)
    five = {row.objective.label: row for row in overview.objectives}[
        "5 écoles de production ouvertes en Hauts-de-France au 31/12/2023"
    ]
    assert five.value == 1 and five.progress.status == ProgressStatus.MISSED
    assert "Réalisé compté à l'échéance (31/12/2023) ; au 30/06/2025 : 2." in five.notes
    # Before the due date, the value is the day's.
    early = steering_overview(user=programme["users"]["region_admin"], scope=REGION_SCOPE, on=dt.date(2023, 6, 30))
    five = {row.objective.label: row for row in early.objectives}[
        "5 écoles de production ouvertes en Hauts-de-France au 31/12/2023"
    ]
    assert not any(note.startswith("Réalisé compté") for note in five.notes)


def test_a_scope_total_never_reveals_fewer_than_5_youths_by_difference_with_a_larger_total(programme):
    """Région 8 youths, Lille's EPCI 6: publishing both would give the 2 youths of Abbeville by subtraction,
    so the smaller scope's figure is suppressed; the same for the Nord département (8 − 6)."""
    from essaim.learners.publication import date_history_before_period
    from essaim.learners.secrecy import SUPPRESSED_LABEL
    from essaim.learners.selectors import MEASURE_LABELS
    from essaim.steering.selectors import epci_scope
    from tests.learners.factories import LearnerFactory, WorkshopFactory

    new, old = programme["schools"]["new"], programme["schools"]["old"]
    for _ in range(6):
        LearnerFactory(school=new, workshop=new.workshops.get())
    old_workshop = WorkshopFactory(school=old)
    for _ in range(2):
        LearnerFactory(school=old, workshop=old_workshop)
    # Recorded during the quarter before ``ON``: the published period (learners/publication.py).
    date_history_before_period(new, on=ON)
    date_history_before_period(old, on=ON)
    user = programme["users"]["region_admin"]

    def enrolled(scope):
        rows = {label: text for label, text, _ in steering_overview(user=user, scope=scope, on=ON).outcomes}
        return rows[MEASURE_LABELS["enrolled"]]

    assert enrolled(REGION_SCOPE) == "8"
    assert enrolled(epci_scope(new.commune.epci)) == SUPPRESSED_LABEL
    assert enrolled(department_scope(programme["departments"]["nord"])) == SUPPRESSED_LABEL
    # With 5 youths or more outside the scope, the scope's own figure is published.
    for _ in range(3):
        LearnerFactory(school=old, workshop=old_workshop)
    date_history_before_period(old, on=ON)
    assert enrolled(epci_scope(new.commune.epci)) == "6"
