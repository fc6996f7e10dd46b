"""Matrix rows of the opportunity analysis (see tests/www/test_permission_matrix.py for the format).

Programme partners, collectivités and platform administrators use the analysis; Région and Banque
des Territoires writers (administrateur, membre) create profiles and edit their own organisation's;
a profile that is not shared is seen by its organisation (and platform administrators) only.
"""

from django.utils import timezone

from essaim.analysis import results
from essaim.analysis.jobs import SITES_KIND
from essaim.analysis.models import ScoringProfile
from essaim.jobs.enums import JobStatus
from essaim.jobs.models import Job
from tests.www.matrix import seen
from tests.www.matrix.actors import PARTNERS

USERS = {"platform_admin", "collectivite_member"} | PARTNERS
AUTHORS = {"region_admin", "bdt_member"}


def _sites_result():
    """A stored site selection with no site (the shape of essaim.analysis.results.sites_result)."""
    answer = {
        "kind": "exact", "title": "Solution exacte", "method": "HiGHS", "status": "optimal",
        "status_label": "optimal", "solve_seconds": 0.1, "codes": [], "sites": [], "covered": 0.0,
        "share_of_coverable": None, "upper_bound": 0.0, "gap": 0.0, "gap_label": "Écart à l'optimum prouvé",
    }  # fmt: skip
    return {
        "version": results.SITES_RESULT_VERSION, "trade": {"slug": "usinage", "name": "Usinage"}, "k": 1,
        "radius_km": 30.0, "straight_km": 23.1, "road_factor": 1.3, "measure": "population",
        "measure_label": "Population", "unit": "habitants", "time_limit_s": 10, "min_population": None,
        "rules_text": ["toutes les communes"], "excluded": [], "schools_count": 0, "served_communes": 0,
        "totals": {"total_demand": 0.0, "demand_served_by_existing": 0.0, "coverable_demand": 0.0, "n_candidates": 2},
        "answers": [answer, answer | {"kind": "greedy", "title": "Solution gloutonne"}],
        "catchments": [], "coverage": {"exact": [], "greedy": []}, "points": [],
    }  # fmt: skip


def extend_world(world):
    """A Région profile kept internal, the shared reference profile, and a Région member's site selection
    (seen by him only: another user's or organisation's site selection is a 404)."""
    world["region_profile"] = ScoringProfile.objects.create(
        name="Profil interne Région", owner=world["orgs"]["region"], weights={"neet_rate": 1.0}
    )
    world["reference_profile"] = ScoringProfile.objects.reference().get()
    now = timezone.now()
    world["sites_job"] = Job.objects.create(
        kind=SITES_KIND,
        parameters={"trade": "usinage", "k": 1},
        subject="sites",
        requested_by=world["users"]["region_admin"],
        organization=world["orgs"]["region"],
        status=JobStatus.SUCCEEDED,
        attempts=1,
        started_at=now,
        finished_at=now,
        progress=1.0,
        result_data=_sites_result(),
    )


def _sites_post(world):
    return {
        "trade": "usinage", "k": "1", "radius_km": "30", "measure": "population", "road_factor": "1,3",
        "time_limit_s": "5", "min_population": "", "min_recruitment_projects": "", "industry_territory": "",
        "candidates": "",
    }  # fmt: skip


def _sites_job(fmt=None):
    if fmt is None:
        return lambda w: {"job": w["sites_job"].pk}
    return lambda w: {"job": w["sites_job"].pk, "fmt": fmt}


def snapshot():
    return {
        "scoring_profiles": list(
            ScoringProfile.objects.order_by("pk").values_list("name", "owner_id", "weights", "is_shared")
        )
    }


def _profile_post(name):
    return lambda w: {
        "name": name,
        "description": "",
        "normalisation": "min_max",
        "missing_policy": "omit",
        "penalty_amount": "0,1",
        "penalty_radius_km": "30",
        "penalty_shape": "step",
        "road_factor": "1,3",
        "weight__neet_rate": "0,7",
        "weight__youths_15_24": "0,3",
    }


# (name, url name, kwargs builder, method, POST data builder, allowed actors[, target])
ROWS = [
    ("analysis_opportunity", "analysis:opportunity", None, "get", None, USERS),
    ("analysis_sensitivity", "analysis:opportunity_sensitivity", None, "get", None, USERS),
    ("analysis_sensitivity_post", "analysis:opportunity_sensitivity", None, "post", lambda w: {}, USERS),
    ("analysis_export_csv", "analysis:opportunity_export", lambda w: {"fmt": "csv"}, "get", None, USERS),
    ("analysis_sites", "analysis:sites", None, "get", None, USERS),
    ("analysis_sites_post", "analysis:sites", None, "post", _sites_post, USERS),
    ("analysis_sites_job", "analysis:sites_job", _sites_job(), "get", None, {"region_admin"}, seen("sites_job")),
    (
        "analysis_sites_export",
        "analysis:sites_export",
        _sites_job("xlsx"),
        "get",
        None,
        {"region_admin"},
        seen("sites_job"),
    ),
    (
        "analysis_sites_commune_at",
        "analysis:sites_commune_at",
        lambda w: {"lat": "50.3", "lon": "3.05"},
        "get",
        None,
        USERS,
    ),
    (
        "analysis_sites_export_communes",
        "analysis:sites_export",
        _sites_job("csv"),
        "get",
        None,
        {"region_admin"},
        seen("sites_job"),
    ),
    (
        "analysis_territory_sheet",
        "analysis:territory_sheet",
        lambda w: {"level": "commune", "code": "59183"},
        "get",
        None,
        USERS,
    ),
    (
        "analysis_territory_sheet_pdf",
        "analysis:territory_sheet_pdf",
        lambda w: {"level": "commune", "code": "59183"},
        "get",
        None,
        USERS,
    ),
    ("analysis_profile_compare", "analysis:profile_compare", None, "get", None, USERS),
    ("analysis_profile_list", "analysis:profile_list", None, "get", None, USERS),
    (
        "analysis_profile_reference",
        "analysis:profile_detail",
        lambda w: {"pk": w["reference_profile"].pk},
        "get",
        None,
        USERS,
        seen("reference_profile"),
    ),
    (
        "analysis_profile_internal",
        "analysis:profile_detail",
        lambda w: {"pk": w["region_profile"].pk},
        "get",
        None,
        {"platform_admin", "region_admin", "region_reader"},
        seen("region_profile"),
    ),
    ("analysis_profile_create", "analysis:profile_create", None, "get", None, AUTHORS),
    ("analysis_profile_create_post", "analysis:profile_create", None, "post", _profile_post("Nouveau profil"), AUTHORS),
    (
        "analysis_profile_edit",
        "analysis:profile_edit",
        lambda w: {"pk": w["region_profile"].pk},
        "get",
        None,
        {"region_admin"},
        seen("region_profile"),
    ),
    (
        "analysis_profile_edit_post",
        "analysis:profile_edit",
        lambda w: {"pk": w["region_profile"].pk},
        "post",
        _profile_post("Profil interne renommé"),
        {"region_admin"},
        seen("region_profile"),
    ),
    (
        "analysis_profile_edit_reference",
        "analysis:profile_edit",
        lambda w: {"pk": w["reference_profile"].pk},
        "get",
        None,
        set(),
        seen("reference_profile"),
    ),
]
