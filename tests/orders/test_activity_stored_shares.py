"""The collected HT of the production activity is summed in the database from each payment's stored HT
part (``Payment.ht_share_amount``); it must equal, to the cent, the per-invoice-and-month rounding it
replaced: Σ over (invoice, month) of ht_share(Σ payments of that invoice that month)."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.orders import services
from essaim.orders.amounts import ht_share, payment_ht_share
from essaim.orders.models import Payment
from essaim.orders.selectors import programme_production_activity
from financing_engine.money import ZERO
from tests.orders.factories import line, make_invoice
from tests.schools.factories import RunSchoolFactory

pytestmark = pytest.mark.django_db
D = Decimal


def reference_collected(schools) -> dict[int, dict[dt.date, Decimal]]:
    """The former computation: payments grouped per invoice and month, each group's HT part rounded."""
    received: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    invoices = {}
    for payment in Payment.objects.filter(invoice__school__in=schools).select_related("invoice"):
        month = payment.payment_date.replace(day=1)
        received[(payment.invoice_id, month)] += payment.received_amount
        invoices[payment.invoice_id] = payment.invoice
    result: dict[int, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for (invoice_id, month), total in received.items():
        invoice = invoices[invoice_id]
        result[invoice.school_id][month] += ht_share(
            total, total_ht=invoice.total_ht_amount, total_ttc=invoice.total_ttc_amount
        )
    return result


def collected(activity) -> dict[int, dict[dt.date, Decimal]]:
    return {
        row.school_id: {
            month: figures.collected_amount for month, figures in row.months.items() if figures.collected_amount
        }
        for row in activity.schools
        if row.collected_amount
    }


def test_parts_of_one_month_add_up_to_the_rounded_sum():
    # 1 000 € HT, 1 200 € TTC: 0,05 € paid twice — parts 0,04 € and 0,04 €, i.e. round(0,10 × 5/6) = 0,08 €.
    first = payment_ht_share(D("0.05"), received_before=ZERO, total_ht=D("1000"), total_ttc=D("1200"))
    second = payment_ht_share(D("0.05"), received_before=D("0.05"), total_ht=D("1000"), total_ttc=D("1200"))
    assert (first, second) == (D("0.04"), D("0.04"))
    assert first + second == ht_share(D("0.10"), total_ht=D("1000"), total_ttc=D("1200"))
    # Two separate months round separately: 0,04 € + 0,04 € (the former per-month rounding, kept).
    assert payment_ht_share(D("0.05"), received_before=ZERO, total_ht=D("1000"), total_ttc=D("1200")) == D("0.04")


prices = st.integers(min_value=1, max_value=500_000).map(lambda c: D(c) / 100)
rates = st.sampled_from(["0.20", "0.055", "0.10", "0"])
# A payment: its share of the invoice TTC in thousandths, and its day after the invoice (0-75: 1-3 months).
payments_strategy = st.lists(
    st.tuples(st.integers(min_value=1, max_value=400), st.integers(min_value=0, max_value=75)), max_size=5
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    invoices=st.lists(
        st.tuples(st.integers(min_value=0, max_value=1), prices, prices, rates, payments_strategy),
        min_size=1,
        max_size=4,
    )
)
def test_database_sum_equals_the_per_invoice_and_month_rounding(invoices):
    schools = [RunSchoolFactory(), RunSchoolFactory()]
    issue_date = dt.date(2026, 9, 20)
    for school_index, price_a, price_b, rate, payments in invoices:
        invoice = make_invoice(
            school=schools[school_index],
            issue_date=issue_date,
            lines=[line(quantity="3", price=str(price_a), rate=rate), line(quantity="1", price=str(price_b))],
        )
        for thousandths, days in payments:  # days not sorted: payments are recorded out of date order too
            invoice.refresh_from_db()
            amount = min((invoice.total_ttc_amount * thousandths / 1000).quantize(D("0.01")), invoice.remaining_amount)
            if amount <= ZERO:
                continue
            services.payment_record(
                invoice=invoice,
                received_amount=amount,
                payment_date=issue_date + dt.timedelta(days=days),
                method="transfer",
            )
    expected = reference_collected(schools)
    activity = programme_production_activity(schools=schools)
    assert collected(activity) == {
        school: {month: value for month, value in months.items() if value}
        for school, months in expected.items()
        if any(months.values())
    }
    assert activity.collected_amount == sum((v for m in expected.values() for v in m.values()), ZERO)


def test_activity_keeps_the_per_month_rounding_of_small_payments():
    school = RunSchoolFactory()
    invoice = make_invoice(school=school, issue_date=dt.date(2026, 11, 2), lines=[line(quantity="1", price="1000")])
    for day in (dt.date(2026, 11, 10), dt.date(2026, 11, 3), dt.date(2026, 12, 1)):  # 1 200 € TTC
        services.payment_record(invoice=invoice, received_amount=D("0.05"), payment_date=day, method="transfer")
    row = programme_production_activity(schools=[school]).schools[0]
    # November: round(0,10 × 1 000 / 1 200) = 0,08 € (not 2 × 0,04 € rounded apart… which is also 0,08 €,
    # but the stored parts say how: 0,04 € then 0,04 €); December: round(0,05 × 5/6) = 0,04 €.
    assert row.months[dt.date(2026, 11, 1)].collected_amount == D("0.08")
    assert row.months[dt.date(2026, 12, 1)].collected_amount == D("0.04")
    assert list(invoice.payments.order_by("pk").values_list("ht_share_amount", flat=True)) == [
        D("0.04"),
        D("0.04"),
        D("0.04"),
    ]


def test_the_migration_fills_existing_payments_as_the_service_does():
    """``orders.0004`` fills the parts of payments recorded before it by the service's rule (per invoice and
    month, in the order recorded): its result equals what ``payment_record`` stored."""
    import importlib

    from django.apps import apps

    from essaim.orders.models import HistoricalPayment

    migration = importlib.import_module("essaim.orders.migrations.0004_payment_ht_share_amount")
    invoice = make_invoice(lines=[line(quantity="7", price="13.33", rate="0.055"), line(quantity="1", price="0.07")])
    for amount, day in ((D("0.07"), 3), (D("0.11"), 20), (D("1.01"), 2), (D("0.13"), 40)):
        services.payment_record(
            invoice=invoice, received_amount=amount, payment_date=dt.date(2026, 11, 2) + dt.timedelta(days=day),
            method="transfer",
        )  # fmt: skip
    stored = list(Payment.objects.order_by("pk").values_list("ht_share_amount", flat=True))
    Payment.objects.update(ht_share_amount=D("999"))
    HistoricalPayment.objects.update(ht_share_amount=D("999"))
    migration.fill_ht_shares(apps, None)
    assert list(Payment.objects.order_by("pk").values_list("ht_share_amount", flat=True)) == stored
    assert set(HistoricalPayment.objects.values_list("ht_share_amount", flat=True)) == set(stored)
