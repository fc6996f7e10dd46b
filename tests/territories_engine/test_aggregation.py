"""Aggregation of additive indicators and rates."""

from __future__ import annotations

import math

import pytest
from hypothesis import given

from territories_engine import (
    DuplicateCodeError,
    InvalidParameterError,
    NonFiniteValueError,
    RateRow,
    UnknownTerritoryError,
    aggregate_rates,
    aggregate_sums,
)
from tests.territories_engine.strategies import rate_rows

COMMUNE_TO_EPCI = {"c1": "e1", "c2": "e1", "c3": "e2"}
EPCI_TO_ZE = {"e1": "z1", "e2": "z1"}
ZE_TO_DEP = {"z1": "59"}


def test_sums_commune_epci_ze_departement():
    """Populations summed level by level give the same total at every level."""
    communes = {"c1": 1000.0, "c2": 250.0, "c3": 4000.0}
    epci = aggregate_sums(communes, COMMUNE_TO_EPCI)
    ze = aggregate_sums(epci, EPCI_TO_ZE)
    dep = aggregate_sums(ze, ZE_TO_DEP)
    assert epci == {"e1": 1250.0, "e2": 4000.0}
    assert ze == {"z1": 5250.0}
    assert dep == {"59": 5250.0}


def test_rate_is_recomputed_not_averaged():
    """10 % of 1 000 and 30 % of 100 give 130 / 1 100, not 20 %."""
    out = aggregate_rates([RateRow("c1", 100, 1000), RateRow("c2", 30, 100)], COMMUNE_TO_EPCI)
    assert out["e1"].numerator == 130.0
    assert out["e1"].denominator == 1100.0
    assert out["e1"].rate == pytest.approx(130 / 1100)
    assert out["e1"].n_children == 2


def test_rate_chained_over_levels_equals_direct():
    """Rates re-aggregated from EPCI sums equal the rate computed straight from communes."""
    rows = [RateRow("c1", 100, 1000), RateRow("c2", 30, 100), RateRow("c3", 7, 70)]
    epci = aggregate_rates(rows, COMMUNE_TO_EPCI)
    ze = aggregate_rates([RateRow(r.code, r.numerator, r.denominator) for r in epci.values()], EPCI_TO_ZE)
    direct = aggregate_rates(rows, {"c1": "z1", "c2": "z1", "c3": "z1"})
    assert (ze["z1"].numerator, ze["z1"].denominator, ze["z1"].rate) == (
        direct["z1"].numerator,
        direct["z1"].denominator,
        direct["z1"].rate,
    )


def test_zero_denominator_gives_no_rate():
    """A parent with no population has no rate (None), not a division error."""
    out = aggregate_rates([RateRow("c1", 0, 0)], COMMUNE_TO_EPCI)
    assert out["e1"].rate is None


def test_child_without_parent_is_an_error_unless_lenient():
    """A commune missing from the mapping raises, or is skipped with strict=False."""
    with pytest.raises(UnknownTerritoryError, match="c9"):
        aggregate_sums({"c9": 1.0}, COMMUNE_TO_EPCI)
    assert aggregate_sums({"c9": 1.0, "c1": 2.0}, COMMUNE_TO_EPCI, strict=False) == {"e1": 2.0}


def test_bad_rows_are_rejected():
    """NaN, negative denominators and duplicate codes raise French errors."""
    with pytest.raises(NonFiniteValueError, match="NaN"):
        aggregate_rates([RateRow("c1", math.nan, 10)], COMMUNE_TO_EPCI)
    with pytest.raises(InvalidParameterError, match="négatif"):
        aggregate_rates([RateRow("c1", 1, -10)], COMMUNE_TO_EPCI)
    with pytest.raises(DuplicateCodeError, match="deux fois"):
        aggregate_rates([RateRow("c1", 1, 10), RateRow("c1", 1, 10)], COMMUNE_TO_EPCI)
    with pytest.raises(NonFiniteValueError):
        aggregate_sums({"c1": math.inf}, COMMUNE_TO_EPCI)


@given(rate_rows())
def test_rate_aggregation_equals_sum_num_over_sum_den(data):
    """Every parent rate is sum(numerators) / sum(denominators) of its children."""
    rows, parent_of = data
    out = aggregate_rates(rows, parent_of)
    for parent, aggregated in out.items():
        children = [row for row in rows if parent_of[row.code] == parent]
        num = sum(row.numerator for row in children)
        den = sum(row.denominator for row in children)
        assert aggregated.numerator == num
        assert aggregated.denominator == den
        assert aggregated.n_children == len(children)
        if den == 0:
            assert aggregated.rate is None
        else:
            assert aggregated.rate == pytest.approx(num / den, rel=1e-12)
    assert set(out) == set(parent_of.values())
