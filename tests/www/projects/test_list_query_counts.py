"""No N+1 on the home page's sections (every kind of organisation), on a project's page (partners,
timeline, trades, history), an organisation's page and the account page: each is read with a few rows,
then with clearly more rows, under the same bound.

Complements tests/www/projects/test_views.py, which grows the Région's home page with projects at the
« idée » stage only (its lists of late projects and of next openings stay empty)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains

from essaim.organizations.enums import CollectiviteLevel, MembershipRole, OrganizationKind
from essaim.projects.enums import ProjectStage
from essaim.projects.models import ProjectTransition
from essaim.trades.models import Trade
from essaim.www.dashboard import sections
from essaim.www.projects.views import pipeline
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.pagesize import assert_size_bounded
from tests.projects.factories import ProjectFactory, ProjectPartnerFactory
from tests.rendered import table_rows
from tests.shared_worlds import fresh, read, shared_transaction
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db
LATE = {"target_opening_date": dt.date(2020, 9, 1)}


@pytest.fixture
def place():
    return _place()


def _place():
    commune = CommuneFactory(code="59183", name="Dunkerque")
    return {"commune": commune, "holder": OrganizationFactory(name="Porteur A")}


def _projects_at_every_stage(place, rounds):
    """``rounds`` projects at each stage (the first round late), all in the holder's commune (visible to the
    holder and to the EPCI), each with a partner and a logged move."""
    for index in range(rounds):
        for stage in ProjectStage.values:
            project = ProjectFactory(
                holder=place["holder"], commune=place["commune"], stage=stage, **(LATE if index % 2 == 0 else {})
            )
            ProjectPartnerFactory(project=project)
            ProjectTransition.objects.create(project=project, from_stage="", to_stage=stage)


def _organization(kind, place):
    if kind == "holder":
        return place["holder"]
    if kind == "collectivite":
        return OrganizationFactory(
            kind=OrganizationKind.COLLECTIVITE, collectivite_level=CollectiviteLevel.EPCI, epci=place["commune"].epci
        )
    return OrganizationFactory(**{kind: True})


KINDS = ["holder", "fnep", "bdt", "collectivite", "region"]


def _admins(place, kinds):
    """An admin of an organisation of each kind of ``kinds``."""
    return {
        kind: MembershipFactory(organization=_organization(kind, place), role=MembershipRole.ADMIN).user
        for kind in kinds
    }


@pytest.fixture(scope="class")
def _sections_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("projects-sections-media")
    with shared_transaction(django_db_blocker, media_root):
        world = _place()
        world["admins"] = _admins(world, KINDS)
        _projects_at_every_stage(world, 1)
        # The home page read by each kind of organisation with one project at each stage, before 4 more.
        few = {kind: read(user, reverse("dashboard:home")) for kind, user in world["admins"].items()}
        _projects_at_every_stage(world, 4)
        yield world, media_root, few


@pytest.fixture
def sections_world(_sections_world, db, settings):
    """5 projects at each stage and an admin of each kind of organisation (built once per class, a fresh
    copy for each case); ``few`` the home page read with one project at each stage, before it grew."""
    world, media_root, few = _sections_world
    return fresh(world, media_root, settings) | {"few": few}


class TestHomeSections:
    """The home page's sections, read on one world (``sections_world``)."""

    @pytest.mark.parametrize("kind", KINDS)
    def test_home_sections_of_every_kind_of_organisation(
        self, client, sections_world, django_assert_max_num_queries, kind
    ):
        small = sections_world["few"][kind]  # read with one project at each stage
        small.assert_at_most(18)
        assert small.response.status_code == 200
        client.force_login(sections_world["admins"][kind])
        client.get(reverse("dashboard:home"))  # warm up the session
        with django_assert_max_num_queries(len(small.queries)):  # with five at each stage
            response = client.get(reverse("dashboard:home"))
        shown = sum(len(section.projects or []) for section in response.context["sections"])
        small_shown = {"holder": 1, "collectivite": 1}.get(kind, 0)
        assert shown > small_shown  # the sections do list more projects


@pytest.mark.parametrize("filters", [{"late": "on"}, {"stage": ProjectStage.FINANCING_PLAN}])
def test_project_list_filtered_with_late_projects(client, place, django_assert_max_num_queries, filters):
    client.force_login(MembershipFactory(organization=OrganizationFactory(region=True)).user)
    _projects_at_every_stage(place, 1)
    client.get(reverse("projects:project_list"), filters)
    with django_assert_max_num_queries(16) as small:
        assert client.get(reverse("projects:project_list"), filters).status_code == 200
    _projects_at_every_stage(place, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("projects:project_list"), filters)
    assert response.status_code == 200
    rows = table_rows(response)
    shown = list(response.context["page"].object_list)
    if "stage" in filters:
        assert len(rows) == len(shown) == 13  # one project at that stage per round
        assert {project.stage for project in shown} == {ProjectStage.FINANCING_PLAN}
    else:
        assert len(rows) == len(shown) > 7  # the late projects of 7 of the 13 rounds, at every open stage
        assert all(project.is_late for project in shown)
    for row, project in zip(rows, shown, strict=True):
        assert project.name in row


