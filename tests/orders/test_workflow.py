"""The quotes, orders and invoices workflows (orders/workflow.py): every change of status goes through
the one mechanism, is logged with who and its effective date, and is refused to those who may not act."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from essaim.orders import services
from essaim.orders.enums import InvoiceStatus, OrderStatus, PaymentMethod, QuoteStatus
from essaim.orders.workflow import INVOICE_WORKFLOW, ORDER_WORKFLOW, QUOTE_WORKFLOW
from essaim.organizations.enums import MembershipRole
from tests.orders.factories import make_quote
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def log_of(obj):
    return list(obj.transitions.order_by("pk").values_list("name", "from_state", "to_state", "effective_date", "by"))


def test_from_the_quote_to_the_payment_every_status_change_is_logged_with_its_effective_date():
    quote = make_quote(issue_date=dt.date(2026, 10, 1))
    staff = MembershipFactory(organization=quote.school.organization, role=MembershipRole.MEMBER).user
    services.quote_send(quote=quote, by=staff)
    order = services.quote_accept(quote=quote, order_date=dt.date(2026, 10, 5), by=staff)
    services.delivery_create(customer_order=order, delivery_date=dt.date(2026, 10, 20), description="Tout", by=staff)
    invoice = services.invoice_create_from_order(customer_order=order)
    services.invoice_issue(invoice=invoice, issue_date=dt.date(2026, 11, 2), by=staff)
    services.payment_record(
        invoice=invoice,
        received_amount=invoice.total_ttc_amount - Decimal("10"),
        payment_date=dt.date(2026, 11, 20),
        method=PaymentMethod.TRANSFER,
        by=staff,
    )
    services.payment_record(
        invoice=invoice,
        received_amount=Decimal("10"),
        payment_date=dt.date(2026, 11, 28),
        method=PaymentMethod.CHEQUE,
        by=staff,
    )
    assert log_of(quote) == [
        ("send", QuoteStatus.DRAFT, QuoteStatus.SENT, timezone.localdate(), staff.pk),
        ("accept", QuoteStatus.SENT, QuoteStatus.ACCEPTED, dt.date(2026, 10, 5), staff.pk),
    ]
    assert log_of(order) == [
        ("deliver", OrderStatus.IN_PRODUCTION, OrderStatus.DELIVERED, dt.date(2026, 10, 20), staff.pk),
        ("invoice", OrderStatus.DELIVERED, OrderStatus.INVOICED, dt.date(2026, 11, 2), staff.pk),
        ("settle", OrderStatus.INVOICED, OrderStatus.PAID, dt.date(2026, 11, 28), staff.pk),
    ]
    assert log_of(invoice) == [
        ("issue", InvoiceStatus.DRAFT, InvoiceStatus.ISSUED, dt.date(2026, 11, 2), staff.pk),
        ("settle", InvoiceStatus.ISSUED, InvoiceStatus.PAID, dt.date(2026, 11, 28), staff.pk),
    ]


def test_a_credit_note_logs_the_cancellation_with_its_reason_and_sends_the_order_back():
    quote = make_quote()
    services.quote_send(quote=quote)
    order = services.quote_accept(quote=quote, order_date=dt.date(2026, 10, 5))
    invoice = services.invoice_create_from_order(customer_order=order)
    services.invoice_issue(invoice=invoice, issue_date=dt.date(2026, 11, 2))
    credit = services.invoice_credit(invoice=invoice, reason="Erreur de quantité", issue_date=dt.date(2026, 11, 3))
    assert log_of(invoice)[-1] == ("credit", InvoiceStatus.ISSUED, InvoiceStatus.CREDITED, dt.date(2026, 11, 3), None)
    assert invoice.transitions.get(name="credit").comment == "Erreur de quantité"
    assert log_of(credit) == [("issue", InvoiceStatus.DRAFT, InvoiceStatus.ISSUED, dt.date(2026, 11, 3), None)]
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert [line[0] for line in log_of(order)] == ["invoice", "cancel_invoice"]


@pytest.mark.parametrize("role", [MembershipRole.READER, None])
def test_a_reader_or_another_organisation_cannot_move_a_document(role):
    quote = make_quote()
    user = (
        MembershipFactory(organization=quote.school.organization, role=role).user if role else MembershipFactory().user
    )
    with pytest.raises(PermissionDenied):
        services.quote_send(quote=quote, by=user)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT
    assert not quote.transitions.exists()


def test_the_pages_offer_only_the_transitions_the_user_may_take_and_orders_never_offer_buttons():
    quote = make_quote()
    staff = MembershipFactory(organization=quote.school.organization, role=MembershipRole.ADMIN).user
    reader = MembershipFactory(organization=quote.school.organization, role=MembershipRole.READER).user
    assert [t.name for t in QUOTE_WORKFLOW.available(staff, quote)] == ["send"]
    assert QUOTE_WORKFLOW.available(reader, quote) == []
    services.quote_send(quote=quote, by=staff)
    assert [t.name for t in QUOTE_WORKFLOW.available(staff, quote)] == ["accept", "refuse"]
    order = services.quote_accept(quote=quote, by=staff)
    assert ORDER_WORKFLOW.available(staff, order) == []
    assert [t.name for t in ORDER_WORKFLOW.available(staff, order, automatic=True)] == ["deliver", "invoice"]
    invoice = services.invoice_create_from_order(customer_order=order)
    assert [t.name for t in INVOICE_WORKFLOW.available(staff, invoice)] == ["issue"]
