"""Checks against the Hauts-de-France reference dataset (skipped when it is absent)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from territories_engine import (
    ExistingSchool,
    RateRow,
    ScoringProfile,
    TerritoryIndicators,
    aggregate_rates,
    aggregate_sums,
    haversine_km,
    score_territories,
)

DATA_DIR = Path(
    os.environ.get("ESSAIM_DATA_DIR", str(Path(__file__).resolve().parents[2].parent / "shared/data/hauts-de-france"))
)

pytestmark = pytest.mark.skipif(not (DATA_DIR / "communes.csv").exists(), reason="jeu de données HdF absent")


@pytest.fixture(scope="module")
def communes() -> dict[str, dict[str, str]]:
    with (DATA_DIR / "communes.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code_insee"]: row for row in csv.DictReader(handle)}


def test_school_communes_exist(communes):
    """The communes of the HdF écoles de production used by the benchmark exist, with their names."""
    expected = {
        "59484": "Quiévrechain",
        "59350": "Lille",
        "62498": "Lens",
        "60159": "Compiègne",
        "59512": "Roubaix",
        "62178": "Bruay-la-Buissière",
        "02789": "Vervins",
        "80410": "Ham",
        "02279": "Épaux-Bézu",
    }
    assert {code: communes[code]["nom"] for code in expected} == expected


def test_lille_amiens_centroids(communes):
    """Lille and Amiens commune centroids are about 100 km apart."""
    lille, amiens = communes["59350"], communes["80021"]
    distance = float(
        haversine_km(
            float(lille["centroide_lat"]),
            float(lille["centroide_lon"]),
            float(amiens["centroide_lat"]),
            float(amiens["centroide_lon"]),
        )
    )
    assert distance == pytest.approx(100.0, abs=5.0)


def test_departement_populations_sum(communes):
    """Commune populations summed by département give the regional total of the README (5 992 194)."""
    population = {code: float(row["pop_municipale_pl2023"]) for code, row in communes.items()}
    by_dep = aggregate_sums(population, {code: row["departement"] for code, row in communes.items()})
    assert set(by_dep) == {"02", "59", "60", "62", "80"}
    assert sum(by_dep.values()) == 5_992_194


def test_scoring_every_commune_for_textile(communes):
    """Scoring all 3 782 communes works; a trade without BMO data is reported as such."""
    neet: dict[str, float] = {}
    with (DATA_DIR / "epci_neet_2022.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            neet[row["epci_siren"]] = float(row["part_neet_2022_pct"])
    territories = [
        TerritoryIndicators(
            code,
            float(row["centroide_lat"]),
            float(row["centroide_lon"]),
            {"neet": neet.get(row["epci_siren"]), "population": float(row["pop_municipale_pl2023"]), "bmo": None},
        )
        for code, row in communes.items()
    ]
    roubaix = communes["59512"]
    school = ExistingSchool(
        "59512", float(roubaix["centroide_lat"]), float(roubaix["centroide_lon"]), frozenset({"textile"})
    )
    profile = ScoringProfile(weights={"neet": 0.4, "population": 0.3, "bmo": 0.3})
    result = score_territories(territories, profile, trade="textile", existing_schools=[school])
    assert len(result.scores) == 3782
    assert result.indicators_without_data == ("bmo",)
    # NEET aggregated to EPCI from communes is a population-weighted figure, not a plain mean.
    rows = [
        RateRow(
            code, neet[row["epci_siren"]] * float(row["pop_municipale_pl2023"]), float(row["pop_municipale_pl2023"])
        )
        for code, row in communes.items()
    ]
    by_dep = aggregate_rates(rows, {code: row["departement"] for code, row in communes.items()})
    assert all(10.0 < r.rate < 30.0 for r in by_dep.values() if r.rate is not None)
