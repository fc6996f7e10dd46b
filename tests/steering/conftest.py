import datetime as dt
from decimal import Decimal

import pytest

from essaim.funding_programmes.enums import FundingLineStatus as F
from essaim.funding_programmes.enums import ProgrammeKind
from essaim.organizations.enums import CollectiviteLevel, MembershipRole, OrganizationKind
from essaim.projects.enums import ProjectStage as S
from essaim.schools.models import ProductionSchool, Workshop
from essaim.trades.models import Trade
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.steering.factories import FundingLineFactory, FundingProgrammeFactory, at, backdate, move
from tests.territories.factories import CommuneFactory, DepartmentFactory
from tests.worlds import demo_content, reference_territories  # noqa: F401 (fixtures: tests/worlds.py)


@pytest.fixture
def programme(db):
    """Two départements; three projects (one late, one abandoned), three open schools, funding lines."""
    return build_programme()


def build_programme():
    """The world of ``programme``, built where the database is open (also a module's shared world)."""
    nord = DepartmentFactory(code="59", name="Nord", with_contour=True)
    somme = DepartmentFactory(code="80", name="Somme", with_contour=True)
    dunkerque = CommuneFactory(code="59183", name="Dunkerque", department=nord)
    lille = CommuneFactory(code="59350", name="Lille", department=nord)
    abbeville = CommuneFactory(code="80001", name="Abbeville", department=somme)
    orgs = {
        "region": OrganizationFactory(region=True),
        "bdt": OrganizationFactory(bdt=True),
        "fnep": OrganizationFactory(fnep=True),
        "nord": OrganizationFactory(
            name="Département du Nord",
            kind=OrganizationKind.COLLECTIVITE,
            collectivite_level=CollectiviteLevel.DEPARTMENT,
            department=nord,
        ),
        "holder": OrganizationFactory(name="Porteur"),
    }
    users = {
        "region_admin": MembershipFactory(organization=orgs["region"], role=MembershipRole.ADMIN).user,
        "region_reader": MembershipFactory(organization=orgs["region"], role=MembershipRole.READER).user,
        "bdt": MembershipFactory(organization=orgs["bdt"]).user,
        "fnep": MembershipFactory(organization=orgs["fnep"]).user,
        "nord": MembershipFactory(organization=orgs["nord"]).user,
        "holder": MembershipFactory(organization=orgs["holder"], role=MembershipRole.ADMIN).user,
    }
    p1 = ProjectFactory(
        name="Projet Dunkerque", commune=dunkerque, holder=orgs["holder"], target_opening_date=dt.date(2027, 9, 1)
    )
    backdate(p1, at(2024, 1, 10))
    move(p1, "", S.IDEA, at(2024, 1, 10))
    move(p1, S.IDEA, S.OPPORTUNITY_STUDY, at(2024, 3, 1))
    move(p1, S.OPPORTUNITY_STUDY, S.ACCREDITATION_PENDING, at(2024, 7, 1))
    move(p1, S.ACCREDITATION_PENDING, S.ACCREDITED, at(2024, 10, 1))
    move(p1, S.ACCREDITED, S.FINANCING_PLAN, at(2025, 3, 1))
    p2 = ProjectFactory(name="Projet Abbeville", commune=abbeville, holder=orgs["holder"], stage=S.OPPORTUNITY_STUDY)
    backdate(p2, at(2023, 5, 1))  # no move logged: at the opportunity study since 2023 → late
    p3 = ProjectFactory(name="Projet abandonné", commune=lille, holder=orgs["holder"])
    backdate(p3, at(2024, 2, 1))
    move(p3, S.IDEA, S.ABANDONED, at(2024, 6, 1))
    usinage = Trade.objects.get(slug="usinage")
    schools = {
        "old": ProductionSchool.objects.create(name="École 2019", commune=abbeville, opening_year=2019, sources="x"),
        "new": ProductionSchool.objects.create(name="École 2022", commune=lille, opening_year=2022, sources="x"),
        "unknown": ProductionSchool.objects.create(name="École sans date", commune=lille, sources="x"),
        "closed": ProductionSchool.objects.create(
            name="École fermée", commune=lille, opening_year=2015, status=ProductionSchool.Status.CLOSED, sources="x"
        ),
    }
    Workshop.objects.create(school=schools["new"], trade=usinage, name="Usinage", capacity=14)
    loan = FundingProgrammeFactory(
        name="Prêt subordonné écoles de production",
        slug="pret-bdt",
        funder=orgs["bdt"],
        kind=ProgrammeKind.SUBORDINATED_LOAN,
    )
    grant = FundingProgrammeFactory(name="Investissement écoles", slug="invest-region", funder=orgs["region"])
    lines = {
        "loan": FundingLineFactory(
            project=p1,
            funder=orgs["bdt"],
            programme=loan,
            status=F.GRANTED,
            requested_amount=Decimal("200000"),
            granted_amount=Decimal("200000"),
            requested_date=dt.date(2024, 11, 5),
            decision_date=dt.date(2025, 2, 1),
        ),
        "region": FundingLineFactory(
            project=p1,
            funder=orgs["region"],
            programme=grant,
            status=F.PAID,
            requested_amount=Decimal("100000"),
            granted_amount=Decimal("90000"),
            paid_amount=Decimal("90000"),
            requested_date=dt.date(2024, 11, 5),
            decision_date=dt.date(2025, 3, 1),
        ),
        "epci": FundingLineFactory(
            project=p1,
            funder=orgs["nord"],
            programme=None,
            status=F.REQUESTED,
            requested_amount=Decimal("60000"),
            requested_date=dt.date(2025, 4, 1),
        ),
        "refused": FundingLineFactory(
            project=p2,
            funder=orgs["region"],
            programme=grant,
            status=F.REFUSED,
            requested_amount=Decimal("50000"),
            requested_date=dt.date(2024, 6, 1),
            decision_date=dt.date(2024, 9, 1),
        ),
    }
    return {
        "orgs": orgs,
        "users": users,
        "projects": {"p1": p1, "p2": p2, "p3": p3},
        "schools": schools,
        "lines": lines,
        "departments": {"nord": nord, "somme": somme},
    }
