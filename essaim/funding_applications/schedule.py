"""Planned against actual money (échéancier prévisionnel vs versements), per dossier, envelope, programme.

The schedule (``PlannedTranche``) is a plan; only ``Disbursement`` rows are money paid (« versé »).
``Comparison`` puts the two side by side at a date: what was planned by then, what was paid by then,
the gap (« en retard » when less was paid than planned), and what is still planned afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Comparison:
    """Planned and paid amounts at ``on`` (paid counts payments made on or before ``on`` only)."""

    on: dt.date
    planned_total: Decimal  # the whole schedule
    planned_due: Decimal  # tranches due on or before ``on``
    paid: Decimal  # payments made on or before ``on``

    @property
    def planned_later(self) -> Decimal:
        return self.planned_total - self.planned_due

    @property
    def behind(self) -> Decimal:
        """Planned by ``on`` but not paid (0 when payments are on time or ahead)."""
        return max(self.planned_due - self.paid, ZERO)

    def __add__(self, other: Comparison) -> Comparison:
        return Comparison(
            on=self.on,
            planned_total=self.planned_total + other.planned_total,
            planned_due=self.planned_due + other.planned_due,
            paid=self.paid + other.paid,
        )


def empty(on: dt.date) -> Comparison:
    return Comparison(on=on, planned_total=ZERO, planned_due=ZERO, paid=ZERO)


def compare(*, tranches, payments, on: dt.date | None = None) -> Comparison:
    """From ``(due_date, amount)`` tranches and ``(paid_date, amount)`` payments (pure: no database)."""
    on = on or timezone.localdate()
    planned_total = sum((amount for _, amount in tranches), ZERO)
    planned_due = sum((amount for day, amount in tranches if day <= on), ZERO)
    paid = sum((amount for day, amount in payments if day <= on), ZERO)
    return Comparison(on=on, planned_total=planned_total, planned_due=planned_due, paid=paid)


def application_comparison(application, on: dt.date | None = None) -> Comparison:
    """One dossier: its schedule against its disbursements (two queries)."""
    return compare(
        tranches=list(application.planned_tranches.values_list("due_date", "amount")),
        payments=list(application.disbursements.values_list("paid_date", "amount")),
        on=on,
    )


def comparisons_by(applications, key: str, on: dt.date | None = None) -> dict:
    """Planned and paid per value of ``key`` (``"envelope_id"``, ``"programme_id"``…) over a dossiers
    queryset, in two aggregate queries."""
    from essaim.funding_applications.models import Disbursement, PlannedTranche

    on = on or timezone.localdate()
    ids = applications.values("pk")
    planned = (
        PlannedTranche.objects.filter(application__in=ids)
        .values(f"application__{key}")
        .annotate(total=Sum("amount"), due=Sum("amount", filter=Q(due_date__lte=on)))
        .order_by()
    )
    paid = (
        Disbursement.objects.filter(application__in=ids, paid_date__lte=on)
        .values(f"application__{key}")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    result: dict = {}
    for row in planned:
        result[row[f"application__{key}"]] = Comparison(
            on=on, planned_total=row["total"] or ZERO, planned_due=row["due"] or ZERO, paid=ZERO
        )
    for row in paid:
        current = result.get(row[f"application__{key}"], empty(on))
        result[row[f"application__{key}"]] = current + Comparison(
            on=on, planned_total=ZERO, planned_due=ZERO, paid=row["total"] or ZERO
        )
    return result
