# ruff: noqa: F811  (fixtures imported from the area's tests are used as test parameters)
"""No N+1 on a dossier's page (timeline, documents, messages, private notes, expert opinions, tranches)
nor on the dossiers shown on the home page and in the list: each is read with a few rows, then with
clearly more rows, under the same bound.

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
from tests.funding_applications.conftest import fa  # noqa: F401  (the dossiers' small world)
from tests.funding_applications.factories import advance, create_application
from tests.pagesize import assert_size_bounded
from tests.rendered import table_rows

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


@pytest.mark.parametrize("who", ["bdt", "holder", "fnep"])
def test_dossier_page_with_more_messages_notes_opinions_and_tranches(client, fa, django_assert_max_num_queries, who):
    few = _filled(fa.application, fa, 1, fa.users["holder"])
    other_holder = fa.users["other_holder"]
    many = _filled(
        create_application(project=fa.other_project, funder=fa.orgs["bdt"], by=other_holder), fa, 12, other_holder
    )
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


@pytest.mark.parametrize("who", ["holder", "fnep", "bdt", "collectivite", "region"])
@pytest.mark.parametrize("view", ["dashboard:home", "funding_applications:list"])
def test_home_and_list_with_dossiers_in_every_state(client, fa, django_assert_max_num_queries, who, view):
    _dossiers_in_every_state(fa, 1)
    client.force_login(fa.users[who])
    target = reverse(view)
    client.get(target)
    with django_assert_max_num_queries(20) as small:
        few = client.get(target)
    assert few.status_code == 200
    _dossiers_in_every_state(fa, 2)
    with django_assert_max_num_queries(len(small.captured_queries)):
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


@pytest.mark.parametrize("who", ["holder", "bdt"])
def test_dossier_list_and_home_weigh_the_same_with_three_times_the_dossiers(
    client, fa, django_assert_max_num_queries, monkeypatch, who
):
    """Bytes at two sizes (issue 13): with pages (and « à traiter » lists) of 2 dossiers, the list and the home
    page read with 2 then 6 dossiers in each state weigh the same, in the same number of queries."""
    monkeypatch.setattr(dossiers, "PAGE_SIZE", 2)
    monkeypatch.setattr(sections, "SECTION_LIMIT", 2)
    monkeypatch.setattr(dossiers, "SECTION_LIMIT", 2)
    _dossiers_in_every_state(fa, 2)
    client.force_login(fa.users[who])
    for view in ("funding_applications:list", "dashboard:home"):
        target = reverse(view)
        client.get(target)
        with django_assert_max_num_queries(20) as counted:
            small = client.get(target)
        bound = len(counted.captured_queries)
        if view == "funding_applications:list":
            assert len(small.context["page"].object_list) == 2
        small_rows = len(table_rows(small))
        # The bigger programme is made once, before the second reading of the first page.
        if view == "funding_applications:list":
            _dossiers_in_every_state(fa, 4)
        with django_assert_max_num_queries(bound):
            big = client.get(target)
        assert len(table_rows(big)) == small_rows  # the rows rendered: no more than with less data
        assert_size_bounded(small, big)


@pytest.mark.parametrize("who", ["bdt", "fnep"])
def test_awaiting_block_shows_the_first_ones_and_says_where_the_others_are(client, fa, monkeypatch, who):
    """« En attente de votre action » shows at most SECTION_LIMIT dossiers, like the home page's section; past it
    the page says so and points a funder to its « À traiter » queue, the others to the list's state filter."""
    monkeypatch.setattr(dossiers, "SECTION_LIMIT", 2)
    client.force_login(fa.users[who])
    _dossiers_in_every_state(fa, 2)  # two in each state: at least four awaiting each of them
    response = client.get(reverse("funding_applications:list"))
    assert len(response.context["todo"]) == 2
    assert response.context["todo_more"] is True
    assert "Seuls les 2 premiers dossiers en attente sont affichés ici." in " ".join(response.content.decode().split())
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
