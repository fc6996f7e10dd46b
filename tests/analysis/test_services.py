import pytest

from essaim.analysis import services
from essaim.analysis.defaults import REFERENCE_WEIGHTS
from essaim.analysis.models import REFERENCE_PROFILE_NAME, ScoringProfile

pytestmark = pytest.mark.django_db


def profile(**kwargs):
    values = {
        "name": "Test",
        "weights": {"neet_rate": 0.5, "youths_15_24": 0.3, "bmo_projects_per_1000": 0.2},
        "normalisation": "min_max",
        "penalty_amount": 0.1,
        "penalty_radius_km": 30.0,
    } | kwargs
    return ScoringProfile.objects.create(**values)


def test_reference_profile_is_seeded_with_documented_weights():
    """The migration seeds one shared « Profil de référence » whose weights sum to 1."""
    reference = ScoringProfile.objects.reference().get()
    assert reference.name == REFERENCE_PROFILE_NAME
    assert reference.is_shared and reference.owner is None
    assert reference.weights == REFERENCE_WEIGHTS
    assert sum(reference.weights.values()) == pytest.approx(1.0)


def test_reference_profile_is_recreated_after_a_flush():
    """scoring_profile_reference() seeds the profile again when a flush removed it."""
    ScoringProfile.objects.all().delete()
    assert services.scoring_profile_reference().name == REFERENCE_PROFILE_NAME


def test_epci_scores_follow_min_max_and_penalty(small_world, selectors):
    """EPCI scores are the weighted min-max values minus the penalty near the usinage school."""
    run = services.scoring_run(profile=profile(), trade=small_world["usinage"], level="epci")
    by_code = run.result.by_code()
    alpha, beta, gamma = by_code["200000001"], by_code["200000002"], by_code["200000003"]
    # neet 0.15/0.25/0.20 → 0, 1, 0.5 ; youths 3000/1200/1800 → 1, 0, 1/3 ; bmo 2, 1, None → 1, 0, missing
    assert alpha.score == pytest.approx(0.0 + 0.3 + 0.2 - 0.1)
    assert beta.score == pytest.approx(0.5)
    assert gamma.score == pytest.approx(0.25 + 0.1)
    assert alpha.penalty == 0.1 and beta.penalty == 0.0
    assert gamma.missing_indicators == ("bmo_projects_per_1000",)
    assert [s.code for s in run.result.scores] == ["200000002", "200000001", "200000003"]
    assert run.places["200000001"].name == "CA Alpha"
    assert [s.name for s in run.schools] == ["École Alpha"]


def test_every_row_total_is_the_sum_of_its_parts(small_world, selectors):
    """Explainability: each score equals its contributions minus its penalty, at every level."""
    ranked = profile(normalisation="rank_percentile")
    for level in ("commune", "epci", "employment_zone", "department"):
        run = services.scoring_run(profile=ranked, trade=small_world["usinage"], level=level)
        for item in run.result.scores:
            assert sum(c.contribution for c in item.contributions) - item.penalty == item.score
            assert all(c.contribution == c.weight * (c.normalised_value or 0.0) for c in item.contributions)


def test_direction_override_flips_an_indicator(small_world, selectors):
    """A « lower » override flips the normalised value (1 − v) of that indicator."""
    base = services.scoring_run(profile=profile(weights={"neet_rate": 1.0}), trade=small_world["usinage"], level="epci")
    flipped = services.scoring_run(
        profile=profile(name="Inversé", weights={"neet_rate": 1.0}, directions={"neet_rate": "lower"}),
        trade=small_world["usinage"],
        level="epci",
    )
    assert base.result.scores[0].code == "200000002"
    assert flipped.result.scores[0].code == "200000001"


def test_catalogue_direction_is_used_by_default(small_world, selectors):
    """cfa_count is « lower means more need » in the catalogue: fewer CFA ranks first."""
    run = services.scoring_run(
        profile=profile(weights={"cfa_count": 1.0}, penalty_amount=0), trade=small_world["usinage"], level="epci"
    )
    assert run.result.scores[0].code == "200000002"
    assert run.directions == {"cfa_count": "lower"}


def test_indicator_without_any_value_is_reported(small_world, selectors):
    """A weighted indicator absent for the trade (textile: no BMO) scores 0 and is reported."""
    textile = small_world["usinage"].__class__.objects.get(slug="textile")
    run = services.scoring_run(profile=profile(), trade=textile, level="epci")
    assert run.result.indicators_without_data == ("bmo_projects_per_1000",)
    assert "aucune valeur" in run.warnings[0]
    assert run.schools == []


