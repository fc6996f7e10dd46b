"""Benchmark of the financing engine: plan evaluation and Monte Carlo risk analysis.

Run with ``.venv/bin/python bench/bench_financing.py``. Prints a Markdown table:

* one evaluation of the 7-year demo plan (median of many runs);
* the 10,000-scenario × 84-month risk analysis, vectorised with numpy (median);
* the SAME risk simulation written as plain Python loops over scenarios and
  months, run on fewer scenarios and extrapolated linearly to 10,000 (the
  loop's cost is proportional to the number of scenarios). It uses the same
  prepared streams and the same random draws, and its results are checked
  against the numpy version on those scenarios.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from financing_engine import RiskParameters, demo_plan, evaluate_plan, run_risk_analysis  # noqa: E402
from financing_engine.projection import Driver  # noqa: E402
from financing_engine.risk import _prepare, _sample, _simulate  # noqa: E402

SCENARIOS = 10_000
LOOP_SCENARIOS = 200


def median_seconds(function: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls (after one warm-up call)."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def simulate_with_loops(prepared, samples) -> tuple[list[float], list[float], list[float]]:  # type: ignore[no-untyped-def]
    """The vectorised ``_simulate`` rewritten with plain Python loops (same inputs, same outputs)."""
    n = prepared.months
    scenarios = samples.sales.shape[0]
    fixed = prepared.fixed.tolist()
    loans = prepared.loans.tolist()
    unit = prepared.unit_loan.tolist()
    groups = [(g.flows.tolist(), g.funder, g.driver, g.year) for g in prepared.groups]
    sales = samples.sales.tolist()
    headcount = samples.headcount.tolist()
    delays = {funder: values.tolist() for funder, values in samples.delays.items()}
    floor = prepared.floor
    lowest_all, requirement_all, loan_all = [], [], []
    for s in range(scenarios):
        flows = list(fixed)
        for values, funder, driver, year in groups:
            if driver is Driver.SALES:
                factor = sales[s][year] * headcount[s][year]
            elif driver is Driver.HEADCOUNT:
                factor = headcount[s][year]
            else:
                factor = 1.0
            delay = delays[funder][s] if funder is not None else 0
            for t in range(n - delay):
                flows[t + delay] += factor * values[t]
        cash = prepared.opening
        debt = 0.0
        lowest = float("inf")
        closing = []
        for t in range(n):
            cash += flows[t]
            debt += loans[t]
            closing.append(cash)
            lowest = min(lowest, cash + debt)
        requirement = max(0.0, max(floor - c for c in closing))
        first_short = next((t for t, c in enumerate(closing) if c < floor), n)
        drawdown = min(first_short, prepared.drawdown_month)
        loan = 0.0
        for t, c in enumerate(closing):
            if c < floor:
                u = unit[t - drawdown] if t >= drawdown else 0.0
                loan = max(loan, (floor - c) / u if u > 0 else float("inf"))
        lowest_all.append(lowest)
        requirement_all.append(requirement)
        loan_all.append(loan)
    return lowest_all, requirement_all, loan_all


def main() -> None:
    plan = demo_plan(horizon_years=7)
    params = RiskParameters()
    evaluation = median_seconds(lambda: evaluate_plan(plan), repeat=300)
    risk = median_seconds(lambda: run_risk_analysis(plan, scenarios=SCENARIOS, seed=0), repeat=15)

    prepared = _prepare(plan, params)
    samples = _sample(prepared, params, SCENARIOS, 0)
    simulate = median_seconds(lambda: _simulate(prepared, samples), repeat=15)

    small = _sample(prepared, params, LOOP_SCENARIOS, 0)
    vector = [array.tolist() for array in _simulate(prepared, small)]
    loop_result = simulate_with_loops(prepared, small)
    for expected, actual in zip(vector, loop_result, strict=True):
        assert all(abs(a - b) <= 1e-6 * max(1.0, abs(a)) for a, b in zip(expected, actual, strict=True))
    loop = median_seconds(lambda: simulate_with_loops(prepared, small), repeat=3)
    loop_extrapolated = loop * SCENARIOS / LOOP_SCENARIOS

    print(f"Demo plan: {plan.horizon_years} years, {plan.months} months; Python {sys.version.split()[0]}.\n")
    print("| Measure | Time | Notes |")
    print("|---|---:|---|")
    print(f"| `evaluate_plan` (7-year demo plan) | {evaluation * 1000:.2f} ms | median of 300 runs |")
    print(
        f"| `run_risk_analysis`, {SCENARIOS:,} scenarios × {plan.months} months | {risk * 1000:.1f} ms "
        "| median of 15, includes projection and sampling |"
    )
    print(f"| vectorised simulation core only | {simulate * 1000:.1f} ms | same draws, numpy |")
    print(
        f"| plain Python loops, {LOOP_SCENARIOS} scenarios | {loop * 1000:.1f} ms "
        f"| measured (median of 3), results identical to numpy |"
    )
    print(
        f"| plain Python loops, {SCENARIOS:,} scenarios (extrapolated) | {loop_extrapolated * 1000:.0f} ms "
        f"| × {SCENARIOS // LOOP_SCENARIOS}, linear in scenarios |"
    )
    print(f"\nSpeed-up of the numpy core over the Python loops: **× {loop_extrapolated / simulate:.0f}** ")
    print(f"(× {loop_extrapolated / risk:.0f} against the whole `run_risk_analysis` call).")


if __name__ == "__main__":
    main()
