"""Benchmark of the financing engine: plan evaluation and Monte Carlo risk analysis.

Run with ``.venv/bin/python bench/bench_financing.py``. Prints a Markdown table:

* one evaluation of the 7-year demo plan (median of many runs);
* the 10,000-scenario × 84-month risk analysis, vectorised with numpy (median);
* the SAME risk simulation written as plain Python loops over scenarios and
  months, run ONCE on the full 10,000 scenarios, side by side with the numpy
  version (same prepared streams, same random draws; both results are checked
  equal before the ratio is printed). No extrapolation.

The machine's load average is printed with the figures: on a shared machine
both runs slow down, the ratio much less than the times. The CPU time of the
process (``time.process_time``) is printed beside the wall time: it counts only
the time the process ran, so it moves much less with the load.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from financing_engine import RiskParameters, demo_plan, evaluate_plan, run_risk_analysis  # noqa: E402
from financing_engine.projection import Driver  # noqa: E402
from financing_engine.risk import _prepare, _sample, _simulate  # noqa: E402
from financing_engine.validation import validate_plan  # noqa: E402

SCENARIOS = 10_000


def median_seconds(function: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls (after one warm-up call)."""
    return median_times(function, repeat)[0]


def median_times(function: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of ``repeat`` calls (after one warm-up call)."""
    function()
    walls, cpus = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), statistics.median(cpus)


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


def risk_with_loops(plan, params):  # type: ignore[no-untyped-def]
    """``run_risk_analysis`` with the simulation written as loops (same steps around it)."""
    validate_plan(plan)
    prepared = _prepare(plan, params)
    samples = _sample(prepared, params, SCENARIOS, 0)
    lowest, requirement, loan = (np.array(values) for values in simulate_with_loops(prepared, samples))
    return (
        float(np.mean(lowest < 0)),
        float(np.quantile(requirement, 0.5, method="higher")),
        float(np.quantile(requirement, 0.95, method="higher")),
        float(np.quantile(loan, 0.95, method="higher")),
        float(np.quantile(lowest, 0.05, method="lower")),
    )


def main() -> None:
    plan = demo_plan(horizon_years=7)
    params = RiskParameters()
    load_before = os.getloadavg()
    evaluation = median_seconds(lambda: evaluate_plan(plan), repeat=100)
    risk, risk_cpu = median_times(lambda: run_risk_analysis(plan, scenarios=SCENARIOS, seed=0), repeat=15)

    prepared = _prepare(plan, params)
    samples = _sample(prepared, params, SCENARIOS, 0)
    simulate = median_seconds(lambda: _simulate(prepared, samples), repeat=15)

    start = time.perf_counter()
    loop_result = simulate_with_loops(prepared, samples)  # one run, all 10,000 scenarios
    loop = time.perf_counter() - start
    # The whole analysis written with the loops: same validation, projection, draws and percentiles.
    start, start_cpu = time.perf_counter(), time.process_time()
    risk_with_loops(plan, params)
    loop_whole = time.perf_counter() - start
    loop_whole_cpu = time.process_time() - start_cpu
    vector = [array.tolist() for array in _simulate(prepared, samples)]
    for expected, actual in zip(vector, loop_result, strict=True):
        assert all(abs(a - b) <= 1e-6 * max(1.0, abs(a)) for a, b in zip(expected, actual, strict=True))
    risk_again, risk_again_cpu = median_times(lambda: run_risk_analysis(plan, scenarios=SCENARIOS, seed=0), repeat=15)
    load_after = os.getloadavg()

    print(f"Demo plan: {plan.horizon_years} years, {plan.months} months; Python {sys.version.split()[0]}, ", end="")
    print(f"numpy {np.__version__}; {os.cpu_count()} CPUs.")
    print(
        f"Load average (1, 5, 15 min) before: {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f}; ", end=""
    )
    print(f"after: {load_after[0]:.1f} {load_after[1]:.1f} {load_after[2]:.1f}.\n")
    print("| Measure | Time | Notes |")
    print("|---|---:|---|")
    print(f"| `evaluate_plan` (7-year demo plan) | {evaluation * 1000:.2f} ms | median of 100 runs |")
    print(
        f"| `run_risk_analysis`, {SCENARIOS:,} scenarios × {plan.months} months | {risk * 1000:.1f} ms "
        f"/ {risk_again * 1000:.1f} ms | median of 15, before / after the loop; projection and sampling included |"
    )
    print(f"| vectorised simulation core only | {simulate * 1000:.1f} ms | same draws, numpy, median of 15 |")
    print(f"| plain Python loops, {SCENARIOS:,} scenarios | {loop * 1000:.0f} ms | one run, results equal to numpy |")
    print(
        f"| whole analysis with the loops, {SCENARIOS:,} scenarios | {loop_whole * 1000:.0f} ms "
        "| one run: validation, projection, draws, loops, percentiles |"
    )
    slower = max(risk, risk_again)
    print(f"\nWhole analysis, loops / numpy: **× {loop_whole / slower:.0f}** (numpy: slower of its two medians);")
    print(f"simulation core, loops / numpy: **× {loop / simulate:.0f}**;")
    print(f"bare loops / whole numpy analysis: × {loop / slower:.0f}.")
    slower_cpu = max(risk_cpu, risk_again_cpu)
    print(
        f"CPU time (process): whole analysis {risk_cpu * 1000:.1f} ms / {risk_again_cpu * 1000:.1f} ms (numpy, "
        f"medians), {loop_whole_cpu * 1000:.0f} ms (loops): × {loop_whole_cpu / slower_cpu:.0f}."
    )


if __name__ == "__main__":
    main()
