"""The production per school and month (``ProductionMonth``), kept up to date on write, and the reads that
take the closed months from it: always equal to the invoices and payments themselves."""

import datetime as dt
import importlib
from collections import defaultdict
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.orders import services
from essaim.orders.models import Invoice, Payment, ProductionMonth
from essaim.orders.production import production_month_refresh, production_months_differences, production_months_rebuild
from essaim.orders.selectors import production_revenue_by_month, production_totals_by_school
from financing_engine.money import ZERO
from tests.orders.factories import line, make_invoice
from tests.schools.factories import RunSchoolFactory

pytestmark = pytest.mark.django_db
D = Decimal


def brute_force_totals(school_ids, end):
    """Each school's invoiced and collected HT up to ``end``, summed invoice by invoice in Python."""
    totals = defaultdict(lambda: [ZERO, ZERO])
    for invoice in Invoice.objects.issued().filter(school__in=school_ids):
        if end is None or invoice.issue_date <= end:
            totals[invoice.school_id][0] += invoice.total_ht_amount
    for payment in Payment.objects.filter(invoice__school__in=school_ids).select_related("invoice"):
        if end is None or payment.payment_date <= end:
            totals[payment.invoice.school_id][1] += payment.ht_share_amount
    return {school: tuple(values) for school, values in totals.items() if values != [ZERO, ZERO]}


def as_tuples(totals):
    return {
        school: (figures.invoiced_amount, figures.collected_amount)
        for school, figures in totals.items()
        if (figures.invoiced_amount, figures.collected_amount) != (ZERO, ZERO)
    }


def test_every_write_keeps_the_months_up_to_date():
    school = RunSchoolFactory()
    invoice = make_invoice(school=school, issue_date=dt.date(2026, 10, 5), lines=[line(quantity="10", price="100")])
    assert list(ProductionMonth.objects.values_list("month", "invoiced_ht_amount", "collected_ht_amount")) == [
        (dt.date(2026, 10, 1), D("1000.00"), D("0.00"))
    ]
    # A payment received the next month, recorded late: its month counts it.
    services.payment_record(
        invoice=invoice, received_amount=D("600"), payment_date=dt.date(2026, 11, 3), method="transfer"
    )
    assert ProductionMonth.objects.get(month=dt.date(2026, 11, 1)).collected_ht_amount == D("500.00")
    # A credit note counts negative in the month it is issued; the credited invoice stays in its own month.
    other = make_invoice(school=school, issue_date=dt.date(2026, 11, 10), lines=[line(quantity="1", price="50")])
    services.invoice_credit(invoice=other, reason="Erreur de quantité", issue_date=dt.date(2026, 12, 1))
    assert list(
        ProductionMonth.objects.order_by("month").values_list("month", "invoiced_ht_amount", "collected_ht_amount")
    ) == [
        (dt.date(2026, 10, 1), D("1000.00"), D("0.00")),
        (dt.date(2026, 11, 1), D("50.00"), D("500.00")),
        (dt.date(2026, 12, 1), D("-50.00"), D("0.00")),
    ]
    # Drafts count nowhere.
    make_invoice(school=school, issue=False)
    assert production_months_differences() == []


def test_a_refresh_recomputes_the_month_from_its_invoices():
    """A month's row is recomputed, not incremented: refreshing twice, or after a bulk write, gives the sums."""
    school = RunSchoolFactory()
    make_invoice(school=school, issue_date=dt.date(2026, 10, 5), lines=[line(quantity="2", price="100")])
    ProductionMonth.objects.update(invoiced_ht_amount=D("999"))
    assert [text.replace("\xa0", " ").replace("\u202f", " ") for text in production_months_differences()] == [
        f"école {school.pk}, 10/2026 : enregistré facturé 999,00 €, encaissé 0,00 € HT, "
        "calculé facturé 200,00 €, encaissé 0,00 € HT"
    ]
    production_month_refresh(school_id=school.pk, day=dt.date(2026, 10, 31))
    production_month_refresh(school_id=school.pk, day=dt.date(2026, 10, 31))
    assert ProductionMonth.objects.get().invoiced_ht_amount == D("200.00")
    assert production_months_differences() == []