def test_unknown_indicator_in_profile_is_a_french_error(small_world, selectors):
    """A profile weighting an indicator missing from the catalogue is refused with a French message."""
    with pytest.raises(services.AnalysisError, match="absents du catalogue : inconnu"):
        services.scoring_run(profile=profile(weights={"inconnu": 1.0}), trade=small_world["usinage"], level="epci")


def test_extra_codes_are_fetched_with_the_scores(small_world, selectors):
    """The indicator drawn on the map comes with the same table call."""
    run = services.scoring_run(profile=profile(), trade=small_world["usinage"], level="epci", extra_codes=["cfa_count"])
    assert run.values["200000001"]["cfa_count"] == 3.0
    assert [c[:3] for c in selectors.calls] == [("indicator_table", "epci", "usinage")]


def test_sensitivity_gives_rank_ranges(small_world, selectors):
    """Rank stability: min ≤ base ≤ max rank and a share in the top k for every territory."""
    result = services.scoring_sensitivity(profile=profile(), trade=small_world["usinage"], level="commune", top_k=2)
    assert len(result.territories) == 6
    for item in result.territories:
        assert item.min_rank <= item.base_rank <= item.max_rank
        assert 0.0 <= item.top_k_share <= 1.0


def test_sites_avoid_youths_served_by_the_existing_school(small_world, selectors):
    """With one usinage school in Alpha-Ville, one new school goes where uncovered youths are."""
    run = services.sites_run(trade=small_world["usinage"], k=1, radius_km=20.0, measure="youths_15_24")
    comparison = run.comparison
    assert comparison.demand_served_by_existing == pytest.approx(3000.0)  # Alpha-Ville and Alpha-Bourg
    assert comparison.exact.status.value == "optimal"
    assert comparison.exact.codes[0] in {"62001", "62002"}
    assert comparison.exact.covered_demand == pytest.approx(1800.0)
    assert sum(site.marginal_gain for site in comparison.exact.sites) == pytest.approx(comparison.exact.covered_demand)
    assert comparison.greedy.covered_demand <= comparison.exact.covered_demand


def test_sites_refuse_an_unknown_measure(small_world, selectors):
    """An unknown demand measure is a French error."""
    with pytest.raises(services.AnalysisError, match="Mesure de la demande inconnue"):
        services.sites_run(trade=small_world["usinage"], k=1, radius_km=20.0, measure="tout")


def test_sites_engine_errors_are_french(small_world, selectors):
    """More sites than candidates: the engine's French message is passed on."""
    with pytest.raises(services.AnalysisError, match="Impossible d'implanter 9 écoles"):
        services.sites_run(trade=small_world["usinage"], k=9, radius_km=20.0)


def test_level_places_use_population_weighted_centroids(small_world):
    """A zone's position is the population-weighted mean of its communes' centroids."""
    places = services.level_places("employment_zone")
    zone = places["3202"]
    expected_lat = (500 * 50.35 + 12_000 * 50.65 + 3_000 * 50.65) / 15_500
    assert zone.lat == pytest.approx(expected_lat)
    assert zone.population == 15_500


def test_fictitious_demo_schools_never_count_as_real_ones(small_world, selectors):
    """« École de production de démonstration » (opened from an ``is_demo`` project) in Gamma-Ville is neither an
    existing school of the analysis nor a server of youths in site selection; a real school there would be."""
    from essaim.schools.models import ProductionSchool
    from tests.projects.factories import ProjectFactory

    gamma = small_world["communes"]["62001"]
    demo = ProductionSchool.objects.create(
        name="École de production de démonstration",
        commune=gamma,
        sources="/projets/1/",
        project=ProjectFactory(commune=gamma, is_demo=True),
    )
    demo.trades.add(small_world["usinage"])
    assert [s.name for s in services.existing_schools(small_world["usinage"])] == ["École Alpha"]
    run = services.sites_run(trade=small_world["usinage"], k=1, radius_km=20.0, measure="youths_15_24")
    assert run.comparison.demand_served_by_existing == pytest.approx(3000.0)
    assert run.comparison.exact.codes[0] in {"62001", "62002"}
    ProductionSchool.objects.filter(pk=demo.pk).update(project=ProjectFactory(commune=gamma, is_demo=False))
    assert len(services.existing_schools(small_world["usinage"])) == 2
