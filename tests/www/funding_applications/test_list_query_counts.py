# ruff: noqa: F811  (fixtures imported from the area's tests are used as test parameters)
"""No N+1 on a dossier's page (timeline, documents, messages, private notes, expert opinions, tranches)
nor on the dossiers shown on the home page and in the list: each is read with a few rows, then with
clearly more rows, under the same bound.

The dossiers are made through the services, which is slow: each world is built once per test class
(and worker) and shared by the cases (tests/shared_worlds.py). A page read on the small world is read while
the class's world is built, before it grows; the case reads the grown world and checks both readings.

Complements tests/www/funding_applications/test_views.py, whose list test grows drafts only."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from essaim.funding_applications import services
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.models import FundingApplication
from essaim.www.dashboard import sections
from essaim.www.funding_applications.views import dossiers
from tests.funding_applications.conftest import build_fa
from tests.funding_applications.factories import advance, create_application
from tests.pagesize import assert_size_bounded
from tests.rendered import table_rows
from tests.shared_worlds import fresh, read, shared_transaction

pytestmark = pytest.mark.django_db
D = Decimal


def _conversation(application, world, n, holder):
    """``n`` messages from each side, private notes and expert requests of the BdT (one answered)."""
    bdt = world.users["bdt"]
    for index in range(n):
        services.funding_application_message_post(application=application, body=f"Question {index}", by=bdt)
        services.funding_application_message_post(application=application, body=f"Réponse {index}", by=holder)
        services.funding_application_note_add(application=application, body=f"Note {index}", by=bdt)
        expert_request = services.funding_application_expert_request(
            application=application,
            email=f"expert-{application.pk}-{index}@exemple.fr",
            question=f"Avis {index} ?",
            by=bdt,
        )
        if index == 0:
            services.funding_application_expert_answer(
                expert_request=expert_request, answer="Oui.", by=expert_request.expert
            )


def _tranches(application, world, n):
    for index in range(n):
        services.funding_application_disbursement_record(
            application=application, amount=D("1000"), paid_date=dt.date(2026, 11, 10), by=world.users["bdt"],
            label=f"Tranche {index}",
        )  # fmt: skip


def _filled(application, world, n, holder):
    advance(application, until=S.IN_REVIEW, actors=world.actors | {"holder": holder})
    _conversation(application, world, n, holder)
    advance(application, until=S.CONVENTION_SIGNED, actors=world.actors | {"holder": holder})
    _tranches(application, world, n)
    return application


@pytest.fixture(scope="class")
def _filled_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("fa-filled-media")
    with shared_transaction(django_db_blocker, media_root):
        world = build_fa()
        other_holder = world.users["other_holder"]
        world.few = _filled(world.application, world, 1, world.users["holder"])
        world.many = _filled(
            create_application(project=world.other_project, funder=world.orgs["bdt"], by=other_holder),
            world, 12, other_holder,
        )  # fmt: skip
        yield world, media_root


@pytest.fixture
def filled(_filled_world, db, settings):
    """``fa``'s world with a dossier of project A filled with one of each (``few``), and one of project B
    filled with twelve of each (``many``): built once per class, a fresh copy for each case."""
    return fresh(*_filled_world, settings)


class TestDossierPage:
    """The dossier pages, read on one world (``filled``)."""

    @pytest.mark.parametrize("who", ["bdt", "holder", "fnep"])
    def test_dossier_page_with_more_messages_notes_opinions_and_tranches(
        self, client, filled, django_assert_max_num_queries, who
    ):
        fa, few, many = filled, filled.few, filled.many
        other_holder = fa.users["other_holder"]
        viewers = {
            "bdt": (fa.users["bdt"],) * 2,
            "fnep": (fa.users["fnep"],) * 2,
            "holder": (fa.users["holder"], other_holder),
        }
        first, second = viewers[who]
        client.force_login(first)
        client.get(reverse("funding_applications:detail", args=[few.pk]))
        with django_assert_max_num_queries(40) as small:
            assert client.get(reverse("funding_applications:detail", args=[few.pk])).status_code == 200
        bound = len(small.captured_queries)  # read now: the next request clears the connection's query log
        client.force_login(second)
        client.get(reverse("funding_applications:detail", args=[many.pk]))
        with django_assert_max_num_queries(bound):
            page = client.get(reverse("funding_applications:detail", args=[many.pk])).content.decode()
        assert "Tranche 11" in page
        if who != "fnep":
            assert "Réponse 11" in page


def _dossiers_in_every_state(world, n):
    """``n`` dossiers of project A to the BdT in each state of the path, from draft to convention signed."""
    holder = world.users["holder"]
    for _ in range(n):
        for state in [S.DRAFT, S.SUBMITTED_TO_FNEP, S.FNEP_VALIDATED, S.DEPOSITED, S.IN_REVIEW, S.GRANTED]:
            application = create_application(project=world.project, funder=world.orgs["bdt"], by=holder)
            advance(application, until=state, actors=world.actors)


# In how many of the six states of the path (draft to granted) each role sees the dossiers (visible_to).
SEEN_BY = {"holder": 6, "fnep": 5, "bdt": 3, "collectivite": 3, "region": 3}  # visible_to: own; submitted; deposited


WHO = ["holder", "fnep", "bdt", "collectivite", "region"]
VIEWS = ["dashboard:home", "funding_applications:list"]


@pytest.fixture(scope="class")
def _every_state_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("fa-every-state-media")
    with shared_transaction(django_db_blocker, media_root):
        world = build_fa()
        _dossiers_in_every_state(world, 1)
        # Each role's pages, read with one dossier in each state, before the world grows.
        few = {(who, view): read(world.users[who], reverse(view)) for who in WHO for view in VIEWS}
        _dossiers_in_every_state(world, 2)
        yield world, media_root, few


@pytest.fixture
def every_state(_every_state_world, db, settings):
    """``fa``'s world with three dossiers of project A in each state of the path (built once per class, a
    fresh copy for each case); ``few`` its pages read with one dossier in each state, before it grew."""
    world, media_root, few = _every_state_world
    world = fresh(world, media_root, settings)
    world.few = few
    return world


class TestDossiersInEveryState:
    """The home page and the list, read on one world (``every_state``)."""

    @pytest.mark.parametrize("who", WHO)
    @pytest.mark.parametrize("view", VIEWS)
    def test_home_and_list_with_dossiers_in_every_state(
        self, client, every_state, django_assert_max_num_queries, who, view
    ):
        fa = every_state
        small = fa.few[who, view]  # read with one dossier in each state
        small.assert_at_most(20)
        few = small.response
        assert few.status_code == 200
        client.force_login(fa.users[who])
        target = reverse(view)
        client.get(target)
        with django_assert_max_num_queries(len(small.queries)):  # with three in each state
            many = client.get(target)
        assert many.status_code == 200
        visible = FundingApplication.objects.visible_to(fa.users[who])
        if view == "funding_applications:list":
            shown = list(many.context["page"].object_list)
            assert len(shown) == visible.count() >= 3 * SEEN_BY[who]  # 3 dossiers in each state it may see
            assert len(table_rows(many)) >= len(shown)
        if view == "funding_applications:list" or who in ("holder", "fnep", "bdt"):
            # The page lists more dossiers than with one round of them.
            assert len(table_rows(many)) > len(table_rows(few))
        else:  # the Région's and a collectivité's home show the projects by stage, not the dossiers
            assert len(table_rows(many)) == len(table_rows(few)) > 0

    @pytest.mark.parametrize("who", ["bdt", "fnep"])
    def test_awaiting_block_shows_the_first_ones_and_says_where_the_others_are(
        self, client, every_state, monkeypatch, who
    ):
        """« En attente de votre action » shows at most SECTION_LIMIT dossiers, like the home page's section; past it
        the page says so and points a funder to its « À traiter » queue, the others to the list's state filter."""
        fa = every_state  # three dossiers in each state: at least six awaiting each of them
        monkeypatch.setattr(dossiers, "SECTION_LIMIT", 2)
        client.force_login(fa.users[who])
        response = client.get(reverse("funding_applications:list"))
        assert len(response.context["todo"]) == 2
        assert response.context["todo_more"] is True
        assert "Seuls les 2 premiers dossiers en attente sont affichés ici." in " ".join(
            response.content.decode().split()
        )
        desk = reverse("funding_applications:desk", args=["a-traiter"])
        if who == "bdt":
            assert f'href="{desk}">« À traiter »</a> les présente tous' in response.content.decode()
        else:
            assertNotContains(response, "les présente tous")
            assertContains(response, "Filtrez la liste ci-dessous par état pour les voir tous.")
        monkeypatch.setattr(dossiers, "SECTION_LIMIT", 50)
        response = client.get(reverse("funding_applications:list"))
        assert response.context["todo_more"] is False
        assert len(response.context["todo"]) >= 3
        assertNotContains(response, "premiers dossiers en attente")


