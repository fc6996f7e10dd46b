# ruff: noqa: F811  (fixtures imported from the area's tests are used as test parameters)
"""No N+1 on the steering dashboard's tables (objectives, funnel, timeline, map, funding, open schools'
activity and results) nor in the steering-committee report: each is read on the programme's small world,
then with clearly more projects, moves, funding lines, schools (some run on Essaim, with invoices and
youths) and objectives, under the bound measured first.

The worlds the dashboard's cases read are built once per test class (and worker) and shared by the cases
(tests/shared_worlds.py): the page read on the small world is read while the class's world is built,
before it grows; the case reads the grown world and checks both readings.

Complements tests/www/steering/test_dashboard.py, whose bound (23: 22 + the report jobs) is checked after
growing only."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from essaim.funding_programmes.enums import FundingLineStatus as F
from essaim.jobs.models import Job
from essaim.orders import services as orders
from essaim.orders.enums import PaymentMethod
from essaim.projects.enums import ProjectStage as S
from essaim.schools.models import ProductionSchool, Workshop
from essaim.steering import reports, selectors
from essaim.trades.models import Trade
from tests.learners.factories import EnrolmentFactory, LearnerFactory, WorkshopFactory
from tests.orders.factories import make_invoice
from tests.pagesize import assert_size_bounded
from tests.projects.factories import ProjectFactory
from tests.rendered import table_rows
from tests.schools.factories import RunSchoolFactory
from tests.shared_worlds import fresh, read, shared_transaction
from tests.steering.conftest import build_programme, programme  # noqa: F401
from tests.steering.factories import FundingLineFactory, ObjectiveFactory, at, backdate, move
from tests.territories.factories import CommuneFactory, EpciFactory

pytestmark = pytest.mark.django_db
ON = "2025-06-30"


def _grow(world, n, epcis=(), objectives=True, start=0):
    """``n`` of everything the dashboard shows, in the Nord (in new communes of ``epcis`` when given)."""
    nord = world["departments"]["nord"]
    usinage = Trade.objects.get(slug="usinage")
    for index in range(n):
        commune = CommuneFactory(department=nord, **({"epci": epcis[index % len(epcis)]} if epcis else {}))
        project = ProjectFactory(
            commune=commune, holder=world["orgs"]["holder"], target_opening_date=dt.date(2027, 9, 1)
        )
        backdate(project, at(2024, 1, 10))
        move(project, "", S.IDEA, at(2024, 1, 10))
        move(project, S.IDEA, S.OPPORTUNITY_STUDY, at(2024, 4, 1))
        for funder, status in (
            (world["orgs"]["region"], F.PAID),
            (world["orgs"]["bdt"], F.GRANTED),
            (world["orgs"]["nord"], F.REQUESTED),
        ):
            granted = Decimal(1000 + index) if status != F.REQUESTED else None
            FundingLineFactory(
                project=project, funder=funder, status=status, requested_amount=Decimal(2000 + index),
                granted_amount=granted, paid_amount=granted if status == F.PAID else Decimal(0),
                requested_date=dt.date(2024, 11, 5), decision_date=dt.date(2025, 2, 1) if granted else None,
            )  # fmt: skip
        school = ProductionSchool.objects.create(
            name=f"École ajoutée {start + index}", commune=commune, opening_year=2020 + index % 4, sources="x"
        )
        Workshop.objects.create(school=school, trade=usinage, name="Usinage", capacity=12)
        if objectives:
            ObjectiveFactory(metric="schools_open", due_date=dt.date(2027, 12, 31))
    for index in range(max(1, n // 4)):
        _run_school(nord, epcis[index % len(epcis)] if epcis else None)


def _run_school(department, epci=None):
    """A school run on Essaim: a paid invoice and five youths (a group large enough to be shown)."""
    commune = CommuneFactory(department=department, **({"epci": epci} if epci else {}))
    school = RunSchoolFactory(commune=commune, opening_year=2024)
    invoice = make_invoice(school=school, issue_date=dt.date(2025, 3, 3))
    orders.payment_record(
        invoice=invoice, received_amount=invoice.total_ttc_amount, payment_date=dt.date(2025, 3, 10),
        method=PaymentMethod.TRANSFER,
    )  # fmt: skip
    workshop = WorkshopFactory(school=school)
    for _ in range(5):
        EnrolmentFactory(learner=LearnerFactory(school=school, workshop=workshop))
    return school


DASHBOARD_READERS = ["region_admin", "bdt", "nord"]
QUERIES = [{"date": ON}, {}]


@pytest.fixture(scope="class")
def _grown_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("steering-grown-media")
    with shared_transaction(django_db_blocker, media_root):
        world = build_programme()
        _run_school(world["departments"]["nord"])
        # The dashboard read by each reader at each date on the programme's small world, before it grows.
        small = {
            (who, index): read(world["users"][who], reverse("steering:dashboard"), data=query)
            for who in DASHBOARD_READERS
            for index, query in enumerate(QUERIES)
        }
        _grow(world, 12)
        yield world, media_root, small


@pytest.fixture
def grown(_grown_world, db, settings):
    """The programme with a school run on Essaim, grown by 12 of everything (built once per class, a fresh
    copy for each case); ``small`` the dashboard read before it grew, by reader and index of ``QUERIES``."""
    world, media_root, small = _grown_world
    return fresh(world, media_root, settings) | {"small": small}


class TestDashboard:
    """The dashboard, read on one world (``grown``)."""

    @pytest.mark.parametrize("who", DASHBOARD_READERS)
    @pytest.mark.parametrize("query", range(len(QUERIES)), ids=["query0", "query1"])
    def test_dashboard(self, client, grown, django_assert_max_num_queries, who, query):
        small = grown["small"][who, query]
        query = QUERIES[query]
        # 25: at a past date, the lines without dossier nor envelope are listed (one query) and their history read
        # (one query) to add each payment at its own date (#15); the other lines are summed in SQL.
        small.assert_at_most(25)
        assert small.response.status_code == 200
        client.force_login(grown["users"][who])
        target = reverse("steering:dashboard")
        client.get(target, query)  # warm up the session
        with django_assert_max_num_queries(len(small.queries)):
            response = client.get(target, query)
        assert response.status_code == 200
        assert len(response.context["overview"].schools) > 12
        tables = _tables(response.content.decode())
        lines = response.context["project_lines"]
        # The 12 projects added (and the programme's own), each in the frieze's table under its name.
        assert [row.split(" | ")[0] for row in tables["Projets, étape au"]] == [line.project.name for line in lines]
        assert len(lines) > 12
        communes = response.context["map_communes"]
        assert [row.split(" | ")[0] for row in tables["Communes des projets"]] == [commune.name for commune in communes]
        assert len(communes) > 12
        activity = response.context["activity_rows"]
        assert [row.split(" | ")[0] for row in tables["Production facturée"]] == [name for name, *_ in activity]
        assert len(activity) > 3  # the schools run on Essaim (four) then the total


def _tables(html):
    """The rows of each table of the page, keyed by the start of its caption."""
    tables = {}
    for table in re.findall(r"<table.*?</table>", html, re.DOTALL):
        caption = re.search(r"<caption>(.*?)</caption>", table, re.DOTALL)
        for start in ("Projets, étape au", "Communes des projets", "Production facturée"):
            if caption and caption.group(1).startswith(start):
                tables[start] = table_rows(table)
    return tables


@pytest.mark.parametrize("name", ["report_xlsx", "report_pdf"])
def test_report(client, programme, django_assert_max_num_queries, name):
    """The report is a job (run synchronously here): its queries, bookkeeping included, do not grow."""
    _run_school(programme["departments"]["nord"])
    client.force_login(programme["users"]["region_admin"])
    target = f"{reverse(f'steering:{name}')}?date={ON}"
    client.post(target)
    with django_assert_max_num_queries(40) as small:
        assert client.post(target).status_code == 302
    _grow(programme, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.post(target).status_code == 302
    assert Job.objects.filter(status="succeeded").count() == 3


def test_dashboard_bytes_stay_bounded_as_projects_grow(client, programme):
    """The frieze and its table come by pages of 25 projects, the map's table and the schools' activity are
    summarised: 60 more projects (in communes that already have one) leave the page's size almost unchanged."""
    client.force_login(programme["users"]["region_admin"])
    target = reverse("steering:dashboard")
    _grow(programme, 30)  # more than one page already
    communes = list(ProductionSchool.objects.values_list("commune", flat=True)[:30])
    small = len(client.get(target, {"date": ON}).content)
    for index in range(60):
        project = ProjectFactory(
            commune_id=communes[index % len(communes)],
            holder=programme["orgs"]["holder"],
            name=f"Projet ajouté n°{index:03d}",
            target_opening_date=dt.date(2027, 9, 1),
        )
        backdate(project, at(2024, 1, 10))
        move(project, "", S.IDEA, at(2024, 1, 10))
    response = client.get(target, {"date": ON})
    assert response.context["page"].paginator.count > 90
    big = len(response.content)
    # Unpaginated, each project added ≈ 1,5 KB (frieze bar, table row, map table): ≈ 90 KB here.
    assert big - small < 12_000, (small, big)


