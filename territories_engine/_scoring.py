"""Opportunity score per territory and trade, its decomposition, and its sensitivity.

The score of territory :math:`t` for a trade is

.. math::

    S_t = \\sum_k w_k \\, v_{t,k} \\; - \\; P_t

where :math:`v_{t,k} \\in [0, 1]` is the normalised value of indicator
:math:`k` (flipped to :math:`1 - v` for "lower is better" indicators),
:math:`w_k` its weight and :math:`P_t \\ge 0` the penalty for an existing
école de production of the same trade nearby. Each term is returned, so the
score is explainable term by term.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from territories_engine._distances import DEFAULT_ROAD_FACTOR, pairwise_road_km
from territories_engine._errors import (
    DuplicateCodeError,
    EmptyInputError,
    InvalidParameterError,
    NonFiniteValueError,
    UnknownIndicatorError,
    UnknownNormalisationError,
)

__all__ = [
    "Contribution",
    "ExistingSchool",
    "MissingPolicy",
    "Normalisation",
    "PenaltyShape",
    "ProximityPenalty",
    "RankStability",
    "ScoringProfile",
    "ScoringResult",
    "SensitivityMethod",
    "SensitivityResult",
    "TerritoryIndicators",
    "TerritoryScore",
    "normalise",
    "score_territories",
    "weight_sensitivity",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Above this many cells (territories x scenarios) the sensitivity analysis is
# computed by batches of scenarios, to bound memory (about 8 bytes per cell).
_SENSITIVITY_BATCH_CELLS = 4_000_000


class Normalisation(StrEnum):
    """How raw indicator values are brought to :math:`[0, 1]`."""

    RANK_PERCENTILE = "rank_percentile"
    MIN_MAX = "min_max"


class MissingPolicy(StrEnum):
    """What a missing indicator value (``None`` or absent key) contributes.

    ``OMIT``: the indicator is left out of that territory's score
    (contribution 0) and the territory is flagged. ``NEUTRAL``: the territory
    gets the middle normalised value 0.5 and is flagged.
    """

    OMIT = "omit"
    NEUTRAL = "neutral"


class PenaltyShape(StrEnum):
    """Shape of the proximity penalty as a function of the road distance :math:`d`.

    ``STEP``: :math:`P = A` if :math:`d \\le r`, else 0.
    ``LINEAR``: :math:`P = A (1 - d / r)` if :math:`d \\le r`, else 0.
    """

    STEP = "step"
    LINEAR = "linear"


class SensitivityMethod(StrEnum):
    """Scenarios of :func:`weight_sensitivity`.

    ``MONTE_CARLO``: every weight is multiplied by an independent uniform
    factor in :math:`[1 - s, 1 + s]`, seeded. ``ONE_AT_A_TIME``: each weight in
    turn is multiplied by :math:`1 - s` then :math:`1 + s`, the others unchanged
    (:math:`2m` scenarios).
    """

    MONTE_CARLO = "monte_carlo"
    ONE_AT_A_TIME = "one_at_a_time"


def _parse_normalisation(value: Normalisation | str) -> Normalisation:
    try:
        return Normalisation(value)
    except ValueError:
        raise UnknownNormalisationError(
            f"Normalisation inconnue « {value} » : utilisez « rank_percentile » (rang centile) ou « min_max »."
        ) from None


def _check_finite(value: float, message: str) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise NonFiniteValueError(message)
    return number


@dataclass(frozen=True, slots=True)
class ProximityPenalty:
    """Penalty for an existing école de production of the same trade nearby.

    Attributes
    ----------
    radius_km : float
        Road distance within which the penalty applies, ``> 0``.
    amount : float
        Maximum penalty :math:`A \\ge 0`, in score units (a score built from
        weights summing to 1 lies in :math:`[0, 1]` before the penalty).
    shape : PenaltyShape or str
        ``"step"`` (default) or ``"linear"``, see :class:`PenaltyShape`.
    road_factor : float
        Road distance = great-circle distance times this factor (default 1.3).
    """

    radius_km: float = 30.0
    amount: float = 0.25
    shape: PenaltyShape | str = PenaltyShape.STEP
    road_factor: float = DEFAULT_ROAD_FACTOR

    def __post_init__(self) -> None:
        if not math.isfinite(self.radius_km) or self.radius_km <= 0.0:
            raise InvalidParameterError(
                f"Le rayon de la pénalité doit être strictement positif (reçu : {self.radius_km} km)."
            )
        if not math.isfinite(self.amount) or self.amount < 0.0:
            raise InvalidParameterError(
                f"Le montant de la pénalité doit être un nombre positif ou nul (reçu : {self.amount})."
            )
        if not math.isfinite(self.road_factor) or self.road_factor < 1.0:
            raise InvalidParameterError(
                f"Le facteur routier doit être supérieur ou égal à 1 (reçu : {self.road_factor})."
            )
        try:
            object.__setattr__(self, "shape", PenaltyShape(self.shape))
        except ValueError:
            raise InvalidParameterError(
                f"Forme de pénalité inconnue « {self.shape} » : utilisez « step » (palier) ou « linear » (linéaire)."
            ) from None

    def value(self, distance_km: FloatArray) -> FloatArray:
        """Penalty for each road distance (``inf`` means no school)."""
        inside = distance_km <= self.radius_km
        if self.shape is PenaltyShape.STEP:
            return np.where(inside, self.amount, 0.0)
        return np.where(inside, self.amount * (1.0 - distance_km / self.radius_km), 0.0)


@dataclass(frozen=True)
class ScoringProfile:
    """Weights and options of an opportunity score.

    Attributes
    ----------
    weights : Mapping[str, float]
        Weight per indicator name; finite, not all zero. A negative weight is
        accepted but the recommended way to say "less is better" is a positive
        weight plus ``lower_is_better`` (the two differ by a constant per
        indicator, so they rank territories identically up to the floating-point
        rounding of exact ties).
    normalisation : Normalisation or str
        ``"rank_percentile"`` (default) or ``"min_max"``.
    lower_is_better : frozenset[str]
        Indicators whose normalised value is flipped to :math:`1 - v`.
    penalty : ProximityPenalty or None
        Proximity penalty; ``None`` for none.
    missing : MissingPolicy or str
        Policy for missing values, ``"omit"`` (default) or ``"neutral"``.
    """

    weights: Mapping[str, float]
    normalisation: Normalisation | str = Normalisation.RANK_PERCENTILE
    lower_is_better: frozenset[str] = field(default_factory=frozenset)
    penalty: ProximityPenalty | None = None
    missing: MissingPolicy | str = MissingPolicy.OMIT

    def __post_init__(self) -> None:
        if not self.weights:
            raise EmptyInputError("Le profil de notation ne contient aucune pondération.")
        weights = {
            str(name): _check_finite(weight, f"La pondération de l'indicateur « {name} » est manquante ou infinie.")
            for name, weight in self.weights.items()
        }
        if all(weight == 0.0 for weight in weights.values()):
            raise InvalidParameterError("Toutes les pondérations du profil sont nulles.")
        object.__setattr__(self, "weights", MappingProxyType(weights))
        object.__setattr__(self, "normalisation", _parse_normalisation(self.normalisation))
        unknown = sorted(set(self.lower_is_better) - set(weights))
        if unknown:
            raise UnknownIndicatorError(
                f"Indicateur(s) « {', '.join(unknown)} » marqué(s) « moins c'est mieux » mais sans pondération."
            )
        object.__setattr__(self, "lower_is_better", frozenset(self.lower_is_better))
        try:
            object.__setattr__(self, "missing", MissingPolicy(self.missing))
        except ValueError:
            raise InvalidParameterError(
                f"Règle inconnue pour les valeurs manquantes « {self.missing} » : utilisez « omit » ou « neutral »."
            ) from None

    @property
    def indicators(self) -> tuple[str, ...]:
        """Indicator names, in the order of ``weights``."""
        return tuple(self.weights)


@dataclass(frozen=True)
class TerritoryIndicators:
    """One territory to score: its code, position and raw indicator values.

    Attributes
    ----------
    code : str
        Unique code (INSEE code, EPCI SIREN...).
    lat, lon : float
        Position used for the proximity penalty (e.g. centroid), in degrees.
    values : Mapping[str, float or None]
        Raw value per indicator; ``None`` or an absent key means missing.
    name : str
        Display name, optional.
    """

    code: str
    lat: float
    lon: float
    values: Mapping[str, float | None]
    name: str = ""


@dataclass(frozen=True, slots=True)
class ExistingSchool:
    """An existing école de production.

    Attributes
    ----------
    code : str
        Identifier (e.g. INSEE code of its commune).
    lat, lon : float
        Position in degrees.
    trades : frozenset[str]
        Trades it teaches (e.g. ``frozenset({"metal_usinage_mecanique"})``).
    name : str
        Display name, optional.
    """

    code: str
    lat: float
    lon: float
    trades: frozenset[str]
    name: str = ""


@dataclass(frozen=True, slots=True)
class Contribution:
    """Part of a score due to one indicator: ``contribution = weight * normalised_value``.

    ``normalised_value`` is already flipped for "lower is better" indicators.
    It is ``None`` (and ``contribution`` 0) when the raw value is missing
    under the ``omit`` policy.
    """

    indicator: str
    raw_value: float | None
    normalised_value: float | None
    weight: float
    contribution: float


@dataclass(frozen=True, slots=True)
class TerritoryScore:
    """Score of one territory, with its exact decomposition.

    ``score == sum(c.contribution for c in contributions) - penalty``, summed in
    that order. ``rank`` is 1 for the best score; equal scores share the
    smallest rank (1, 2, 2, 4).
    """

    code: str
    name: str
    score: float
    rank: int
    contributions: tuple[Contribution, ...]
    penalty: float
    nearest_school_km: float | None
    nearest_school_code: str | None
    missing_indicators: tuple[str, ...]

    @property
    def is_complete(self) -> bool:
        """True when no indicator value was missing."""
        return not self.missing_indicators

    def explanation_fr(self) -> str:
        """One-line French explanation of the score, for display.

        Examples
        --------
        >>> c = (Contribution("neet", 25.0, 1.0, 0.5, 0.5), Contribution("bmo", None, None, 0.5, 0.0))
        >>> print(TerritoryScore("X", "Ham", 0.25, 1, c, 0.25, 12.0, "S", ("bmo",)).explanation_fr())
        ... # doctest: +NORMALIZE_WHITESPACE
        Ham : score 0,250 (rang 1) = neet +0,500 + bmo +0,000 (donnée manquante)
        − pénalité 0,250 (école du même métier à 12,0 km)
        """

        def fr(number: float, *, signed: bool = False, digits: int = 3) -> str:
            text = f"{number:+.{digits}f}" if signed else f"{number:.{digits}f}"
            return text.replace(".", ",")

        parts = []
        for c in self.contributions:
            missing = " (donnée manquante)" if c.indicator in self.missing_indicators else ""
            parts.append(f"{c.indicator} {fr(c.contribution, signed=True)}{missing}")
        text = f"{self.name or self.code} : score {fr(self.score)} (rang {self.rank}) = " + " + ".join(parts)
        if self.penalty > 0.0 and self.nearest_school_km is not None:
            distance = fr(self.nearest_school_km, digits=1)
            text += f" − pénalité {fr(self.penalty)} (école du même métier à {distance} km)"
        return text


@dataclass(frozen=True)
class ScoringResult:
    """Scores of all territories for one trade, best first.

    Attributes
    ----------
    trade : str
        The trade scored.
    profile : ScoringProfile
        The profile used.
    scores : tuple[TerritoryScore, ...]
        Sorted by rank, then code.
    indicators_without_data : tuple[str, ...]
        Weighted indicators missing for every territory (e.g. BMO for a trade
        with no BMO code); they contribute nothing, or a constant under the
        ``neutral`` policy.
    """

    trade: str
    profile: ScoringProfile
    scores: tuple[TerritoryScore, ...]
    indicators_without_data: tuple[str, ...]

    def by_code(self) -> dict[str, TerritoryScore]:
        """Scores keyed by territory code."""
        return {s.code: s for s in self.scores}


@dataclass(frozen=True, slots=True)
class RankStability:
    """How a territory's rank moves under weight perturbations.

    ``min_rank`` and ``max_rank`` cover the base scenario and every perturbed
    one; ``top_k_share`` is the share of perturbed scenarios where the rank is
    at most ``top_k``.
    """

    code: str
    base_rank: int
    min_rank: int
    max_rank: int
    top_k_share: float


@dataclass(frozen=True)
class SensitivityResult:
    """Result of :func:`weight_sensitivity`, territories sorted by base rank then code."""

    method: SensitivityMethod
    spread: float
    top_k: int
    n_scenarios: int
    seed: int | None
    territories: tuple[RankStability, ...]

    def by_code(self) -> dict[str, RankStability]:
        """Stabilities keyed by territory code."""
        return {s.code: s for s in self.territories}


# --------------------------------------------------------------------------- normalisation


def _normalise_column(column: FloatArray, method: Normalisation) -> FloatArray:
    """Normalise the non-NaN entries of ``column``; NaN stays NaN."""
    result = np.full(column.shape, np.nan)
    present = ~np.isnan(column)
    values = column[present]
    n = values.size
    if n == 0:
        return result
    if method is Normalisation.RANK_PERCENTILE:
        if n == 1:
            result[present] = 0.5
        else:
            from scipy.stats import rankdata  # imported where used (see _distances.pairs_within_km)

            result[present] = (rankdata(values, method="average") - 1.0) / (n - 1.0)
    else:
        low, high = float(values.min()), float(values.max())
        result[present] = 0.5 if high == low else (values - low) / (high - low)
    return result


def normalise(values: Sequence[float | None], *, method: Normalisation | str) -> tuple[float | None, ...]:
    r"""Bring raw values to :math:`[0, 1]`; missing values (``None``) stay ``None``.

    Parameters
    ----------
    values : Sequence[float or None]
        Raw values; ``None`` marks a missing value and is ignored by the
        normalisation of the others.
    method : Normalisation or str, keyword-only
        ``"rank_percentile"`` or ``"min_max"``.

    Returns
    -------
    tuple[float or None, ...]
        Normalised values, same order.

    Raises
    ------
    UnknownNormalisationError
        If ``method`` is not a known normalisation.
    NonFiniteValueError
        If a value is NaN or infinite.

    Notes
    -----
    Over the :math:`n` present values:

    * ``rank_percentile``: :math:`v_i = (r_i - 1) / (n - 1)` where :math:`r_i`
      is the rank of :math:`x_i` in increasing order, ties getting the mean of
      their ranks; :math:`v = 0.5` when :math:`n = 1`. Robust to outliers
      (Lille does not crush every other commune) but forgets the gaps.
    * ``min_max``: :math:`v_i = (x_i - \min x) / (\max x - \min x)`; when
      every value is equal (constant column), :math:`v_i = 0.5`, which adds
      the same amount to every territory and leaves the ranking unchanged.

    Examples
    --------
    Rank percentile with a tie: ranks are 1, 2.5, 2.5, 4.

    >>> normalise([10.0, 20.0, 20.0, 40.0], method="rank_percentile")
    (0.0, 0.5, 0.5, 1.0)
    >>> normalise([10.0, 20.0, None, 40.0], method="min_max")
    (0.0, 0.3333333333333333, None, 1.0)
    >>> normalise([7.0, 7.0], method="min_max")
    (0.5, 0.5)
    """
    parsed = _parse_normalisation(method)
    column = np.array(
        [
            np.nan
            if value is None
            else _check_finite(value, f"La valeur n° {i + 1} est invalide (NaN ou infinie) : utilisez None.")
            for i, value in enumerate(values)
        ],
        dtype=np.float64,
    )
    normalised = _normalise_column(column, parsed)
    return tuple(None if math.isnan(v) else float(v) for v in normalised)


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True, eq=False)
class _Prepared:
    codes: tuple[str, ...]
    raw: FloatArray  # (n, m), NaN = missing
    normalised: FloatArray  # (n, m), flipped, NaN = missing (policy applied afterwards)
    weights: FloatArray  # (m,)
    penalty: FloatArray  # (n,)
    nearest_km: FloatArray  # (n,), inf when no school
    nearest_index: IntArray  # (n,), -1 when no school
    schools: tuple[ExistingSchool, ...]


def _prepare(
    territories: Sequence[TerritoryIndicators],
    profile: ScoringProfile,
    trade: str,
    existing_schools: Sequence[ExistingSchool],
) -> _Prepared:
    if not territories:
        raise EmptyInputError("La liste des territoires à noter est vide.")
    names = profile.indicators
    carried: set[str] = set()
    codes: list[str] = []
    seen: set[str] = set()
    raw = np.full((len(territories), len(names)), np.nan)
    lat = np.empty(len(territories))
    lon = np.empty(len(territories))
    for i, territory in enumerate(territories):
        if territory.code in seen:
            raise DuplicateCodeError(f"Le territoire « {territory.code} » apparaît deux fois.")
        seen.add(territory.code)
        codes.append(territory.code)
        carried.update(territory.values)
        lat[i] = _check_finite(territory.lat, f"La latitude du territoire « {territory.code} » est invalide.")
        lon[i] = _check_finite(territory.lon, f"La longitude du territoire « {territory.code} » est invalide.")
        for k, name in enumerate(names):
            value = territory.values.get(name)
            if value is not None:
                raw[i, k] = _check_finite(
                    value,
                    f"La valeur de l'indicateur « {name} » du territoire « {territory.code} » est NaN ou infinie ; "
                    "une donnée manquante s'écrit None.",
                )
    unknown = [name for name in names if name not in carried]
    if unknown:
        raise UnknownIndicatorError(
            f"Pondération sur un indicateur inconnu : « {', '.join(unknown)} » "
            "n'apparaît dans les données d'aucun territoire."
        )
    method = Normalisation(profile.normalisation)
    normalised = np.column_stack([_normalise_column(raw[:, k], method) for k in range(len(names))])
    for k, name in enumerate(names):
        if name in profile.lower_is_better:
            normalised[:, k] = 1.0 - normalised[:, k]

    schools = tuple(s for s in existing_schools if trade in s.trades)
    n = len(territories)
    nearest_km = np.full(n, np.inf)
    nearest_index = np.full(n, -1, dtype=np.int64)
    penalty = np.zeros(n)
    if schools and profile.penalty is not None:
        distances = pairwise_road_km(
            lat,
            lon,
            [s.lat for s in schools],
            [s.lon for s in schools],
            road_factor=profile.penalty.road_factor,
        )
        nearest_index = np.argmin(distances, axis=1).astype(np.int64)
        nearest_km = distances[np.arange(n), nearest_index]
        penalty = profile.penalty.value(nearest_km)
    return _Prepared(
        codes=tuple(codes),
        raw=raw,
        normalised=normalised,
        weights=np.array([profile.weights[name] for name in names], dtype=np.float64),
        penalty=penalty,
        nearest_km=nearest_km,
        nearest_index=nearest_index,
        schools=schools,
    )


def _filled(normalised: FloatArray, policy: MissingPolicy) -> FloatArray:
    return np.where(np.isnan(normalised), 0.5 if policy is MissingPolicy.NEUTRAL else 0.0, normalised)


def _scores(filled: FloatArray, weights: FloatArray, penalty: FloatArray) -> FloatArray:
    """Score matrix ``(n, s)`` for a weight matrix ``(m, s)``; indicators summed in order."""
    total = np.zeros((filled.shape[0], weights.shape[1]))
    for k in range(filled.shape[1]):
        total += filled[:, k, None] * weights[None, k, :]
    total -= penalty[:, None]
    return total


def _ranks(scores: FloatArray) -> IntArray:
    """Competition ranks (1 = best, ties share the smallest rank) down axis 0."""
    from scipy.stats import rankdata  # imported where used (see _distances.pairs_within_km)

    return np.asarray(rankdata(-scores, method="min", axis=0), dtype=np.int64)


def score_territories(
    territories: Sequence[TerritoryIndicators],
    profile: ScoringProfile,
    *,
    trade: str,
    existing_schools: Sequence[ExistingSchool] = (),
) -> ScoringResult:
    r"""Opportunity score of every territory for one trade, explained term by term.

    Parameters
    ----------
    territories : Sequence[TerritoryIndicators]
        Territories to compare (normalisation is relative to this set).
    profile : ScoringProfile
        Weights, normalisation, direction flags, penalty and missing policy.
    trade : str, keyword-only
        Trade being scored; only existing schools teaching it are penalised.
    existing_schools : Sequence[ExistingSchool], keyword-only
        Existing écoles de production (any trade).

    Returns
    -------
    ScoringResult
        One :class:`TerritoryScore` per territory, best first.

    Raises
    ------
    EmptyInputError
        If ``territories`` is empty.
    UnknownIndicatorError
        If a weighted indicator appears in no territory's ``values``.
    NonFiniteValueError
        If a value or coordinate is NaN or infinite (write a missing value as ``None``).
    DuplicateCodeError
        If two territories share a code.

    Notes
    -----
    For territory :math:`t` and indicator :math:`k` with raw value
    :math:`x_{t,k}`, normalised value :math:`v_{t,k}` (see :func:`normalise`),
    flipped to :math:`1 - v_{t,k}` when :math:`k` is "lower is better":

    .. math::

        c_{t,k} = w_k \, v_{t,k}, \qquad S_t = \sum_k c_{t,k} - P_t,
        \qquad P_t = \pi\big(\min_s f \, d(t, s)\big)

    where :math:`d` is the haversine distance to each existing school
    :math:`s` of the trade, :math:`f` the road factor and :math:`\pi` the
    penalty shape (:class:`PenaltyShape`). Only the nearest school counts.
    Missing values follow ``profile.missing`` (:class:`MissingPolicy`) and the
    territory lists them in ``missing_indicators``.

    Examples
    --------
    Three EPCIs, NEET rate (weight 0.6) and distance to the nearest lycée
    professionnel ("lower is better", weight 0.4), rank percentile:

    >>> profile = ScoringProfile(weights={"neet": 0.6, "lp_km": 0.4}, lower_is_better=frozenset({"lp_km"}))
    >>> ts = [
    ...     TerritoryIndicators("A", 50.0, 3.0, {"neet": 25.0, "lp_km": 5.0}),
    ...     TerritoryIndicators("B", 50.0, 3.1, {"neet": 15.0, "lp_km": 12.0}),
    ...     TerritoryIndicators("C", 50.0, 3.2, {"neet": 20.0, "lp_km": None}),
    ... ]
    >>> result = score_territories(ts, profile, trade="automobile")
    >>> [(s.code, round(s.score, 3), s.rank, s.missing_indicators) for s in result.scores]
    [('A', 1.0, 1, ()), ('C', 0.3, 2, ('lp_km',)), ('B', 0.0, 3, ())]

    A: NEET percentile 1 and lp_km percentile flipped 1 - 0 = 1, so
    :math:`0.6 \times 1 + 0.4 \times 1 = 1`; C: :math:`0.6 \times 0.5` and
    lp_km omitted; B: :math:`0.6 \times 0 + 0.4 \times (1 - 1) = 0`.
    """
    prepared = _prepare(territories, profile, trade, existing_schools)
    policy = MissingPolicy(profile.missing)
    filled = _filled(prepared.normalised, policy)
    contributions = filled * prepared.weights[None, :]
    scores = _scores(filled, prepared.weights[:, None], prepared.penalty)[:, 0]
    ranks = _ranks(scores[:, None])[:, 0]
    names = profile.indicators
    items: list[TerritoryScore] = []
    for i, territory in enumerate(territories):
        missing = tuple(name for k, name in enumerate(names) if math.isnan(prepared.raw[i, k]))
        parts = tuple(
            Contribution(
                indicator=name,
                raw_value=None if math.isnan(prepared.raw[i, k]) else float(prepared.raw[i, k]),
                normalised_value=None
                if policy is MissingPolicy.OMIT and math.isnan(prepared.normalised[i, k])
                else float(filled[i, k]),
                weight=float(prepared.weights[k]),
                contribution=float(contributions[i, k]),
            )
            for k, name in enumerate(names)
        )
        school_index = int(prepared.nearest_index[i])
        items.append(
            TerritoryScore(
                code=territory.code,
                name=territory.name,
                score=float(scores[i]),
                rank=int(ranks[i]),
                contributions=parts,
                penalty=float(prepared.penalty[i]),
                nearest_school_km=None if school_index < 0 else float(prepared.nearest_km[i]),
                nearest_school_code=None if school_index < 0 else prepared.schools[school_index].code,
                missing_indicators=missing,
            )
        )
    items.sort(key=lambda s: (s.rank, s.code))
    without_data = tuple(name for k, name in enumerate(names) if np.all(np.isnan(prepared.raw[:, k])))
    return ScoringResult(trade=trade, profile=profile, scores=tuple(items), indicators_without_data=without_data)


def weight_sensitivity(
    territories: Sequence[TerritoryIndicators],
    profile: ScoringProfile,
    *,
    trade: str,
    existing_schools: Sequence[ExistingSchool] = (),
    top_k: int = 10,
    spread: float = 0.2,
    method: SensitivityMethod | str = SensitivityMethod.MONTE_CARLO,
    n_scenarios: int = 1000,
    seed: int | None = 0,
) -> SensitivityResult:
    r"""Stability of each territory's rank when the weights move by up to ±``spread``.

    Parameters
    ----------
    territories, profile, trade, existing_schools
        As in :func:`score_territories`.
    top_k : int, keyword-only
        Size of the "top" whose membership is counted, ``>= 1``.
    spread : float, keyword-only
        Relative perturbation :math:`s` of each weight, in :math:`[0, 1)`; default 0.2 (±20 %).
    method : SensitivityMethod or str, keyword-only
        ``"monte_carlo"`` (default) or ``"one_at_a_time"``.
    n_scenarios : int, keyword-only
        Number of Monte Carlo scenarios (ignored by ``one_at_a_time``), ``>= 1``.
    seed : int or None, keyword-only
        Seed of :func:`numpy.random.default_rng`; fixed by default so results are reproducible.

    Returns
    -------
    SensitivityResult
        Per territory: base rank, min and max rank over the base and perturbed
        scenarios, share of perturbed scenarios in the top ``top_k``.

    Raises
    ------
    InvalidParameterError
        If ``top_k < 1``, ``n_scenarios < 1``, ``spread`` is outside :math:`[0, 1)`
        or ``method`` is unknown; plus the errors of :func:`score_territories`.

    Notes
    -----
    Scenario :math:`j` multiplies weight :math:`k` by :math:`\mu_{j,k}`
    (:math:`\mu_{j,k} \sim U[1 - s, 1 + s]` for Monte Carlo). Normalised
    values and penalties do not depend on the weights, so all scenarios are
    one product :math:`S = V (w \circ \mu)^\top - P`, computed by batches;
    ranks are then taken per column. The penalty amount is not perturbed.

    Examples
    --------
    B beats A only on the secondary indicator; a ±20 % change of weights never
    swaps them because A leads by a wide margin:

    >>> profile = ScoringProfile(weights={"neet": 0.7, "bmo": 0.3}, normalisation="min_max")
    >>> ts = [
    ...     TerritoryIndicators("A", 50.0, 3.0, {"neet": 30.0, "bmo": 0.0}),
    ...     TerritoryIndicators("B", 50.0, 3.1, {"neet": 10.0, "bmo": 100.0}),
    ... ]
    >>> result = weight_sensitivity(ts, profile, trade="automobile", top_k=1, n_scenarios=200)
    >>> [(s.code, s.base_rank, s.min_rank, s.max_rank, s.top_k_share) for s in result.territories]
    [('A', 1, 1, 1, 1.0), ('B', 2, 2, 2, 0.0)]
    """
    if top_k < 1:
        raise InvalidParameterError(f"top_k doit être au moins 1 (reçu : {top_k}).")
    if not math.isfinite(spread) or not 0.0 <= spread < 1.0:
        raise InvalidParameterError(f"L'amplitude de variation doit être comprise entre 0 et 1 (reçu : {spread}).")
    try:
        parsed_method = SensitivityMethod(method)
    except ValueError:
        raise InvalidParameterError(
            f"Méthode de sensibilité inconnue « {method} » : utilisez « monte_carlo » ou « one_at_a_time »."
        ) from None
    prepared = _prepare(territories, profile, trade, existing_schools)
    filled = _filled(prepared.normalised, MissingPolicy(profile.missing))
    m = prepared.weights.size
    if parsed_method is SensitivityMethod.MONTE_CARLO:
        if n_scenarios < 1:
            raise InvalidParameterError(f"Le nombre de scénarios doit être au moins 1 (reçu : {n_scenarios}).")
        rng = np.random.default_rng(seed)
        multipliers = rng.uniform(1.0 - spread, 1.0 + spread, size=(m, n_scenarios))
    else:
        multipliers = np.ones((m, 2 * m))
        for k in range(m):
            multipliers[k, 2 * k] = 1.0 - spread
            multipliers[k, 2 * k + 1] = 1.0 + spread
    total = multipliers.shape[1]
    n = filled.shape[0]
    base_rank = _ranks(_scores(filled, prepared.weights[:, None], prepared.penalty))[:, 0]
    min_rank = base_rank.copy()
    max_rank = base_rank.copy()
    in_top = np.zeros(n, dtype=np.int64)
    batch = max(1, _SENSITIVITY_BATCH_CELLS // max(n, 1))
    for start in range(0, total, batch):
        weights = prepared.weights[:, None] * multipliers[:, start : start + batch]
        ranks = _ranks(_scores(filled, weights, prepared.penalty))
        np.minimum(min_rank, ranks.min(axis=1), out=min_rank)
        np.maximum(max_rank, ranks.max(axis=1), out=max_rank)
        in_top += (ranks <= top_k).sum(axis=1)
    items = [
        RankStability(
            code=code,
            base_rank=int(base_rank[i]),
            min_rank=int(min_rank[i]),
            max_rank=int(max_rank[i]),
            top_k_share=float(in_top[i]) / total,
        )
        for i, code in enumerate(prepared.codes)
    ]
    items.sort(key=lambda s: (s.base_rank, s.code))
    return SensitivityResult(
        method=parsed_method,
        spread=spread,
        top_k=top_k,
        n_scenarios=total,
        seed=seed if parsed_method is SensitivityMethod.MONTE_CARLO else None,
        territories=tuple(items),
    )
