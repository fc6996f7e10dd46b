"""Reads of the production activity, for the school's activity page and the programme dashboard.

Revenue is counted excluding VAT (HT), as in the financing plan:

* **invoiced** in a month = Σ total HT of the invoices issued that month, minus the credit notes
  issued that month (a credit note carries negative amounts);
* **collected** in a month = Σ over payments received that month of the HT part of the payment,
  ``round_cents(payment × invoice HT / invoice TTC)`` (an invoice of 1 200 € TTC for 1 000 € HT paid
  600 € counts 500 € collected HT), rounded once per invoice and month on the sum of that month's
  payments. Each payment stores its part of it (``Payment.ht_share_amount``, written when it is
  recorded, ``orders.amounts.payment_ht_share``), so both figures are sums grouped in the database:
  one row per school and month, whatever the number of invoices.

Nothing here names a customer or a youth: the figures are sums per school and month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from essaim.orders.models import Invoice, Payment
from financing_engine.money import ZERO


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return dt.date(value.year, value.month, 1)


@dataclass
class MonthFigures:
    invoiced_amount: Decimal = ZERO
    collected_amount: Decimal = ZERO


@dataclass
class SchoolActivity:
    school_id: int
    school_name: str
    months: dict[dt.date, MonthFigures] = field(default_factory=dict)

    @property
    def invoiced_amount(self) -> Decimal:
        return sum((m.invoiced_amount for m in self.months.values()), ZERO)

    @property
    def collected_amount(self) -> Decimal:
        return sum((m.collected_amount for m in self.months.values()), ZERO)


@dataclass
class ProgrammeProductionActivity:
    """Revenue per school and month, and the programme's totals per month (sorted months)."""

    months: list[dt.date]
    schools: list[SchoolActivity]
    totals: dict[dt.date, MonthFigures]

    @property
    def invoiced_amount(self) -> Decimal:
        return sum((m.invoiced_amount for m in self.totals.values()), ZERO)

    @property
    def collected_amount(self) -> Decimal:
        return sum((m.collected_amount for m in self.totals.values()), ZERO)


def production_revenue_by_month(*, schools, start: dt.date | None = None, end: dt.date | None = None):
    """``{school_id: {month: MonthFigures}}`` for the given schools (two grouped queries).

    ``start``/``end`` (inclusive, any day) bound the months counted."""
    invoices = Invoice.objects.issued().filter(school__in=schools)
    payments = Payment.objects.filter(invoice__school__in=schools)
    if start:
        invoices = invoices.filter(issue_date__gte=_month(start))
        payments = payments.filter(payment_date__gte=_month(start))
    if end:
        invoices = invoices.filter(issue_date__lte=end)
        payments = payments.filter(payment_date__lte=end)
    result: dict[int, dict[dt.date, MonthFigures]] = defaultdict(lambda: defaultdict(MonthFigures))
    for row in (
        invoices.annotate(month=TruncMonth("issue_date"))
        .values("school_id", "month")
        .annotate(total=Sum("total_ht_amount"))
        .order_by()
    ):
        result[row["school_id"]][_month(row["month"])].invoiced_amount += row["total"] or ZERO
    # Each payment carries its stored HT part (orders.amounts.payment_ht_share): the parts of one
    # invoice's payments in a month add up to ht_share(Σ of those payments), so summing them per school
    # and month in the database gives, to the cent, the per-invoice-and-month rounding — one row per
    # school and month whatever the number of invoices.
    for row in (
        payments.annotate(month=TruncMonth("payment_date"))
        .values("invoice__school_id", "month")
        .annotate(total=Sum("ht_share_amount"))
        .order_by()
    ):
        result[row["invoice__school_id"]][_month(row["month"])].collected_amount += row["total"] or ZERO
    return result


def production_totals_by_school(*, schools, end: dt.date | None = None) -> dict[int, MonthFigures]:
    """``{school_id: MonthFigures}``: what each school invoiced and collected (HT) up to ``end`` (inclusive),
    for the given school ids — the sums of ``production_revenue_by_month``'s months, grouped by school
    only (two grouped queries, no month truncation: the steering dashboard's activity table)."""
    invoices = Invoice.objects.issued().filter(school__in=schools)
    payments = Payment.objects.filter(invoice__school__in=schools)
    if end:
        invoices = invoices.filter(issue_date__lte=end)
        payments = payments.filter(payment_date__lte=end)
    result: dict[int, MonthFigures] = defaultdict(MonthFigures)
    for school_id, total in (
        invoices.values("school_id").annotate(total=Sum("total_ht_amount")).order_by().values_list("school_id", "total")
    ):
        result[school_id].invoiced_amount += total or ZERO
    for school_id, total in (
        payments.values("invoice__school_id")
        .annotate(total=Sum("ht_share_amount"))
        .order_by()
        .values_list("invoice__school_id", "total")
    ):
        result[school_id].collected_amount += total or ZERO
    return result


def programme_production_activity(*, schools, start: dt.date | None = None, end: dt.date | None = None):
    """Production revenue (HT) per school per month, invoiced and collected, with monthly totals.

    ``schools``: the ``ProductionSchool`` queryset or list the caller may show (it applies its own
    permission rule). Two grouped queries whatever the number of schools and invoices (the schools
    given as a queryset are read once more). No personal data."""
    schools = list(schools)
    by_school = production_revenue_by_month(schools=[s.pk for s in schools], start=start, end=end)
    months = sorted({month for figures in by_school.values() for month in figures})
    totals = {month: MonthFigures() for month in months}
    rows = []
    for school in sorted(schools, key=lambda s: s.name):
        figures = by_school.get(school.pk, {})
        rows.append(SchoolActivity(school_id=school.pk, school_name=school.name, months=dict(figures)))
        for month, value in figures.items():
            totals[month].invoiced_amount += value.invoiced_amount
            totals[month].collected_amount += value.collected_amount
    return ProgrammeProductionActivity(months=months, schools=rows, totals=totals)
