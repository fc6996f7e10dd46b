"""French display formats, in one place: amounts (1 234,56 €), numbers and dates (26/11/2026).

The rounding policy for amounts is the engine's (cents, half up); this module only formats.

Every function here is total and never raises, so that no stored value, however absurd, can make a page
fail (issue #12). One rule for numbers (amounts, counts, rates, durations):

- a missing value (``None``, ``""``, blanks) is « — »;
- anything else that is not a displayable number — text, a boolean, NaN, an infinity, or a figure of
  10^15 or more in absolute value (no amount, population or count of this programme reaches it) — is
  « hors limites »: something is stored where a number belongs, it is not missing.

A date that is missing or unreadable is « — ».
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow

NARROW_NBSP = "\u202f"  # thousands separator recommended by the Imprimerie nationale
NBSP = "\u00a0"  # before the euro sign
MISSING = "—"
OUT_OF_RANGE = "hors limites"
# From 10^15 on a figure is no amount, population or count of this programme: it is shown as such.
MAX_DISPLAY_EXPONENT = 15


# Decimals shown for an indicator's value, by unit (the page and the exports both read them): counts of
# people and things are integers, rates stored as fractions are shown in % with one decimal.
UNIT_DECIMALS = {
    "habitants": 0,
    "jeunes": 0,
    "quartiers": 0,
    "organismes": 0,
    "projets": 1,
    "%": 1,
    "pour 1 000 habitants": 2,
    "part de la population": 2,
}


def unit_decimals(unit: str, default: int = 2) -> int:
    """Decimals of a value in ``unit`` (for « % » the decimals of the percentage, not of the fraction)."""
    return UNIT_DECIMALS.get(unit, default)


def round_half_up(value: Decimal | int | float, decimals: int = 0) -> Decimal:
    """The one rounding of displayed numbers, on the page and in the exports: half away from zero on the
    decimal text of the value (0.125 → 0.13, where float formatting would give 0.12).

    >>> round_half_up(0.125, 2), round_half_up(-2.5)
    (Decimal('0.13'), Decimal('-3'))
    """
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _decimal(value) -> Decimal | None:
    """``value`` as a displayable Decimal (finite, below 10^15 in absolute value), or None when it is not
    one (missing values are told apart by ``_is_missing``)."""
    if value is None or isinstance(value, bool):
        return None
    if type(value) is Decimal:  # the usual case (amounts), read as is: Decimal(str(value)) is the same number
        number = value
    elif type(value) is int:
        number = Decimal(value)
    else:
        number = _decimal_from_text(value)
        if number is None:
            return None
    if not number.is_finite() or (number and number.adjusted() >= MAX_DISPLAY_EXPONENT):
        return None
    return number


def _decimal_from_text(value) -> Decimal | None:
    """``value`` read from its text (a float as it prints: 0.1 is 0.1), or None."""
    if isinstance(value, str):
        value = value.strip().replace(NARROW_NBSP, "").replace(NBSP, "").replace(" ", "").replace(",", ".")
        if not value:
            return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def displayable(value) -> Decimal | None:
    """``value`` as a Decimal a page or an export can show (finite, below 10^15), or None."""
    return _decimal(value)


def _not_a_number(value) -> str:
    """What is shown instead of a number: « — » when it is missing, « hors limites » otherwise."""
    return MISSING if _is_missing(value) else OUT_OF_RANGE


def _decimals(decimals) -> int:
    try:
        return min(max(int(decimals), 0), 10)
    except (TypeError, ValueError):
        return 0


# What format_number needs, made once: the quantum of each number of decimals (1, 0.1, … 1E-10), a context
# wide enough for any displayable figure with 10 decimals, the French separators.
_QUANTA = tuple(Decimal(1).scaleb(-decimals) for decimals in range(11))
_FORMAT_CONTEXT = Context(prec=MAX_DISPLAY_EXPONENT + 15, traps=[InvalidOperation, DivisionByZero, Overflow])
_FRENCH_SEPARATORS = str.maketrans({",": NARROW_NBSP, ".": ","})


def format_number(value: Decimal | int | float | None, decimals: int | str = 0) -> str:
    """Format a number the French way: 1 234 567,8.

    >>> format_number(Decimal("1234567.891"), 2)
    '1\u202f234\u202f567,89'
    """
    number = _decimal(value)
    if number is None:
        return _not_a_number(value)
    number = number.quantize(_QUANTA[_decimals(decimals)], rounding=ROUND_HALF_UP, context=_FORMAT_CONTEXT)
    sign = "-" if number < 0 else ""
    # Groups of three digits (« , » made a narrow no-break space), the decimal point as a comma.
    return sign + format(number.copy_abs(), ",f").translate(_FRENCH_SEPARATORS)


def format_euros(value: Decimal | int | float | None, decimals: int | str = 2) -> str:
    """Format an amount in euros: 1 234,56 €.

    >>> format_euros(Decimal("1234.5"))
    '1\u202f234,50\u00a0€'
    """
    text = format_number(value, decimals)
    if text in (MISSING, OUT_OF_RANGE):
        return text
    return f"{text}{NBSP}€"


def format_percent(value: Decimal | float | None, decimals: int | str = 1) -> str:
    """Format a rate stored as a fraction: 0.257 → 25,7 %."""
    number = _decimal(value)
    if number is None:
        return _not_a_number(value)
    text = format_number(number * 100, decimals)
    return text if text in (MISSING, OUT_OF_RANGE) else f"{text}{NBSP}%"


def format_indicator(value: float | None, unit: str) -> str:
    """An indicator's value with its unit and the unit's decimals: 0.171 « % » → 17,1 %, 523342 « habitants »
    → 523 342 habitants."""
    if _is_missing(value):
        return MISSING
    if unit == "%":
        return format_percent(value, unit_decimals(unit))
    text = format_number(value, unit_decimals(unit))
    return text if text in (MISSING, OUT_OF_RANGE) else f"{text} {unit}".strip()


def format_date(value: dt.date | dt.datetime | str | None) -> str:
    """26/11/2026. An ISO string (« 2026-11-26 ») is read; anything else that is not a date gives « — »."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return MISSING
    if not isinstance(value, dt.date):
        return MISSING
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_duration(value: dt.timedelta | float | int | None) -> str:
    """A duration as people say it: « 8 s », « 2 min 05 s », « 1 h 03 min »."""
    if _is_missing(value):
        return MISSING
    try:
        seconds = int(value.total_seconds() if isinstance(value, dt.timedelta) else _decimal(value))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError, AttributeError, InvalidOperation):
        return OUT_OF_RANGE
    seconds = max(seconds, 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}{NBSP}h{NBSP}{minutes:02d}{NBSP}min"
    if minutes:
        return f"{minutes}{NBSP}min{NBSP}{seconds:02d}{NBSP}s"
    return f"{seconds}{NBSP}s"
