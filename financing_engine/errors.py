"""Exceptions raised by the financing engine.

Every exception derives from :class:`FinancingEngineError` (itself a
:class:`ValueError`), so callers can catch the whole family at once. Messages
are in French because the platform shows them to users as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["FinancingEngineError", "InputError", "PlanInputError"]


class FinancingEngineError(ValueError):
    """Base class of every error raised by :mod:`financing_engine`."""


@dataclass(frozen=True, slots=True)
class InputError:
    """One problem in a plan input.

    Attributes
    ----------
    field : str
        Path of the offending value, e.g. ``"sources[2].amount"`` or
        ``"operating.years[1].rent"``.
    message : str
        Explanation in French, shown to the user as is.
    """

    field: str
    message: str


class PlanInputError(FinancingEngineError):
    """The plan input is invalid; :attr:`errors` lists every problem found.

    The engine validates the whole plan before computing anything and reports
    all the problems at once, each with its field path.
    """

    def __init__(self, errors: Iterable[InputError]) -> None:
        self.errors: tuple[InputError, ...] = tuple(errors)
        details = " ; ".join(f"{error.field} : {error.message}" for error in self.errors)
        super().__init__(f"Plan de financement invalide ({len(self.errors)} erreur(s)) : {details}")
