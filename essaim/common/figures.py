"""Figures computed from stored values: never fatal to a page, a PDF or an export (issue #12).

The forms, the imports, the JSON schema and the engine bound every number a user can enter
(``financing_engine.limits``, ``essaim.common.forms``). A value already stored can still be absurd: saved
before its bound existed, written by hand in the database, ``NaN`` in a PostgreSQL numeric column. A sum,
a product or a rounding of such a value cannot be computed: the engine's rounding raises
``financing_engine.AmountOutOfRange`` (never a bare ``decimal.InvalidOperation``), and comparing a NaN
raises an ``ArithmeticError``.

Where such a figure is *shown*, the caller computes it through :func:`computed`: the figure that cannot be
computed becomes :data:`NOT_A_FIGURE`, which every display format (``essaim.common.formats``) and every
export (``essaim.common.exports``) writes « hors limites »; the rest of the page works. Services that
*record* something never use it: there a value out of range is refused with a French message.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from financing_engine import AmountOutOfRange

# A figure that could not be computed from the stored values: shown « hors limites », never 0 nor « — ».
NOT_A_FIGURE = Decimal("NaN")


def computed(compute: Callable[..., Any], /, *args: Any, fallback: Any = NOT_A_FIGURE, **kwargs: Any) -> Any:
    """``compute(*args, **kwargs)``, or ``fallback`` when a stored value makes it impossible.

    >>> from financing_engine.money import round_cents
    >>> computed(round_cents, Decimal("2.345")), computed(round_cents, Decimal("1E+30") ** 2)
    (Decimal('2.35'), Decimal('NaN'))
    """
    try:
        return compute(*args, **kwargs)
    except (AmountOutOfRange, ArithmeticError):
        return fallback
