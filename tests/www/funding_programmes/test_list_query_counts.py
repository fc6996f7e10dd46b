# ruff: noqa: F811  (fixtures imported from the area's tests are used as test parameters)
"""No N+1 on the funding programmes' pages: catalogue, a programme's envelopes and ledger, a project's
eligibility and funding lines, a line's movements, the totals page and its exports. Each is read with a
few rows, then with clearly more rows (and more of every related object it shows), under the same bound.

Complements tests/www/funding_programmes/test_views.py, whose bounds are mostly checked at one size."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains

from essaim.financing.services import financing_plan_create, plan_version_submit
from essaim.funding_programmes import services
from essaim.funding_programmes.catalogue import catalogue_load
from essaim.funding_programmes.models import FundingProgramme
from tests.funding_applications.conftest import build_fa, fa  # noqa: F401  (the dossiers' small world)
from tests.funding_programmes.factories import BudgetEnvelopeFactory, FundingLineFactory, FundingProgrammeFactory
from tests.organizations.factories import OrganizationFactory
from tests.shared_worlds import fresh, read, shared_transaction
from tests.territories.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
D = Decimal
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def world(fa):
    return _programmes(fa)


def _programmes(fa):
    """``fa``'s world with the catalogue of programmes, the Région's investment grant given to its Région."""
    catalogue_load()
    fa.region_grant = FundingProgramme.objects.get(slug="region-investissement")
    fa.region_grant.funder = fa.orgs["region"]
    fa.region_grant.save()
    return fa


def _lines(world, n, *, programme=None, project=None, payments=1):
    """``n`` lines of the Région on an envelope of ``programme``: granted (a commitment in the ledger)
    and paid in ``payments`` instalments (disbursements), on project A unless told."""
    programme = programme or world.region_grant
    region_user = world.users["region"]
    lines = []
    for _ in range(n):
        envelope = BudgetEnvelopeFactory(programme=programme, department=DepartmentFactory())
        line = FundingLineFactory(
            project=project or world.project, funder=world.orgs["region"], programme=programme, envelope=envelope
        )
        services.funding_line_grant(line=line, granted_amount=D("40000"), decision_date=DAY, by=region_user)
        for _ in range(payments):
            services.funding_line_record_payment(line=line, amount=D("100"), paid_date=DAY, by=region_user)
        lines.append(line)
    return lines


def _other_funders(world, n):
    """``n`` more funders, each with its own programme and a line on each project."""
    for _ in range(n):
        funder = OrganizationFactory(region=True, name=f"Financeur {FundingProgramme.objects.count()}")
        programme = FundingProgrammeFactory(funder=funder)
        for project in (world.project, world.other_project):
            FundingLineFactory(project=project, funder=funder, programme=programme, status="requested")


def assert_constant(client, user, target, grow, bound, django_assert_max_num_queries, **extra):
    client.force_login(user)
    client.get(target, **extra)  # warm up the session
    with django_assert_max_num_queries(bound) as small:
        assert client.get(target, **extra).status_code == 200
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(target, **extra)
    assert response.status_code == 200
    return response


def _grown(small, readers, target, grow, **extra):
    """A fixture of class scope: ``world`` once per class, ``small`` added, ``target(world)`` read by each
    of ``readers`` (keys of ``world.users``, with ``extra`` for the client), then ``grow`` added."""

    @pytest.fixture(scope="class")
    def built(django_db_setup, django_db_blocker, tmp_path_factory):
        media_root = tmp_path_factory.mktemp("programmes-media")
        with shared_transaction(django_db_blocker, media_root):
            world = _programmes(build_fa())
            small(world)
            few = {who: read(world.users[who], target(world), **extra) for who in readers}
            grow(world)
            yield world, media_root, few

    return built


def _fresh(built, settings):
    """A fresh copy of a class's world for one case, with ``few``: its pages read before it grew."""
    world, media_root, few = built
    world = fresh(world, media_root, settings)
    world.few = few
    return world


def assert_grown(client, world, who, target, django_assert_max_num_queries, bound, **extra):
    """``target`` read by ``who`` under ``bound`` on the class's small world (read before it grew), then
    on the grown world under the count measured first."""
    small = world.few[who]
    small.assert_at_most(bound)
    assert small.response.status_code == 200
    client.force_login(world.users[who])
    client.get(target, **extra)  # warm up the session
    with django_assert_max_num_queries(len(small.queries)):
        response = client.get(target, **extra)
    assert response.status_code == 200
    return response


def test_catalogue_with_more_programmes_and_current_envelopes(client, world, django_assert_max_num_queries):
    """The existing test adds programmes without envelopes: here each new one has current envelopes."""

    added = []

    def grow():
        for _ in range(10):
            programme = FundingProgrammeFactory(funder=world.orgs["region"])
            _lines(world, 2, programme=programme)
            added.append(programme)

    target = reverse("funding_programmes:catalogue")
    response = assert_constant(client, world.users["holder"], target, grow, 12, django_assert_max_num_queries)
    assert len(added) == 10
    for programme in added:  # every new programme is listed, by name
        assertContains(response, escape(programme.name))


def _programme_page(world):
    return reverse("funding_programmes:programme_detail", args=[world.region_grant.slug])