def _pages_of_two(monkeypatch):
    monkeypatch.setattr(dossiers, "PAGE_SIZE", 2)
    monkeypatch.setattr(sections, "SECTION_LIMIT", 2)
    monkeypatch.setattr(dossiers, "SECTION_LIMIT", 2)


WEIGHED = ["funding_applications:list", "dashboard:home"]


@pytest.fixture(scope="class")
def _thrice_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("fa-thrice-media")
    with shared_transaction(django_db_blocker, media_root):
        world = build_fa()
        _dossiers_in_every_state(world, 2)
        # Each role's pages, read with pages of 2 and two dossiers in each state, before the world grows.
        with pytest.MonkeyPatch.context() as monkeypatch:
            _pages_of_two(monkeypatch)
            small = {
                (who, view): read(world.users[who], reverse(view)) for who in ("holder", "bdt") for view in WEIGHED
            }
        _dossiers_in_every_state(world, 4)
        yield world, media_root, small


@pytest.fixture
def thrice(_thrice_world, db, settings):
    """``fa``'s world with six dossiers of project A in each state (built once per class, a fresh copy for
    each case); ``small`` its pages read with two in each state, before it grew."""
    world, media_root, small = _thrice_world
    world = fresh(world, media_root, settings)
    world.small = small
    return world


