"""Money helpers and the engine's single rounding policy.

Rounding policy
---------------
1. **Conversion.** Every amount entering the engine goes through
   :func:`to_decimal`, which converts floats with ``Decimal(str(x))``: ``0.1``
   becomes ``Decimal("0.1")``, never ``0.1000000000000000055…``. Booleans, NaN
   and infinities are refused.
2. **Cents, half up.** An amount is rounded to the cent with ``ROUND_HALF_UP``
   (:func:`round_cents`) at the moment it is *created* by a product or a ratio:
   youths × hours × price, an interest charge, a share of a grant, a month of
   depreciation. Rates, ratios and shares are never rounded.
3. **Exact splits.** When a total is split into parts (a yearly salary over its
   months, a grant over instalments, a grant over years), each part is the
   difference between two rounded *cumulative* amounts (:func:`split_evenly`,
   :func:`allocate`). The parts therefore add up to the total exactly: no cent
   is lost or created, whatever the number of parts.
4. **Loans.** Interest is rounded each period, multiplied before dividing
   (``B × annual_rate × p / 12``, never ``B × (annual_rate / 12)`` whose
   truncated rate loses exact half cents); the last instalment repays the
   whole outstanding principal, so it absorbs the rounding residue and the
   outstanding balance reaches exactly zero at maturity.
5. **Sums are exact.** Once amounts are in cents, sums and differences of
   Decimals are exact, so the identities of the plan hold to the cent:
   sources − uses = gap, closing cash = opening cash + Σ flows.
6. **Floats only inside the risk analysis.** The Monte Carlo works on numpy
   float arrays; its results come back through :func:`to_decimal` and
   :func:`round_cents` (or :func:`round_cents_up` for amounts that must cover
   a need).

7. **Out of range is an error, never a wrong figure.** Rounding a number that
   is not finite or too large for :mod:`decimal`'s 28 digits raises
   :class:`~financing_engine.errors.AmountOutOfRange` (a
   :class:`FinancingEngineError`), never a bare ``decimal.InvalidOperation``
   nor a silent NaN. The formatting functions never raise: such a number is
   written « hors limites ».

Formatting for users follows French conventions: ``1 234,56 €`` with a
no-break space (U+00A0, the separator Django's ``fr`` locale uses) between
thousands and before the euro sign.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from financing_engine.errors import AmountOutOfRange

__all__ = [
    "CENT",
    "OUT_OF_RANGE",
    "ZERO",
    "allocate",
    "format_eur",
    "format_number",
    "format_percent",
    "round_cents",
    "round_cents_up",
    "split_evenly",
    "to_decimal",
]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NBSP = "\u00a0"  # before the euro and percent signs
# Thousands separator: narrow no-break space (Imprimerie nationale), the same as the platform's
# essaim/common/formats.py, so an amount reads identically in engine messages and on the pages.
NARROW_NBSP = "\u202f"
# What a formatting function writes for a number it cannot show (the platform's essaim.common.formats too).
OUT_OF_RANGE = "hors limites"


def to_decimal(value: Decimal | int | float | str) -> Decimal:
    """Convert a number to :class:`~decimal.Decimal` without float artefacts.

    Parameters
    ----------
    value : Decimal, int, float or str
        The number. Floats go through ``str()`` first.

    Returns
    -------
    Decimal
        The same number, not rounded.

    Raises
    ------
    TypeError
        If ``value`` is a bool or another type.
    ValueError
        If ``value`` is not a finite number.

    Examples
    --------
    >>> to_decimal(0.1)
    Decimal('0.1')
    >>> to_decimal("1234.5")
    Decimal('1234.5')
    """
    if isinstance(value, bool):
        raise TypeError("a boolean is not an amount")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        result = Decimal(str(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation as exc:
            raise ValueError(f"not a number: {value!r}") from exc
    else:
        raise TypeError(f"not a number: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def _quantize(value: Decimal, quantum: Decimal, rounding: str) -> Decimal:
    """``value.quantize(quantum, rounding)``, or :class:`AmountOutOfRange` when it cannot be done.

    >>> _quantize(Decimal("1E+30"), CENT, ROUND_HALF_UP)
    Traceback (most recent call last):
    ...
    financing_engine.errors.AmountOutOfRange: Montant hors limites : 1E+30.
    """
    try:
        if value.is_finite():
            return value.quantize(quantum, rounding=rounding)
    except InvalidOperation:
        pass
    except AttributeError as exc:  # not a Decimal
        raise TypeError(f"not a Decimal: {value!r}") from exc
    raise AmountOutOfRange(f"Montant hors limites : {value}.")


def round_cents(value: Decimal) -> Decimal:
    """Round to the cent, half up (the engine's only rounding rule).

    Examples
    --------
    >>> round_cents(Decimal("2.345"))
    Decimal('2.35')
    >>> round_cents(Decimal("-2.345"))
    Decimal('-2.35')

    Raises
    ------
    AmountOutOfRange
        If ``value`` is not finite or too large to be rounded to the cent.
    """
    return _quantize(value, CENT, ROUND_HALF_UP)


def round_cents_up(value: Decimal) -> Decimal:
    """Round up to the next cent; used for amounts that must *cover* a need.

    Examples
    --------
    >>> round_cents_up(Decimal("100.001"))
    Decimal('100.01')
    """
    return _quantize(value, CENT, ROUND_CEILING)


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """Split ``total`` into ``parts`` amounts in cents that add up to it exactly.

    Part ``i`` is ``round(total × (i+1) / n) − round(total × i / n)``.

    Examples
    --------
    >>> split_evenly(Decimal("100.00"), 3)
    [Decimal('33.33'), Decimal('33.34'), Decimal('33.33')]
    """
    if parts <= 0:
        raise ValueError("parts must be positive")
    return list(_split_evenly(total, parts))


@lru_cache(maxsize=4096)
def _split_evenly(total: Decimal, parts: int) -> tuple[Decimal, ...]:
    result: list[Decimal] = []
    previous = ZERO
    for i in range(1, parts + 1):
        cumulative = _quantize(total * i / parts, CENT, ROUND_HALF_UP)
        result.append(cumulative - previous)
        previous = cumulative
    return tuple(result)


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Allocate ``total`` pro rata to ``weights``, in cents, adding up exactly.

    If every weight is zero the total is split evenly.

    Examples
    --------
    >>> allocate(Decimal("80000"), [Decimal("1"), Decimal("2"), Decimal("0")])
    [Decimal('26666.67'), Decimal('53333.33'), Decimal('0.00')]
    """
    weight_sum = sum(weights, Decimal(0))
    if not weights:
        return []
    if weight_sum == 0:
        return split_evenly(total, len(weights))
    result: list[Decimal] = []
    previous = ZERO
    running = Decimal(0)
    for weight in weights:
        running += weight
        cumulative = round_cents(total * running / weight_sum)
        result.append(cumulative - previous)
        previous = cumulative
    return result


def format_number(value: Decimal, *, decimals: int = 2) -> str:
    """Format a number the French way: ``1 234,56`` (narrow no-break space, comma); « hors limites »
    for a number that cannot be shown (never raises).

    Examples
    --------
    >>> format_number(Decimal("1234567.891")).replace("\\u202f", " ")
    '1 234 567,89'
    >>> format_number(Decimal("NaN")), format_number(Decimal("1E+30"))
    ('hors limites', 'hors limites')
    """
    quantum = Decimal(1).scaleb(-decimals)
    try:
        rounded = _quantize(to_decimal(value), quantum, ROUND_HALF_UP)
    except (AmountOutOfRange, TypeError, ValueError):
        return OUT_OF_RANGE
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):,.{decimals}f}"
    return sign + text.replace(",", NARROW_NBSP).replace(".", ",")


def format_eur(amount: Decimal) -> str:
    """Format an amount in euros: ``1 234,56 €``.

    Examples
    --------
    >>> format_eur(Decimal("-130000")).replace("\\u202f", " ").replace("\\u00a0", " ")
    '-130 000,00 €'
    """
    text = format_number(amount)
    return text if text == OUT_OF_RANGE else f"{text}{NBSP}€"


def format_percent(ratio: Decimal, *, decimals: int = 1) -> str:
    """Format a ratio as a French percentage: ``0.315`` → ``31,5 %``.

    Trailing zero decimals are dropped (``0.6`` → ``60 %``).

    Examples
    --------
    >>> format_percent(Decimal("0.315")).replace("\\u00a0", " ")
    '31,5 %'
    >>> format_percent(Decimal("0.6")).replace("\\u00a0", " ")
    '60 %'
    """
    try:
        text = format_number(ratio * 100, decimals=decimals)
    except (ArithmeticError, TypeError):
        return OUT_OF_RANGE
    if text == OUT_OF_RANGE:
        return text
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text}{NBSP}%"
