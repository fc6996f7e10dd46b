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

from territories_engine._aggregation import AggregatedRate, RateRow, aggregate_rates, aggregate_sums
from territories_engine._distances import (
    DEFAULT_ROAD_FACTOR,
    EARTH_RADIUS_KM,
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