def _filled_project(place, n):
    """A project with ``n`` partners, moves logged by people of several organisations, trades and edits."""
    project = ProjectFactory(holder=place["holder"], commune=place["commune"], with_trade=False)
    for trade in Trade.objects.order_by("slug")[:n]:
        project.trade_lines.create(trade=trade, places=12)
    for index in range(n):
        ProjectPartnerFactory(project=project, organization=OrganizationFactory(company=True, commune=CommuneFactory()))
        member = MembershipFactory(organization=OrganizationFactory(fnep=True))
        ProjectTransition.objects.create(
            project=project, from_stage="", to_stage=ProjectStage.IDEA, by=member.user,
            organization=member.organization, comment=f"Étape {index}",
        )  # fmt: skip
        project.name = f"Projet rempli {n} — version {index}"
        project.save()
    return project


def test_project_detail_with_more_partners_moves_and_trades(client, place, django_assert_max_num_queries):
    client.force_login(MembershipFactory(organization=place["holder"], role=MembershipRole.ADMIN).user)
    few = _filled_project(place, 1)
    client.get(reverse("projects:project_detail", args=[few.pk]))
    with django_assert_max_num_queries(30) as small:
        assert client.get(reverse("projects:project_detail", args=[few.pk])).status_code == 200
    trades = min(Trade.objects.count(), 12)
    many = _filled_project(place, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("projects:project_detail", args=[many.pk])).content.decode()
    assert "Étape 11" in page and trades > 1


def test_organization_detail_with_more_members_projects_and_partnerships(client, place, django_assert_max_num_queries):
    organization = place["holder"]
    client.force_login(MembershipFactory(organization=organization, role=MembershipRole.ADMIN).user)

    def grow(n):
        for _ in range(n):
            MembershipFactory(organization=organization)
            ProjectFactory(holder=organization, commune=CommuneFactory())
            ProjectPartnerFactory(organization=organization, project=ProjectFactory(holder=organization))

    grow(1)
    target = reverse("organizations:organization_detail", args=[organization.uid])
    client.get(target)
    with django_assert_max_num_queries(16) as small:
        assert client.get(target).status_code == 200
    grow(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(target)
    assert response.status_code == 200
    assert len(response.context["members"]) == 14  # the admin and 13 others
    assert len(response.context["projects"]) == 26 and len(response.context["partnerships"]) == 13
    for project in response.context["projects"]:
        assertContains(response, escape(project.name))


def test_account_page_with_more_memberships(client, django_assert_max_num_queries):
    membership = MembershipFactory()
    client.force_login(membership.user)
    client.get(reverse("accounts:account"))
    with django_assert_max_num_queries(12) as small:
        assert client.get(reverse("accounts:account")).status_code == 200
    for _ in range(12):
        MembershipFactory(user=membership.user)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("accounts:account"))
    assert len(response.context["memberships"]) == 13


WEIGHERS = ["holder", "region", "fnep"]
WEIGHED = ["dashboard:home", "projects:project_list"]


def _pages_of_two(monkeypatch):
    monkeypatch.setattr(pipeline, "PAGE_SIZE", 2)
    monkeypatch.setattr(sections, "SECTION_LIMIT", 2)


@pytest.fixture(scope="class")
def _thrice_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("projects-thrice-media")
    with shared_transaction(django_db_blocker, media_root):
        world = _place()
        world["admins"] = _admins(world, WEIGHERS)
        _projects_at_every_stage(world, 4)
        # Each page read by each kind with pages of 2 and 4 projects at each stage, before 8 more.
        with pytest.MonkeyPatch.context() as monkeypatch:
            _pages_of_two(monkeypatch)
            small = {
                (kind, view): read(user, reverse(view)) for kind, user in world["admins"].items() for view in WEIGHED
            }
        _projects_at_every_stage(world, 8)
        yield world, media_root, small


@pytest.fixture
def thrice(_thrice_world, db, settings):
    """12 projects at each stage and an admin of each kind weighed (built once per class, a fresh copy for
    each case); ``small`` the pages read with pages of 2 and 4 projects at each stage, before it grew."""
    world, media_root, small = _thrice_world
    return fresh(world, media_root, settings) | {"small": small}


class TestThreeTimesTheProjects:
    """The home page and the project list weighed on one world (``thrice``)."""

    @pytest.mark.parametrize("kind", WEIGHERS)
    def test_home_and_project_list_weigh_the_same_with_three_times_the_projects(
        self, client, thrice, django_assert_max_num_queries, monkeypatch, kind
    ):
        """Bytes at two sizes (issue 13): with pages and home sections of 2 projects, the home page and the
        project list read with 4 then 12 projects at every stage weigh the same, in the same number of
        queries, and render the same number of rows."""
        _pages_of_two(monkeypatch)
        small = {view: thrice["small"][kind, view] for view in WEIGHED}  # read with 4 at every stage
        for reading in small.values():
            reading.assert_at_most(20)
        assert len(small["projects:project_list"].response.context["page"].object_list) == 2
        client.force_login(thrice["admins"][kind])
        for view in WEIGHED:
            target = reverse(view)
            client.get(target)  # warm up the session
            with django_assert_max_num_queries(len(small[view].queries)):  # with 12 at every stage
                big = client.get(target)
            if view == "projects:project_list":
                paginator = small[view].response.context["page"].paginator
                assert big.context["page"].paginator.count > 2 * paginator.count
            assert len(table_rows(big)) == len(table_rows(small[view].response))
            assert_size_bounded(small[view].response, big)
