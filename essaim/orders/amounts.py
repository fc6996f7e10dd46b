"""Totals of quotes and invoices, with the platform's one rounding policy (``financing_engine.money``).

* a line's amount excluding VAT (HT) = round_cents(quantity × unit price HT);
* VAT is computed per rate on the sum of the lines at that rate:
  VAT(rate) = round_cents(Σ HT of the lines at that rate × rate) — the way French invoices show a VAT
  breakdown per rate;
* total HT = Σ line HT; total VAT = Σ VAT(rate); total TTC = total HT + total VAT (exact sums).
* a line may carry a fixed VAT: the deduction of a deposit invoice on the final invoice of an order
  carries, negative, the VAT that deposit charged at its rate. Its HT counts in the base of its rate,
  its VAT is added as is: VAT(rate) = round_cents(Σ HT of the ordinary lines × rate) + Σ fixed VAT.
  So Σ deposits + final invoice = the order, to the cent, per rate (HT and VAT) and in TTC.

Worked example: 3 × 12,35 € at 20 % and 1 × 9,99 € at 5,5 % →
lines 37,05 € and 9,99 €; VAT 20 % = round(37,05 × 0,20) = 7,41 €, VAT 5,5 % = round(9,99 × 0,055 =
0,54945) = 0,55 €; total HT 47,04 €, VAT 7,96 €, TTC 55,00 €.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from financing_engine.money import ZERO, round_cents


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """Amount HT of one line, rounded to the cent (half up)."""
    return round_cents(Decimal(quantity) * Decimal(unit_price))


@dataclass(frozen=True)
class Totals:
    total_ht: Decimal
    vat_by_rate: dict[Decimal, tuple[Decimal, Decimal]] = field(default_factory=dict)  # rate → (base HT, VAT)
    total_vat: Decimal = ZERO
    total_ttc: Decimal = ZERO


def document_totals(lines: Iterable[tuple]) -> Totals:
    """Totals of lines given as ``(quantity, unit price HT, VAT rate)`` or ``(quantity, unit price HT,
    VAT rate, fixed VAT or None)`` (see the module's docstring for the fixed VAT)."""
    bases: dict[Decimal, Decimal] = {}
    computed: dict[Decimal, Decimal] = {}
    fixed: dict[Decimal, Decimal] = {}
    total_ht = ZERO
    for quantity, unit_price, rate, *rest in lines:
        amount = line_amount(quantity, unit_price)
        rate = Decimal(rate).normalize() if Decimal(rate) else Decimal("0")
        bases[rate] = bases.get(rate, ZERO) + amount
        fixed_vat = rest[0] if rest else None
        if fixed_vat is None:
            computed[rate] = computed.get(rate, ZERO) + amount
        else:
            fixed[rate] = fixed.get(rate, ZERO) + Decimal(fixed_vat)
        total_ht += amount
    vat_by_rate = {
        rate: (base, round_cents(computed.get(rate, ZERO) * rate) + fixed.get(rate, ZERO))
        for rate, base in sorted(bases.items(), reverse=True)
    }
    total_vat = sum((vat for _, vat in vat_by_rate.values()), ZERO)
    return Totals(total_ht=total_ht, vat_by_rate=vat_by_rate, total_vat=total_vat, total_ttc=total_ht + total_vat)


def lines_totals(lines) -> Totals:
    """``document_totals`` of stored quote or invoice lines (an invoice line may carry a fixed VAT)."""
    return document_totals(
        (line.quantity, line.unit_price_amount, line.vat_rate, getattr(line, "vat_amount", None)) for line in lines
    )


def deposit_base(share: Decimal, base: Decimal) -> Decimal:
    """HT of a deposit at one VAT rate: ``round_cents(share × the order's HT at that rate)``.

    >>> deposit_base(Decimal("0.3"), Decimal("1000.03"))
    Decimal('300.01')
    """
    return round_cents(Decimal(share) * Decimal(base))


def ht_share(amount: Decimal, *, total_ht: Decimal, total_ttc: Decimal) -> Decimal:
    """The part excluding VAT of a payment of ``amount`` on an invoice (pro rata HT/TTC, to the cent)."""
    if not total_ttc:
        return ZERO
    return round_cents(Decimal(amount) * total_ht / total_ttc)


def payment_ht_share(amount: Decimal, *, received_before: Decimal, total_ht: Decimal, total_ttc: Decimal) -> Decimal:
    """The HT part of one payment, as the difference of two rounded cumulative amounts (the exact-split
    rule of ``financing_engine.money``): ``received_before`` is the sum of the payments already recorded
    on the invoice *in the same month*. Whatever their number and order, the parts of one invoice's
    payments in a month add up to ``ht_share(Σ of those payments)`` — so the activity can sum the stored
    parts in the database and keep, to the cent, the per-invoice-and-month rounding.

    Example: 1 000 € HT, 1 200 € TTC, payments of 0,05 € then 0,05 € in the same month: parts 0,04 €
    (round(0,0416…)) then 0,04 € (round(0,0833…) − 0,04), total 0,08 € = round(0,10 × 1 000 / 1 200)."""
    before = ht_share(received_before, total_ht=total_ht, total_ttc=total_ttc)
    after = ht_share(Decimal(received_before) + Decimal(amount), total_ht=total_ht, total_ttc=total_ttc)
    return after - before
