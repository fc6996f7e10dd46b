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


def _prepare(plan: PlanInput, params: RiskParameters) -> _Prepared:
    projection = project(plan)
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


def _simulate(prepared: _Prepared, samples: _Samples) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per scenario: lowest cash with planned loans, requirement, loan needed."""
    n = prepared.months
    scenarios = samples.sales.shape[0]
    months = np.arange(n)
    cash = np.broadcast_to(prepared.opening + np.cumsum(prepared.fixed), (scenarios, n)).copy()
    shifted_index: dict[Funder, IntArray] = {}
    for group in prepared.groups:
        cumulative = np.concatenate(([0.0], np.cumsum(group.flows)))
        if group.funder is None:
            contribution = np.broadcast_to(cumulative[1:], (scenarios, n))
        else:
            index = shifted_index.get(group.funder)
            if index is None:
                index = np.maximum(months[None, :] - samples.delays[group.funder][:, None] + 1, 0)
                shifted_index[group.funder] = index
            contribution = cumulative[index]
        if group.driver is Driver.SALES:
            assert group.year is not None
            factor = samples.sales[:, group.year] * samples.headcount[:, group.year]
            cash += factor[:, None] * contribution
        elif group.driver is Driver.HEADCOUNT:
            assert group.year is not None
            cash += samples.headcount[:, group.year][:, None] * contribution
        else:
            cash += contribution
    lowest_with_loans = (cash + np.cumsum(prepared.loans)[None, :]).min(axis=1)
    need = prepared.floor - cash
    requirement = np.maximum(need.max(axis=1), 0.0)
    short = need > 0
    first_short = np.where(short.any(axis=1), short.argmax(axis=1), n)
    drawdown = np.minimum(first_short, prepared.drawdown_month)
    unit_padded = np.concatenate(([0.0], prepared.unit_loan))
    unit = unit_padded[np.maximum(months[None, :] - drawdown[:, None] + 1, 0)]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(short, np.where(unit > 0, need / unit, np.inf), 0.0)
    loan = ratio.max(axis=1)
    return lowest_with_loans, requirement, loan


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
    prepared = _prepare(plan, params)
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
