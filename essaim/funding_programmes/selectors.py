"""Reads on funding lines and programmes used by other apps (the steering dashboard) and the pages.

Callers pass querysets already scoped with ``visible_to(user)``: selectors never widen what a user sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from essaim.common.figures import computed
from essaim.funding_programmes.enums import FundingLineStatus
from financing_engine.money import round_cents

ZERO = Decimal("0.00")
_AMOUNT = models.DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True, slots=True)
class FundingTotalsRow:
    """Totals of the funding lines of one funder and one programme (``programme_id`` None: lines
    recorded without a programme). remaining = granted − paid."""

    funder_id: int
    funder_name: str
    programme_id: int | None
    programme_name: str
    line_count: int
    asked_amount: Decimal
    granted_amount: Decimal
    paid_amount: Decimal
    planned_amount: Decimal = ZERO  # the dossiers' payment schedules (a plan, never counted as paid)

    @property
    def remaining_amount(self) -> Decimal:
        return self.granted_amount - self.paid_amount


NO_PROGRAMME = "Hors dispositif du catalogue"


def _dec(value) -> Decimal:
    """A stored sum in cents (« hors limites » when an absurd stored amount makes it impossible)."""
    return computed(round_cents, Decimal(value if value is not None else 0))


def funding_totals(*, lines) -> list[FundingTotalsRow]:
    """Rows per funder and programme with asked / granted / paid / remaining totals, in one SQL query.

    - asked: Σ requested_amount of every line (whatever its state);
    - granted: Σ granted_amount of the lines obtenues or versées (a refused line grants nothing);
    - paid: Σ paid_amount;
    - remaining: granted − paid;
    - planned: Σ of the payment schedules (échéancier prévisionnel) of the lines' dossiers (a subquery
      per line, summed: joining the tranches would count each line once per tranche).
    Sorted by funder name then programme name (lines without a programme last within a funder).
    """
    granted_states = [FundingLineStatus.GRANTED, FundingLineStatus.PAID]
    # Each line's planned amount (its dossier's schedule) as a subquery, summed per group: one query, and
    # no line counted once per tranche.
    planned_of_line = models.Subquery(
        lines.model.objects.filter(pk=models.OuterRef("pk"))
        .order_by()
        .values("pk")
        .annotate(total=Sum("application__planned_tranches__amount"))
        .values("total"),
        output_field=_AMOUNT,
    )
    rows = (
        lines.order_by()
        .annotate(line_planned=planned_of_line)
        .values("funder_id", "funder__name", "programme_id", "programme__name")
        .annotate(
            planned=Coalesce(Sum("line_planned"), ZERO, output_field=_AMOUNT),
            line_count=Count("pk"),
            asked=Coalesce(Sum("requested_amount"), ZERO, output_field=_AMOUNT),
            granted=Coalesce(Sum("granted_amount", filter=Q(status__in=granted_states)), ZERO, output_field=_AMOUNT),
            paid=Coalesce(Sum("paid_amount"), ZERO, output_field=_AMOUNT),
        )
    )
    result = [
        FundingTotalsRow(
            funder_id=row["funder_id"],
            funder_name=row["funder__name"],
            programme_id=row["programme_id"],
            programme_name=row["programme__name"] or NO_PROGRAMME,
            line_count=row["line_count"],
            asked_amount=_dec(row["asked"]),
            granted_amount=_dec(row["granted"]),
            paid_amount=_dec(row["paid"]),
            planned_amount=_dec(row["planned"]),
        )
        for row in rows
    ]
    result.sort(key=lambda r: (r.funder_name.casefold(), r.programme_id is None, r.programme_name.casefold()))
    return result


def funding_totals_grand_total(rows: list[FundingTotalsRow]) -> dict[str, Decimal]:
    """Sum of the rows (for the « Total » line of the tables and exports)."""
    return {
        "asked": sum((r.asked_amount for r in rows), ZERO),
        "granted": sum((r.granted_amount for r in rows), ZERO),
        "paid": sum((r.paid_amount for r in rows), ZERO),
        "planned": sum((r.planned_amount for r in rows), ZERO),
        "remaining": sum((r.remaining_amount for r in rows), ZERO),
    }


# --- Payments of lines without dossier nor envelope ------------------------------------------------------
# A line that no dossier drives and that is on no envelope keeps its payments in its own history: each
# payment recorded (``services.funding_line_record_payment``) saves a version whose ``paid_amount`` grew by
# the payment and whose ``last_payment_date`` is that payment's date. Reading the versions in the order
# they were recorded gives every payment with its own date, whatever order they were entered in.


@dataclass(frozen=True, slots=True)
class LineVersion:
    """One recorded version of a funding line (its history), in the order versions were recorded."""

    paid_amount: Decimal
    last_payment_date: dt.date | None
    decision_date: dt.date | None
    recorded_on: dt.date


def payments_from_versions(versions: list[LineVersion]) -> list[tuple[dt.date, Decimal]]:
    """The payments of a line, each with its own date (date d'effet), from its versions.

    - the paid amount grew: a payment of the difference, dated by the version's ``last_payment_date``;
      without one, a line entered already paid (its first version: data entered afterwards) is paid on
      its decision's date, and a payment recorded later without a date on the day it was recorded;
    - it shrank (a correction): the payments last recorded are cancelled first, down to the new total;
    - only the date changed (a payment's date corrected): the payment last recorded takes the new date.
    Σ of the payments = the last version's paid amount."""
    payments: list[list] = []
    previous = ZERO
    previous_date = None
    for index, version in enumerate(versions):
        amount = version.paid_amount or ZERO
        undated = (version.decision_date if index == 0 else None) or version.recorded_on
        day = version.last_payment_date or undated
        if amount > previous:
            payments.append([day, amount - previous])
        elif amount < previous:
            excess = previous - amount
            while excess > 0 and payments:
                cancelled = min(excess, payments[-1][1])
                payments[-1][1] -= cancelled
                excess -= cancelled
                if payments[-1][1] == 0:
                    payments.pop()
        elif payments and version.last_payment_date is not None and version.last_payment_date != previous_date:
            payments[-1][0] = version.last_payment_date
        previous, previous_date = amount, version.last_payment_date
    return [(day, amount) for day, amount in payments]


def line_payments(line_ids) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """The dated payments of each line (one query on the lines' history); see ``payments_from_versions``.
    Only for lines without dossier nor envelope: the others' payments are disbursements or ledger rows."""
    from essaim.funding_programmes.models import FundingLine

    versions: dict[int, list[LineVersion]] = {}
    rows = (
        FundingLine.history.filter(id__in=list(line_ids))
        .exclude(history_type="-")
        .order_by("id", "history_date", "history_id")
        .values_list("id", "paid_amount", "last_payment_date", "decision_date", "history_date")
    )
    for pk, paid, last_payment, decision, recorded in rows:
        versions.setdefault(pk, []).append(
            LineVersion(
                paid_amount=paid,
                last_payment_date=last_payment,
                decision_date=decision,
                recorded_on=timezone.localtime(recorded).date(),
            )
        )
    return {pk: payments_from_versions(lines) for pk, lines in versions.items()}
