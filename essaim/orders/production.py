"""The production activity per school and month (``ProductionMonth``), kept up to date on write.

Every write that changes what a school invoiced or collected in a month calls ``production_month_refresh``
in its own transaction: an invoice issued (credit notes included, ``workflow.py``) and a payment recorded
(``services.payment_record``). The refresh recomputes the month from its invoices and payments (one
month of one school: bounded) while holding the month's row locked, so two transactions writing the same
month at once both end counted: the second waits for the first to commit, then reads its rows.

Loaders that write invoices in bulk (the national demo) call ``production_months_rebuild`` once at the end;
``essaim orders rebuild-production`` does the same by hand, ``--check`` only compares.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth

from essaim.orders.models import Invoice, Payment, ProductionMonth
from financing_engine.errors import AmountOutOfRange
from financing_engine.money import ZERO, format_eur, round_cents


def month_of(day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime):
        day = day.date()
    return dt.date(day.year, day.month, 1)


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def cents(value) -> Decimal:
    """A sum of amounts read from the database, in cents: SQLite adds decimals as floats (0,009999… for
    0,01); a sum of cents rounded to the cent is exact. A sum out of any amount's range (an absurd stored
    value, 1E+30) is returned as it is: the page shows it « hors limites »."""
    if value is None:
        return ZERO
    try:
        return round_cents(value)
    except (AmountOutOfRange, InvalidOperation):
        return value if isinstance(value, Decimal) else Decimal(str(value))


@transaction.atomic
def production_month_refresh(*, school_id: int, day: dt.date) -> ProductionMonth:
    """Recompute the school's month of ``day`` from its invoices and payments, its row locked."""
    month = month_of(day)
    try:
        with transaction.atomic():  # a savepoint: another transaction may create the row at the same time
            ProductionMonth.objects.get_or_create(school_id=school_id, month=month)
    except IntegrityError:
        pass  # created meanwhile: locked below
    row = ProductionMonth.objects.select_for_update().get(school_id=school_id, month=month)
    end = _next_month(month) - dt.timedelta(days=1)
    figures = live_months(schools=[school_id], start=month, end=end).get((school_id, month), [ZERO, ZERO])
    row.invoiced_ht_amount, row.collected_ht_amount = figures
    row.save(update_fields=["invoiced_ht_amount", "collected_ht_amount"])
    return row


def live_months(
    *, schools: Iterable[int] | None = None, start: dt.date | None = None, end: dt.date | None = None
) -> dict[tuple[int, dt.date], list[Decimal]]:
    """``{(school_id, month): [invoiced, collected]}`` (HT) read from the invoices and payments themselves
    (two grouped queries), dated from ``start`` to ``end`` inclusive: an invoice counts in the month it is
    issued (credit notes negative, drafts never), a payment's stored HT part in the month it is received.
    The one place that rule is written: ``ProductionMonth`` is kept from it, reads use it for the current
    month, ``--check`` compares with it."""
    invoices = Invoice.objects.issued()
    payments = Payment.objects.all()
    if schools is not None:
        schools = list(schools)
        invoices = invoices.filter(school__in=schools)
        payments = payments.filter(invoice__school__in=schools)
    if start:
        invoices, payments = invoices.filter(issue_date__gte=start), payments.filter(payment_date__gte=start)
    if end:
        invoices, payments = invoices.filter(issue_date__lte=end), payments.filter(payment_date__lte=end)
    months: dict[tuple[int, dt.date], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for row in (
        invoices.annotate(month=TruncMonth("issue_date"))
        .values("school_id", "month")
        .annotate(total=Sum("total_ht_amount"))
        .order_by()
    ):
        months[(row["school_id"], month_of(row["month"]))][0] += cents(row["total"])
    # Each payment carries its stored HT part (orders.amounts.payment_ht_share): the parts of one invoice's
    # payments in a month add up to ht_share(Σ of those payments), so their sum per school and month gives,
    # to the cent, the per-invoice-and-month rounding.
    for row in (
        payments.annotate(month=TruncMonth("payment_date"))
        .values("invoice__school_id", "month")
        .annotate(total=Sum("ht_share_amount"))
        .order_by()
    ):
        months[(row["invoice__school_id"], month_of(row["month"]))][1] += cents(row["total"])
    return months


def _pair(invoiced: Decimal, collected: Decimal) -> str:
    return f"facturé {format_eur(invoiced)}, encaissé {format_eur(collected)} HT"


def production_months_differences(schools: Iterable[int] | None = None) -> list[str]:
    """The months whose stored figures differ from their invoices and payments (empty: all agree)."""
    computed = live_months(schools=schools)
    stored = ProductionMonth.objects.all()
    if schools is not None:
        stored = stored.filter(school__in=list(schools))
    differences = []
    seen = set()
    for row in stored:
        key = (row.school_id, row.month)
        seen.add(key)
        expected = computed.get(key, [ZERO, ZERO])
        if [row.invoiced_ht_amount, row.collected_ht_amount] != expected:
            differences.append(
                f"école {row.school_id}, {row.month:%m/%Y} : enregistré "
                f"{_pair(row.invoiced_ht_amount, row.collected_ht_amount)}, calculé {_pair(*expected)}"
            )
    for key, expected in computed.items():
        if key not in seen and expected != [ZERO, ZERO]:
            differences.append(f"école {key[0]}, {key[1]:%m/%Y} : absent, calculé {_pair(*expected)}")
    return sorted(differences)


@transaction.atomic
def production_months_rebuild(schools: Iterable[int] | None = None) -> int:
    """Rebuild the months of the given schools (all when None) from their invoices and payments; returns
    the number of months written."""
    computed = live_months(schools=schools)
    stored = ProductionMonth.objects.all()
    if schools is not None:
        stored = stored.filter(school__in=list(schools))
    stored.delete()
    ProductionMonth.objects.bulk_create(
        ProductionMonth(school_id=school_id, month=month, invoiced_ht_amount=invoiced, collected_ht_amount=collected)
        for (school_id, month), (invoiced, collected) in sorted(computed.items())
    )
    return len(computed)
