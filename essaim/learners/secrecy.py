"""Statistical secrecy for figures that leave the school (pure Python, no Django).

Rule (docs/learners.md, « données des mineurs »): a published figure never rests on 1 to 4 youths.

1. Primary suppression: a cell whose base (the number of youths it is computed over) is between 1
   and ``THRESHOLD - 1`` is suppressed — shown « < 5 », « secret statistique ». A base of 0 is
   published as « — » (no data, it reveals nobody).
2. Complementary suppression, per measure: the total minus the published rows gives the union of
   the suppressed rows. That union must hold at least two rows and at least ``THRESHOLD`` youths;
   otherwise the smallest published non-empty row is suppressed too, and again, until it does. When
   no row is left to suppress, the total is suppressed.

Each measure (headcount, hours, rate) is treated on its own, since each has its own base.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

THRESHOLD = 5
SUPPRESSED_LABEL = "< 5"
SUPPRESSED_TITLE = "Secret statistique : moins de 5 jeunes, ou masqué pour qu'un petit groupe ne puisse être recalculé."


@dataclass(frozen=True)
class Cell:
    """A published figure: ``value`` with the number of youths it rests on (``base``), or a suppressed
    one that carries neither (so no template can show what the rule hides)."""

    value: Decimal | int | None = None
    base: int | None = None
    suppressed: bool = False

    @classmethod
    def hidden(cls) -> Cell:
        return cls(value=None, base=None, suppressed=True)


def suppress_table(
    rows: Mapping[Hashable, Mapping[str, tuple[Any, int]]],
    total: Mapping[str, tuple[Any, int]],
    *,
    threshold: int = THRESHOLD,
) -> tuple[dict[Hashable, dict[str, Cell]], dict[str, Cell]]:
    """Apply primary and complementary suppression to a table of rows plus its total.

    ``rows[key][measure]`` and ``total[measure]`` are ``(value, base)``; the total's base is the sum
    of the rows' bases. Returns the same shapes with ``Cell`` objects.
    """
    out_rows: dict[Hashable, dict[str, Cell]] = {key: {} for key in rows}
    order = {key: position for position, key in enumerate(rows)}
    out_total: dict[str, Cell] = {}
    for measure, (total_value, total_base) in total.items():
        bases = {key: rows[key][measure][1] for key in rows}
        hidden = {key for key, base in bases.items() if 0 < base < threshold}
        total_hidden = 0 < total_base < threshold
        if not total_hidden and hidden:
            # Order of the candidates for complementary suppression: smallest base first, then key order.
            candidates = sorted(
                (key for key, base in bases.items() if base > 0 and key not in hidden),
                key=lambda key: (bases[key], order[key]),
            )
            while len(hidden) < 2 or sum(bases[key] for key in hidden) < threshold:
                if not candidates:
                    total_hidden = True
                    break
                hidden.add(candidates.pop(0))
        for key in rows:
            value, base = rows[key][measure]
            out_rows[key][measure] = Cell.hidden() if key in hidden else Cell(value=value, base=base)
        out_total[measure] = Cell.hidden() if total_hidden else Cell(value=total_value, base=total_base)
    return out_rows, out_total
