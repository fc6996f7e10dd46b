"""Steering « à la date du » from effective dates (issue #15): a scripted history, entered today through
the services with its real dates, rebuilt at three past dates against the expected figures."""

import datetime as dt
from decimal import Decimal

import pytest

from essaim.funding_programmes import services as funding
from essaim.funding_programmes.enums import ProgrammeKind
from essaim.organizations.enums import MembershipRole
from essaim.projects import services as projects
from essaim.projects.enums import ProjectStage as S
from essaim.schools.models import ProductionSchool
from essaim.steering.selectors import REGION_SCOPE, steering_overview
from essaim.trades.models import Trade
from tests.funding_programmes.factories import BudgetEnvelopeFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.steering.factories import FundingProgrammeFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory

D = Decimal


@pytest.fixture
def history(db):
    """Entered today, all of it in the past: two projects, two schools (one closed since), a loan."""
    nord = DepartmentFactory(code="59", name="Nord")
    dunkerque = CommuneFactory(code="59183", name="Dunkerque", department=nord)
    lille = CommuneFactory(code="59350", name="Lille", department=nord)
    region, bdt, fnep = OrganizationFactory(region=True), OrganizationFactory(bdt=True), OrganizationFactory(fnep=True)
    holder = OrganizationFactory(name="Porteur")
    users = {
        "region": MembershipFactory(organization=region, role=MembershipRole.ADMIN).user,
        "bdt": MembershipFactory(organization=bdt).user,
        "fnep": MembershipFactory(organization=fnep).user,
        "holder": MembershipFactory(organization=holder, role=MembershipRole.ADMIN).user,
    }
    usinage = [Trade.objects.get(slug="usinage")]

    def project(name, commune, started_on, moves):
        created = projects.project_create(
            holder=holder,
            name=name,
            commune=commune,
            trades=usinage,
            places_per_trade=12,
            created_by=users["holder"],
            started_on=started_on,
        )
        for stage, who, day in moves:
            projects.project_transition(project=created, to_stage=stage, by=users[who], effective_date=day)
        return created

    a = project(
        "Projet A",
        dunkerque,
        dt.date(2021, 3, 1),
        [
            (S.OPPORTUNITY_STUDY, "holder", dt.date(2021, 6, 1)),
            (S.ACCREDITATION_PENDING, "holder", dt.date(2022, 1, 10)),
            (S.ACCREDITED, "fnep", dt.date(2022, 3, 1)),
            (S.FINANCING_PLAN, "fnep", dt.date(2022, 9, 1)),
        ],
    )
    project("Projet B", lille, dt.date(2023, 2, 1), [(S.OPPORTUNITY_STUDY, "holder", dt.date(2023, 5, 1))])
    ProductionSchool.objects.create(name="École S", commune=lille, opened_on=dt.date(2022, 9, 1), sources="x")
    ProductionSchool.objects.create(
        name="École C",
        commune=dunkerque,
        opened_on=dt.date(2019, 9, 2),
        closed_on=dt.date(2023, 6, 30),
        status=ProductionSchool.Status.CLOSED,
        sources="x",
    )
    loan = FundingProgrammeFactory(funder=bdt, kind=ProgrammeKind.SUBORDINATED_LOAN, name="Prêt BdT", slug="pret")
    envelope = BudgetEnvelopeFactory(
        programme=loan, allocated_amount=D("1000000"), start_date=dt.date(2022, 1, 1), end_date=dt.date(2024, 12, 31)
    )
    line = funding.funding_line_create(
        project=a,
        funder=bdt,
        requested_amount=D("200000"),
        requested_date=dt.date(2022, 10, 1),
        by=users["fnep"],
        programme=loan,
        envelope=envelope,
    )
    funding.funding_line_grant(
        line=line, granted_amount=D("200000"), decision_date=dt.date(2023, 1, 15), by=users["bdt"]
    )
    funding.funding_line_record_payment(line=line, amount=D("80000"), paid_date=dt.date(2023, 3, 1), by=users["bdt"])
    funding.funding_line_record_payment(line=line, amount=D("120000"), paid_date=dt.date(2024, 2, 1), by=users["bdt"])
    return users


EXPECTED = {
    # date: (stage of each project, schools open, requested, granted, paid)
    dt.date(2021, 12, 31): ({"Projet A": S.OPPORTUNITY_STUDY}, 1, D(0), D(0), D(0)),
    dt.date(2022, 12, 31): ({"Projet A": S.FINANCING_PLAN}, 2, D("200000"), D(0), D(0)),
    dt.date(2023, 12, 31): (
        {"Projet A": S.FINANCING_PLAN, "Projet B": S.OPPORTUNITY_STUDY},
        1,
        D("200000"),
        D("200000"),
        D("80000"),
    ),
}


@pytest.mark.parametrize("on", sorted(EXPECTED))
def test_the_dashboard_at_three_past_dates(history, on):
    stages, schools, requested, granted, paid = EXPECTED[on]
    overview = steering_overview(user=history["region"], scope=REGION_SCOPE, on=on)
    assert {line.project.name: line.stage for line in overview.projects} == stages
    funnel = {stage: count for stage, _, count in overview.funnel}
    for stage in set(stages.values()):
        assert funnel[stage] == list(stages.values()).count(stage)
    assert sum(funnel.values()) == len(stages)
    assert len(overview.schools) == schools
    total = overview.money_total
    assert (total.requested, total.granted, total.paid) == (requested, granted, paid)


def test_today_counts_everything_paid_and_nothing_planned(history):
    overview = steering_overview(user=history["region"], scope=REGION_SCOPE, on=dt.date.today())
    assert overview.money_total.paid == D("200000")
    assert {line.project.name for line in overview.projects} == {"Projet A", "Projet B"}


def test_a_manual_line_without_envelope_is_paid_exactly_at_each_date(history):
    """A Région grant without programme nor envelope, its payments entered today in another order than
    they were made: « versé à la date » counts each payment from its own date, not from the last one."""
    from essaim.projects.models import Project

    region = history["region"].memberships.get().organization
    project = Project.objects.get(name="Projet B")
    line = funding.funding_line_create(
        project=project,
        funder=region,
        requested_amount=D("60000"),
        requested_date=dt.date(2023, 3, 1),
        by=history["fnep"],
    )
    funding.funding_line_grant(
        line=line, granted_amount=D("50000"), decision_date=dt.date(2023, 4, 1), by=history["region"]
    )
    funding.funding_line_record_payment(
        line=line, amount=D("30000"), paid_date=dt.date(2024, 1, 10), by=history["region"]
    )
    funding.funding_line_record_payment(
        line=line, amount=D("20000"), paid_date=dt.date(2023, 6, 1), by=history["region"]
    )

    def paid_on(day):
        overview = steering_overview(user=history["region"], scope=REGION_SCOPE, on=day)
        return overview.money_total.paid

    loan = {dt.date(2023, 5, 31): D("80000"), dt.date(2023, 12, 31): D("80000"), dt.date(2024, 6, 30): D("200000")}
    assert paid_on(dt.date(2023, 5, 31)) - loan[dt.date(2023, 5, 31)] == 0
    assert paid_on(dt.date(2023, 12, 31)) - loan[dt.date(2023, 12, 31)] == D("20000")
    assert paid_on(dt.date(2024, 6, 30)) - loan[dt.date(2024, 6, 30)] == D("50000")