_programme_page_world = _grown(
    lambda world: _lines(world, 1), ["region", "holder"], _programme_page, lambda world: _lines(world, 12, payments=2)
)


@pytest.fixture
def programme_page_world(_programme_page_world, db, settings):
    return _fresh(_programme_page_world, settings)


class TestProgrammePage:
    """A programme's page with 1 then 13 lines, on one world (``programme_page_world``)."""

    @pytest.mark.parametrize("who", ["region", "holder"])
    def test_programme_page_with_more_envelopes_ledger_and_dossiers(
        self, client, programme_page_world, django_assert_max_num_queries, who
    ):
        """The funder's staff see the ledger and the linked dossiers; a holder sees the envelopes."""
        world = programme_page_world
        response = assert_grown(client, world, who, _programme_page(world), django_assert_max_num_queries, 20)
        assert len(response.context["envelopes"]) == world.region_grant.envelopes.count() >= 13
        if who == "region":
            assert len(response.context["ledger"]) == 2 + 12 * 3  # per line: a commitment and its disbursements


@pytest.mark.parametrize("htmx", [False, True])
def test_project_funding_block_with_more_lines(client, world, django_assert_max_num_queries, htmx):
    _lines(world, 1)
    target = reverse("funding_programmes:project_block", args=[world.project.pk])
    headers = {"headers": {"HX-Request": "true"}} if htmx else {}

    def grow():
        _lines(world, 6)
        _other_funders(world, 6)

    response = assert_constant(
        client, world.users["holder"], target, grow, 16, django_assert_max_num_queries, **headers
    )
    assert len(response.context["lines"]) == 13


def test_line_page_with_more_movements(client, world, django_assert_max_num_queries):
    (few,) = _lines(world, 1, payments=1)
    (many,) = _lines(world, 1, payments=12)
    client.force_login(world.users["region"])
    with django_assert_max_num_queries(16) as small:
        assert client.get(reverse("funding_programmes:line_detail", args=[few.pk])).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("funding_programmes:line_detail", args=[many.pk]))
    assert len(response.context["movements"]) == 13


def test_matching_with_more_programmes_and_plan_versions(client, world, django_assert_max_num_queries):
    world.project.stage = "financing_plan"
    world.project.save()
    holder = world.users["holder"]

    def plans(n):
        for index in range(n):
            plan = financing_plan_create(
                project=world.project, name=f"Plan {FundingProgramme.objects.count()}-{index}", user=holder
            )
            plan_version_submit(version=plan.versions.get(), user=holder)

    def grow():
        plans(4)
        for _ in range(10):
            FundingProgrammeFactory(funder=world.orgs["region"])

    plans(1)
    target = reverse("funding_programmes:project_matching", args=[world.project.pk])
    response = assert_constant(client, holder, target, grow, 25, django_assert_max_num_queries)
    assert len(response.context["versions"]) >= 5


def _totals_small(world):
    _lines(world, 1, project=world.other_project)
    _other_funders(world, 1)


def _totals_grow(world):
    _lines(world, 5)
    _lines(world, 5, project=world.other_project)
    _other_funders(world, 10)


_totals_world = _grown(
    _totals_small,
    ["region", "collectivite", "holder"],
    lambda world: reverse("funding_programmes:totals"),
    _totals_grow,
)


@pytest.fixture
def totals_world(_totals_world, db, settings):
    return _fresh(_totals_world, settings)


class TestTotals:
    """The totals page, on one world (``totals_world``)."""

    @pytest.mark.parametrize("who", ["region", "collectivite", "holder"])
    def test_totals_page_with_more_funders_programmes_and_lines(
        self, client, totals_world, django_assert_max_num_queries, who
    ):
        target = reverse("funding_programmes:totals")
        assert_grown(client, totals_world, who, target, django_assert_max_num_queries, 10)


EXPORTS = [("totals_export", "csv"), ("totals_export", "xlsx"), ("lines_export", "csv"), ("lines_export", "xlsx")]


def _exports_small(world):
    _lines(world, 1)
    _other_funders(world, 1)


def _exports_grow(world):
    _lines(world, 5, project=world.other_project)
    _other_funders(world, 10)


@pytest.fixture(scope="class")
def _exports_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("programmes-exports-media")
    with shared_transaction(django_db_blocker, media_root):
        world = _programmes(build_fa())
        _exports_small(world)
        few = {
            (name, fmt): read(world.users["region"], reverse(f"funding_programmes:{name}", args=[fmt]))
            for name, fmt in EXPORTS
        }
        _exports_grow(world)
        yield world, media_root, few


@pytest.fixture
def exports_world(_exports_world, db, settings):
    return _fresh(_exports_world, settings)


class TestExports:
    """The totals' and the lines' exports, on one world (``exports_world``)."""

    @pytest.mark.parametrize(("name", "fmt"), EXPORTS)
    def test_totals_and_lines_exports(self, client, exports_world, django_assert_max_num_queries, name, fmt):
        world = exports_world
        world.few = {"region": world.few[name, fmt]}
        target = reverse(f"funding_programmes:{name}", args=[fmt])
        assert_grown(client, world, "region", target, django_assert_max_num_queries, 8)
