"""Exceptions raised by the territories engine.

Every exception derives from :class:`TerritoriesEngineError` (itself a
:class:`ValueError`), so callers can catch the whole family at once. Messages
are in French because the platform shows them to users as they are.
"""

from __future__ import annotations

__all__ = [
    "DuplicateCodeError",
    "EmptyInputError",
    "InvalidParameterError",
    "NonFiniteValueError",
    "TerritoriesEngineError",
    "UnknownIndicatorError",
    "UnknownNormalisationError",
    "UnknownTerritoryError",
]


class TerritoriesEngineError(ValueError):
    """Base class of every error raised by :mod:`territories_engine`."""


class InvalidParameterError(TerritoriesEngineError):
    """A numeric parameter is out of its domain (``k < 1``, ``radius <= 0``...)."""


class UnknownNormalisationError(TerritoriesEngineError):
    """The requested normalisation is neither ``rank_percentile`` nor ``min_max``."""


class EmptyInputError(TerritoriesEngineError):
    """An input list that must not be empty is empty (no territory, no candidate...)."""


class UnknownIndicatorError(TerritoriesEngineError):
    """A weight or a direction flag refers to an indicator no territory carries."""


class NonFiniteValueError(TerritoriesEngineError):
    """A value is NaN or infinite."""


class UnknownTerritoryError(TerritoriesEngineError):
    """A code is absent from the mapping it must be looked up in."""


class DuplicateCodeError(TerritoriesEngineError):
    """The same territory code appears twice in an input list."""
