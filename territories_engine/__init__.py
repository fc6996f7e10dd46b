"""Territories engine: where does a new école de production make sense, and for which trade?

Pure calculation core (stdlib, numpy, scipy; no Django, no file access). The
platform feeds it plain data and stores what it returns.

* Aggregation: :func:`aggregate_sums`, :func:`aggregate_rates`.
* Distances: :func:`haversine_km`, :func:`road_km`, :func:`pairwise_road_km`, :func:`pairs_within_km`.
* Opportunity score: :func:`score_territories`, :func:`weight_sensitivity`, :func:`normalise`.
* Site selection (maximum coverage): :func:`build_coverage_model`, :func:`exact_sites`,
  :func:`greedy_sites`, :func:`select_sites`.

Every error is a :class:`TerritoriesEngineError` with a French message.
See ``docs/territories-engine.md`` for the formulas.
"""

from typing import TYPE_CHECKING, Any

# numpy and scipy (≈ 0,7 s to import) come with the distances, the score and the site selection: each name
# is imported from its module on first use (PEP 562), so that a process that only aggregates indicators, or
# never calls the engine (a command, a job worker starting, the web's start-up), does not import them.
if TYPE_CHECKING:  # the type checker sees the names as if imported
    from territories_engine._aggregation import (
        AggregatedRate,
        RateRow,
        aggregate_rates,
        aggregate_sums,
    )
    from territories_engine._constants import (
        DEFAULT_ROAD_FACTOR,
        EARTH_RADIUS_KM,
    )
    from territories_engine._distances import (
        haversine_km,
        pairs_within_km,
        pairwise_road_km,
        road_km,
    )
    from territories_engine._errors import (
        DuplicateCodeError,
        EmptyInputError,
        InvalidParameterError,
        NonFiniteValueError,
        TerritoriesEngineError,
        UnknownIndicatorError,
        UnknownNormalisationError,
        UnknownTerritoryError,
    )
    from territories_engine._scoring import (
        Contribution,
        ExistingSchool,
        MissingPolicy,
        Normalisation,
        PenaltyShape,
        ProximityPenalty,
        RankStability,
        ScoringProfile,
        ScoringResult,
        SensitivityMethod,
        SensitivityResult,
        TerritoryIndicators,
        TerritoryScore,
        normalise,
        score_territories,
        weight_sensitivity,
    )
    from territories_engine._siting import (
        Commune,
        CoverageModel,
        SelectedSite,
        SiteComparison,
        SiteSelection,
        SolverStatus,
        build_coverage_model,
        exact_sites,
        greedy_sites,
        select_sites,
    )

_MODULES = {
    "AggregatedRate": "_aggregation",
    "Commune": "_siting",
    "Contribution": "_scoring",
    "CoverageModel": "_siting",
    "DEFAULT_ROAD_FACTOR": "_constants",
    "DuplicateCodeError": "_errors",
    "EARTH_RADIUS_KM": "_constants",
    "EmptyInputError": "_errors",
    "ExistingSchool": "_scoring",
    "InvalidParameterError": "_errors",
    "MissingPolicy": "_scoring",
    "NonFiniteValueError": "_errors",
    "Normalisation": "_scoring",
    "PenaltyShape": "_scoring",
    "ProximityPenalty": "_scoring",
    "RankStability": "_scoring",
    "RateRow": "_aggregation",
    "ScoringProfile": "_scoring",
    "ScoringResult": "_scoring",
    "SelectedSite": "_siting",
    "SensitivityMethod": "_scoring",
    "SensitivityResult": "_scoring",
    "SiteComparison": "_siting",
    "SiteSelection": "_siting",
    "SolverStatus": "_siting",
    "TerritoriesEngineError": "_errors",
    "TerritoryIndicators": "_scoring",
    "TerritoryScore": "_scoring",
    "UnknownIndicatorError": "_errors",
    "UnknownNormalisationError": "_errors",
    "UnknownTerritoryError": "_errors",
    "aggregate_rates": "_aggregation",
    "aggregate_sums": "_aggregation",
    "build_coverage_model": "_siting",
    "exact_sites": "_siting",
    "greedy_sites": "_siting",
    "haversine_km": "_distances",
    "normalise": "_scoring",
    "pairs_within_km": "_distances",
    "pairwise_road_km": "_distances",
    "road_km": "_distances",
    "score_territories": "_scoring",
    "select_sites": "_siting",
    "weight_sensitivity": "_scoring",
}


__all__ = [
    "DEFAULT_ROAD_FACTOR",
    "EARTH_RADIUS_KM",
    "AggregatedRate",
    "Commune",
    "Contribution",
    "CoverageModel",
    "DuplicateCodeError",
    "EmptyInputError",
    "ExistingSchool",
    "InvalidParameterError",
    "MissingPolicy",
    "NonFiniteValueError",
    "Normalisation",
    "PenaltyShape",
    "ProximityPenalty",
    "RankStability",
    "RateRow",
    "ScoringProfile",
    "ScoringResult",
    "SelectedSite",
    "SensitivityMethod",
    "SensitivityResult",
    "SiteComparison",
    "SiteSelection",
    "SolverStatus",
    "TerritoriesEngineError",
    "TerritoryIndicators",
    "TerritoryScore",
    "UnknownIndicatorError",
    "UnknownNormalisationError",
    "UnknownTerritoryError",
    "aggregate_rates",
    "aggregate_sums",
    "build_coverage_model",
    "exact_sites",
    "greedy_sites",
    "haversine_km",
    "normalise",
    "pairs_within_km",
    "pairwise_road_km",
    "road_km",
    "score_territories",
    "select_sites",
    "weight_sensitivity",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"territories_engine.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