WEIGHERS = ["region_admin", "nord"]


def _small_tables(monkeypatch):
    monkeypatch.setattr(reports, "MAP_TABLE_ROWS", 8)
    monkeypatch.setattr(reports, "ACTIVITY_ROWS", 4)
    monkeypatch.setattr(selectors, "MAP_COMMUNE_POINTS", 8)


@pytest.fixture(scope="class")
def _thrice_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("steering-thrice-media")
    with shared_transaction(django_db_blocker, media_root):
        world = build_programme()
        epcis = [EpciFactory() for _ in range(3)]
        _grow(world, 30, epcis, objectives=False)
        # The dashboard read by each reader with 30 more projects, before the world grows by 60 more.
        with pytest.MonkeyPatch.context() as monkeypatch:
            _small_tables(monkeypatch)
            small = {
                who: read(world["users"][who], reverse("steering:dashboard"), data={"date": ON}) for who in WEIGHERS
            }
        _grow(world, 60, epcis, objectives=False, start=30)
        yield world, media_root, small


@pytest.fixture
def thrice(_thrice_world, db, settings):
    """The programme grown by 90 projects (30, then 60 more) with their funding lines and schools, in new
    communes of three EPCI (built once per class, a fresh copy for each case); ``small`` the dashboard read
    after the first 30, before the 60 more."""
    world, media_root, small = _thrice_world
    return fresh(world, media_root, settings) | {"small": small}


