"""Reads of the production activity, for the school's activity page and the programme dashboard.

Revenue is counted excluding VAT (HT), as in the financing plan:

* **invoiced** in a month = Σ total HT of the invoices issued that month, minus the credit notes
  issued that month (a credit note carries negative amounts);
* **collected** in a month = Σ over payments received that month of the HT part of the payment,
  ``round_cents(payment × invoice HT / invoice TTC)`` (an invoice of 1 200 € TTC for 1 000 € HT paid
  600 € counts 500 € collected HT), rounded once per invoice and month on the sum of that month's
  payments. Each payment stores its part of it (``Payment.ht_share_amount``, written when it is
  recorded, ``orders.amounts.payment_ht_share``), so both figures are sums grouped in the database.

The months already closed at the date asked for are read from ``ProductionMonth`` (``production.py``:
kept up to date by every write that changes them), the current month from its invoices and payments:
one row per school and month, whatever the number of invoices.

Nothing here names a customer or a youth: the figures are sums per school and month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from essaim.orders.models import ProductionMonth
from essaim.orders.production import cents, live_months, month_of
from financing_engine.money import ZERO


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
    """``{school_id: {month: MonthFigures}}`` for the given schools.

    ``start``/``end`` (inclusive, any day) bound the months counted. The months closed at ``end`` (before
    its month) are read from ``ProductionMonth`` (one query: one row per school and month, whatever the
    number of invoices); ``end``'s month, counted up to ``end``, from its invoices and payments
    (``production.live_months``, two grouped queries on one month)."""
    result: dict[int, dict[dt.date, MonthFigures]] = defaultdict(lambda: defaultdict(MonthFigures))
    current = month_of(end) if end else None
    stored = ProductionMonth.objects.filter(school__in=schools)
    if start:
        stored = stored.filter(month__gte=month_of(start))
    if current:
        stored = stored.filter(month__lt=current)
    rows = stored.order_by().values_list("school_id", "month", "invoiced_ht_amount", "collected_ht_amount")
    if current:
        live = live_months(schools=schools, start=max(current, month_of(start)) if start else current, end=end)
        rows = [*rows, *((school, month, *figures) for (school, month), figures in live.items())]
    for school_id, month, invoiced, collected in rows:
        figures = result[school_id][month]
        figures.invoiced_amount += cents(invoiced)
        figures.collected_amount += cents(collected)
    return result


def production_totals_by_school(*, schools, end: dt.date | None = None) -> dict[int, MonthFigures]:
    """``{school_id: MonthFigures}``: what each school invoiced and collected (HT) up to ``end`` (inclusive),
    for the given school ids — the sums of ``production_revenue_by_month``'s months, grouped by school only
    (the steering dashboard's activity table): the months closed at ``end`` from ``ProductionMonth`` (one
    query, one row per school), ``end``'s month up to ``end`` from its invoices and payments (two queries on
    one month)."""
    result: dict[int, MonthFigures] = defaultdict(MonthFigures)
    current = month_of(end) if end else None
    stored = ProductionMonth.objects.filter(school__in=schools)
    if current:
        stored = stored.filter(month__lt=current)
    rows = list(
        stored.values("school_id")
        .annotate(invoiced=Sum("invoiced_ht_amount"), collected=Sum("collected_ht_amount"))
        .order_by()
        .values_list("school_id", "invoiced", "collected")
    )
    if current:
        live = live_months(schools=schools, start=current, end=end)
        rows += [(school, *figures) for (school, _), figures in live.items()]
    for school_id, invoiced, collected in rows:
        result[school_id].invoiced_amount += cents(invoiced)
        result[school_id].collected_amount += cents(collected)
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
