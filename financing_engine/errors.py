"""Exceptions raised by the financing engine.

Every exception derives from :class:`FinancingEngineError` (itself a
:class:`ValueError`), so callers can catch the whole family at once. Messages
are in French because the platform shows them to users as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from financing_engine.fields import describe_field

__all__ = ["AmountOutOfRange", "FinancingEngineError", "InputError", "PlanInputError"]


class FinancingEngineError(ValueError):
    """Base class of every error raised by :mod:`financing_engine`."""


class AmountOutOfRange(FinancingEngineError):
    """A number that cannot be rounded to the cent: not finite (NaN, infinity) or too large for
    :mod:`decimal`'s precision (``1E+30 × 1E+30``).

    A validated plan never produces one (:mod:`financing_engine.limits`); values read back from storage
    (an amount saved before its bounds existed, a row changed by hand) can. The platform catches it where
    it shows a figure (``essaim.common.figures.computed``) and shows « hors limites » instead.
    """


@dataclass(frozen=True, slots=True)
class InputError:
    """One problem in a plan input.

    Attributes
    ----------
    field : str
        Path of the offending value, e.g. ``"sources[2].amount"`` or
        ``"operating.years[1].rent"``: for programs (to put the error on a form
        field or a workbook cell), never shown to users.
    message : str
        Explanation in French, shown to the user as is.
    where : str
        The field in French words (``"ressource 3 « FEDER » : montant"``); when
        empty, :attr:`location` derives it from :attr:`field`.

    Examples
    --------
    >>> str(InputError("sources[4].loan.annual_rate", "Le taux annuel doit être compris entre 0 et 20 %."))
    'Ressource 5, prêt : taux annuel : Le taux annuel doit être compris entre 0 et 20 %.'
    """

    field: str
    message: str
    where: str = ""

    @property
    def location(self) -> str:
        """The field in French words, for users."""
        text = self.where or describe_field(self.field)
        return text[:1].upper() + text[1:]

    def __str__(self) -> str:
        return f"{self.location} : {self.message}"


class PlanInputError(FinancingEngineError):
    """The plan input is invalid; :attr:`errors` lists every problem found.

    The engine validates the whole plan before computing anything and reports
    all the problems at once, each with its field path.
    """

    def __init__(self, errors: Iterable[InputError]) -> None:
        self.errors: tuple[InputError, ...] = tuple(errors)
        details = " ; ".join(str(error) for error in self.errors)
        super().__init__(f"Plan de financement invalide ({len(self.errors)} erreur(s)) : {details}")
