"""Opportunity score: normalisations, decomposition, penalty, missing values, sensitivity."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territories_engine import (
    DuplicateCodeError,
    EmptyInputError,
    ExistingSchool,
    InvalidParameterError,
    MissingPolicy,
    NonFiniteValueError,
    ProximityPenalty,
    ScoringProfile,
    SensitivityMethod,
    TerritoriesEngineError,
    TerritoryIndicators,
    UnknownIndicatorError,
    UnknownNormalisationError,
    haversine_km,
    normalise,
    score_territories,
    weight_sensitivity,
)
from tests.territories_engine.strategies import territory_lists, weights


def territory(code: str, lon: float = 3.0, **values: float | None) -> TerritoryIndicators:
    return TerritoryIndicators(code, 50.0, lon, values)


# --------------------------------------------------------------------------- normalisation


def test_rank_percentile_with_ties():
    """Tied values share the mean of their ranks: 10, 20, 20, 40 -> 0, 1/2, 1/2, 1."""
    assert normalise([10.0, 20.0, 20.0, 40.0], method="rank_percentile") == (0.0, 0.5, 0.5, 1.0)


def test_rank_percentile_triple_tie_and_order():
    """Ranks 1, 3, 3, 3, 5 over n = 5 give 0, 0.5, 0.5, 0.5, 1 whatever the input order."""
    assert normalise([5.0, 1.0, 5.0, 9.0, 5.0], method="rank_percentile") == (0.5, 0.0, 0.5, 1.0, 0.5)


def test_min_max_by_hand():
    """Min-max maps 10, 20, 40 to 0, 1/3, 1."""
    assert normalise([10.0, 20.0, 40.0], method="min_max") == pytest.approx((0.0, 1 / 3, 1.0))


def test_min_max_constant_column_is_neutral():
    """A constant column normalises to 0.5 everywhere, so it cannot change a ranking."""
    assert normalise([7.0, 7.0, 7.0], method="min_max") == (0.5, 0.5, 0.5)
    assert normalise([7.0, 7.0, 7.0], method="rank_percentile") == (0.5, 0.5, 0.5)


def test_single_value_and_missing_values():
    """Missing values stay None and do not count in the normalisation of the others."""
    assert normalise([None, 3.0, None], method="min_max") == (None, 0.5, None)
    assert normalise([None, 3.0, 5.0], method="rank_percentile") == (None, 0.0, 1.0)
    assert normalise([], method="min_max") == ()


def test_unknown_normalisation():
    """An unknown normalisation raises a French error naming the valid ones."""
    with pytest.raises(UnknownNormalisationError, match="rank_percentile"):
        normalise([1.0], method="z_score")
    with pytest.raises(UnknownNormalisationError):
        ScoringProfile(weights={"a": 1.0}, normalisation="z_score")


def test_nan_is_rejected_by_normalise():
    """NaN is refused; a missing value is written None."""
    with pytest.raises(NonFiniteValueError, match="None"):
        normalise([1.0, math.nan], method="min_max")


# --------------------------------------------------------------------------- score decomposition


def test_worked_example_min_max_by_hand():
    """Hand-computed min-max scores: contributions, penalty and ranks."""
    profile = ScoringProfile(
        weights={"neet": 0.5, "bmo": 0.3, "distance_lp": 0.2},
        normalisation="min_max",
        lower_is_better=frozenset({"distance_lp"}),
        penalty=ProximityPenalty(radius_km=30.0, amount=0.1, shape="step", road_factor=1.0),
    )
    territories = [
        territory("A", 3.0, neet=20.0, bmo=100.0, distance_lp=10.0),
        territory("B", 4.0, neet=30.0, bmo=50.0, distance_lp=20.0),
        territory("C", 5.0, neet=25.0, bmo=0.0, distance_lp=0.0),
    ]
    school = ExistingSchool("S", 50.0, 3.1, frozenset({"automobile"}))  # 7.2 km from A only
    result = score_territories(territories, profile, trade="automobile", existing_schools=[school])
    by_code = result.by_code()
    # A: neet 0 -> 0; bmo 1 -> 0.3; dist 0.5 -> flipped 0.5 -> 0.1; penalty 0.1 => 0.3
    # B: neet 1 -> 0.5; bmo 0.5 -> 0.15; dist 1 -> flipped 0 -> 0; => 0.65
    # C: neet 0.5 -> 0.25; bmo 0 -> 0; dist 0 -> flipped 1 -> 0.2; => 0.45
    assert by_code["A"].score == pytest.approx(0.3)
    assert by_code["B"].score == pytest.approx(0.65)
    assert by_code["C"].score == pytest.approx(0.45)
    assert [s.code for s in result.scores] == ["B", "C", "A"]
    assert [s.rank for s in result.scores] == [1, 2, 3]
    a = by_code["A"]
    assert a.penalty == 0.1
    assert a.nearest_school_code == "S"
    assert a.nearest_school_km == pytest.approx(float(haversine_km(50.0, 3.0, 50.0, 3.1)))
    assert [c.contribution for c in a.contributions] == pytest.approx([0.0, 0.3, 0.1])
    assert [c.normalised_value for c in a.contributions] == pytest.approx([0.0, 1.0, 0.5])
    assert by_code["B"].penalty == 0.0


def test_decomposition_sums_exactly():
    """The score is the sum of its contributions minus the penalty, to the last bit."""
    profile = ScoringProfile(
        weights={"neet": 0.37, "bmo": 0.21, "population": 0.42},
        penalty=ProximityPenalty(radius_km=40.0, amount=0.13, shape="linear"),
    )
    territories = [
        territory(f"T{i}", 2.0 + i / 10, neet=10 + (i * 7) % 13, bmo=(i * 3) % 5, population=100 * i) for i in range(12)
    ]
    school = ExistingSchool("S", 50.0, 2.5, frozenset({"bois_menuiserie"}))
    result = score_territories(territories, profile, trade="bois_menuiserie", existing_schools=[school])
    for s in result.scores:
        total = 0.0
        for c in s.contributions:
            assert c.contribution == c.weight * c.normalised_value
            total += c.contribution
        assert total - s.penalty == s.score


def test_linear_penalty_shape():
    """The linear penalty is A (1 - d / r) inside the radius and 0 outside."""
    profile = ScoringProfile(
        weights={"neet": 1.0}, penalty=ProximityPenalty(radius_km=20.0, amount=0.4, shape="linear", road_factor=1.0)
    )
    territories = [territory("near", 3.0, neet=1.0), territory("far", 4.0, neet=1.0)]
    school = ExistingSchool("S", 50.0, 3.1, frozenset({"t"}))
    by_code = score_territories(territories, profile, trade="t", existing_schools=[school]).by_code()
    d = float(haversine_km(50.0, 3.0, 50.0, 3.1))
    assert by_code["near"].penalty == pytest.approx(0.4 * (1 - d / 20.0))
    assert by_code["far"].penalty == 0.0


def test_penalty_only_for_the_same_trade():
    """A school of another trade next door does not penalise."""
    profile = ScoringProfile(weights={"neet": 1.0}, penalty=ProximityPenalty())
    school = ExistingSchool("S", 50.0, 3.0, frozenset({"textile"}))
    result = score_territories([territory("A", neet=1.0)], profile, trade="automobile", existing_schools=[school])
    assert result.scores[0].penalty == 0.0
    assert result.scores[0].nearest_school_code is None


def test_equal_scores_share_rank():
    """Equal scores get the same, smallest rank (1, 2, 2, 4)."""
    profile = ScoringProfile(weights={"x": 1.0}, normalisation="min_max")
    territories = [territory("a", x=3.0), territory("b", x=2.0), territory("c", x=2.0), territory("d", x=1.0)]
    assert [(s.code, s.rank) for s in score_territories(territories, profile, trade="t").scores] == [
        ("a", 1),
        ("b", 2),
        ("c", 2),
        ("d", 4),
    ]


def test_missing_value_omit_and_neutral_policies():
    """A missing value is omitted (0) or neutral (0.5), and always flagged."""
    territories = [territory("A", x=1.0, y=None), territory("B", x=0.0, y=5.0), territory("C", x=0.5, y=1.0)]
    omit = ScoringProfile(weights={"x": 1.0, "y": 1.0}, normalisation="min_max")
    neutral = ScoringProfile(weights={"x": 1.0, "y": 1.0}, normalisation="min_max", missing=MissingPolicy.NEUTRAL)
    a_omit = score_territories(territories, omit, trade="t").by_code()["A"]
    a_neutral = score_territories(territories, neutral, trade="t").by_code()["A"]
    assert a_omit.missing_indicators == ("y",) and not a_omit.is_complete
    assert a_omit.contributions[1].normalised_value is None
    assert a_omit.score == 1.0
    assert a_neutral.contributions[1].normalised_value == 0.5
    assert a_neutral.score == 1.5
    assert "donnée manquante" in a_omit.explanation_fr()


def test_indicator_without_any_data_is_reported():
    """An indicator missing everywhere (textile BMO) is reported, not an error."""
    profile = ScoringProfile(weights={"neet": 0.5, "bmo": 0.5})
    result = score_territories(
        [territory("A", neet=1.0, bmo=None), territory("B", neet=2.0, bmo=None)], profile, trade="textile"
    )
    assert result.indicators_without_data == ("bmo",)
    assert [s.code for s in result.scores] == ["B", "A"]


def test_negative_weight_and_direction_flag_differ_by_a_constant():
    """A negative weight and a positive weight flagged lower-is-better differ by the same constant everywhere."""
    territories = [territory(f"T{i}", x=float(i * i % 7), y=float(i)) for i in range(8)]
    flagged = ScoringProfile(weights={"x": 0.6, "y": 0.4}, lower_is_better=frozenset({"x"}))
    negative = ScoringProfile(weights={"x": -0.6, "y": 0.4})
    a = score_territories(territories, flagged, trade="t").by_code()
    b = score_territories(territories, negative, trade="t").by_code()
    assert all(a[code].score - b[code].score == pytest.approx(0.6) for code in a)


# --------------------------------------------------------------------------- bad input


def test_bad_inputs_raise_french_errors():
    """Empty lists, unknown indicators, NaN and duplicates raise engine errors in French."""
    profile = ScoringProfile(weights={"neet": 1.0})
    with pytest.raises(EmptyInputError, match="vide"):
        score_territories([], profile, trade="t")
    with pytest.raises(UnknownIndicatorError, match="neet"):
        score_territories([territory("A", bmo=1.0)], profile, trade="t")
    with pytest.raises(NonFiniteValueError, match="NaN"):
        score_territories([territory("A", neet=math.nan)], profile, trade="t")
    with pytest.raises(DuplicateCodeError, match="deux fois"):
        score_territories([territory("A", neet=1.0), territory("A", neet=2.0)], profile, trade="t")
    with pytest.raises(UnknownIndicatorError, match="moins c'est mieux"):
        ScoringProfile(weights={"neet": 1.0}, lower_is_better=frozenset({"bmo"}))
    with pytest.raises(NonFiniteValueError):
        ScoringProfile(weights={"neet": math.nan})
    with pytest.raises(EmptyInputError):
        ScoringProfile(weights={})
    with pytest.raises(InvalidParameterError, match="rayon"):
        ProximityPenalty(radius_km=0.0)
    with pytest.raises(InvalidParameterError):
        ProximityPenalty(shape="gaussian")
    with pytest.raises(TerritoriesEngineError):
        weight_sensitivity([territory("A", neet=1.0)], profile, trade="t", top_k=0)


# --------------------------------------------------------------------------- properties


@given(
    territory_lists(), weights, st.sampled_from(["rank_percentile", "min_max"]), st.sampled_from(["omit", "neutral"])
)
def test_contributions_sum_to_score(territories, weights_, normalisation, missing):
    """For any data, each score is exactly the sum of its contributions minus its penalty."""
    for name in weights_:
        territories[0].values.setdefault(name, None)  # type: ignore[attr-defined]
    profile = ScoringProfile(
        weights=weights_,
        normalisation=normalisation,
        missing=missing,
        penalty=ProximityPenalty(radius_km=25.0, amount=0.3, shape="linear"),
    )
    school = ExistingSchool("S", 50.3, 3.0, frozenset({"t"}))
    result = score_territories(territories, profile, trade="t", existing_schools=[school])
    for s in result.scores:
        assert math.fsum(c.contribution for c in s.contributions) - s.penalty == pytest.approx(s.score, abs=1e-9)
        for c in s.contributions:
            assert c.normalised_value is None or 0.0 <= c.normalised_value <= 1.0
    assert sorted(s.rank for s in result.scores)[0] == 1
    assert len(result.scores) == len(territories)


@settings(max_examples=30)
@given(territory_lists(min_size=2), weights, st.integers(1, 5))
def test_sensitivity_brackets_base_rank(territories, weights_, top_k):
    """Min rank <= base rank <= max rank, the base rank is the scoring rank, shares lie in [0, 1]."""
    for name in weights_:
        territories[0].values.setdefault(name, None)  # type: ignore[attr-defined]
    profile = ScoringProfile(weights=weights_)
    ranks = {s.code: s.rank for s in score_territories(territories, profile, trade="t").scores}
    result = weight_sensitivity(territories, profile, trade="t", top_k=top_k, n_scenarios=50, seed=3)
    for s in result.territories:
        assert s.min_rank <= s.base_rank <= s.max_rank
        assert s.base_rank == ranks[s.code]
        assert 0.0 <= s.top_k_share <= 1.0


def test_sensitivity_detects_an_unstable_pair():
    """Two territories whose order flips with the weights show a rank range of 1-2."""
    profile = ScoringProfile(weights={"x": 0.5, "y": 0.5}, normalisation="min_max")
    territories = [territory("A", x=1.0, y=0.0), territory("B", x=0.0, y=0.98), territory("C", x=0.0, y=0.0)]
    result = weight_sensitivity(territories, profile, trade="t", top_k=1, n_scenarios=2000, seed=0).by_code()
    assert (result["A"].min_rank, result["A"].max_rank) == (1, 2)
    assert (result["B"].min_rank, result["B"].max_rank) == (1, 2)
    assert 0.0 < result["A"].top_k_share < 1.0
    assert result["A"].top_k_share + result["B"].top_k_share == pytest.approx(1.0)
    assert (result["C"].min_rank, result["C"].max_rank, result["C"].top_k_share) == (3, 3, 0.0)


def test_sensitivity_one_at_a_time_and_seed():
    """One-at-a-time runs 2m scenarios; Monte Carlo with the same seed is reproducible."""
    profile = ScoringProfile(weights={"x": 0.5, "y": 0.5})
    territories = [territory(f"T{i}", x=float(i % 3), y=float(i % 4)) for i in range(10)]
    oat = weight_sensitivity(territories, profile, trade="t", method=SensitivityMethod.ONE_AT_A_TIME)
    assert oat.n_scenarios == 4 and oat.seed is None
    first = weight_sensitivity(territories, profile, trade="t", n_scenarios=100, seed=7)
    second = weight_sensitivity(territories, profile, trade="t", n_scenarios=100, seed=7)
    assert first.territories == second.territories
