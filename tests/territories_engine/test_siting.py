"""Site selection: maximum coverage by MILP and greedy."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territories_engine import (
    Commune,
    DuplicateCodeError,
    EmptyInputError,
    ExistingSchool,
    InvalidParameterError,
    NonFiniteValueError,
    SolverStatus,
    build_coverage_model,
    exact_sites,
    greedy_sites,
    select_sites,
)
from tests.territories_engine.strategies import commune_lists

# Four villages 0.2 degree (about 14.3 km) apart on latitude 50, youths 4, 5, 5, 4, and three
# empty hamlets half-way. With a 10 km radius (road factor 1) a hamlet covers its two
# neighbouring villages and a village only itself.
LINE = [
    Commune("P0", 50.0, 2.0, 4.0, 800.0),
    Commune("P1", 50.0, 2.2, 5.0, 900.0),
    Commune("P2", 50.0, 2.4, 5.0, 900.0),
    Commune("P3", 50.0, 2.6, 4.0, 800.0),
    Commune("H01", 50.0, 2.1, 0.0, 50.0),
    Commune("H12", 50.0, 2.3, 0.0, 50.0),
    Commune("H23", 50.0, 2.5, 0.0, 50.0),
]


def brute_force(model, k: int) -> float:
    """Best coverage over every k-subset of candidates."""
    return max(model.covered(list(c)) for c in itertools.combinations(range(model.n_candidates), k))


def test_greedy_is_suboptimal_and_milp_finds_the_optimum():
    """Greedy takes the middle hamlet (10) then 4 more; the optimum takes both outer hamlets (18)."""
    model = build_coverage_model(LINE, radius_km=10.0, road_factor=1.0)
    greedy = greedy_sites(model, k=2)
    exact = exact_sites(model, k=2)
    assert greedy.codes == ("H12", "P0")
    assert greedy.covered_demand == 14.0
    assert [s.marginal_gain for s in greedy.sites] == [10.0, 4.0]
    assert exact.status is SolverStatus.OPTIMAL
    assert set(exact.codes) == {"H01", "H23"}
    assert exact.covered_demand == 18.0 == brute_force(model, 2)
    assert [s.marginal_gain for s in exact.sites] == [9.0, 9.0]
    assert [s.removal_loss for s in exact.sites] == [9.0, 9.0]
    assert exact.gap == pytest.approx(0.0, abs=1e-9)
    assert greedy.status is SolverStatus.HEURISTIC
    assert greedy.upper_bound is not None and greedy.upper_bound >= 18.0


def test_existing_school_serves_its_radius():
    """Demand within the radius of an existing school of the trade counts 0; other trades do not count."""
    same = ExistingSchool("P0", 50.0, 2.0, frozenset({"automobile"}))
    other = ExistingSchool("P3", 50.0, 2.6, frozenset({"textile"}))
    answer = select_sites(
        LINE, k=1, radius_km=10.0, road_factor=1.0, existing_schools=[same, other], trade="automobile"
    )
    assert answer.demand_served_by_existing == 4.0
    assert answer.exact.codes == ("H12",)
    assert answer.exact.covered_demand == 10.0
    assert answer.coverable_demand == 14.0
    assert answer.greedy_shortfall == 0.0


def test_removal_loss_and_marginal_gains_with_overlap():
    """Overlapping sites: gains follow the selection order, losses count demand covered by one site only."""
    model = build_coverage_model(LINE, radius_km=10.0, road_factor=1.0)
    answer = greedy_sites(model, k=3)
    assert answer.codes == ("H12", "P0", "P3")
    assert [s.marginal_gain for s in answer.sites] == [10.0, 4.0, 4.0]
    assert [s.removal_loss for s in answer.sites] == [10.0, 4.0, 4.0]
    assert math.fsum(s.marginal_gain for s in answer.sites) == answer.covered_demand


def test_population_threshold_restricts_candidates():
    """Only communes above the population threshold can host a school."""
    model = build_coverage_model(LINE, radius_km=10.0, road_factor=1.0, min_candidate_population=100.0)
    assert model.n_candidates == 4
    exact = exact_sites(model, k=2)
    assert exact.covered_demand == 10.0  # two villages of 5
    assert set(exact.codes) == {"P1", "P2"}
    with pytest.raises(EmptyInputError, match="candidate"):
        build_coverage_model(LINE, radius_km=10.0, min_candidate_population=1e9)


def test_candidate_list_and_catchments():
    """A hand-made list restricts the sites (with the threshold), every commune still counts as demand, and each
    site's catchment is the communes within its radius; the exact answer is still the brute-force optimum."""
    answer = select_sites(LINE, k=1, radius_km=10.0, road_factor=1.0, candidate_codes=["P0", "P3", "H23"])
    assert answer.n_candidates == 3 and answer.exact.codes == ("H23",)
    assert answer.exact.covered_demand == 9.0 == brute_force(answer.model, 1)
    assert answer.catchment("H23") == ("P2", "P3", "H23")
    assert answer.catchment("P0") == ("P0", "H01")
    with pytest.raises(KeyError):
        answer.catchment("P1")
    both = select_sites(
        LINE, k=1, radius_km=10.0, road_factor=1.0, candidate_codes=["P0", "P3", "H23"], min_candidate_population=100
    )
    assert both.n_candidates == 2 and both.exact.covered_demand == 4.0


