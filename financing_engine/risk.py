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
scenarios and months at once (no Python loop over scenarios or months): the
scenarios sorted by the delays of the scaled funders form runs, each run one
matrix product of its factors by the groups' delayed cumulative flows; the
funders paid the same in every scenario add one gather of whole rows from a
table of their delayed cash (see :func:`_simulate`). Then, per scenario:

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
    delayed = {funder: params.delay_for(funder) != Fixed(0) for funder in Funder}
    for stream in projection.streams:
        # Python floats, summed in payment order: the same values as `vector[month] += amount` on an
        # array, without a numpy scalar operation per payment.
        sums = [0.0] * n
        for month, amount in stream.payments:
            if month < n:
                sums[month] += float(amount)
        vector = np.array(sums)
        if stream.category.is_loan:
            loans += vector
            continue
        funder = stream.funder if stream.funder is not None and delayed[stream.funder] else None
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
    # In place where possible: the same values as max(draw, 0), rint(max(draw, 0) × youths) / youths…
    # without a fresh (scenarios × years) array per step.
    sales = params.sales_realisation.sample(rng, (scenarios, years))
    np.maximum(sales, 0.0, out=sales)
    headcount = params.headcount_realisation.sample(rng, (scenarios, years))
    np.maximum(headcount, 0.0, out=headcount)
    youths = np.array(prepared.youths, dtype=np.float64)
    headcount *= youths
    np.rint(headcount, out=headcount)
    headcount /= np.where(youths > 0, youths, 1.0)
    headcount[:, youths <= 0] = 1.0  # a year without youths: factor 1
    delays = {}
    for funder in Funder:
        drawn = params.delay_for(funder).sample(rng, (scenarios,))
        np.rint(drawn, out=drawn)
        delays[funder] = np.maximum(drawn, 0.0, out=drawn).astype(np.int64)
    return _Samples(sales=sales, headcount=headcount, delays=delays)


def _delayed_rows(cumulative: FloatArray, max_delay: int) -> FloatArray:
    """(max_delay + 1, N) table: row ``d`` is ``cumulative`` delayed by ``d`` months (0 before)."""
    n = cumulative.size
    rows = np.zeros((max_delay + 1, n))
    for delay in range(min(max_delay, n - 1) + 1):
        rows[delay, delay:] = cumulative[: n - delay]
    return rows


def _shifted_rows(cumulative: FloatArray, delay: int) -> FloatArray:
    """Each row of ``cumulative`` (G, N) delayed by ``delay`` months (0 before)."""
    out = np.zeros_like(cumulative)
    if delay < cumulative.shape[1]:
        out[:, delay:] = cumulative[:, : cumulative.shape[1] - delay]
    return out


def _source_column(group: _Group, years: int) -> int:
    """Column of a group's factor among a block's sources: sales × headcount of each year, headcount
    of each year, then 1."""
    if group.driver is Driver.NONE:
        return 2 * years
    assert group.year is not None
    return group.year if group.driver is Driver.SALES else years + group.year


@dataclass(slots=True)
class _Scaled:
    """The stream groups of one funder whose cash depends on the scenario's sales or headcount:
    cumulative flows (G, N), and for each group its column in the block's factor sources."""

    cumulative: FloatArray
    columns: list[int]
    delays: IntArray | None  # (S,), None when no scenario is late
    max_delay: int


@dataclass(slots=True)
class _Table:
    """Funders whose cash does not depend on the scenario, only delayed: their summed cumulative
    cash for every combination of their delays (R, N); scenario ``s`` takes row ``index[s]``."""

    rows: FloatArray
    index: IntArray  # (S,)


_CHUNK = 512  # scenarios per block: a block's (scenarios × months) buffers stay in the CPU cache
_SEGMENTS = 256  # most combinations of the sorted funders' delays
_SINGLE_THREAD_PRODUCT = 4 * 65_536  # largest m × n × k of a matrix product that OpenBLAS keeps on one thread
_TABLE_ROWS = 1024  # largest table of combined delays (1024 × 84 months: 688 KB)


def _tables(delayed: list[tuple[FloatArray, IntArray, int]], scenarios: int, months: int) -> list[_Table]:
    """Merge unscaled delayed funders into few tables: the table of two funders with delays in
    ``0…a`` and ``0…b`` has ``(a + 1)(b + 1)`` rows, row ``d₁ (b + 1) + d₂`` holding the first
    delayed by ``d₁`` months plus the second by ``d₂``: one gather per scenario and month per table,
    whatever the number of funders in it."""
    limit = max(1, min(_TABLE_ROWS, scenarios))
    tables: list[_Table] = []
    rows: FloatArray | None = None
    index = np.zeros(scenarios, dtype=np.int64)
    for table, delays, max_delay in delayed:
        if rows is not None and rows.shape[0] * (max_delay + 1) > limit:
            tables.append(_Table(rows, index))
            rows, index = None, np.zeros(scenarios, dtype=np.int64)
        rows = table if rows is None else (rows[:, np.newaxis, :] + table[np.newaxis, :, :]).reshape(-1, months)
        index = index * (max_delay + 1) + delays
    if rows is not None:
        tables.append(_Table(rows, index))
    return tables


