"""Benchmark of the territories engine on Hauts-de-France data and on a synthetic France.

Run with ``.venv/bin/python bench/bench_territories.py``; it prints Markdown tables.
Reads the reference dataset from ``$ESSAIM_DATA_DIR`` (default
``<repo>/../shared/data/hauts-de-france``); parts (a) and (b) are skipped if it
is absent. Total run time is kept under about 5 minutes on 2 cores by MILP time
limits (``--time-limit``, default 20 s per solve on the synthetic France case).

Editorial choices (benchmark only; the engine takes whatever the platform feeds it):

* Indicators per commune: ``population`` (municipal population 2023),
  ``neet_pct`` (NEET share 2022 of the commune's EPCI, the same for every
  commune of an EPCI) and ``bmo_per_1000`` (BMO 2024 recruitment projects of
  the trade's BMO codes in the commune's bassin, per 1,000 inhabitants of the
  bassin; the rate is recomputed from summed numerators and denominators with
  ``aggregate_rates``). Weights 0.3 / 0.4 / 0.3, rank percentile, step penalty
  of 0.2 within 30 km by road of an existing school of the same trade.
* BMO ``*`` (not published) is never read as 0: a bassin whose rows for the
  trade are all ``*``, or that has no row at all for the trade, gets a missing
  value (flagged by the engine, contribution omitted); a bassin with some
  published rows gets the sum of the published ones, a lower bound (counted
  in the output).
* Textile has no BMO code in ``bmo_metiers_cibles.csv``: its ``bmo_per_1000``
  is missing everywhere, so the engine reports it in
  ``indicators_without_data`` and ranks on population and NEET only.
* Site-selection demand: population x NEET share, a proxy proportional to the
  number of NEET youths if the 15-24 share were uniform (the dataset has no
  age breakdown). Units are "NEET-weighted inhabitants", not youths.
* Existing schools: the commune centroids of the HdF schools of domain.md
  section 5.1, with their trades mapped to the project's trade codes.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from territories_engine import (  # noqa: E402
    Commune,
    CoverageModel,
    ExistingSchool,
    ProximityPenalty,
    RateRow,
    ScoringProfile,
    SiteSelection,
    TerritoryIndicators,
    aggregate_rates,
    aggregate_sums,
    build_coverage_model,
    exact_sites,
    greedy_sites,
    score_territories,
    weight_sensitivity,
)

T = TypeVar("T")

TRADES = (
    "automobile",
    "bois_menuiserie",
    "metal_chaudronnerie_soudure",
    "metal_usinage_mecanique",
    "textile",
)

# domain.md section 5.1: commune code -> (school, trades)
HDF_SCHOOLS: dict[str, tuple[str, frozenset[str]]] = {
    "59484": ("EPED Quiévrechain", frozenset({"bois_menuiserie"})),
    "59350": ("ICAM Lille", frozenset({"metal_usinage_mecanique"})),
    "62498": ("EPAL Lens", frozenset({"automobile"})),
    "60159": ("O'Tech Sud Oise", frozenset({"metal_usinage_mecanique", "metal_chaudronnerie_soudure"})),
    "59512": ("EPICC Roubaix", frozenset({"textile"})),
    "62178": ("EP2B Bruay-la-Buissière", frozenset({"metal_usinage_mecanique"})),
    "02789": ("Étincelle Vervins", frozenset({"metal_chaudronnerie_soudure"})),
    "80410": ("Flamme Ham", frozenset({"metal_chaudronnerie_soudure"})),
    "02279": ("Prod'Factory Épaux-Bézu", frozenset({"metal_usinage_mecanique"})),
}


def data_dir() -> Path:
    default = Path(__file__).resolve().parents[1].parent / "shared/data/hauts-de-france"
    return Path(os.environ.get("ESSAIM_DATA_DIR", str(default)))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def timed(function: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def fmt(number: float, digits: int = 0) -> str:
    return f"{number:,.{digits}f}".replace(",", " ")


# --------------------------------------------------------------------------- data


class HdfData:
    def __init__(self, root: Path) -> None:
        self.communes = read_csv(root / "communes.csv")
        neet = {row["epci_siren"]: row["part_neet_2022_pct"] for row in read_csv(root / "epci_neet_2022.csv")}
        self.neet = {
            row["code_insee"]: (float(neet[row["epci_siren"]]) if neet.get(row["epci_siren"]) else None)
            for row in self.communes
        }
        self.bassin_of = {
            row["code_insee"]: row["bassin_bmo_code"] for row in read_csv(root / "communes_bassins_bmo.csv")
        }
        self.population = {row["code_insee"]: float(row["pop_municipale_pl2023"]) for row in self.communes}
        self.bassin_population = aggregate_sums(self.population, self.bassin_of)
        codes_by_trade: dict[str, set[str]] = defaultdict(set)
        for row in read_csv(root / "bmo_metiers_cibles.csv"):
            codes_by_trade[row["filiere_projet"]].add(row["code_metier_bmo"])
        self.codes_by_trade = codes_by_trade
        self.bmo = read_csv(root / "bmo_2024_hdf.csv")
        self.by_code = {row["code_insee"]: row for row in self.communes}

    def bmo_rate_by_bassin(self, trade: str) -> tuple[dict[str, float | None], int]:
        """Projects per 1,000 inhabitants per bassin; also the number of lower-bound bassins."""
        codes = self.codes_by_trade.get(trade, set())
        published: dict[str, list[float]] = defaultdict(list)
        secret: dict[str, int] = defaultdict(int)
        for row in self.bmo:
            if row["Code métier BMO"] in codes:
                if row["met"].strip() == "*":
                    secret[row["BE24"]] += 1
                else:
                    published[row["BE24"]].append(float(row["met"]))
        rows = [
            RateRow(bassin, math.fsum(published[bassin]), self.bassin_population[bassin] / 1000.0)
            for bassin in self.bassin_population
            if published.get(bassin)
        ]
        rates = aggregate_rates(rows, {bassin: bassin for bassin in self.bassin_population})
        lower_bounds = sum(1 for bassin in published if secret.get(bassin))
        return {bassin: (rates[bassin].rate if bassin in rates else None) for bassin in self.bassin_population}, (
            lower_bounds
        )

    def territories(self, trade: str) -> tuple[list[TerritoryIndicators], int]:
        rates, lower_bounds = self.bmo_rate_by_bassin(trade)
        return [
            TerritoryIndicators(
                code=row["code_insee"],
                name=row["nom"],
                lat=float(row["centroide_lat"]),
                lon=float(row["centroide_lon"]),
                values={
                    "population": self.population[row["code_insee"]],
                    "neet_pct": self.neet[row["code_insee"]],
                    "bmo_per_1000": rates[self.bassin_of[row["code_insee"]]],
                },
            )
            for row in self.communes
        ], lower_bounds

    def schools(self) -> list[ExistingSchool]:
        out = []
        for code, (name, trades) in HDF_SCHOOLS.items():
            row = self.by_code[code]
            out.append(ExistingSchool(code, float(row["centroide_lat"]), float(row["centroide_lon"]), trades, name))
        return out

    def demand_communes(self) -> list[Commune]:
        return [
            Commune(
                code=row["code_insee"],
                lat=float(row["centroide_lat"]),
                lon=float(row["centroide_lon"]),
                demand=self.population[row["code_insee"]] * (self.neet[row["code_insee"]] or 0.0) / 100.0,
                population=self.population[row["code_insee"]],
            )
            for row in self.communes
        ]


PROFILE = ScoringProfile(
    weights={"population": 0.3, "neet_pct": 0.4, "bmo_per_1000": 0.3},
    normalisation="rank_percentile",
    penalty=ProximityPenalty(radius_km=30.0, amount=0.2, shape="step"),
)


# --------------------------------------------------------------------------- (a) scoring


def bench_scoring(data: HdfData) -> None:
    print("## (a) Opportunity score of every HdF commune, per trade\n")
    print(f"{len(data.communes)} communes; profile: weights {dict(PROFILE.weights)}, rank percentile, ")
    print("step penalty 0.2 within 30 km by road (factor 1.3) of a school of the same trade.\n")
    print("| Trade | BMO codes | score (s) | sensitivity MC 1000 x ±20 % (s) | missing BMO / lower-bound bassins |")
    print("|---|---:|---:|---:|---|")
    schools = data.schools()
    top_lines = []
    for trade in TRADES:
        territories, lower_bounds = data.territories(trade)
        result, t_score = timed(
            lambda territories=territories, trade=trade: score_territories(
                territories, PROFILE, trade=trade, existing_schools=schools
            )
        )
        sens, t_sens = timed(
            lambda territories=territories, trade=trade: weight_sensitivity(
                territories, PROFILE, trade=trade, existing_schools=schools, top_k=10, n_scenarios=1000, seed=1
            )
        )
        missing = sum(1 for s in result.scores if "bmo_per_1000" in s.missing_indicators)
        note = f"{missing} communes missing BMO, {lower_bounds} bassins lower bound"
        if result.indicators_without_data:
            note = f"no data at all for {', '.join(result.indicators_without_data)} (all {missing} communes flagged)"
        print(f"| {trade} | {len(data.codes_by_trade.get(trade, ()))} | {t_score:.3f} | {t_sens:.2f} | {note} |")
        stab = sens.by_code()
        top = ", ".join(
            f"{s.name} {s.score:.3f} (top-10 {stab[s.code].top_k_share:.0%}, ranks {stab[s.code].min_rank}-"
            f"{stab[s.code].max_rank})"
            for s in result.scores[:3]
        )
        top_lines.append(f"| {trade} | {top} |")
    print("\nTop 3 communes per trade (share of the 1000 scenarios in the top 10, rank range):\n")
    print("| Trade | Top 3 |")
    print("|---|---|")
    print("\n".join(top_lines))
    print()


# --------------------------------------------------------------------------- (b), (c) site selection


def selection_table(model: CoverageModel, ks: Sequence[int], time_limit_s: float) -> None:
    print(
        f"Demand total {fmt(model.total_demand)}, served by existing schools {fmt(model.demand_served_by_existing)}, "
        f"coverable {fmt(model.coverable_demand)}; {fmt(model.n_candidates)} candidates, "
        f"{fmt(model.coverage.nnz)} coverage pairs; MILP time limit {time_limit_s:.0f} s.\n"
    )
    print(
        "| k | greedy covered | greedy (s) | MILP covered | MILP status | MILP (s) | MILP proven gap "
        "| greedy vs MILP | greedy vs bound |"
    )
    print("|---:|---:|---:|---:|---|---:|---:|---:|---:|")
    for k in ks:
        greedy: SiteSelection = greedy_sites(model, k=k)
        exact: SiteSelection = exact_sites(model, k=k, time_limit_s=time_limit_s)
        best_bound = min(b for b in (exact.upper_bound, greedy.upper_bound, math.inf) if b is not None)
        vs_milp = (exact.covered_demand - greedy.covered_demand) / exact.covered_demand if exact.covered_demand else 0.0
        vs_bound = max(0.0, (best_bound - greedy.covered_demand) / best_bound) if best_bound else 0.0
        print(
            f"| {k} | {fmt(greedy.covered_demand)} | {greedy.solve_seconds:.3f} | {fmt(exact.covered_demand)} | "
            f"{exact.status.value} | {exact.solve_seconds:.2f} | "
            f"{(exact.gap or 0.0):.3%} | {vs_milp:+.3%} | {vs_bound:.3%} |"
        )
    print()


def bench_hdf_sites(data: HdfData, trades: Sequence[str], time_limit_s: float) -> None:
    print("## (b) Site selection in HdF, radius 30 km by road, k = 1..10\n")
    communes = data.demand_communes()
    schools = data.schools()
    for trade in trades:
        model, t_build = timed(
            lambda trade=trade: build_coverage_model(
                communes, radius_km=30.0, existing_schools=schools, trade=trade, road_factor=1.3
            )
        )
        print(f"### {trade} (coverage model built in {t_build:.2f} s)\n")
        selection_table(model, range(1, 11), time_limit_s)
        best = exact_sites(model, k=5, time_limit_s=time_limit_s)
        names = {row["code_insee"]: row["nom"] for row in data.communes}
        print(
            "Exact k = 5: "
            + "; ".join(
                f"{s.order}. {names[s.code]} (+{fmt(s.marginal_gain)}, loss if removed {fmt(s.removal_loss)})"
                for s in best.sites
            )
            + "\n"
        )


def synthetic_france(n: int, seed: int) -> tuple[list[Commune], list[ExistingSchool]]:
    rng = np.random.default_rng(seed)
    lat = rng.uniform(42.5, 51.0, n)
    lon = rng.uniform(-4.5, 8.0, n)
    population = np.round(rng.lognormal(mean=6.1, sigma=1.6, size=n))
    neet = rng.uniform(0.08, 0.25, n)
    communes = [
        Commune(f"S{i:05d}", float(lat[i]), float(lon[i]), float(population[i] * neet[i]), float(population[i]))
        for i in range(n)
    ]
    picks = rng.choice(n, size=50, replace=False, p=population / population.sum())
    schools = [
        ExistingSchool(f"E{i:02d}", float(lat[j]), float(lon[j]), frozenset({"metal"})) for i, j in enumerate(picks)
    ]
    return communes, schools


def bench_synthetic(n: int, ks: Sequence[int], time_limit_s: float, min_population: float | None) -> None:
    which = f"candidates with population >= {min_population:.0f}" if min_population else "every commune a candidate"
    print(f"## (c) Synthetic France: {fmt(n)} communes, radius 30 km, 50 existing schools, {which}\n")
    print(
        "Seeded uniform points in lat 42.5-51.0, lon -4.5-8.0; populations log-normal(6.1, 1.6); "
        "demand = population x U(8 %, 25 %); schools drawn proportionally to population.\n"
    )
    communes, schools = synthetic_france(n, seed=2024)
    model, t_build = timed(
        lambda: build_coverage_model(
            communes, radius_km=30.0, existing_schools=schools, min_candidate_population=min_population
        )
    )
    print(f"Coverage model built in {t_build:.2f} s.\n")
    selection_table(model, ks, time_limit_s)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--time-limit", type=float, default=20.0, help="MILP time limit per solve, synthetic case (s)")
    parser.add_argument("--hdf-time-limit", type=float, default=30.0, help="MILP time limit per solve, HdF (s)")
    parser.add_argument("--synthetic-n", type=int, default=35_000)
    parser.add_argument("--all-trades", action="store_true", help="site selection for every trade, not one")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    root = data_dir()
    print("# Territories engine benchmark\n")
    print(f"numpy {np.__version__}, {os.cpu_count()} CPU(s), data: {root}\n")
    if (root / "communes.csv").exists():
        data = HdfData(root)
        bench_scoring(data)
        trades = TRADES if args.all_trades else ("metal_usinage_mecanique",)
        bench_hdf_sites(data, trades, args.hdf_time_limit)
    else:
        print(f"Dataset not found in {root}: parts (a) and (b) skipped.\n")
    bench_synthetic(args.synthetic_n, range(1, 11), args.time_limit, 2000.0)
    bench_synthetic(args.synthetic_n, (1, 5, 10), args.time_limit, None)
    print(f"Total wall time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
