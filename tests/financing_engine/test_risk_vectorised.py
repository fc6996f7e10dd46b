"""The vectorised risk simulation against a plain loop, its fallbacks, and its seeded results."""

from decimal import Decimal

import numpy as np
import pytest

from financing_engine import (
    Fixed,
    Funder,
    Normal,
    RiskParameters,
    Triangular,
    Uniform,
    demo_plan,
    risk,
    run_risk_analysis,
)
from financing_engine.projection import Driver

LATE = RiskParameters(
    sales_realisation=Uniform(0.5, 1.2),
    headcount_realisation=Normal(0.9, 0.2, low=0.0, high=1.2),
    payment_delays={
        Funder.STATE: Triangular(0, 4, 14),
        Funder.CUSTOMERS: Triangular(0, 2, 9),
        Funder.EU: Triangular(0, 6, 30),
        Funder.REGION: Fixed(3),
    },
)


def simulate_with_loops(prepared, samples):
    """The simulation written scenario by scenario and month by month (the definition)."""
    n = prepared.months
    lowest_all, requirement_all, loan_all = [], [], []
    for s in range(samples.sales.shape[0]):
        flows = prepared.fixed.tolist()
        for group in prepared.groups:
            if group.driver is Driver.SALES:
                factor = samples.sales[s, group.year] * samples.headcount[s, group.year]
            elif group.driver is Driver.HEADCOUNT:
                factor = samples.headcount[s, group.year]
            else:
                factor = 1.0
            delay = int(samples.delays[group.funder][s]) if group.funder is not None else 0
            for t in range(n - delay):
                flows[t + delay] += factor * group.flows[t]
        cash, debt, closing = prepared.opening, 0.0, []
        for t in range(n):
            cash += flows[t]
            debt += prepared.loans[t]
            closing.append((cash, cash + debt))
        lowest_all.append(min(with_loans for _, with_loans in closing))
        requirement_all.append(max(0.0, max(prepared.floor - c for c, _ in closing)))
        first_short = next((t for t, (c, _) in enumerate(closing) if c < prepared.floor), n)
        drawdown = min(first_short, prepared.drawdown_month)
        loan = 0.0
        for t, (c, _) in enumerate(closing):
            if c < prepared.floor:
                unit = prepared.unit_loan[t - drawdown] if t >= drawdown else 0.0
                loan = max(loan, (prepared.floor - c) / unit if unit > 0 else float("inf"))
        loan_all.append(loan)
    return lowest_all, requirement_all, loan_all


@pytest.mark.parametrize(("years", "params"), [(3, RiskParameters()), (7, RiskParameters()), (5, LATE)])
def test_simulation_equals_the_plain_loops(years, params):
    """Lowest cash, requirement and loan of every scenario equal the loops' (to 10⁻⁹ relative)."""
    plan = demo_plan(horizon_years=years)
    prepared = risk._prepare(plan, params)
    samples = risk._sample(prepared, params, 600, 11)
    vectorised = risk._simulate(prepared, samples)
    for actual, expected in zip(vectorised, simulate_with_loops(prepared, samples), strict=True):
        np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-6)


def test_blocks_and_the_per_scenario_shift_give_the_same_result(monkeypatch):
    """Tiny blocks (runs cut across blocks) and no sorted funder at all (every delayed funder shifted
    per scenario) reproduce the default path's result."""
    expected = run_risk_analysis(demo_plan(), scenarios=1_500, seed=5, distributions=LATE)
    monkeypatch.setattr(risk, "_CHUNK", 7)
    monkeypatch.setattr(risk, "_SEGMENTS", 1)
    monkeypatch.setattr(risk, "_TABLE_ROWS", 1)
    monkeypatch.setattr(risk, "_SINGLE_THREAD_PRODUCT", 1)
    assert run_risk_analysis(demo_plan(), scenarios=1_500, seed=5, distributions=LATE) == expected


def test_seeded_results_are_those_of_the_previous_engine():
    """The figures of the 2 000- and 10 000-scenario analyses, as computed before the simulation was
    reorganised (same draws; numpy is pinned by the lock file)."""
    result = run_risk_analysis(demo_plan(), scenarios=2_000, seed=42)
    assert (result.shortfall_probability, result.lowest_cash_p05) == (1.0, Decimal("-288988.41"))
    assert result.working_capital_requirement_p50 == Decimal("356816.51")
    assert result.working_capital_requirement_p95 == Decimal("438663.42")
    assert result.working_capital_requirement_max == Decimal("509924.29")
    assert result.loan_needed_p95 == Decimal("439762.83")
    full = run_risk_analysis(demo_plan(horizon_years=7), scenarios=10_000, seed=0)
    assert full.working_capital_requirement_p95 == Decimal("435513.94")
    assert full.loan_needed_p95 == Decimal("436267.01")
    assert full.lowest_cash_p05 == Decimal("-285739.46")
