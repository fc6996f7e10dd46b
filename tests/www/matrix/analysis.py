"""Matrix rows of the opportunity analysis (see tests/www/test_permission_matrix.py for the format).

Programme partners, collectivités and platform administrators use the analysis; Région and Banque
des Territoires writers (administrateur, membre) create profiles and edit their own organisation's;
a profile that is not shared is seen by its organisation (and platform administrators) only.
"""

from essaim.analysis.models import ScoringProfile
from tests.www.matrix import seen
from tests.www.matrix.actors import PARTNERS

USERS = {"platform_admin", "collectivite_member"} | PARTNERS
AUTHORS = {"region_admin", "bdt_member"}


def extend_world(world):
    """A Région profile kept internal, and the shared reference profile."""
    world["region_profile"] = ScoringProfile.objects.create(
        name="Profil interne Région", owner=world["orgs"]["region"], weights={"neet_rate": 1.0}
    )
    world["reference_profile"] = ScoringProfile.objects.reference().get()


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
    ("analysis_export_csv", "analysis:opportunity_export", lambda w: {"fmt": "csv"}, "get", None, USERS),
    ("analysis_sites", "analysis:sites", None, "get", None, USERS),
    ("analysis_sites_export", "analysis:sites_export", lambda w: {"fmt": "xlsx"}, "get", None, USERS),
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
        lambda w: {"fmt": "csv"},
        "get",
        None,
        USERS,
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