def _simulate(prepared: _Prepared, samples: _Samples) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per scenario: lowest cash with planned loans, requirement, loan needed.

    Scenarios are sorted by the delays of the funders scaled per scenario (the State's subsidy per
    youth, the customers' sales…): within a run of scenarios sharing these delays, their whole cash
    except the unscaled delayed funders is one matrix product ``(S, 1 + G) @ (1 + G, N)`` of the
    scenarios' factors (1, sales × headcount or headcount of each group) by the groups' cumulative
    flows delayed by the run's delays, written straight into the (scenarios × months) buffer. The
    unscaled delayed funders (grants, EU funds…) add one gather of whole rows per delay table
    (:func:`_tables`). The results are put back in the draws' order at the end.

    Scenarios are processed in blocks of ``_CHUNK``, and every (scenarios × months) buffer is
    allocated once: on the project's virtual machines fresh memory costs a page fault per 4 KiB,
    more than the arithmetic on it.
    """
    n = prepared.months
    floor = prepared.floor
    scenarios, years = samples.sales.shape
    by_funder: dict[Funder | None, list[_Group]] = {}
    for group in prepared.groups:
        by_funder.setdefault(group.funder, []).append(group)
    base = prepared.opening + np.cumsum(prepared.fixed)
    scaled: list[_Scaled] = []
    delayed: list[tuple[FloatArray, IntArray, int]] = []
    for funder, groups in by_funder.items():
        cumulative = np.cumsum(np.stack([group.flows for group in groups]), axis=1)
        delays = samples.delays[funder] if funder is not None else None
        max_delay = int(delays.max(initial=0)) if delays is not None else 0
        if max_delay == 0:
            delays = None
        if all(group.driver is Driver.NONE for group in groups):
            if delays is None:
                base = base + cumulative.sum(axis=0)
            else:
                delayed.append((_delayed_rows(cumulative.sum(axis=0), max_delay), delays, max_delay))
            continue
        scaled.append(_Scaled(cumulative, [_source_column(group, years) for group in groups], delays, max_delay))
    tables = _tables(delayed, scenarios, n)

    # Sorted funders: the scaled ones with delays, as long as their combinations stay few; the others
    # (rare: many scaled funders with long delays) are shifted per scenario (a window of a padded row).
    sorted_terms: list[_Scaled] = []
    windowed: list[_Scaled] = []
    combinations = 1
    for term in scaled:
        if term.delays is None:
            continue
        if combinations * (term.max_delay + 1) <= _SEGMENTS:
            sorted_terms.append(term)
            combinations *= term.max_delay + 1
        else:
            windowed.append(term)
    key = np.zeros(scenarios, dtype=np.int64)
    for term in sorted_terms:
        assert term.delays is not None
        key = key * (term.max_delay + 1) + term.delays
    # At most _SEGMENTS combinations: 16-bit keys, which numpy sorts by radix (stable, linear).
    order = np.argsort(key.astype(np.uint16), kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.diff(key)) + 1
    bounds = np.concatenate(([0], starts, [scenarios])).tolist()
    runs = list(zip(bounds[:-1], bounds[1:], strict=True))

    # Matrix product of each run: column 0 is the base (factor 1), then the groups of every funder
    # paid on time or sorted, delayed by the run's delays.
    direct = [term for term in scaled if term.delays is None or any(term is t for t in sorted_terms)]
    product_columns = [2 * years] + [column for term in direct for column in term.columns]
    flows_of_run = []
    for first, _ in runs:
        scenario = order[first]  # any scenario of the run: they share the sorted funders' delays
        run_delays = [0 if term.delays is None else int(term.delays[scenario]) for term in direct]
        flows_of_run.append(
            np.concatenate(
                [base[np.newaxis, :]]
                + [_shifted_rows(term.cumulative, delay) for term, delay in zip(direct, run_delays, strict=True)]
            )
        )

    loans = np.cumsum(prepared.loans)
    with_loans = bool(loans.any())
    # Cumulative cash of 1 € borrowed, drawn in month d (0 before), for every possible drawdown d;
    # ≤ 0: no loan drawn then covers a shortfall.
    drawdown = prepared.drawdown_month
    units = np.stack([_delayed_rows(prepared.unit_loan, d)[d] for d in range(drawdown + 1)])
    units = np.where(units > 0, units, 0.0)

    lowest = np.empty(scenarios)
    lowest_with_loans = np.empty(scenarios) if with_loans else lowest
    requirement = np.empty(scenarios)
    loan = np.empty(scenarios)
    size = min(_CHUNK, scenarios)
    cash_buffer = np.empty((size, n))
    spare_buffer = np.empty((size, n))
    sources_buffer = np.empty((size, 2 * years + 1))
    sources_buffer[:, 2 * years] = 1.0
    sales_buffer = np.empty((size, years))
    headcount_buffer = np.empty((size, years))
    factors_buffer = np.empty((size, len(product_columns)))
    windowed_buffers = [
        (np.empty((size, len(term.columns))), np.zeros((size, term.max_delay + n))) for term in windowed
    ]
    # OpenBLAS splits a product over threads above m × n × k = 4 × 65 536: on a shared machine the
    # threads wait for each other and the product costs ×5–10 CPU. Products stay below that size.
    product_rows = max(1, _SINGLE_THREAD_PRODUCT // (n * len(product_columns)))
    run = 0
    for first in range(0, scenarios, size):
        stop = min(first + size, scenarios)
        count = stop - first
        rows = order[first:stop]
        cash = cash_buffer[:count]
        spare = spare_buffer[:count]
        sources = sources_buffer[:count]
        sales, headcount = sales_buffer[:count], headcount_buffer[:count]
        np.take(samples.sales, rows, axis=0, out=sales, mode="clip")
        np.take(samples.headcount, rows, axis=0, out=headcount, mode="clip")
        np.multiply(sales, headcount, out=sources[:, :years])
        sources[:, years : 2 * years] = headcount
        factors = factors_buffer[:count]
        np.take(sources, product_columns, axis=1, out=factors, mode="clip")
        while run < len(runs) and runs[run][0] < stop:
            start, end = runs[run]
            flows = flows_of_run[run]
            for low in range(max(start, first) - first, min(end, stop) - first, product_rows):
                high = min(low + product_rows, end - first, count)
                np.matmul(factors[low:high], flows, out=cash[low:high])
            if end > stop:
                break
            run += 1
        for table in tables:
            np.take(table.rows, table.index[rows], axis=0, out=spare, mode="clip")
            cash += spare
        for term, (term_factors, padded_buffer) in zip(windowed, windowed_buffers, strict=True):
            assert term.delays is not None
            width = term.max_delay
            padded = padded_buffer[:count]  # its first `width` columns stay 0
            np.take(sources, term.columns, axis=1, out=term_factors[:count], mode="clip")
            rows_per_product = max(1, _SINGLE_THREAD_PRODUCT // (n * len(term.columns)))
            for low in range(0, count, rows_per_product):
                high = min(low + rows_per_product, count)
                np.matmul(term_factors[low:high], term.cumulative, out=padded[low:high, width:])
            row, column = padded.strides
            # (S, width + 1, N) windows of each padded row, as a view: window k is the row delayed by
            # width − k months (as sliding_window_view, without its checks).
            windows = np.lib.stride_tricks.as_strided(padded, (count, width + 1, n), (row, column, column))
            cash += windows[np.arange(count), width - term.delays[rows]]
        np.amin(cash, axis=1, out=lowest[first:stop])
        if with_loans:
            np.add(cash, loans, out=spare)
            np.amin(spare, axis=1, out=lowest_with_loans[first:stop])
        if drawdown == 0:
            unit = units[0]
        else:
            # The loan is drawn at the terms' month or at the first month below the floor, if earlier.
            early = cash[:, :drawdown] < floor
            unit = units[np.where(early.any(axis=1), early.argmax(axis=1), drawdown)]
        need = np.subtract(floor, cash, out=cash)
        # A month under the floor (need > 0) needs need / unit euros of loan, +inf when unit = 0 (no
        # loan covers it). Elsewhere need ≤ 0 gives a ratio ≤ 0, −inf or NaN (0 / 0): fmax skips the
        # NaN and the final 0 floors the rest, so no mask of the short months is needed.
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.divide(need, unit, out=need)
        np.fmax.reduce(ratio, axis=1, out=loan[first:stop])
    np.maximum(floor - lowest, 0.0, out=requirement)
    np.fmax(loan, 0.0, out=loan)
    # Back to the draws' order.
    results = []
    for values in (lowest_with_loans, requirement, loan):
        unsorted = np.empty(scenarios)
        unsorted[order] = values
        results.append(unsorted)
    return results[0], results[1], results[2]


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
