"""No N+1 on the open school's list pages: each page is read with a few rows, then with clearly more
rows (and more of every related object its template shows), under the same bound.

Complements tests/www/orders/test_views.py (which grows customers, orders and invoices): here the
school's structure (years, master trainers), credit notes and payments, the accountant's CSV, and the
tables inside a quote, an order and an invoice."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains

from essaim.orders import services
from essaim.orders.enums import PaymentMethod
from essaim.organizations.enums import MembershipRole
from tests.learners.factories import LearnerFactory
from tests.orders.factories import CustomerFactory, line, make_invoice, make_order, make_quote, school_url
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.rendered import table_rows
from tests.schools.factories import MasterTrainerFactory, RunSchoolFactory, SchoolWorkshopFactory, SchoolYearFactory
from tests.shared_worlds import fresh, read, shared_transaction

pytestmark = pytest.mark.django_db
D = Decimal
ISSUED = dt.date(2026, 11, 2)


@pytest.fixture
def school(client):
    school = RunSchoolFactory()
    client.force_login(MembershipFactory(organization=school.organization, role=MembershipRole.ADMIN).user)
    return school


def url(name, school, **kwargs):
    return school_url(name, school, **kwargs)


def assert_constant(client, target, grow, bound, django_assert_max_num_queries):
    """The page under ``bound`` with few rows, then with more rows under the count measured first."""
    client.get(target)  # warm up the session
    with django_assert_max_num_queries(bound) as small:
        assert client.get(target).status_code == 200
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(target)
    assert response.status_code == 200
    return response


def assert_rows_show_customers(response, count):
    """The page's table has ``count`` rows (never the « Aucun… » row), each naming its document's customer."""
    shown = list(response.context["page"].object_list)
    rows = table_rows(response)
    assert len(rows) == len(shown) == count
    for row, document in zip(rows, shown, strict=True):
        assert document.customer.name in row


def _structure(school, n):
    start = school.school_years.count()
    for year in range(2000 + start, 2000 + start + n):
        MasterTrainerFactory(school=school)
        SchoolYearFactory(
            school=school, label=f"{year}-{year + 1}", start_date=dt.date(year, 9, 1), end_date=dt.date(year + 1, 7, 3)
        )


def test_school_home_with_more_years_workshops_and_trainers(client, school, django_assert_max_num_queries):
    _structure(school, 2)
    response = assert_constant(
        client, url("school_home", school), lambda: _structure(school, 12), 20, django_assert_max_num_queries
    )
    assert response.content.decode().count("maitre") >= 14


def _invoices_of_every_kind(school, n):
    """Issued invoices, invoices partly and fully paid, and invoices cancelled by a credit note."""
    for _ in range(n):
        customer = CustomerFactory(school=school)
        paid = make_invoice(customer=customer, issue_date=ISSUED)
        services.payment_record(
            invoice=paid, received_amount=paid.total_ttc_amount, payment_date=ISSUED, method=PaymentMethod.TRANSFER
        )
        partly = make_invoice(customer=customer, issue_date=ISSUED)
        services.payment_record(
            invoice=partly, received_amount=D("10.00"), payment_date=ISSUED, method=PaymentMethod.CHEQUE
        )
        credited = make_invoice(customer=customer, issue_date=ISSUED)
        services.invoice_credit(invoice=credited, reason="Erreur de quantité", issue_date=ISSUED)
        make_invoice(customer=customer, issue=False)  # a draft


STATUSES = ["", "paid", "credited"]


def _invoice_list(school, status):
    return url("invoice_list", school) + (f"?statut={status}" if status else "")


@pytest.fixture(scope="class")
def _invoices_world(django_db_setup, django_db_blocker, tmp_path_factory):
    media_root = tmp_path_factory.mktemp("orders-invoices-media")
    with shared_transaction(django_db_blocker, media_root):
        school = RunSchoolFactory()
        admin = MembershipFactory(organization=school.organization, role=MembershipRole.ADMIN).user
        _invoices_of_every_kind(school, 1)
        # The list read by the school's admin under each filter with one round of invoices, before 5 more.
        few = {status: read(admin, _invoice_list(school, status)) for status in STATUSES}
        _invoices_of_every_kind(school, 5)
        yield {"school": school, "admin": admin}, media_root, few


@pytest.fixture
def invoices(_invoices_world, db, settings):
    """A school run on Essaim with 6 rounds of invoices of every kind (built once per class, a fresh copy
    for each case); ``few`` its invoice list read with one round, before it grew, by filter."""
    world, media_root, few = _invoices_world
    return fresh(world, media_root, settings) | {"few": few}


class TestInvoiceList:
    """The invoice list, read on one world (``invoices``)."""

    @pytest.mark.parametrize("status", STATUSES)
    def test_invoice_list_with_payments_and_credit_notes(self, client, invoices, django_assert_max_num_queries, status):
        small = invoices["few"][status]  # read with one round of invoices
        small.assert_at_most(20)
        assert small.response.status_code == 200
        client.force_login(invoices["admin"])
        target = _invoice_list(invoices["school"], status)
        client.get(target)  # warm up the session
        with django_assert_max_num_queries(len(small.queries)):  # with six rounds
            response = client.get(target)
        assert response.status_code == 200
        # 6 rounds of a paid, a partly paid (issued), a credited and a draft invoice, and a credit note.
        assert_rows_show_customers(response, {"": 6 * 5, "paid": 6, "credited": 6}[status])


def test_invoice_export_csv(client, school, django_assert_max_num_queries):
    _invoices_of_every_kind(school, 1)
    response = assert_constant(
        client, url("invoice_export", school), lambda: _invoices_of_every_kind(school, 5), 12,
        django_assert_max_num_queries,
    )  # fmt: skip
    # 6 × (3 invoices + 1 credit note) issued; drafts are not in the journal.
    assert len(response.content.decode("utf-8-sig").splitlines()) == 1 + 6 * 4


def test_quote_list_with_quotes_in_every_state(client, school, django_assert_max_num_queries):
    def grow(n):
        for _ in range(n):
            customer = CustomerFactory(school=school)
            make_quote(customer=customer)  # draft
            services.quote_send(quote=make_quote(customer=customer))
            services.quote_refuse(quote=services.quote_send(quote=make_quote(customer=customer)))
            make_order(customer=customer)  # accepted

    grow(1)
    response = assert_constant(client, url("quote_list", school), lambda: grow(4), 20, django_assert_max_num_queries)
    assert_rows_show_customers(response, 5 * 4)  # 5 rounds: a draft, a sent, a refused and an accepted quote


def test_quote_detail_with_more_lines(client, school, django_assert_max_num_queries):
    few = make_order(school=school, lines=[line(description=f"Pièce {i}") for i in range(2)])
    many = make_order(customer=few.customer, lines=[line(description=f"Pièce {i}") for i in range(14)])
    with django_assert_max_num_queries(20) as small:
        assert client.get(url("quote_detail", school, pk=few.quote.pk)).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url("quote_detail", school, pk=many.quote.pk)).content.decode()
    assert "Pièce 13" in page


def _fill_order(order, n):
    """Work orders (each with a group of youths), deliveries and invoices (one cancelled by a credit note)."""
    school = order.school
    for index in range(n):
        workshop = SchoolWorkshopFactory(school=school)
        learners = [LearnerFactory(school=school, workshop=workshop) for _ in range(2)]
        services.work_order_save(
            customer_order=order,
            workshop=workshop,
            description=f"Travail {index}",
            planned_hours=D(3),
            learners=learners,
        )
        services.delivery_create(
            customer_order=order, delivery_date=dt.date(2026, 10, 6), description=f"Lot {index}", is_final=False
        )
    for _ in range(n):
        invoice = services.invoice_issue(
            invoice=services.invoice_create_from_order(customer_order=order), issue_date=ISSUED
        )
        services.invoice_credit(invoice=invoice, reason="Refaite", issue_date=ISSUED)


def test_order_detail_with_more_work_orders_deliveries_and_invoices(client, school, django_assert_max_num_queries):
    few = make_order(school=school)
    many = make_order(customer=few.customer, lines=[line(description=f"Pièce {i}") for i in range(12)])
    _fill_order(few, 1)
    _fill_order(many, 12)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url("order_detail", school, pk=few.pk)).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url("order_detail", school, pk=many.pk)).content.decode()
    assert "Travail 11" in page and "Lot 11" in page


def test_invoice_detail_with_more_lines_and_payments(client, school, django_assert_max_num_queries):
    few = make_invoice(school=school, issue_date=ISSUED)
    many = make_invoice(
        customer=few.customer, issue_date=ISSUED, lines=[line(description=f"Pièce {i}") for i in range(14)]
    )
    for invoice, count in [(few, 1), (many, 12)]:
        for index in range(count):
            services.payment_record(
                invoice=invoice, received_amount=D("1.00"), payment_date=ISSUED, method=PaymentMethod.TRANSFER,
                reference=f"VIR-{invoice.pk}-{index}",
            )  # fmt: skip
    with django_assert_max_num_queries(20) as small:
        assert client.get(url("invoice_detail", school, pk=few.pk)).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url("invoice_detail", school, pk=many.pk)).content.decode()
    assert "Pièce 13" in page and f"VIR-{many.pk}-11" in page


def test_credit_note_detail_does_not_grow_with_its_lines(client, school, django_assert_max_num_queries):
    few = make_invoice(school=school, issue_date=ISSUED)
    many = make_invoice(
        customer=few.customer, issue_date=ISSUED, lines=[line(description=f"Pièce {i}") for i in range(14)]
    )
    few_credit = services.invoice_credit(invoice=few, reason="Erreur", issue_date=ISSUED)
    many_credit = services.invoice_credit(invoice=many, reason="Erreur", issue_date=ISSUED)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url("invoice_detail", school, pk=few_credit.pk)).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url("invoice_detail", school, pk=many_credit.pk))
    assert response.status_code == 200
    for index in range(14):
        assertContains(response, f"Pièce {index}<")


def test_no_school_page_lists_more_projects(client, django_assert_max_num_queries):
    """« Mon école » of a holder with no open school: its projects, to open a school from one of them."""
    holder = OrganizationFactory()
    client.force_login(MembershipFactory(organization=holder, role=MembershipRole.ADMIN).user)

    def grow(n):
        for _ in range(n):
            ProjectFactory(holder=holder)

    grow(1)
    response = assert_constant(
        client, reverse("schools:my_school"), lambda: grow(12), 12, django_assert_max_num_queries
    )
    assert len(response.context["projects"]) == 13
