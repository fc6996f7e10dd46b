"""Benchmark of the financing engine: plan evaluation and Monte Carlo risk analysis.

Run with ``.venv/bin/python bench/bench_financing.py``. Prints:

* one evaluation of the 7-year demo plan (median of many runs);
* the 10,000-scenario × 84-month simulation core, numpy (median) and the SAME
  simulation written as plain Python loops over scenarios and months, run once
  on the full 10,000 scenarios (same prepared streams, same random draws; both
  results are checked equal before the ratio is printed). No extrapolation;
* the whole analysis side by side, in ``ROUNDS`` rounds: the numpy
  ``run_risk_analysis`` (median of 15 calls), the same analysis written with the
  loops (one run), the numpy median again…; each round's ratio uses the slower
  of the two numpy medians around the looped run.

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


ROUNDS = 3  # looped whole analyses, each between two numpy medians


def main() -> None:
    plan = demo_plan(horizon_years=7)
    params = RiskParameters()
    load_before = os.getloadavg()
    evaluation = median_seconds(lambda: evaluate_plan(plan), repeat=100)

    prepared = _prepare(plan, params)
    samples = _sample(prepared, params, SCENARIOS, 0)
    simulate = median_seconds(lambda: _simulate(prepared, samples), repeat=15)
    start = time.perf_counter()
    loop_result = simulate_with_loops(prepared, samples)  # one run, all 10,000 scenarios
    loop = time.perf_counter() - start
    vector = [array.tolist() for array in _simulate(prepared, samples)]
    for expected, actual in zip(vector, loop_result, strict=True):
        assert all(abs(a - b) <= 1e-6 * max(1.0, abs(a)) for a, b in zip(expected, actual, strict=True))

    # Side by side: numpy median, looped analysis, numpy median, looped analysis… The ratio of a round
    # is the looped analysis over the slower of the two numpy medians around it (wall and CPU time).
    def numpy_median() -> tuple[float, float]:
        return median_times(lambda: run_risk_analysis(plan, scenarios=SCENARIOS, seed=0), repeat=15)

    medians = [numpy_median()]
    loops: list[tuple[float, float]] = []
    for _ in range(ROUNDS):
        # The whole analysis written with the loops: same validation, projection, draws and percentiles.
        start, start_cpu = time.perf_counter(), time.process_time()
        risk_with_loops(plan, params)
        loops.append((time.perf_counter() - start, time.process_time() - start_cpu))
        medians.append(numpy_median())
    load_after = os.getloadavg()

    print(f"Demo plan: {plan.horizon_years} years, {plan.months} months; Python {sys.version.split()[0]}, ", end="")
    print(f"numpy {np.__version__}; {os.cpu_count()} CPUs.")
    print(
        f"Load average (1, 5, 15 min) before: {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f}; ", end=""
    )
    print(f"after: {load_after[0]:.1f} {load_after[1]:.1f} {load_after[2]:.1f}.\n")
    print(f"`evaluate_plan` (7-year demo plan): {evaluation * 1000:.2f} ms (median of 100).")
    print(
        f"Simulation core, {SCENARIOS:,} scenarios × {plan.months} months: numpy {simulate * 1000:.1f} ms (median "
        f"of 15), plain Python loops {loop * 1000:.0f} ms (one run, results equal): **× {loop / simulate:.0f}**.\n"
    )
    print("Whole analysis (validation, projection, draws, simulation, percentiles), side by side:\n")
    print("| Round | numpy, median of 15 before / after (wall) | loops, one run (wall) | wall ratio | CPU ratio |")
    print("|---:|---:|---:|---:|---:|")
    for number, (loop_wall, loop_cpu) in enumerate(loops):
        (before, before_cpu), (after, after_cpu) = medians[number], medians[number + 1]
        print(
            f"| {number + 1} | {before * 1000:.1f} / {after * 1000:.1f} ms | {loop_wall * 1000:.0f} ms "
            f"| × {loop_wall / max(before, after):.0f} | × {loop_cpu / max(before_cpu, after_cpu):.0f} |"
        )
    print("\nRatios against the slower of the two numpy medians around each looped run; CPU = process time.")


if __name__ == "__main__":
    main()
