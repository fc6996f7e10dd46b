"""Helpers shared by the server-side SVG charts of the interface (financing, activity, youths)."""

# Month abbreviations for chart axes (full names: ``financing_engine.dates.month_name``).
SHORT_MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def nice_step(span: float, *, ticks: int = 1) -> float:
    """The round number (1, 2, 2,5 or 5 × a power of ten) at or above ``span / ticks``: the step of an
    axis with about ``ticks`` graduations, or with ``ticks=1`` a round maximum for the axis.

    >>> nice_step(8_700, ticks=6), nice_step(43_000, ticks=5), nice_step(3_240)
    (2000.0, 10000.0, 5000.0)
    """
    raw = span / ticks
    magnitude = 10.0 ** (len(str(int(raw))) - 1) if raw >= 1 else 1.0
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude
