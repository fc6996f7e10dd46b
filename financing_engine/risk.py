"""Risk analysis: vectorised, seeded Monte Carlo over the monthly cash plan.

Model
-----
The deterministic projection is split into *streams* (see
:mod:`financing_engine.projection`). For each scenario ``s``:

* the production sales of school year ``k`` (receipts and materials) are
  multiplied by ``sales_realisation[s, k] × headcount[s, k]``;
* the State subsidy of year ``k`` (per youth) is multiplied by ``headcount[s, k]``,
  where ``headcount[s, k] = round(youths_k × h) / youths_k`` with ``h`` drawn
  from ``headcount_realisation``;
* every payment of funder ``f`` is postponed by ``D[s, f]`` extra months, drawn
  once per scenario and funder from ``payment_delays[f]`` (rounded, ≥ 0): a
  late funder is late all along; payments pushed beyond the horizon are lost
  for the horizon.

Cash is computed cumulatively: with ``c_g`` the cumulative cash of stream
group ``g`` and ``φ_g[s]`` its factor, the closing cash without loans is
``C[s, t] = opening + Σ_g φ_g[s] × c_g[t − D[s, f_g]]``, evaluated for all
scenarios and months at once with numpy gathers (no Python loop over
scenarios or months). Then, per scenario:

* shortfall: the closing cash *with the planned loans* falls below 0 in some month;
* working-capital requirement ``max(0, floor − min_t C[s, t])``;
* loan needed ``max_t (floor − C[s, t]) / u[s, t]`` on the working-capital loan
  terms (see :mod:`financing_engine.working_capital`), drawn at the terms'
  drawdown month or at the scenario's first month below the floor.

The result reports the shortfall probability and percentiles. Results are
reproducible for a given ``seed``: draws are made in a fixed order (sales,
headcount, then one delay per funder in :class:`~financing_engine.inputs.Funder`
order).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from financing_engine.errors import InputError, PlanInputError
from financing_engine.evaluate import working_capital_loan_terms
from financing_engine.inputs import Funder, PlanInput
from financing_engine.loans import unit_cumulative_net_cash
from financing_engine.money import round_cents, round_cents_up, to_decimal
from financing_engine.projection import Driver, project
from financing_engine.validation import validate_plan
from financing_engine.working_capital import MAX_LOAN

__all__ = [
    "Distribution",
    "Fixed",
    "Normal",
    "RiskParameters",
    "RiskResult",
    "Triangular",
    "Uniform",
    "run_risk_analysis",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
MAX_SCENARIOS = 1_000_000


@dataclass(frozen=True, slots=True)
class Fixed:
    """Always ``value``."""

    value: float

    def sample(self, rng: np.random.Generator, size: tuple[int, ...]) -> FloatArray:
        """Draw an array of shape ``size``."""
        return np.full(size, float(self.value))

    def errors(self, path: str) -> list[InputError]:
        """Parameter errors, with field paths under ``path``."""
        return []


@dataclass(frozen=True, slots=True)
class Uniform:
    """Uniform between ``low`` and ``high``."""

    low: float
    high: float

    def sample(self, rng: np.random.Generator, size: tuple[int, ...]) -> FloatArray:
        """Draw an array of shape ``size``."""
        return rng.uniform(self.low, self.high, size)

    def errors(self, path: str) -> list[InputError]:
        """Parameter errors, with field paths under ``path``."""
        if self.low > self.high:
            return [InputError(f"{path}.high", "La borne haute doit être supérieure ou égale à la borne basse.")]
        return []


@dataclass(frozen=True, slots=True)
class Triangular:
    """Triangular with minimum ``low``, mode ``mode`` and maximum ``high``."""

    low: float
    mode: float
    high: float

    def sample(self, rng: np.random.Generator, size: tuple[int, ...]) -> FloatArray:
        """Draw an array of shape ``size``."""
        if self.low == self.high:
            return np.full(size, float(self.low))
        return rng.triangular(self.low, self.mode, self.high, size)

    def errors(self, path: str) -> list[InputError]:
        """Parameter errors, with field paths under ``path``."""
        if not self.low <= self.mode <= self.high:
            return [InputError(f"{path}.mode", "Le mode doit être compris entre la borne basse et la borne haute.")]
        return []


@dataclass(frozen=True, slots=True)
class Normal:
    """Normal with ``mean`` and ``std``, clipped to ``[low, high]``."""

    mean: float
    std: float
    low: float = -np.inf
    high: float = np.inf

    def sample(self, rng: np.random.Generator, size: tuple[int, ...]) -> FloatArray:
        """Draw an array of shape ``size``."""
        return np.clip(rng.normal(self.mean, self.std, size), self.low, self.high)

    def errors(self, path: str) -> list[InputError]:
        """Parameter errors, with field paths under ``path``."""
        errors = []
        if self.std < 0:
            errors.append(InputError(f"{path}.std", "L'écart-type ne peut pas être négatif."))
        if self.low > self.high:
            errors.append(InputError(f"{path}.high", "La borne haute doit être supérieure ou égale à la borne basse."))
        return errors


Distribution = Fixed | Uniform | Triangular | Normal


def _default_delays() -> dict[Funder, Distribution]:
    return {
        Funder.REGION: Triangular(0, 1, 6),
        Funder.DEPARTMENT: Triangular(0, 1, 4),
        Funder.EPCI: Triangular(0, 1, 4),
        Funder.COMMUNE: Triangular(0, 1, 4),
        Funder.STATE: Triangular(0, 1, 6),
        Funder.EU: Triangular(0, 3, 12),
        Funder.FOUNDATIONS: Triangular(0, 0, 3),
        Funder.CUSTOMERS: Triangular(0, 0, 2),
        Funder.APPRENTICESHIP_TAX: Triangular(0, 0, 2),
    }


@dataclass(frozen=True)
class RiskParameters:
    """Distributions of the risk analysis (all overridable).

    Attributes
    ----------
    sales_realisation : Distribution
        Factor on each school year's production sales (default triangular
        0.7 / 0.95 / 1.1), drawn per scenario and year.
    headcount_realisation : Distribution
        Factor on each year's youths (default triangular 0.75 / 1 / 1), drawn
        per scenario and year; drives sales and the State subsidy.
    payment_delays : Mapping[Funder, Distribution]
        Extra delay in months of each funder's payments, drawn per scenario.
        Defaults are assumptions: EU triangular 0 / 3 / 12 months, Région and
        State 0 / 1 / 6, other local authorities 0 / 1 / 4, foundations 0 / 0 / 3,
        customers and taxe d'apprentissage 0 / 0 / 2.
    default_payment_delay : Distribution
        Delay of the funders absent from ``payment_delays`` (default none).
    """

    sales_realisation: Distribution = Triangular(0.7, 0.95, 1.1)
    headcount_realisation: Distribution = Triangular(0.75, 1.0, 1.0)
    payment_delays: Mapping[Funder, Distribution] = field(default_factory=_default_delays)
    default_payment_delay: Distribution = Fixed(0)

    def delay_for(self, funder: Funder) -> Distribution:
        """Delay distribution of ``funder``."""
        return self.payment_delays.get(funder, self.default_payment_delay)


@dataclass(frozen=True, slots=True)
class RiskResult:
    """Outcome of :func:`run_risk_analysis`.

    Attributes
    ----------
    scenarios, seed, months : int
        Size and seed of the simulation.
    shortfall_probability : float
        Share of scenarios where the cash, with the planned loans, is negative
        in at least one month.
    working_capital_requirement_p50, working_capital_requirement_p95, working_capital_requirement_max : Decimal
        Percentiles of the requirement ``max(0, floor − lowest cash without loans)``.
    loan_needed_p95 : Decimal or None
        95th percentile of the loan that keeps the cash above the floor
        (``None`` if more than 5 % of scenarios cannot be covered by a loan).
    lowest_cash_p05 : Decimal
        5th percentile of the lowest monthly cash with the planned loans.
    """

    scenarios: int
    seed: int | None
    months: int
    shortfall_probability: float
    working_capital_requirement_p50: Decimal
    working_capital_requirement_p95: Decimal
    working_capital_requirement_max: Decimal
    loan_needed_p95: Decimal | None
    lowest_cash_p05: Decimal


@dataclass(slots=True)
class _Group:
    """Stream group for the simulation: monthly flows, funder, factor key."""

    flows: FloatArray
    funder: Funder | None
    driver: Driver
    year: int | None


@dataclass(slots=True)
class _Prepared:
    months: int
    opening: float
    floor: float
    fixed: FloatArray  # monthly flows without factor or delay, loans excluded
    loans: FloatArray  # monthly loan flows
    groups: list[_Group]
    youths: list[int]
    unit_loan: FloatArray  # cumulative cash per euro of the working-capital loan, drawn in month 0
    drawdown_month: int


@dataclass(slots=True)
class _Samples:
    sales: FloatArray  # (S, Y)
    headcount: FloatArray  # (S, Y), already rounded to whole youths
    delays: dict[Funder, IntArray]  # (S,)


def _prepare(plan: PlanInput, params: RiskParameters, payment_delays: Mapping[Funder, int] | None = None) -> _Prepared:
    projection = project(plan, payment_delays=payment_delays)
    n = projection.months
    fixed = np.zeros(n)
    loans = np.zeros(n)
    groups: dict[tuple[Funder | None, Driver, int | None], FloatArray] = {}
    for stream in projection.streams:
        vector = np.zeros(n)
        for month, amount in stream.payments:
            if month < n:
                vector[month] += float(amount)
        if stream.category.is_loan:
            loans += vector
            continue
        funder = stream.funder
        if funder is not None and params.delay_for(funder) == Fixed(0):
            funder = None
        if funder is None and stream.driver is Driver.NONE:
            fixed += vector
            continue
        year = stream.year if stream.driver is not Driver.NONE else None
        key = (funder, stream.driver, year)
        groups[key] = groups[key] + vector if key in groups else vector
    terms = working_capital_loan_terms(plan)
    unit = unit_cumulative_net_cash(replace(terms, drawdown_month=0), n)
    return _Prepared(
        months=n,
        opening=float(plan.opening_cash),
        floor=float(plan.cash_floor),
        fixed=fixed,
        loans=loans,
        groups=[_Group(vector, key[0], key[1], key[2]) for key, vector in groups.items()],
        youths=[year.youths for year in plan.operating.years],
        unit_loan=np.array([float(u) for u in unit]),
        drawdown_month=terms.drawdown_month,
    )


def _sample(prepared: _Prepared, params: RiskParameters, scenarios: int, seed: int | None) -> _Samples:
    rng = np.random.default_rng(seed)
    years = len(prepared.youths)
    sales = np.maximum(params.sales_realisation.sample(rng, (scenarios, years)), 0.0)
    raw = np.maximum(params.headcount_realisation.sample(rng, (scenarios, years)), 0.0)
    youths = np.array(prepared.youths, dtype=np.float64)
    safe = np.where(youths > 0, youths, 1.0)
    headcount = np.where(youths > 0, np.rint(raw * youths) / safe, 1.0)
    delays = {
        funder: np.maximum(np.rint(params.delay_for(funder).sample(rng, (scenarios,))), 0).astype(np.int64)
        for funder in Funder
    }
    return _Samples(sales=sales, headcount=headcount, delays=delays)


def _factors(groups: list[_Group], samples: _Samples) -> FloatArray:
    """(S, G) factor of each group in each scenario: sales × headcount, headcount, or 1."""
    scenarios = samples.sales.shape[0]
    columns = []
    for group in groups:
        if group.driver is Driver.SALES:
            assert group.year is not None
            columns.append(samples.sales[:, group.year] * samples.headcount[:, group.year])
        elif group.driver is Driver.HEADCOUNT:
            assert group.year is not None
            columns.append(samples.headcount[:, group.year])
        else:
            columns.append(np.ones(scenarios))
    return np.stack(columns, axis=1)


@dataclass(slots=True)
class _FunderFlows:
    """The stream groups of one funder: cumulative flows (G, N+1), or, when no group is scaled per
    scenario, the table of their summed cumulative cash delayed by 0, 1, 2… months (D+1, N)."""

    funder: Funder | None
    groups: list[_Group]
    cumulative: FloatArray
    table: FloatArray | None


_CHUNK = 512  # scenarios per block: a block's (scenarios × months) arrays stay in the CPU cache


def _shifted(cumulative: FloatArray, delays: IntArray, max_delay: int) -> FloatArray:
    """``out[s, t] = cumulative[s, t − delays[s] + 1]`` (0 before the first month), for ``t < N``.

    ``cumulative`` is (S, N+1) with a leading 0. Padding it with ``max_delay`` zeros on the left
    turns every scenario's shift into a window of the same row: one gather of whole rows, no
    (S, N) index array.
    """
    scenarios, width = cumulative.shape
    n = width - 1
    padded = np.zeros((scenarios, width + max_delay))
    padded[:, max_delay:] = cumulative
    row, column = padded.strides
    # (S, max_delay + 2, N) windows of each row, as a view (as sliding_window_view, without its checks).
    windows = np.lib.stride_tricks.as_strided(padded, (scenarios, max_delay + 2, n), (row, column, column))
    return windows[np.arange(scenarios), max_delay + 1 - delays]


def _simulate(prepared: _Prepared, samples: _Samples) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per scenario: lowest cash with planned loans, requirement, loan needed.

    Groups paid by the same funder share that funder's delay: their scaled cumulative flows are
    summed first with one matrix product ``(S, G_f) @ (G_f, N+1)``, then shifted once (a window
    per scenario, :func:`_shifted`). Scenarios are processed in blocks of ``_CHUNK`` so that the
    (scenarios × months) arrays of a block stay in the CPU cache.
    """
    by_funder: dict[Funder | None, list[_Group]] = {}
    for group in prepared.groups:
        by_funder.setdefault(group.funder, []).append(group)
    funders: list[_FunderFlows] = []
    for funder, groups in by_funder.items():
        cumulative = np.stack([np.concatenate(([0.0], np.cumsum(group.flows))) for group in groups])
        table = None
        if funder is not None and all(group.driver is Driver.NONE for group in groups):
            # Same cash for every scenario, only delayed: one row per possible delay, gathered by row.
            total = cumulative.sum(axis=0)
            max_delay = int(samples.delays[funder].max(initial=0))
            table = _shifted(np.broadcast_to(total, (max_delay + 1, total.size)), np.arange(max_delay + 1), max_delay)
        funders.append(_FunderFlows(funder, groups, cumulative, table))
    base = prepared.opening + np.cumsum(prepared.fixed)
    loans = np.cumsum(prepared.loans)
    # Cumulative cash of 1 € borrowed, drawn in month d (0 before), for every possible drawdown d.
    unit = np.concatenate(([0.0], prepared.unit_loan))
    drawdowns = np.arange(prepared.drawdown_month + 1)
    units = _shifted(np.broadcast_to(unit, (drawdowns.size, unit.size)), drawdowns, prepared.drawdown_month)
    units = np.where(units > 0, units, 0.0)  # ≤ 0: no loan drawn then covers a shortfall
    scenarios = samples.sales.shape[0]
    lowest = np.empty(scenarios)
    requirement = np.empty(scenarios)
    loan = np.empty(scenarios)
    for first in range(0, scenarios, _CHUNK):
        block = slice(first, min(first + _CHUNK, scenarios))
        chunk = _Samples(
            sales=samples.sales[block],
            headcount=samples.headcount[block],
            delays={funder: delays[block] for funder, delays in samples.delays.items()},
        )
        lowest[block], requirement[block], loan[block] = _simulate_block(prepared, chunk, funders, base, loans, units)
    return lowest, requirement, loan


def _simulate_block(
    prepared: _Prepared,
    samples: _Samples,
    funders: list[_FunderFlows],
    base: FloatArray,
    loans: FloatArray,
    units: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    n = prepared.months
    cash = np.tile(base, (samples.sales.shape[0], 1))
    for flows in funders:
        if flows.table is not None:
            assert flows.funder is not None
            cash += flows.table[samples.delays[flows.funder]]
            continue
        scaled = _factors(flows.groups, samples) @ flows.cumulative  # (S, N+1): cumulative cash of the groups
        if flows.funder is None:
            cash += scaled[:, 1:]
        else:
            delays = samples.delays[flows.funder]
            cash += _shifted(scaled, delays, int(delays.max(initial=0)))
    lowest_with_loans = (cash + loans).min(axis=1)
    lowest = cash.min(axis=1)
    requirement = np.maximum(prepared.floor - lowest, 0.0)
    any_short = lowest < prepared.floor  # no (scenarios × months) pass needed for this
    first_short = np.where(any_short, (cash < prepared.floor).argmax(axis=1), n)
    unit = units[np.minimum(first_short, prepared.drawdown_month)]  # already 0 where the unit is ≤ 0
    need = np.subtract(prepared.floor, cash, out=cash)  # the cash is not needed any more
    # A month under the floor (need > 0) needs need / unit euros of loan, +inf when unit = 0 (no loan
    # covers it). Elsewhere need ≤ 0 gives a ratio ≤ 0, −inf or NaN (0 / 0): fmax skips the NaN and
    # the final 0 floors the rest, so no mask of the short months is needed.
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.divide(need, unit, out=need)
    return lowest_with_loans, requirement, np.fmax(np.fmax.reduce(ratio, axis=1), 0.0)


def _parameter_errors(params: RiskParameters, scenarios: int) -> list[InputError]:
    errors: list[InputError] = []
    if isinstance(scenarios, bool) or not isinstance(scenarios, int) or not 1 <= scenarios <= MAX_SCENARIOS:
        errors.append(InputError("scenarios", f"Le nombre de scénarios doit être compris entre 1 et {MAX_SCENARIOS}."))
    errors.extend(params.sales_realisation.errors("distributions.sales_realisation"))
    errors.extend(params.headcount_realisation.errors("distributions.headcount_realisation"))
    for funder, distribution in params.payment_delays.items():
        errors.extend(distribution.errors(f"distributions.payment_delays.{Funder(funder).value}"))
    return errors


def _money(value: float) -> Decimal:
    return round_cents(to_decimal(float(value)))


def run_risk_analysis(
    plan: PlanInput,
    *,
    scenarios: int = 10_000,
    seed: int | None = 0,
    distributions: RiskParameters | None = None,
    payment_delays: Mapping[Funder, int] | None = None,
) -> RiskResult:
    """Monte Carlo of the cash plan over sales, headcount and payment delays.

    Parameters
    ----------
    plan : PlanInput
        The plan (validated first).
    scenarios : int, default 10 000
        Number of scenarios.
    seed : int or None, default 0
        Seed of numpy's default generator; the same seed gives the same result.
    distributions : RiskParameters, optional
        Distributions of sales realisation, headcount and funders' delays.
    payment_delays : Mapping[Funder, int], optional
        Fixed extra delays of a scenario (:mod:`financing_engine.scenarios`), on which the random
        delays are drawn: the analysis can start from any scenario.

    Returns
    -------
    RiskResult
        Shortfall probability, percentiles of the working-capital requirement,
        95th percentile of the loan that keeps the cash above the floor.

    Raises
    ------
    PlanInputError
        Invalid plan, scenario count or distribution parameters.

    Notes
    -----
    ``C[s, t] = opening + Σ_g φ_g[s] × c_g[t − D[s, f_g]]``, requirement
    ``max(0, floor − min_t C[s, t])``; see the module docstring.

    Examples
    --------
    With no uncertainty at all, every scenario is the deterministic plan:

    >>> from financing_engine.demo import demo_plan
    >>> from financing_engine.evaluate import evaluate_plan
    >>> certain = RiskParameters(sales_realisation=Fixed(1), headcount_realisation=Fixed(1), payment_delays={})
    >>> risk = run_risk_analysis(demo_plan(), scenarios=100, distributions=certain)
    >>> risk.working_capital_requirement_p95 == evaluate_plan(demo_plan()).working_capital.requirement
    True
    >>> risk.shortfall_probability
    1.0
    """
    params = distributions if distributions is not None else RiskParameters()
    validate_plan(plan)
    errors = _parameter_errors(params, scenarios)
    if errors:
        raise PlanInputError(errors)
    prepared = _prepare(plan, params, payment_delays)
    samples = _sample(prepared, params, scenarios, seed)
    lowest, requirement, loan = _simulate(prepared, samples)
    loan_p95 = float(np.quantile(loan, 0.95, method="higher"))
    return RiskResult(
        scenarios=scenarios,
        seed=seed,
        months=prepared.months,
        shortfall_probability=float(np.mean(lowest < 0)),
        working_capital_requirement_p50=_money(float(np.quantile(requirement, 0.5, method="higher"))),
        working_capital_requirement_p95=_money(float(np.quantile(requirement, 0.95, method="higher"))),
        working_capital_requirement_max=_money(float(requirement.max())),
        loan_needed_p95=(
            round_cents_up(to_decimal(round(loan_p95, 6))) if np.isfinite(loan_p95) and loan_p95 <= MAX_LOAN else None
        ),
        lowest_cash_p05=_money(float(np.quantile(lowest, 0.05, method="lower"))),
    )
