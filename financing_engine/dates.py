"""Month arithmetic and French labels for months and school years."""

from __future__ import annotations

from datetime import date

__all__ = ["add_months", "month_label", "month_name", "school_year_label"]

_MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def add_months(start: date, months: int) -> date:
    """First day of the month ``months`` after ``start``'s month.

    Examples
    --------
    >>> add_months(date(2026, 9, 1), 5)
    datetime.date(2027, 2, 1)
    """
    total = start.year * 12 + start.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def month_label(day: date) -> str:
    """French label of a month: ``septembre 2026``.

    Examples
    --------
    >>> month_label(date(2027, 2, 1))
    'février 2027'
    """
    return f"{month_name(day.month)} {day.year}"


def school_year_label(start: date, year_index: int) -> str:
    """French label of school year ``year_index`` (0-based): ``année 1 (2026-2027)``.

    Examples
    --------
    >>> school_year_label(date(2026, 9, 1), 0)
    'année 1 (2026-2027)'
    >>> school_year_label(date(2027, 1, 1), 2)
    'année 3 (2029)'
    """
    first = add_months(start, 12 * year_index)
    last = add_months(start, 12 * year_index + 11)
    span = str(first.year) if first.year == last.year else f"{first.year}-{last.year}"
    return f"année {year_index + 1} ({span})"


def month_name(month: int) -> str:
    """French name of a month (1–12): ``month_name(11)`` → ``"novembre"``."""
    return _MONTHS_FR[month - 1]