days = st.integers(min_value=0, max_value=400)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    invoices=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=1),  # school
            st.integers(min_value=1, max_value=200_000).map(lambda c: D(c) / 100),  # price
            st.lists(st.tuples(st.integers(1, 600), st.integers(0, 90)), max_size=3),  # payments: ‰ TTC, days after
            st.booleans(),  # credited (when unpaid)
        ),
        min_size=1,
        max_size=6,
    ),
    ends=st.lists(days, min_size=1, max_size=4),
)
def test_reads_from_the_months_equal_the_invoices_and_payments(invoices, ends):
    """Whatever was issued, paid and credited, and whatever the date asked for (inside a month or at its end),
    the totals and the months read through ``ProductionMonth`` equal the sums over the invoices and payments."""
    schools = [RunSchoolFactory(), RunSchoolFactory()]
    ids = [school.pk for school in schools]
    start = dt.date(2025, 12, 20)
    issued_on = {0: start, 1: start}
    for index, (school_index, price, payments, credited) in enumerate(invoices):
        issued_on[school_index] += dt.timedelta(days=17 * index + 3)  # chronological numbering per school
        invoice = make_invoice(
            school=schools[school_index],
            issue_date=issued_on[school_index],
            lines=[line(quantity="1", price=str(price))],
        )
        if credited and not payments:
            # The credit note takes the school's next number: the next invoice comes after it.
            issued_on[school_index] = invoice.issue_date + dt.timedelta(days=40)
            services.invoice_credit(invoice=invoice, reason="Annulée", issue_date=issued_on[school_index])
            continue
        for thousandths, after in payments:
            invoice.refresh_from_db()
            amount = min((invoice.total_ttc_amount * thousandths / 1000).quantize(D("0.01")), invoice.remaining_amount)
            if amount > ZERO:
                services.payment_record(
                    invoice=invoice,
                    received_amount=amount,
                    payment_date=invoice.issue_date + dt.timedelta(days=after),
                    method="transfer",
                )
    assert production_months_differences(ids) == []
    for end in [None, *(start + dt.timedelta(days=offset) for offset in ends)]:
        expected = brute_force_totals(ids, end)
        assert as_tuples(production_totals_by_school(schools=ids, end=end)) == expected
        by_month = production_revenue_by_month(schools=ids, end=end)
        summed = {
            school: (
                sum((m.invoiced_amount for m in months.values()), ZERO),
                sum((m.collected_amount for m in months.values()), ZERO),
            )
            for school, months in by_month.items()
        }
        assert {school: value for school, value in summed.items() if value != (ZERO, ZERO)} == expected


def test_totals_read_the_closed_months_in_one_query_and_the_current_month_in_two(django_assert_num_queries):
    """Bounded work: one row per school and closed month, then the invoices and payments of one month."""
    school = RunSchoolFactory()
    for month in range(1, 7):
        make_invoice(school=school, issue_date=dt.date(2026, month, 3), lines=[line(quantity="1", price="100")])
    with django_assert_num_queries(1):
        everything = production_totals_by_school(schools=[school.pk])
    with django_assert_num_queries(3):
        in_june = production_totals_by_school(schools=[school.pk], end=dt.date(2026, 6, 2))
    assert everything[school.pk].invoiced_amount == D("600.00")
    assert in_june[school.pk].invoiced_amount == D("500.00")  # the invoice of 3 June is not issued yet on 2 June


def test_rebuild_and_the_command():
    school = RunSchoolFactory()
    make_invoice(school=school, issue_date=dt.date(2026, 10, 5), lines=[line(quantity="3", price="100")])
    ProductionMonth.objects.all().delete()
    with pytest.raises(CommandError, match="1 mois diffèrent"):
        call_command("orders", "rebuild-production", "--check")
    call_command("orders", "rebuild-production")
    assert ProductionMonth.objects.get().invoiced_ht_amount == D("300.00")
    call_command("orders", "rebuild-production", "--check")
    assert production_months_rebuild() == 1


def test_the_migration_builds_the_months_of_existing_invoices():
    """``orders.0006`` fills the months from the invoices and payments recorded before it."""
    migration = importlib.import_module("essaim.orders.migrations.0006_production_month")
    school = RunSchoolFactory()
    invoice = make_invoice(school=school, issue_date=dt.date(2026, 10, 5), lines=[line(quantity="1", price="1000")])
    services.payment_record(
        invoice=invoice, received_amount=D("120"), payment_date=dt.date(2026, 12, 1), method="transfer"
    )
    expected = list(
        ProductionMonth.objects.order_by("month").values_list("month", "invoiced_ht_amount", "collected_ht_amount")
    )
    ProductionMonth.objects.all().delete()
    migration.build(apps, None)
    assert (
        list(
            ProductionMonth.objects.order_by("month").values_list("month", "invoiced_ht_amount", "collected_ht_amount")
        )
        == expected
        == [(dt.date(2026, 10, 1), D("1000.00"), D("0.00")), (dt.date(2026, 12, 1), D("0.00"), D("100.00"))]
    )
