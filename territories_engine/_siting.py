"""Site selection for new écoles de production: the maximum coverage location problem.

Given communes with a demand weight (youths 15-24, or an estimate of NEET
youths), choose :math:`k` candidate communes so as to maximise the demand
within a road radius of a new school, counting as 0 the demand already within
the radius of an existing school of the same trade. Two answers are given: an
exact one by integer programming (HiGHS through :func:`scipy.optimize.milp`)
and a greedy one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from territories_engine._distances import DEFAULT_ROAD_FACTOR, pairs_within_km
from territories_engine._errors import (
    DuplicateCodeError,
    EmptyInputError,
    InvalidParameterError,
    NonFiniteValueError,
)
from territories_engine._scoring import ExistingSchool

__all__ = [
    "Commune",
    "CoverageModel",
    "SelectedSite",
    "SiteComparison",
    "SiteSelection",
    "SolverStatus",
    "build_coverage_model",
    "exact_sites",
    "greedy_sites",
    "select_sites",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

# Relative tolerance under which an incumbent matching the LP or MILP bound is
# declared optimal (HiGHS' own primal/dual feasibility tolerances are 1e-7).
_CERTIFICATE_TOLERANCE = 1e-7


class SolverStatus(StrEnum):
    """Outcome of a site selection; the value is the English code, ``label_fr`` the French label."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"
    INFEASIBLE = "infeasible"
    HEURISTIC = "heuristic"
    SOLVER_ERROR = "solver_error"

    @property
    def label_fr(self) -> str:
        """French label shown to users."""
        return _STATUS_LABELS_FR[self]


_STATUS_LABELS_FR: dict[SolverStatus, str] = {
    SolverStatus.OPTIMAL: "optimal : aucune autre implantation ne couvre une demande plus grande",
    SolverStatus.TIME_LIMIT: (
        "limite de temps atteinte : meilleure solution trouvée, optimalité non prouvée (voir l'écart)"
    ),
    SolverStatus.INFEASIBLE: "problème infaisable",
    SolverStatus.HEURISTIC: "méthode gloutonne : solution rapide, sans garantie d'optimalité",
    SolverStatus.SOLVER_ERROR: "échec du solveur",
}


@dataclass(frozen=True, slots=True)
class Commune:
    """A commune as a demand point and a potential site.

    Attributes
    ----------
    code : str
        INSEE code, unique.
    lat, lon : float
        Centroid, in degrees.
    demand : float
        Demand weight, ``>= 0``: number of youths 15-24, or the NEET estimate.
    population : float
        Total population, used only by ``min_candidate_population``.
    """

    code: str
    lat: float
    lon: float
    demand: float
    population: float = 0.0


@dataclass(frozen=True, eq=False)
class CoverageModel:
    """Sparse coverage data of a site-selection instance; build it with :func:`build_coverage_model`.

    Attributes
    ----------
    codes : tuple[str, ...]
        Commune codes (demand points), in input order.
    demand : numpy.ndarray, shape (n,)
        Demand weight of each commune.
    served_by_existing : numpy.ndarray of bool, shape (n,)
        True where an existing school of the trade is within the radius.
    residual : numpy.ndarray, shape (n,)
        Demand left to serve: ``demand`` where not ``served_by_existing``, else 0.
    candidates : numpy.ndarray of int, shape (c,)
        Indexes into ``codes`` of the candidate sites.
    coverage : scipy.sparse.csc_matrix, shape (n, c)
        ``coverage[i, j] = 1`` when candidate ``j`` is within the radius of commune ``i``.
    radius_km, road_factor : float
        Parameters used.
    """

    codes: tuple[str, ...]
    demand: FloatArray
    served_by_existing: BoolArray
    residual: FloatArray
    candidates: IntArray
    coverage: Any
    radius_km: float
    road_factor: float

    def catchment(self, code: str) -> tuple[str, ...]:
        """Codes of the communes within the radius of candidate site ``code``, in input order."""
        position = {self.codes[int(c)]: j for j, c in enumerate(self.candidates)}
        if code not in position:
            raise KeyError(code)
        column = self.coverage[:, position[code]]
        return tuple(self.codes[int(i)] for i in sorted(column.nonzero()[0]))

    @property
    def total_demand(self) -> float:
        """Sum of all demand weights."""
        return math.fsum(self.demand.tolist())

    @property
    def demand_served_by_existing(self) -> float:
        """Demand already within the radius of an existing school."""
        return math.fsum(self.demand[self.served_by_existing].tolist())

    @property
    def coverable_demand(self) -> float:
        """Residual demand within the radius of at least one candidate: the best any ``k`` can do."""
        reachable = np.asarray(self.coverage.getnnz(axis=1)) > 0
        return math.fsum(self.residual[reachable].tolist())

    @property
    def n_candidates(self) -> int:
        """Number of candidate sites."""
        return int(self.candidates.size)

    def covered(self, chosen: Sequence[int]) -> float:
        """Residual demand covered by the candidates at positions ``chosen`` (indexes into ``candidates``)."""
        if len(chosen) == 0:
            return 0.0
        hit = np.asarray(self.coverage[:, list(chosen)].getnnz(axis=1)) > 0
        return math.fsum(self.residual[hit].tolist())