def test_no_demand_left_gives_zero_coverage():
    """When existing schools serve everyone, any k sites cover 0 and that is optimal."""
    schools = [ExistingSchool(c.code, c.lat, c.lon, frozenset({"t"})) for c in LINE]
    answer = select_sites(LINE, k=2, radius_km=10.0, existing_schools=schools, trade="t")
    assert answer.exact.covered_demand == 0.0
    assert answer.exact.status is SolverStatus.OPTIMAL
    assert len(answer.exact.sites) == 2
    assert answer.greedy.covered_demand == 0.0


def test_status_labels_are_french():
    """Every solver status has a French label."""
    for status in SolverStatus:
        assert status.label_fr
    assert SolverStatus.TIME_LIMIT.label_fr.startswith("limite de temps")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"k": 0, "radius_km": 10.0}, InvalidParameterError, "au moins 1"),
        ({"k": 8, "radius_km": 10.0}, InvalidParameterError, "candidate"),
        ({"k": 1, "radius_km": 0.0}, InvalidParameterError, "rayon"),
        ({"k": 1, "radius_km": -3.0}, InvalidParameterError, "rayon"),
        ({"k": 1, "radius_km": 10.0, "time_limit_s": 0.0}, InvalidParameterError, "temps"),
    ],
)
def test_bad_parameters(kwargs, error, match):
    """k < 1, k above the candidates, radius <= 0 and a null time limit raise French errors."""
    with pytest.raises(error, match=match):
        select_sites(LINE, **kwargs)


def test_bad_communes():
    """Empty lists, NaN, negative demand and duplicate codes are refused."""
    with pytest.raises(EmptyInputError, match="vide"):
        build_coverage_model([], radius_km=10.0)
    with pytest.raises(NonFiniteValueError, match="NaN"):
        build_coverage_model([Commune("A", 50.0, 3.0, math.nan)], radius_km=10.0)
    with pytest.raises(InvalidParameterError, match="négative"):
        build_coverage_model([Commune("A", 50.0, 3.0, -1.0)], radius_km=10.0)
    with pytest.raises(DuplicateCodeError, match="deux fois"):
        build_coverage_model([Commune("A", 50.0, 3.0, 1.0), Commune("A", 50.0, 3.0, 1.0)], radius_km=10.0)


def test_coverage_matrix_is_sparse_and_radius_bound():
    """The coverage matrix holds only pairs within the radius."""
    model = build_coverage_model(LINE, radius_km=10.0, road_factor=1.0)
    dense = model.coverage.toarray()
    assert (
        model.coverage.nnz == int(dense.sum()) == 7 + 2 * 6
    )  # each point itself + both directions of 6 hamlet-village pairs
    assert np.array_equal(dense, dense.T)


# --------------------------------------------------------------------------- properties

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(commune_lists(min_size=2), st.integers(1, 4), st.floats(5.0, 40.0))
def test_greedy_never_beats_exact_and_exact_is_brute_force(communes, k, radius):
    """greedy <= exact == brute force, and exact >= every single site's coverage."""
    model = build_coverage_model(communes, radius_km=radius)
    k = min(k, model.n_candidates)
    greedy = greedy_sites(model, k=k)
    exact = exact_sites(model, k=k)
    assert exact.status is SolverStatus.OPTIMAL
    assert greedy.covered_demand <= exact.covered_demand
    assert exact.covered_demand == brute_force(model, k)
    assert all(exact.covered_demand >= model.covered([j]) for j in range(model.n_candidates))
    assert greedy.upper_bound is not None and greedy.upper_bound >= exact.covered_demand - 1e-9
    assert greedy.covered_demand >= (1 - 1 / math.e) * exact.covered_demand - 1e-9
    assert math.fsum(s.marginal_gain for s in exact.sites) == pytest.approx(exact.covered_demand)
    assert all(s.removal_loss <= s.marginal_gain + 1e-9 for s in exact.sites[-1:])


@PROPERTY_SETTINGS
@given(commune_lists(min_size=4), st.floats(5.0, 40.0))
def test_coverage_is_monotone_in_k(communes, radius):
    """The exact and greedy coverages never decrease when k grows."""
    model = build_coverage_model(communes, radius_km=radius)
    exact = [exact_sites(model, k=k).covered_demand for k in range(1, min(4, model.n_candidates) + 1)]
    greedy = [greedy_sites(model, k=k).covered_demand for k in range(1, min(4, model.n_candidates) + 1)]
    assert exact == sorted(exact)
    assert greedy == sorted(greedy)


@PROPERTY_SETTINGS
@given(commune_lists(min_size=2), st.integers(1, 3), st.floats(5.0, 40.0))
def test_existing_schools_only_reduce_coverage(communes, k, radius):
    """Adding an existing school never increases the youths a new school can cover."""
    school = ExistingSchool("S", communes[0].lat, communes[0].lon, frozenset({"t"}))
    free = build_coverage_model(communes, radius_km=radius)
    served = build_coverage_model(communes, radius_km=radius, existing_schools=[school], trade="t")
    k = min(k, free.n_candidates)
    assert exact_sites(served, k=k).covered_demand <= exact_sites(free, k=k).covered_demand
    assert served.served_by_existing[0]
