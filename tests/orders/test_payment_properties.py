"""Accounting identities of payments (hypothesis): whatever the partial payments, the amount paid is
their sum, never more than the invoice's TTC, and the invoice is « payée » exactly when they reach it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.orders import services
from essaim.orders.enums import InvoiceStatus
from essaim.orders.selectors import programme_production_activity
from tests.orders.factories import line, make_invoice

pytestmark = pytest.mark.django_db
D = Decimal

cents = st.integers(min_value=1, max_value=200_000).map(lambda c: D(c) / 100)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(price=cents, payments=st.lists(cents, min_size=1, max_size=6))
def test_payments_add_up_and_never_exceed_the_invoice(price, payments):
    invoice = make_invoice(lines=[line(quantity="1", price=str(price))])
    accepted = D(0)
    for amount in payments:
        try:
            services.payment_record(
                invoice=invoice, received_amount=amount, payment_date=dt.date(2026, 12, 1), method="transfer"
            )
        except ValidationError:
            assert amount > invoice.total_ttc_amount - accepted or accepted == invoice.total_ttc_amount
        else:
            accepted += amount
        invoice.refresh_from_db()
        assert invoice.paid_amount == accepted <= invoice.total_ttc_amount
        assert (invoice.status == InvoiceStatus.PAID) == (accepted == invoice.total_ttc_amount)
    # Collected HT never exceeds invoiced HT.
    activity = programme_production_activity(schools=[invoice.school])
    assert activity.collected_amount <= activity.invoiced_amount + D("0.01") * len(payments)
