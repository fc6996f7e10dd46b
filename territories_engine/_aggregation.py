"""Aggregation of indicators from a finer to a coarser territorial level.

Additive indicators (populations, recruitment projects, counts) are summed.
Rates (NEET share, unemployment rate...) are **never averaged**: their
numerators and denominators are summed separately and the rate is recomputed
from the sums.

French territorial levels are *not* nested: an EPCI can straddle two zones
d'emploi, and two EPCIs of Hauts-de-France extend into Normandy. Aggregate
from the commune level to each target level with a commune → target mapping
rather than chaining commune → EPCI → zone d'emploi. Chaining is exact only
when every child of a parent lies in a single grandparent.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from territories_engine._errors import (
    DuplicateCodeError,
    InvalidParameterError,
    NonFiniteValueError,
    UnknownTerritoryError,
)

__all__ = ["AggregatedRate", "RateRow", "aggregate_rates", "aggregate_sums"]


@dataclass(frozen=True, slots=True)
class RateRow:
    """Numerator and denominator of a rate for one territory.

    Attributes
    ----------
    code : str
        Territory code (e.g. INSEE commune code ``"59350"``).
    numerator : float
        E.g. the number of NEET 15-24 year-olds.
    denominator : float
        E.g. the number of 15-24 year-olds. Must be ``>= 0``.
    """

    code: str
    numerator: float
    denominator: float


@dataclass(frozen=True, slots=True)
class AggregatedRate:
    """A rate recomputed at the parent level.

    Attributes
    ----------
    code : str
        Parent code.
    numerator, denominator : float
        Sums over the children.
    rate : float or None
        ``numerator / denominator``; ``None`` when the denominator is 0.
    n_children : int
        Number of child rows summed.
    """

    code: str
    numerator: float
    denominator: float
    rate: float | None
    n_children: int


def _parent(code: str, parent_of: Mapping[str, str], *, strict: bool) -> str | None:
    parent = parent_of.get(code)
    if parent is None and strict:
        raise UnknownTerritoryError(f"Le territoire « {code} » n'a pas de territoire parent dans la table de passage.")
    return parent


def _finite(value: float, what: str, code: str) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise NonFiniteValueError(f"La valeur « {what} » du territoire « {code} » est manquante ou infinie (NaN).")
    return number


def aggregate_sums(
    values: Mapping[str, float],
    parent_of: Mapping[str, str],
    *,
    strict: bool = True,
) -> dict[str, float]:
    r"""Sum an additive indicator from child territories to their parents.

    Parameters
    ----------
    values : Mapping[str, float]
        Indicator value per child code (e.g. population per commune).
    parent_of : Mapping[str, str]
        Parent code per child code (e.g. commune → EPCI SIREN).
    strict : bool, keyword-only
        If true (default), a child absent from ``parent_of`` is an error;
        if false, it is skipped.

    Returns
    -------
    dict[str, float]
        :math:`S_p = \sum_{c:\ \mathrm{parent}(c) = p} x_c`, sorted by parent code.
        Math is done with :func:`math.fsum`, so the result does not depend on
        the order of the children.

    Raises
    ------
    UnknownTerritoryError
        If ``strict`` and a child has no parent.
    NonFiniteValueError
        If a value is NaN or infinite.

    Examples
    --------
    >>> aggregate_sums({"59350": 238246, "59512": 98286, "62498": 32920},
    ...                {"59350": "MEL", "59512": "MEL", "62498": "CALL"})
    {'CALL': 32920.0, 'MEL': 336532.0}
    """
    groups: dict[str, list[float]] = {}
    for code, value in values.items():
        number = _finite(value, "indicateur", code)
        parent = _parent(code, parent_of, strict=strict)
        if parent is not None:
            groups.setdefault(parent, []).append(number)
    return {parent: math.fsum(groups[parent]) for parent in sorted(groups)}


def aggregate_rates(
    rows: Iterable[RateRow],
    parent_of: Mapping[str, str],
    *,
    strict: bool = True,
) -> dict[str, AggregatedRate]:
    r"""Recompute a rate at the parent level from summed numerators and denominators.

    Parameters
    ----------
    rows : Iterable[RateRow]
        One row per child territory; codes must be unique.
    parent_of : Mapping[str, str]
        Parent code per child code.
    strict : bool, keyword-only
        If true (default), a child absent from ``parent_of`` is an error;
        if false, it is skipped.

    Returns
    -------
    dict[str, AggregatedRate]
        Per parent :math:`p`, sorted by code:

        .. math::

            N_p = \sum_{c \in p} n_c, \qquad D_p = \sum_{c \in p} d_c,
            \qquad \tau_p = N_p / D_p.

        This is the denominator-weighted mean of the child rates, never their
        plain mean: a commune of 100 youths weighs 100 times one of 1 youth.

    Raises
    ------
    UnknownTerritoryError
        If ``strict`` and a child has no parent.
    DuplicateCodeError
        If a child code appears twice.
    InvalidParameterError
        If a denominator is negative.
    NonFiniteValueError
        If a numerator or denominator is NaN or infinite.

    Examples
    --------
    Two communes with NEET rates of 10 % (of 1 000 youths) and 30 % (of 100
    youths) give 11.8 % for their EPCI, not the 20 % of a plain mean:

    >>> out = aggregate_rates([RateRow("A", 100, 1000), RateRow("B", 30, 100)], {"A": "E", "B": "E"})
    >>> out["E"].numerator, out["E"].denominator, round(out["E"].rate, 4)
    (130.0, 1100.0, 0.1182)
    """
    numerators: dict[str, list[float]] = {}
    denominators: dict[str, list[float]] = {}
    seen: set[str] = set()
    for row in rows:
        if row.code in seen:
            raise DuplicateCodeError(f"Le territoire « {row.code} » apparaît deux fois.")
        seen.add(row.code)
        numerator = _finite(row.numerator, "numérateur", row.code)
        denominator = _finite(row.denominator, "dénominateur", row.code)
        if denominator < 0.0:
            raise InvalidParameterError(
                f"Le dénominateur du territoire « {row.code} » est négatif ({denominator}) : un effectif ne peut "
                "pas être négatif."
            )
        parent = _parent(row.code, parent_of, strict=strict)
        if parent is None:
            continue
        numerators.setdefault(parent, []).append(numerator)
        denominators.setdefault(parent, []).append(denominator)
    result: dict[str, AggregatedRate] = {}
    for parent in sorted(numerators):
        total_num = math.fsum(numerators[parent])
        total_den = math.fsum(denominators[parent])
        result[parent] = AggregatedRate(
            code=parent,
            numerator=total_num,
            denominator=total_den,
            rate=total_num / total_den if total_den > 0.0 else None,
            n_children=len(numerators[parent]),
        )
    return result
