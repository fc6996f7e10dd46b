"""French display formats, in one place: amounts (1 234,56 €), numbers and dates (26/11/2026).

The rounding policy for amounts is the engine's (cents, half up); this module only formats.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NARROW_NBSP = "\u202f"  # thousands separator recommended by the Imprimerie nationale
NBSP = "\u00a0"  # before the euro sign


# Largest magnitude a page shows: beyond, the stored value cannot be a real figure of the programme
# (docs/security.md, « Limites et saisies hostiles »). A page never fails on it: it says so instead.
MAX_DISPLAYED = Decimal(10) ** 15
OUT_OF_RANGE = "valeur hors limites"


def displayable(value) -> Decimal | None:
    """The number to show, or None when ``value`` is not a finite number below 10¹⁵ (``NaN``, ``1E+30``,
    a text stored where a number belongs).

    >>> displayable("12.5"), displayable(Decimal("NaN")), displayable(1e30), displayable("oops")
    (Decimal('12.5'), None, None, None)
    """
    if isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite() or number.copy_abs() >= MAX_DISPLAYED:
        return None
    return number


def format_number(value: Decimal | int | float | None, decimals: int = 0) -> str:
    """Format a number the French way: 1 234 567,8.

    >>> format_number(Decimal("1234567.891"), 2)
    '1\u202f234\u202f567,89'
    """
    if value is None or value == "":
        return "—"
    number = displayable(value)
    if number is None:
        return OUT_OF_RANGE
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    integer_part, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(integer_part) > 3:
        groups.insert(0, integer_part[-3:])
        integer_part = integer_part[:-3]
    groups.insert(0, integer_part)
    text = NARROW_NBSP.join(groups)
    if decimals:
        text += "," + fraction
    return sign + text


def format_euros(value: Decimal | int | float | None, decimals: int = 2) -> str:
    """Format an amount in euros: 1 234,56 € (« valeur hors limites » for what cannot be an amount).

    >>> format_euros(Decimal("1234.5"))
    '1\u202f234,50\u00a0€'
    """
    if value is None or value == "":
        return "—"
    text = format_number(value, decimals)
    return text if text == OUT_OF_RANGE else f"{text}{NBSP}€"


def format_percent(value: Decimal | float | None, decimals: int = 1) -> str:
    """Format a rate stored as a fraction: 0.257 → 25,7 %."""
    if value is None:
        return "—"
    number = displayable(value)
    if number is None:
        return OUT_OF_RANGE
    return f"{format_number(number * 100, decimals)}{NBSP}%"


def format_date(value: dt.date | None) -> str:
    """26/11/2026; « — » for anything that is not a date (``None``, ``""``)."""
    if not isinstance(value, dt.date):
        return "—"
    return value.strftime("%d/%m/%Y")


def format_duration(value: dt.timedelta | float | int | None) -> str:
    """A duration as people say it: « 8 s », « 2 min 05 s », « 1 h 03 min »."""
    if value is None:
        return "—"
    seconds = int(value.total_seconds() if isinstance(value, dt.timedelta) else value)
    seconds = max(seconds, 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}{NBSP}h{NBSP}{minutes:02d}{NBSP}min"
    if minutes:
        return f"{minutes}{NBSP}min{NBSP}{seconds:02d}{NBSP}s"
    return f"{seconds}{NBSP}s"
