"""From the quote to the payment: rules, numbering, market-price warnings, credit notes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from essaim.orders import services
from essaim.orders.enums import CustomerKind, InvoiceKind, InvoiceStatus, OrderStatus, QuoteStatus
from essaim.orders.models import Customer, Invoice, Quote
from tests.learners.factories import LearnerFactory
from tests.orders.factories import CustomerFactory, MarketPriceFactory, line, make_invoice, make_order, make_quote
from tests.schools.factories import RunSchoolFactory, SchoolWorkshopFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_customer_siret_is_checked_when_given():
    school = RunSchoolFactory()
    with pytest.raises(ValidationError) as error:
        services.customer_save(school=school, kind=CustomerKind.COMPANY, name="X", siret="44306184100048", address="a")
    assert "clé de contrôle" in str(error.value)
    customer = services.customer_save(school=school, kind=CustomerKind.COMPANY, name="Y", siret="", address="a")
    assert customer.siret == ""
    spaced = services.customer_save(
        school=school, kind=CustomerKind.COLLECTIVITE, name="Z", siret="443 061 841 00047", address="a"
    )
    assert spaced.siret == "44306184100047"


def test_private_person_record_stays_minimal():
    school = RunSchoolFactory()
    with pytest.raises(ValidationError) as error:
        services.customer_save(
            school=school, kind=CustomerKind.PRIVATE_PERSON, name="A", siret="44306184100047", address="a"
        )
    assert "particulier" in str(error.value)
    assert not Customer.objects.exists()


def test_quote_totals_and_numbering_per_school_and_year():
    school = RunSchoolFactory()
    customer = CustomerFactory(school=school)
    first = make_quote(
        customer=customer, lines=[line(quantity="3", price="12.35"), line(price="9.99", quantity="1", rate="0.055")]
    )
    second = make_quote(customer=customer)
    assert (first.number, second.number) == ("D2026-0001", "D2026-0002")
    assert (first.total_ht_amount, first.total_vat_amount, first.total_ttc_amount) == (
        D("47.04"),
        D("7.96"),
        D("55.00"),
    )
    other = make_quote()
    assert other.number == "D2026-0001"


def test_bad_lines_are_refused_with_their_line_number_and_nothing_is_written():
    customer = CustomerFactory()
    with pytest.raises(ValidationError) as error:
        make_quote(customer=customer, lines=[line(), line(quantity="0"), line(description=" ", rate="1.2")])
    messages = error.value.messages
    assert "Ligne 2 : la quantité doit être positive." in messages
    assert "Ligne 3 : la désignation est obligatoire." in messages
    assert "Ligne 3 : le taux de TVA doit être compris entre 0 et 100 %." in messages
    assert not Quote.objects.exists()


def test_below_market_price_is_flagged_and_needs_a_justification_to_send():
    customer = CustomerFactory()
    market = MarketPriceFactory(school=customer.school, unit_price_amount=D("15.00"))
    quote = make_quote(customer=customer, lines=[line(price="14.99", market=market), line(price="20")])
    assert quote.has_below_market_lines
    below, above = quote.lines.all()
    assert below.is_below_market and below.market_unit_price_amount == D("15.00")
    assert not above.is_below_market
    with pytest.raises(ValidationError) as error:
        services.quote_send(quote=quote)
    assert "inférieur au prix de marché" in str(error.value)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT
    services.quote_send(quote=quote, below_market_justification="Client historique, série de découverte.")
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT


def test_market_price_at_reference_is_not_below():
    customer = CustomerFactory()
    market = MarketPriceFactory(school=customer.school, unit_price_amount=D("15.00"))
    assert not make_quote(customer=customer, lines=[line(price="15.00", market=market)]).has_below_market_lines


def test_another_schools_market_price_is_refused():
    customer = CustomerFactory()
    with pytest.raises(ValidationError) as error:
        make_quote(customer=customer, lines=[line(market=MarketPriceFactory())])
    assert "Ligne 1" in str(error.value)


def test_sent_quote_is_frozen_and_accepted_once():
    quote = make_quote()
    services.quote_send(quote=quote)
    with pytest.raises(ValidationError):
        services.quote_update(quote=quote, lines=[line()])
    order = services.quote_accept(quote=quote, order_date=dt.date(2026, 10, 3))
    assert order.number == "C2026-0001" and order.customer == quote.customer
    with pytest.raises(ValidationError):
        services.quote_accept(quote=quote)


def test_work_order_takes_a_workshop_and_youths_of_the_same_school():
    order = make_order()
    school = order.school
    workshop = SchoolWorkshopFactory(school=school)
    learners = [LearnerFactory(school=school, workshop=workshop) for _ in range(2)]
    work_order = services.work_order_save(
        customer_order=order, workshop=workshop, learners=learners, description="Usinage", planned_hours=D("40")
    )
    assert set(work_order.learners.all()) == set(learners)
    with pytest.raises(ValidationError):
        services.work_order_save(
            customer_order=order, workshop=SchoolWorkshopFactory(), description="X", planned_hours=D("1")
        )
    stranger = LearnerFactory()
    with pytest.raises(ValidationError) as error:
        services.work_order_save(
            customer_order=order, workshop=workshop, learners=[stranger], description="Y", planned_hours=D("1")
        )
    assert "jeunes de l'école" in str(error.value)
    assert order.work_orders.count() == 1


def test_invoice_draft_has_no_number_issue_numbers_continuously_per_year():
    school = RunSchoolFactory()
    draft = make_invoice(school=school, issue=False)
    assert draft.number == "" and draft.sequence is None and draft.status == InvoiceStatus.DRAFT
    issued = services.invoice_issue(invoice=draft, issue_date=dt.date(2026, 12, 30))
    assert (issued.number, issued.year, issued.sequence) == ("F2026-0001", 2026, 1)
    assert issued.due_date == dt.date(2027, 1, 29)
    assert issued.issued_identity["seller"]["siret"] == school.siret
    second = make_invoice(school=school, issue_date=dt.date(2026, 12, 31))
    new_year = make_invoice(school=school, issue_date=dt.date(2027, 1, 2))
    assert second.number == "F2026-0002" and new_year.number == "F2027-0001"
    assert make_invoice(issue_date=dt.date(2026, 12, 31)).number == "F2026-0001"  # another school
    with pytest.raises(ValidationError):
        services.invoice_issue(invoice=issued)


def test_a_failed_issue_gives_its_number_back():
    """The number is taken inside the transaction: if the issue fails, no number is lost."""
    school = RunSchoolFactory()
    draft = make_invoice(school=school, issue=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.invoice_issue(invoice=draft, issue_date=dt.date(2026, 11, 2))
        raise RuntimeError("crash after numbering")
    draft.refresh_from_db()
    assert draft.number == ""
    assert services.invoice_issue(invoice=draft, issue_date=dt.date(2026, 11, 2)).number == "F2026-0001"


def test_issue_is_refused_without_the_schools_siret():
    school = RunSchoolFactory(siret="")
    draft = make_invoice(school=school, issue=False)
    with pytest.raises(ValidationError) as error:
        services.invoice_issue(invoice=draft)
    assert "SIRET de l'école" in str(error.value)


def test_issued_invoice_is_never_deleted_and_numbers_are_unique():
    invoice = make_invoice()
    with pytest.raises(ValidationError):
        invoice.delete()
    draft = make_invoice(issue=False)
    draft.delete()
    duplicate = Invoice(
        school=invoice.school,
        customer_order=invoice.customer_order,
        customer=invoice.customer,
        status=InvoiceStatus.ISSUED,
        year=invoice.year,
        sequence=invoice.sequence,
        number="F2026-9999",
        issue_date=invoice.issue_date,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_only_one_live_invoice_per_order():
    invoice = make_invoice()
    with pytest.raises(ValidationError):
        services.invoice_create_from_order(customer_order=invoice.customer_order)


def test_partial_payments_until_paid():
    invoice = make_invoice(lines=[line(quantity="10", price="100")])  # 1 000 € HT, 1 200 € TTC
    assert invoice.total_ttc_amount == D("1200.00")
    services.payment_record(
        invoice=invoice, received_amount=D("500"), payment_date=dt.date(2026, 11, 20), method="transfer"
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED and invoice.remaining_amount == D("700.00")
    with pytest.raises(ValidationError) as error:
        services.payment_record(
            invoice=invoice, received_amount=D("700.01"), payment_date=dt.date(2026, 12, 1), method="cheque"
        )
    assert "reste à payer" in str(error.value)
    services.payment_record(
        invoice=invoice, received_amount=D("700"), payment_date=dt.date(2026, 12, 1), method="cheque"
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_amount == D("1200.00")
    assert invoice.customer_order.status == OrderStatus.PAID
    with pytest.raises(ValidationError):
        services.payment_record(
            invoice=invoice, received_amount=D("1"), payment_date=dt.date(2026, 12, 2), method="cash"
        )


def test_payment_before_the_invoice_date_is_refused():
    invoice = make_invoice(issue_date=dt.date(2026, 11, 2))
    with pytest.raises(ValidationError):
        services.payment_record(
            invoice=invoice, received_amount=D("1"), payment_date=dt.date(2026, 11, 1), method="cash"
        )


def test_credit_note_cancels_an_unpaid_invoice_in_the_same_sequence():
    invoice = make_invoice(issue_date=dt.date(2026, 11, 2))
    credit = services.invoice_credit(invoice=invoice, reason="Erreur de quantité", issue_date=dt.date(2026, 11, 3))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED
    assert credit.kind == InvoiceKind.CREDIT_NOTE and credit.number == "F2026-0002"
    assert credit.total_ttc_amount == -invoice.total_ttc_amount
    assert credit.credited_invoice == invoice
    # The order can be invoiced again.
    again = services.invoice_create_from_order(customer_order=invoice.customer_order)
    assert again.is_draft
    with pytest.raises(ValidationError):
        services.invoice_credit(invoice=invoice, reason="encore")


def test_paid_invoice_cannot_be_credited():
    invoice = make_invoice()
    services.payment_record(invoice=invoice, received_amount=D("1"), payment_date=dt.date(2026, 11, 20), method="cash")
    with pytest.raises(ValidationError):
        services.invoice_credit(invoice=invoice, reason="x")