class TestThreeTimesTheDossiers:
    """The list and the home page weighed on one world (``thrice``)."""

    @pytest.mark.parametrize("who", ["holder", "bdt"])
    def test_dossier_list_and_home_weigh_the_same_with_three_times_the_dossiers(
        self, client, thrice, django_assert_max_num_queries, monkeypatch, who
    ):
        """Bytes at two sizes (issue 13): with pages (and « à traiter » lists) of 2 dossiers, the list and the home
        page read with 2 then 6 dossiers in each state weigh the same, in the same number of queries."""
        fa = thrice
        _pages_of_two(monkeypatch)
        client.force_login(fa.users[who])
        for view in WEIGHED:
            target = reverse(view)
            reading = fa.small[who, view]  # read with two dossiers in each state
            reading.assert_at_most(20)
            small = reading.response
            if view == "funding_applications:list":
                assert len(small.context["page"].object_list) == 2
            small_rows = len(table_rows(small))
            client.get(target)
            with django_assert_max_num_queries(len(reading.queries)):  # with six in each state
                big = client.get(target)
            if view == "funding_applications:list":
                assert big.context["page"].paginator.count > 2 * small.context["page"].paginator.count
            assert len(table_rows(big)) == small_rows  # the rows rendered: no more than with less data
            assert_size_bounded(small, big)
