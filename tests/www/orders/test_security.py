"""Attacks on a school's customers, quotes, orders and invoices that the permission matrix does not
try: IDs of another school's objects posted in forms, forced state transitions, the accountant's
export, and the admin of invoices and payments."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from essaim.orders import services
from essaim.orders.enums import InvoiceStatus, QuoteStatus
from essaim.orders.models import CustomerOrder, Payment, Quote, WorkOrder
from essaim.organizations.enums import MembershipRole
from tests.learners.factories import LearnerFactory
from tests.orders.factories import (
    CustomerFactory,
    MarketPriceFactory,
    line,
    make_invoice,
    make_order,
    make_quote,
    school_url,
)
from tests.organizations.factories import MembershipFactory
from tests.schools.factories import RunSchoolFactory, SchoolWorkshopFactory

pytestmark = pytest.mark.django_db
D = Decimal


def login(client, school, role=MembershipRole.ADMIN):
    user = MembershipFactory(organization=school.organization, role=role).user
    client.force_login(user)
    return user


def url(name, school, **kwargs):
    return school_url(name, school, **kwargs)


def quote_data(customer, market_price=None, **extra):
    return {
        "customer": customer.pk,
        "title": "Série de supports",
        "issue_date": "2026-10-01",
        "validity_days": "30",
        "notes": "",
        "below_market_justification": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-description": "Support",
        "lines-0-quantity": "10",
        "lines-0-unit": "pièce",
        "lines-0-unit_price_amount": "15",
        "lines-0-vat_rate": "0.2000",
        "lines-0-market_price": market_price.pk if market_price else "",
    } | extra


@pytest.fixture
def schools():
    return RunSchoolFactory(), RunSchoolFactory()


def test_a_quote_cannot_name_another_schools_customer_or_market_price(client, schools):
    mine, other = schools
    login(client, mine)
    own_customer = CustomerFactory(school=mine)
    response = client.post(url("quote_create", mine), quote_data(CustomerFactory(school=other)))
    assert response.status_code == 200 and "customer" in response.context["form"].errors
    response = client.post(url("quote_create", mine), quote_data(own_customer, MarketPriceFactory(school=other)))
    assert response.status_code == 200 and response.context["formset"].forms[0].errors.get("market_price")
    assert not Quote.objects.exists()
    # The services refuse them too (a caller other than the form).
    with pytest.raises(ValidationError):
        services.quote_create(school=mine, customer=CustomerFactory(school=other), title="x", lines=[line()])
    with pytest.raises(ValidationError):
        services.quote_create(
            school=mine, customer=own_customer, title="x", lines=[line(market=MarketPriceFactory(school=other))]
        )
    assert not Quote.objects.exists()


def test_a_draft_quote_cannot_be_moved_to_another_schools_customer(client, schools):
    mine, other = schools
    login(client, mine)
    quote = make_quote(school=mine)
    response = client.post(url("quote_edit", mine, pk=quote.pk), quote_data(CustomerFactory(school=other)))
    assert response.status_code == 200
    quote.refresh_from_db()
    assert quote.customer.school == mine


def test_a_work_order_cannot_use_another_schools_workshop_or_youths(client, schools):
    mine, other = schools
    login(client, mine)
    order = make_order(school=mine)
    own_workshop = SchoolWorkshopFactory(school=mine)
    own_youth = LearnerFactory(school=mine, workshop=own_workshop)
    foreign_youth = LearnerFactory(school=other)
    data = {
        "description": "Usinage",
        "workshop": own_workshop.pk,
        "planned_hours": "20",
        "done_hours": "0",
        "status": "planned",
        "start_date": "",
        "end_date": "",
    }
    form_page = client.get(url("work_order_create", mine, order_pk=order.pk))
    choices = [value for value, _ in form_page.context["form"].fields["learners"].choices]
    assert own_youth.pk in [getattr(v, "value", v) for v in choices]
    assert foreign_youth.pk not in [getattr(v, "value", v) for v in choices]
    assert foreign_youth.last_name not in form_page.content.decode()
    response = client.post(
        url("work_order_create", mine, order_pk=order.pk), data | {"learners": [own_youth.pk, foreign_youth.pk]}
    )
    assert response.status_code == 200 and "learners" in response.context["form"].errors
    response = client.post(
        url("work_order_create", mine, order_pk=order.pk), data | {"workshop": SchoolWorkshopFactory(school=other).pk}
    )
    assert response.status_code == 200 and "workshop" in response.context["form"].errors
    assert not WorkOrder.objects.exists()
    with pytest.raises(ValidationError):
        services.work_order_save(
            customer_order=order,
            learners=[foreign_youth],
            description="x",
            workshop=own_workshop,
            planned_hours=D("1"),
            done_hours=D("0"),
        )
    with pytest.raises(ValidationError):
        services.work_order_save(
            customer_order=order,
            description="x",
            workshop=SchoolWorkshopFactory(school=other),
            planned_hours=D("1"),
            done_hours=D("0"),
        )
    assert not WorkOrder.objects.exists()


def test_another_schools_work_order_is_404_through_ones_own_order(client, schools):
    mine, other = schools
    login(client, mine)
    own_order = make_order(school=mine)
    other_order = make_order(school=other)
    foreign = WorkOrder.objects.create(
        customer_order=other_order,
        description="Secret",
        workshop=SchoolWorkshopFactory(school=other),
        planned_hours=D("5"),
    )
    assert client.get(url("work_order_edit", mine, order_pk=own_order.pk, pk=foreign.pk)).status_code == 404
    assert client.get(url("work_order_edit", mine, order_pk=other_order.pk, pk=foreign.pk)).status_code == 404
    assert client.post(url("delivery_create", mine, order_pk=other_order.pk), {}).status_code == 404
    assert client.post(url("invoice_create", mine, order_pk=other_order.pk)).status_code == 404


def test_sent_quote_and_issued_invoice_cannot_be_forced(client, schools):
    mine, _ = schools
    login(client, mine)
    quote = make_quote(school=mine)
    services.quote_send(quote=quote)
    response = client.post(url("quote_edit", mine, pk=quote.pk), quote_data(quote.customer, title="Changé"))
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.title != "Changé" and quote.status == QuoteStatus.SENT
    with pytest.raises(ValidationError):
        services.quote_update(quote=quote, lines=[line()], title="Changé")
    # Refused twice, accepted twice: the second move is refused, one order only.
    services.quote_accept(quote=quote)
    client.post(url("quote_accept", mine, pk=quote.pk), {"order_date": "2026-10-10"})
    client.post(url("quote_refuse", mine, pk=quote.pk))
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED and CustomerOrder.objects.filter(quote=quote).count() == 1

    invoice = make_invoice(school=mine, issue_date=dt.date(2026, 11, 2))
    number = invoice.number
    client.post(url("invoice_issue", mine, pk=invoice.pk), {"issue_date": "2026-11-20"})
    invoice.refresh_from_db()
    assert invoice.number == number and invoice.issue_date == dt.date(2026, 11, 2)
    with pytest.raises(ValidationError):
        invoice.delete()
    with pytest.raises(ValidationError):
        services.invoice_create_from_order(customer_order=invoice.customer_order)  # already invoiced


def test_payments_never_exceed_the_amount_due_nor_land_on_a_draft_or_credit_note(client, schools):
    mine, _ = schools
    login(client, mine)
    draft = make_invoice(school=mine, issue=False)
    client.post(
        url("payment_create", mine, pk=draft.pk),
        {"received_amount": "10", "payment_date": "2026-11-10", "method": "transfer"},
    )
    assert not Payment.objects.exists()
    invoice = make_invoice(school=mine, issue_date=dt.date(2026, 11, 2))
    too_much = invoice.total_ttc_amount + D("0.01")
    for amount in (str(too_much).replace(".", ","), "-5", "0"):
        client.post(
            url("payment_create", mine, pk=invoice.pk),
            {"received_amount": amount, "payment_date": "2026-11-10", "method": "transfer"},
        )
    assert not Payment.objects.filter(invoice=invoice).exists()
    services.payment_record(
        invoice=invoice, received_amount=invoice.total_ttc_amount, payment_date=dt.date(2026, 11, 10), method="transfer"
    )
    with pytest.raises(ValidationError):
        services.payment_record(
            invoice=invoice, received_amount=D("1"), payment_date=dt.date(2026, 11, 11), method="transfer"
        )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_amount == invoice.total_ttc_amount
    with pytest.raises(ValidationError):
        services.invoice_credit(invoice=invoice, reason="Trop tard")
    other = make_invoice(school=mine, issue_date=dt.date(2026, 11, 3))
    credit = services.invoice_credit(invoice=other, reason="Erreur", issue_date=dt.date(2026, 11, 4))
    with pytest.raises(ValidationError):
        services.payment_record(
            invoice=credit, received_amount=D("1"), payment_date=dt.date(2026, 11, 11), method="transfer"
        )


def test_an_invoice_cannot_be_issued_before_the_previous_one_of_its_sequence(client, schools):
    """Invoice numbers follow a chronological and continuous sequence (CGI, art. 242 nonies A): a
    later number never bears an earlier date."""
    mine, other = schools
    login(client, mine)
    make_invoice(school=mine, issue_date=dt.date(2026, 11, 15))
    draft = make_invoice(school=mine, issue=False)
    response = client.post(url("invoice_issue", mine, pk=draft.pk), {"issue_date": "2026-11-10"}, follow=True)
    assert "15/11/2026" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == InvoiceStatus.DRAFT and not draft.number
    with pytest.raises(ValidationError):
        services.invoice_issue(invoice=draft, issue_date=dt.date(2026, 11, 14))
    # Same day, later day, another school or the next year's sequence: fine.
    assert services.invoice_issue(invoice=draft, issue_date=dt.date(2026, 11, 15)).number == "F2026-0002"
    first_of_other = make_invoice(school=other, issue_date=dt.date(2026, 1, 5))
    assert first_of_other.number == "F2026-0001"
    with pytest.raises(ValidationError):  # a credit note dated, in another year, before its invoice
        services.invoice_credit(invoice=first_of_other, reason="Erreur", issue_date=dt.date(2025, 12, 20))
    invoice = make_invoice(school=mine, issue_date=dt.date(2026, 11, 20))
    # A credit note takes the next number too: not before the last issued one.
    with pytest.raises(ValidationError):
        services.invoice_credit(invoice=invoice, reason="Erreur", issue_date=dt.date(2026, 11, 19))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED


def test_the_accountants_export_holds_only_the_schools_issued_invoices(client, schools):
    mine, other = schools
    login(client, mine, role=MembershipRole.READER)
    own = make_invoice(school=mine)
    make_invoice(school=mine, issue=False)
    foreign = make_invoice(school=other)
    foreign.customer.name = "Client Secret de B"
    foreign.customer.save()
    response = client.get(url("invoice_export", mine))
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    content = raw.decode("utf-8-sig")
    assert own.number in content and "Client Secret de B" not in content
    assert content.count("F2026-") == 1
    assert client.get(url("invoice_export", other)).status_code == 404


def test_customers_quotes_orders_invoices_and_trainers_are_not_in_the_admin(client, schools):
    """Platform administrators get 404 on a school's customers, quotes, orders, invoices and payments, and
    see maîtres professionnels as a count only (docs/open-schools.md): the Django admin shows none of
    them, so it can neither show a private customer nor change an issued invoice, a quote or an order."""
    from django.contrib import admin as django_admin

    from essaim.orders import models as orders
    from essaim.schools.models import MasterTrainer

    mine, _ = schools
    invoice = make_invoice(school=mine, issue_date=dt.date(2026, 11, 2))
    services.payment_record(
        invoice=invoice, received_amount=D("10"), payment_date=dt.date(2026, 11, 5), method="transfer"
    )
    for model in (
        orders.Customer,
        orders.Quote,
        orders.CustomerOrder,
        orders.Invoice,
        orders.InvoiceLine,
        orders.Payment,
        MasterTrainer,
    ):
        assert not django_admin.site.is_registered(model), model
    admin = MembershipFactory(organization=mine.organization).user
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get(f"/admin/orders/invoice/{invoice.pk}/change/").status_code == 404
    assert client.get("/admin/orders/customer/").status_code == 404
    assert client.get("/admin/schools/mastertrainer/").status_code == 404
    index = client.get("/admin/").content.decode()
    assert invoice.customer.name not in index and "Maîtres" not in index


def test_a_work_order_offers_youths_still_at_school_and_keeps_those_already_on_it(client, schools):
    """Youths who left are not offered for a new work order; one already on a work order stays on it."""
    mine, _ = schools
    login(client, mine)
    order = make_order(school=mine)
    workshop = SchoolWorkshopFactory(school=mine)
    present = LearnerFactory(school=mine, workshop=workshop)
    left = LearnerFactory(school=mine, workshop=workshop, exited=True)

    def offered(page):
        return {getattr(v, "value", v) for v, _ in page.context["form"].fields["learners"].choices}

    assert offered(client.get(url("work_order_create", mine, order_pk=order.pk))) == {present.pk}
    work_order = services.work_order_save(
        customer_order=order,
        learners=[left],
        description="Usinage",
        workshop=workshop,
        planned_hours=D("10"),
        done_hours=D("0"),
    )
    edit = client.get(url("work_order_edit", mine, order_pk=order.pk, pk=work_order.pk))
    assert offered(edit) == {present.pk, left.pk}