@dataclass(frozen=True, slots=True)
class SelectedSite:
    """A chosen site and what it brings.

    Attributes
    ----------
    code : str
        INSEE code of the commune.
    order : int
        1-based order: selection order for greedy; greedy re-ordering of the
        chosen set for the exact answer.
    marginal_gain : float
        Demand newly covered when the site is added after the previous ones.
    removal_loss : float
        Demand no longer covered if only this site is removed from the answer
        (demand it alone covers).
    """

    code: str
    order: int
    marginal_gain: float
    removal_loss: float


@dataclass(frozen=True)
class SiteSelection:
    """One answer to the site-selection problem.

    Attributes
    ----------
    method : str
        ``"greedy"`` or ``"milp"``.
    status : SolverStatus
        ``OPTIMAL``, ``TIME_LIMIT`` (best solution found returned, with its
        proven gap), ``INFEASIBLE``, ``SOLVER_ERROR`` for MILP; ``HEURISTIC``
        for greedy.
    k : int
        Number of sites requested.
    sites : tuple[SelectedSite, ...]
        Chosen sites, by ``order``; empty when no solution.
    covered_demand : float
        Residual demand covered, recomputed from the coverage matrix.
    upper_bound : float or None
        Proven upper bound on the best possible coverage: the MILP dual bound,
        or for greedy the online submodular bound
        :math:`\\min_t f(S_t) + \\sum_{\\text{top } k} \\Delta_j(S_t)`.
    gap : float or None
        ``(upper_bound - covered_demand) / upper_bound``, 0 when the bound is 0.
    solve_seconds : float
        Wall time of the solve (the coverage matrix is built beforehand).
    message : str
        Solver message (English, for logs).
    """

    method: str
    status: SolverStatus
    k: int
    sites: tuple[SelectedSite, ...]
    covered_demand: float
    upper_bound: float | None
    gap: float | None
    solve_seconds: float
    message: str = ""

    @property
    def codes(self) -> tuple[str, ...]:
        """Codes of the chosen sites, in order."""
        return tuple(site.code for site in self.sites)


@dataclass(frozen=True)
class SiteComparison:
    """Exact and greedy answers side by side, with the instance totals.

    Attributes
    ----------
    exact, greedy : SiteSelection
        The two answers.
    total_demand, demand_served_by_existing, coverable_demand : float
        See :class:`CoverageModel`.
    n_candidates : int
        Number of candidate sites.
    """

    exact: SiteSelection
    greedy: SiteSelection
    total_demand: float
    demand_served_by_existing: float
    coverable_demand: float
    n_candidates: int
    model: CoverageModel | None = field(default=None, compare=False, repr=False)

    def catchment(self, code: str) -> tuple[str, ...]:
        """Codes of the communes within the radius of candidate site ``code`` (its catchment), in input order.

        Raises ``KeyError`` if ``code`` is not a candidate.
        """
        if self.model is None:
            return ()
        return self.model.catchment(code)

    @property
    def greedy_shortfall(self) -> float:
        """Exact coverage minus greedy coverage (negative if a time-limited MILP did worse)."""
        return self.exact.covered_demand - self.greedy.covered_demand


# --------------------------------------------------------------------------- model