class TestThreeTimesTheProgramme:
    """The dashboard weighed on one world (``thrice``)."""

    @pytest.mark.parametrize("who", WEIGHERS)
    def test_dashboard_weighs_the_same_with_three_times_the_programme(
        self, client, thrice, django_assert_max_num_queries, monkeypatch, who
    ):
        """Bytes at two sizes (issue 13): frieze by pages of 25, map table of 8 communes, activity table of 4
        schools, the map's points grouped by EPCI above 8 communes. Read with 30 more projects (each in its
        commune, with funding lines and a school), then 90 more: same queries, same rows rendered, same weight."""
        _small_tables(monkeypatch)
        counted = thrice["small"][who]  # read with 30 more projects
        counted.assert_at_most(40)
        small = counted.response
        assert small.context["page"].paginator.count > 25 and len(small.context["project_lines"]) == 25
        client.force_login(thrice["users"][who])
        target = reverse("steering:dashboard")
        client.get(target, {"date": ON})
        with django_assert_max_num_queries(len(counted.queries)):  # with 90 more
            big = client.get(target, {"date": ON})
        assert big.context["page"].paginator.count >= small.context["page"].paginator.count + 60
        assert len(big.context["overview"].map_points) == len(small.context["overview"].map_points)
        assert len(table_rows(big)) == len(table_rows(small))
        assert_size_bounded(small, big)


def _invoices(school, count, start=0):
    """``count`` issued invoices of ``school`` from March 2025 (in order: numbering is chronological), each
    paid in two parts a month apart: the activity's rows were per invoice and month before being summed."""
    for index in range(start, start + count):
        invoice = make_invoice(school=school, issue_date=dt.date(2025, 3, 4) + dt.timedelta(days=5 * index))
        half = (invoice.total_ttc_amount / 3).quantize(Decimal("0.01"))
        for amount, day in ((half, 10), (invoice.total_ttc_amount - half, 40)):
            orders.payment_record(
                invoice=invoice, received_amount=amount, method=PaymentMethod.TRANSFER,
                payment_date=invoice.issue_date + dt.timedelta(days=day),
            )  # fmt: skip


def test_dashboard_weighs_the_same_with_many_more_invoices(client, programme, django_assert_max_num_queries):
    """The open schools' activity is two grouped sums per school and month (each payment stores its HT part):
    four times the invoices leave the dashboard's queries, rows and weight unchanged, and its figures are the
    per-invoice-and-month rounding of the payments."""
    from essaim.orders.amounts import ht_share
    from essaim.orders.models import Payment

    nord = programme["departments"]["nord"]
    schools = [_run_school(nord), _run_school(nord)]
    for school in schools:
        _invoices(school, 4)
    client.force_login(programme["users"]["region_admin"])
    target = reverse("steering:dashboard")
    client.get(target, {"date": ON})
    with django_assert_max_num_queries(40) as counted:
        small = client.get(target, {"date": ON})
    for school in schools:
        _invoices(school, 12, start=4)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        big = client.get(target, {"date": ON})
    assert len(table_rows(big)) == len(table_rows(small))
    assert_size_bounded(small, big)
    # The figures: the total row's collected HT is Σ per invoice and month of ht_share(Σ payments).
    received: dict = {}
    for payment in Payment.objects.filter(payment_date__lte=ON).select_related("invoice"):
        key = (payment.invoice, payment.payment_date.year, payment.payment_date.month)
        received[key] = received.get(key, Decimal(0)) + payment.received_amount
    expected = sum(
        ht_share(total, total_ht=invoice.total_ht_amount, total_ttc=invoice.total_ttc_amount)
        for (invoice, _, _), total in received.items()
    )
    assert big.context["activity_rows"][-1][0] == "Total"
    assert big.context["overview"].activity[-1][2] == expected