def build_coverage_model(
    communes: Sequence[Commune],
    *,
    radius_km: float,
    existing_schools: Sequence[ExistingSchool] = (),
    trade: str | None = None,
    road_factor: float = DEFAULT_ROAD_FACTOR,
    min_candidate_population: float | None = None,
    candidate_codes: Collection[str] | None = None,
) -> CoverageModel:
    r"""Build the sparse coverage matrix of a site-selection instance.

    Parameters
    ----------
    communes : Sequence[Commune]
        Demand points, also the pool of candidate sites.
    radius_km : float, keyword-only
        Maximum road distance from a youth's commune to a school, ``> 0``.
    existing_schools : Sequence[ExistingSchool], keyword-only
        Existing écoles de production.
    trade : str or None, keyword-only
        If given, only existing schools teaching this trade serve demand;
        if ``None``, every school given does.
    road_factor : float, keyword-only
        Road / great-circle distance ratio (default 1.3).
    min_candidate_population : float or None, keyword-only
        If given, only communes with at least this population are candidates.
    candidate_codes : Collection[str] or None, keyword-only
        If given, only these communes are candidates (combined with the threshold).

    Returns
    -------
    CoverageModel

    Raises
    ------
    EmptyInputError
        If there is no commune, or no candidate is left.
    InvalidParameterError
        If ``radius_km <= 0``, ``road_factor < 1`` or a demand is negative.
    NonFiniteValueError
        If a demand, population or coordinate is NaN or infinite.
    DuplicateCodeError
        If two communes share a code.

    Notes
    -----
    Commune :math:`i` is covered by site :math:`j` when
    :math:`f \cdot d_\text{haversine}(i, j) \le r`. Only pairs within the
    radius are stored (k-d tree query), so memory grows with the number of
    such pairs, about :math:`n \cdot \pi r^2 / \text{area}` for spread-out
    communes, not with :math:`n^2`.

    Examples
    --------
    >>> communes = [Commune("A", 50.0, 3.0, 100.0), Commune("B", 50.1, 3.0, 50.0), Commune("C", 51.0, 3.0, 80.0)]
    >>> model = build_coverage_model(communes, radius_km=20.0)
    >>> model.coverage.toarray().astype(int).tolist()
    [[1, 1, 0], [1, 1, 0], [0, 0, 1]]
    """
    if not communes:
        raise EmptyInputError("La liste des communes est vide.")
    if not math.isfinite(radius_km) or radius_km <= 0.0:
        raise InvalidParameterError(f"Le rayon doit être strictement positif (reçu : {radius_km} km).")
    codes = tuple(c.code for c in communes)
    if len(set(codes)) != len(codes):
        seen: set[str] = set()
        duplicate = next(code for code in codes if code in seen or seen.add(code))  # type: ignore[func-returns-value]
        raise DuplicateCodeError(f"La commune « {duplicate} » apparaît deux fois.")
    lat = np.array([c.lat for c in communes], dtype=np.float64)
    lon = np.array([c.lon for c in communes], dtype=np.float64)
    demand = np.array([c.demand for c in communes], dtype=np.float64)
    population = np.array([c.population for c in communes], dtype=np.float64)
    for name, values in (("demande", demand), ("population", population), ("latitude", lat), ("longitude", lon)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise NonFiniteValueError(
                f"La valeur « {name} » de la commune « {codes[int(bad[0])]} » est manquante ou infinie (NaN)."
            )
    negative = np.flatnonzero(demand < 0.0)
    if negative.size:
        raise InvalidParameterError(
            f"La demande de la commune « {codes[int(negative[0])]} » est négative ({demand[negative[0]]})."
        )

    schools = [s for s in existing_schools if trade is None or trade in s.trades]
    served = np.zeros(len(communes), dtype=np.bool_)
    if schools:
        i_served, _, _ = pairs_within_km(
            lat, lon, [s.lat for s in schools], [s.lon for s in schools], radius_km, road_factor=road_factor
        )
        served[i_served] = True
    residual = np.where(served, 0.0, demand)

    is_candidate = np.ones(len(communes), dtype=np.bool_)
    if min_candidate_population is not None:
        is_candidate &= population >= min_candidate_population
    if candidate_codes is not None:
        wanted = set(candidate_codes)
        is_candidate &= np.array([code in wanted for code in codes], dtype=np.bool_)
    candidates = np.flatnonzero(is_candidate).astype(np.intp)
    if candidates.size == 0:
        raise EmptyInputError("Aucune commune candidate : le seuil de population ou la liste les exclut toutes.")

    ii, jj, _ = pairs_within_km(lat, lon, lat[candidates], lon[candidates], radius_km, road_factor=road_factor)
    from scipy import sparse  # imported where used (see _distances.pairs_within_km)

    coverage = sparse.csc_matrix((np.ones(ii.size, dtype=np.float64), (ii, jj)), shape=(len(communes), candidates.size))
    return CoverageModel(
        codes=codes,
        demand=demand,
        served_by_existing=served,
        residual=residual,
        candidates=candidates,
        coverage=coverage,
        radius_km=float(radius_km),
        road_factor=float(road_factor),
    )


# --------------------------------------------------------------------------- helpers


def _check_k(model: CoverageModel, k: int) -> None:
    if k < 1:
        raise InvalidParameterError(f"Le nombre d'écoles à implanter doit être au moins 1 (reçu : k = {k}).")
    if k > model.n_candidates:
        raise InvalidParameterError(
            f"Impossible d'implanter {k} écoles : il n'y a que {model.n_candidates} commune(s) candidate(s)."
        )


def _useful_rows(model: CoverageModel) -> tuple[Any, FloatArray]:
    """Coverage restricted to rows with residual demand reachable by a candidate (CSR), and their weights."""
    reachable = (np.asarray(model.coverage.getnnz(axis=1)) > 0) & (model.residual > 0.0)
    rows = np.flatnonzero(reachable)
    return model.coverage.tocsr()[rows, :], model.residual[rows]


def _describe(model: CoverageModel, chosen: Sequence[int], gains: Sequence[float]) -> tuple[SelectedSite, ...]:
    """Sites with their gains (given, in order) and their removal losses."""
    if not chosen:
        return ()
    sub = model.coverage[:, list(chosen)].tocsr()
    counts = np.asarray(sub.getnnz(axis=1))
    only_one = (counts == 1) & (model.residual > 0.0)
    sole = sub[only_one, :]
    weights = model.residual[only_one]
    losses = np.asarray(sole.T @ weights).ravel() if weights.size else np.zeros(len(chosen))
    return tuple(
        SelectedSite(
            code=model.codes[int(model.candidates[j])],
            order=position + 1,
            marginal_gain=float(gain),
            removal_loss=float(losses[position]),
        )
        for position, (j, gain) in enumerate(zip(chosen, gains, strict=True))
    )


def _greedy_order(
    matrix_t: Any, weights: FloatArray, allowed: IntArray | None, k: int
) -> tuple[list[int], list[float], float]:
    """Greedy selection of ``k`` columns; returns columns, gains and the online upper bound.

    ``matrix_t`` is the transposed coverage (candidates x demand rows, CSR).
    Ties go to the lowest candidate index.
    """
    n_columns = matrix_t.shape[0]
    uncovered = weights.copy()
    blocked = np.zeros(n_columns, dtype=np.bool_)
    if allowed is not None:
        blocked[:] = True
        blocked[allowed] = False
    chosen: list[int] = []
    gains: list[float] = []
    covered = 0.0
    bound = math.inf
    for step in range(k + 1):
        marginal = np.asarray(matrix_t @ uncovered).ravel()
        marginal[blocked] = -1.0
        free = marginal[~blocked]
        top = np.sort(free)[-k:] if free.size else np.zeros(0)
        bound = min(bound, covered + float(np.clip(top, 0.0, None).sum()))
        if step == k:
            break
        best = int(np.argmax(marginal))
        rows = matrix_t.indices[matrix_t.indptr[best] : matrix_t.indptr[best + 1]]
        gain = math.fsum(uncovered[rows].tolist())
        uncovered[rows] = 0.0
        blocked[best] = True
        chosen.append(best)
        gains.append(gain)
        covered += gain
    return chosen, gains, bound


def _merge_identical_rows(matrix: Any, weights: FloatArray) -> tuple[Any, FloatArray]:
    """Merge demand rows covered by exactly the same candidates, summing their weights (exact)."""
    csr = matrix.tocsr()
    csr.sort_indices()
    groups: dict[bytes, int] = {}
    first_rows: list[int] = []
    merged: list[float] = []
    for i in range(csr.shape[0]):
        key = csr.indices[csr.indptr[i] : csr.indptr[i + 1]].tobytes()
        position = groups.get(key)
        if position is None:
            groups[key] = len(first_rows)
            first_rows.append(i)
            merged.append(float(weights[i]))
        else:
            merged[position] += float(weights[i])
    return csr[first_rows, :], np.array(merged, dtype=np.float64)


def _non_dominated_columns(matrix: Any, k: int) -> IntArray:
    """Candidates whose covered rows are not a subset of another candidate's (at least ``k`` kept).

    If an optimal answer uses a dominated candidate, swapping it for its
    dominating one (or, if that one is already chosen, for any other) never
    lowers the coverage, so removing dominated candidates keeps the optimum.
    Among candidates covering the same rows only the first is kept.
    """
    csc = matrix.tocsc()
    counts = np.diff(csc.indptr)
    overlap = (csc.T @ csc).tocoo()
    row, col, value = overlap.row, overlap.col, np.asarray(overlap.data)
    subset = (row != col) & (value == counts[row])
    wider = (counts[col] > counts[row]) | ((counts[col] == counts[row]) & (col < row))
    dominated = np.zeros(csc.shape[1], dtype=np.bool_)
    dominated[row[subset & wider]] = True
    if np.any(counts > 0):
        dominated |= counts == 0
    kept = np.flatnonzero(~dominated)
    if kept.size < k:
        extra = np.flatnonzero(dominated)[: k - kept.size]
        kept = np.sort(np.concatenate((kept, extra)))
    return kept.astype(np.intp)


def _mclp_arrays(matrix: Any, weights: FloatArray, k: int) -> tuple[FloatArray, Any, Any]:
    """Objective, coverage constraint matrix and count row of the MCLP (variables ``x`` then ``y``)."""
    from scipy import sparse  # imported where used (see _distances.pairs_within_km)

    n_rows, n_cols = matrix.shape
    objective = np.concatenate((np.zeros(n_cols), -weights))
    cover = sparse.hstack([-matrix, sparse.identity(n_rows, format="csr")], format="csr")
    count = sparse.csr_matrix(np.concatenate((np.ones(n_cols), np.zeros(n_rows)))[None, :])
    return objective, cover, count


def _solve_relaxation(matrix: Any, weights: FloatArray, k: int, time_limit_s: float) -> tuple[float, FloatArray] | None:
    """LP relaxation by HiGHS interior point with crossover: (upper bound, x) or None if not solved."""
    from scipy.optimize import linprog  # imported where used (see _distances.pairs_within_km)

    objective, cover, count = _mclp_arrays(matrix, weights, k)
    result = linprog(
        objective,
        A_ub=cover,
        b_ub=np.zeros(cover.shape[0]),
        A_eq=count,
        b_eq=[float(k)],
        bounds=(0.0, 1.0),
        method="highs-ipm",
        options={"time_limit": float(time_limit_s)},
    )
    if result.status != 0 or result.x is None:
        return None
    return max(0.0, -float(result.fun)), np.asarray(result.x[: matrix.shape[1]], dtype=np.float64)


def _solve_milp(matrix: Any, weights: FloatArray, k: int, time_limit_s: float, mip_rel_gap: float) -> Any:
    """The MCLP by HiGHS branch and cut (presolve off: on coverage matrices it costs time for no reduction)."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # imported where used (see _distances.pairs_within_km)

    objective, cover, count = _mclp_arrays(matrix, weights, k)
    n_cols = matrix.shape[1]
    return milp(
        objective,
        constraints=[LinearConstraint(cover, -np.inf, 0.0), LinearConstraint(count, float(k), float(k))],
        integrality=np.concatenate((np.ones(n_cols), np.zeros(matrix.shape[0]))),
        bounds=Bounds(0.0, 1.0),
        options={"time_limit": float(time_limit_s), "mip_rel_gap": float(mip_rel_gap), "presolve": False},
    )


def _gap(upper: float | None, covered: float) -> float | None:
    if upper is None:
        return None
    if upper <= 0.0:
        return 0.0
    return max(0.0, (upper - covered) / upper)


# --------------------------------------------------------------------------- solvers


def greedy_sites(model: CoverageModel, *, k: int) -> SiteSelection:
    r"""Greedy site selection: repeatedly add the site that covers the most uncovered demand.

    Parameters
    ----------
    model : CoverageModel
        From :func:`build_coverage_model`.
    k : int, keyword-only
        Number of sites, :math:`1 \le k \le` number of candidates.

    Returns
    -------
    SiteSelection
        Status ``HEURISTIC``; sites in selection order with their marginal gains.

    Raises
    ------
    InvalidParameterError
        If ``k < 1`` or ``k`` exceeds the number of candidates.

    Notes
    -----
    With :math:`f(S)` the residual demand covered by the set :math:`S` and
    :math:`\Delta_j(S) = f(S \cup \{j\}) - f(S)`, step :math:`t` adds
    :math:`\arg\max_j \Delta_j(S_{t-1})` (lowest index on ties). :math:`f` is
    monotone submodular, so :math:`f(S_k) \ge (1 - 1/e)\, f^\ast \approx 0.632 f^\ast`
    (Nemhauser, Wolsey & Fisher, 1978), and for every :math:`t`,
    :math:`f^\ast \le f(S_t) + \sum_{\text{top } k} \Delta_j(S_t)`: the
    smallest of these is returned as ``upper_bound``. Each step is one sparse
    matrix-vector product.

    Examples
    --------
    >>> communes = [Commune("A", 50.0, 3.0, 100.0), Commune("B", 50.1, 3.0, 50.0), Commune("C", 51.0, 3.0, 80.0)]
    >>> answer = greedy_sites(build_coverage_model(communes, radius_km=20.0), k=2)
    >>> [(s.code, s.marginal_gain, s.removal_loss) for s in answer.sites], answer.covered_demand
    ([('A', 150.0, 150.0), ('C', 80.0, 80.0)], 230.0)
    """
    _check_k(model, k)
    started = time.perf_counter()
    matrix, weights = _useful_rows(model)
    chosen, gains, bound = _greedy_order(matrix.T.tocsr(), weights, None, k)
    sites = _describe(model, chosen, gains)
    covered = model.covered(chosen)
    return SiteSelection(
        method="greedy",
        status=SolverStatus.HEURISTIC,
        k=k,
        sites=sites,
        covered_demand=covered,
        upper_bound=bound,
        gap=_gap(bound, covered),
        solve_seconds=time.perf_counter() - started,
        message="greedy",
    )


def exact_sites(
    model: CoverageModel,
    *,
    k: int,
    time_limit_s: float = 60.0,
    mip_rel_gap: float = 0.0,
) -> SiteSelection:
    r"""Exact site selection by mixed-integer linear programming (HiGHS).

    Parameters
    ----------
    model : CoverageModel
        From :func:`build_coverage_model`.
    k : int, keyword-only
        Number of sites, :math:`1 \le k \le` number of candidates.
    time_limit_s : float, keyword-only
        Wall-time budget for the LP relaxation and the branch and cut together,
        ``> 0`` (default 60 s). When it runs out, the best solution found so far
        (never worse than greedy) is returned with status ``TIME_LIMIT`` and
        its proven gap.
    mip_rel_gap : float, keyword-only
        Relative optimality tolerance, ``>= 0``. The default 0 asks for a
        proven optimum (up to HiGHS' numerical tolerance, 1e-7 relative);
        HiGHS' own default would be 1e-4.

    Returns
    -------
    SiteSelection
        Method ``"milp"``. Sites ordered greedily within the chosen set (each
        step adds the chosen site with the largest marginal gain), with
        marginal gains and removal losses; ``upper_bound`` and ``gap`` are
        proven.

    Raises
    ------
    InvalidParameterError
        If ``k`` is out of range or ``time_limit_s``/``mip_rel_gap`` are invalid.

    Notes
    -----
    Maximum coverage location problem (Church & ReVelle, 1974). With
    :math:`x_j \in \{0, 1\}` (open a school at candidate :math:`j`),
    :math:`y_i \in [0, 1]` (demand point :math:`i` covered), residual demand
    :math:`w_i` and :math:`N_i` the candidates within the radius of :math:`i`:

    .. math::

        \max \sum_i w_i y_i \quad \text{s.t.} \quad
        y_i \le \sum_{j \in N_i} x_j \;\; \forall i, \qquad
        \sum_j x_j = k.

    :math:`y` may be continuous: for integral :math:`x` some optimum has
    :math:`y_i = \min(1, \sum_{j \in N_i} x_j) \in \{0, 1\}`.

    Steps, all exact: (1) drop demand points with :math:`w_i = 0` (already
    served, or empty) or out of reach of every candidate; merge demand points
    with the same :math:`N_i`, summing their weights; drop candidates whose
    coverage is a subset of another's (keeping at least :math:`k`). (2) Take
    the greedy answer as incumbent. (3) Solve the LP relaxation (HiGHS
    interior point with crossover); its value bounds the optimum, and rounding
    its :math:`k` largest :math:`x_j` gives another incumbent. MCLP
    relaxations are often integral: if the best incumbent reaches the bound,
    it is optimal and the search stops. (4) Otherwise run HiGHS branch and
    cut (:func:`scipy.optimize.milp`, presolve off: on these matrices it
    costs time without reducing them) for the remaining time. The coverage of
    the answer is recomputed from the matrix, not read from the solver.

    Examples
    --------
    Four villages 14 km apart on a line (youths 4, 5, 5, 4) and three empty
    hamlets half-way; a 10 km radius lets a hamlet serve its two neighbours.
    Greedy first takes the middle hamlet (10 youths) and can then add only 4;
    the optimum takes the two outer hamlets (9 + 9):

    >>> communes = [Commune("P0", 50.0, 2.0, 4.0), Commune("P1", 50.0, 2.2, 5.0), Commune("P2", 50.0, 2.4, 5.0),
    ...             Commune("P3", 50.0, 2.6, 4.0), Commune("H01", 50.0, 2.1, 0.0), Commune("H12", 50.0, 2.3, 0.0),
    ...             Commune("H23", 50.0, 2.5, 0.0)]
    >>> model = build_coverage_model(communes, radius_km=10.0, road_factor=1.0)
    >>> greedy, exact = greedy_sites(model, k=2), exact_sites(model, k=2)
    >>> greedy.codes, greedy.covered_demand, exact.codes, exact.covered_demand, exact.status.value
    (('H12', 'P0'), 14.0, ('H01', 'H23'), 18.0, 'optimal')
    """
    _check_k(model, k)
    if not math.isfinite(time_limit_s) or time_limit_s <= 0.0:
        raise InvalidParameterError(f"La limite de temps doit être strictement positive (reçue : {time_limit_s} s).")
    if not math.isfinite(mip_rel_gap) or mip_rel_gap < 0.0:
        raise InvalidParameterError(f"L'écart d'optimalité doit être positif ou nul (reçu : {mip_rel_gap}).")
    started = time.perf_counter()
    full, full_weights = _useful_rows(model)
    matrix, weights = _merge_identical_rows(full, full_weights)
    kept = _non_dominated_columns(matrix, k)
    reduced = matrix[:, kept]
    tolerance = max(mip_rel_gap, _CERTIFICATE_TOLERANCE)
    full_t = full.T.tocsr()

    # Incumbent 1: greedy on the original columns.
    greedy, _, greedy_bound = _greedy_order(matrix.T.tocsr(), weights, None, k)
    best_set = sorted(greedy)
    best_value = model.covered(best_set)
    upper = greedy_bound
    message = ""
    status = SolverStatus.TIME_LIMIT

    # LP relaxation (interior point + crossover): a bound, and often an integral optimum.
    lp = _solve_relaxation(reduced, weights, k, time_limit_s)
    if lp is not None:
        lp_bound, lp_x = lp
        upper = min(upper, lp_bound)
        rounded = sorted(int(kept[j]) for j in np.argsort(-lp_x, kind="stable")[:k])
        value = model.covered(rounded)
        if value > best_value:
            best_set, best_value = rounded, value
        message = "LP relaxation"
    if best_value >= upper * (1.0 - tolerance):
        status = SolverStatus.OPTIMAL
        message += ": incumbent matches the bound, proven optimal"
    else:
        remaining = time_limit_s - (time.perf_counter() - started)
        if remaining > 0.0:
            result = _solve_milp(reduced, weights, k, remaining, mip_rel_gap)
            message = str(result.message)
            dual = getattr(result, "mip_dual_bound", None)
            if dual is not None and math.isfinite(float(dual)):
                upper = min(upper, max(0.0, -float(dual)))
            if result.x is not None:
                x = np.asarray(result.x[: kept.size], dtype=np.float64)
                chosen = sorted(int(kept[j]) for j in np.argsort(-x, kind="stable")[:k])
                value = model.covered(chosen)
                if value > best_value:
                    best_set, best_value = chosen, value
            if result.status == 0 and result.x is not None:
                status = SolverStatus.OPTIMAL
            elif result.status == 2:
                status = SolverStatus.INFEASIBLE
            elif result.status not in (0, 1):
                status = SolverStatus.SOLVER_ERROR
        if status is not SolverStatus.OPTIMAL and best_value >= upper * (1.0 - tolerance):
            status = SolverStatus.OPTIMAL
    elapsed = time.perf_counter() - started
    if status is SolverStatus.OPTIMAL:
        upper = max(best_value, min(upper, best_value * (1.0 + tolerance)))
    # Order the chosen sites greedily among themselves, to report marginal gains.
    order, gains, _ = _greedy_order(full_t, full_weights, np.array(best_set, dtype=np.intp), k)
    return SiteSelection(
        method="milp",
        status=status,
        k=k,
        sites=_describe(model, order, gains),
        covered_demand=model.covered(order),
        upper_bound=upper,
        gap=_gap(upper, best_value),
        solve_seconds=elapsed,
        message=message,
    )


def select_sites(
    communes: Sequence[Commune],
    *,
    k: int,
    radius_km: float,
    existing_schools: Sequence[ExistingSchool] = (),
    trade: str | None = None,
    road_factor: float = DEFAULT_ROAD_FACTOR,
    min_candidate_population: float | None = None,
    candidate_codes: Collection[str] | None = None,
    time_limit_s: float = 60.0,
    mip_rel_gap: float = 0.0,
) -> SiteComparison:
    """Exact and greedy site selection for one trade, side by side.

    Builds the coverage model once (:func:`build_coverage_model`), then runs
    :func:`exact_sites` and :func:`greedy_sites`. Parameters are those of
    these three functions; errors too.

    Examples
    --------
    Same villages as in :func:`exact_sites`; an existing school at P0 already
    serves P0, so one new school is best placed at H12 (P1 and P2):

    >>> communes = [Commune("P0", 50.0, 2.0, 4.0), Commune("P1", 50.0, 2.2, 5.0), Commune("P2", 50.0, 2.4, 5.0),
    ...             Commune("P3", 50.0, 2.6, 4.0), Commune("H01", 50.0, 2.1, 0.0), Commune("H12", 50.0, 2.3, 0.0),
    ...             Commune("H23", 50.0, 2.5, 0.0)]
    >>> school = ExistingSchool("P0", 50.0, 2.0, frozenset({"automobile"}))
    >>> answer = select_sites(communes, k=1, radius_km=10.0, road_factor=1.0, existing_schools=[school],
    ...                       trade="automobile")
    >>> answer.exact.codes, answer.exact.covered_demand, answer.demand_served_by_existing
    (('H12',), 10.0, 4.0)
    >>> answer.exact.status.value, answer.exact.status.label_fr
    ('optimal', 'optimal : aucune autre implantation ne couvre une demande plus grande')
    """
    model = build_coverage_model(
        communes,
        radius_km=radius_km,
        existing_schools=existing_schools,
        trade=trade,
        road_factor=road_factor,
        min_candidate_population=min_candidate_population,
        candidate_codes=candidate_codes,
    )
    exact = exact_sites(model, k=k, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap)
    greedy = greedy_sites(model, k=k)
    return SiteComparison(
        exact=exact,
        greedy=greedy,
        total_demand=model.total_demand,
        demand_served_by_existing=model.demand_served_by_existing,
        coverable_demand=model.coverable_demand,
        n_candidates=model.n_candidates,
        model=model,
    )
