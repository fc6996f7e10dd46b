"""Matrix rows of the foundation views (see tests/www/test_permission_matrix.py for the format)."""

from essaim.organizations.models import Membership
from essaim.trades.models import Trade
from tests.www.matrix.actors import PARTNERS, SIGNED_IN


def usinage():
    return Trade.objects.get(slug="usinage").pk


# (name, url name, kwargs builder, method, POST data builder, allowed actors)
ROWS = [
    ("home", "dashboard:home", None, "get", None, SIGNED_IN),
    ("account", "accounts:account", None, "get", None, SIGNED_IN),
    (
        "account_post",
        "accounts:account",
        None,
        "post",
        lambda w: {"first_name": "Nouveau", "last_name": "Nom"},
        SIGNED_IN,
    ),
    ("password_change", "accounts:password_change", None, "get", None, SIGNED_IN),
    ("password_change_done", "accounts:password_change_done", None, "get", None, SIGNED_IN),
    ("organization_list", "organizations:organization_list", None, "get", None, SIGNED_IN),
    (
        "organization_detail",
        "organizations:organization_detail",
        lambda w: {"uid": w["orgs"]["holder_a"].uid},
        "get",
        None,
        SIGNED_IN,
    ),
    (
        "organization_edit",
        "organizations:organization_edit",
        lambda w: {"uid": w["orgs"]["holder_a"].uid},
        "get",
        None,
        {"platform_admin", "holder_a_admin"},
    ),
    (
        "organization_edit_post",
        "organizations:organization_edit",
        lambda w: {"uid": w["orgs"]["holder_a"].uid},
        "post",
        lambda w: {"name": "Nom changé", "siren": "", "siret": "", "website": "", "description": ""},
        {"platform_admin", "holder_a_admin"},
    ),
    (
        "membership_add",
        "organizations:membership_add",
        lambda w: {"uid": w["orgs"]["holder_a"].uid},
        "get",
        None,
        {"platform_admin", "holder_a_admin"},
    ),
    (
        "membership_add_post",
        "organizations:membership_add",
        lambda w: {"uid": w["orgs"]["holder_a"].uid},
        "post",
        lambda w: {"email": "nouvelle@exemple.fr", "role": "member", "first_name": "", "last_name": ""},
        {"platform_admin", "holder_a_admin"},
    ),
    (
        "membership_edit",
        "organizations:membership_edit",
        lambda w: {"uid": w["orgs"]["holder_a"].uid, "membership_id": w["membership_a"].pk},
        "get",
        None,
        {"platform_admin", "holder_a_admin"},
    ),
    (
        "membership_edit_post",
        "organizations:membership_edit",
        lambda w: {"uid": w["orgs"]["holder_a"].uid, "membership_id": w["membership_a"].pk},
        "post",
        lambda w: {"role": "member", "is_active": "on"},
        {"platform_admin", "holder_a_admin"},
    ),
    ("school_list", "schools:school_list", None, "get", None, SIGNED_IN),
    ("school_detail", "schools:school_detail", lambda w: {"pk": w["school"].pk}, "get", None, SIGNED_IN),
    ("project_list", "projects:project_list", None, "get", None, SIGNED_IN),
    (
        "project_detail_a",
        "projects:project_detail",
        lambda w: {"pk": w["project_a"].pk},
        "get",
        None,
        {"platform_admin", "collectivite_member", "holder_a_admin", "holder_a_reader"} | PARTNERS,
    ),
    (
        "project_detail_b",
        "projects:project_detail",
        lambda w: {"pk": w["project_b"].pk},
        "get",
        None,
        {"platform_admin", "holder_b_member"} | PARTNERS,
    ),
    ("project_create", "projects:project_create", None, "get", None, {"holder_a_admin", "holder_b_member"}),
    (
        "project_create_post",
        "projects:project_create",
        None,
        "post",
        lambda w: {"name": "Nouveau projet", "commune": "59183", "trades": [usinage()], "places_per_trade": "12"},
        {"holder_a_admin", "holder_b_member"},
    ),
    ("project_edit", "projects:project_edit", lambda w: {"pk": w["project_a"].pk}, "get", None, {"holder_a_admin"}),
    (
        "project_edit_post",
        "projects:project_edit",
        lambda w: {"pk": w["project_a"].pk},
        "post",
        lambda w: {"name": "Projet A renommé", "commune": "59183", "trades": [usinage()], "places_per_trade": "10"},
        {"holder_a_admin"},
    ),
    (
        "switch_organization_post",
        "accounts:switch_organization",
        None,
        "post",
        lambda w: {"membership": Membership.objects.get(user=w["users"]["holder_a_admin"]).pk},
        {"holder_a_admin"},
    ),
    ("territories_index", "territories:index", None, "get", None, SIGNED_IN),
    (
        "department_detail",
        "territories:department_detail",
        lambda w: {"code": w["commune"].department.code},
        "get",
        None,
        SIGNED_IN,
    ),
    ("epci_detail", "territories:epci_detail", lambda w: {"siren": w["commune"].epci.siren}, "get", None, SIGNED_IN),
    (
        "employment_zone_detail",
        "territories:employment_zone_detail",
        lambda w: {"code": w["commune"].employment_zone.code},
        "get",
        None,
        SIGNED_IN,
    ),
    ("commune_detail", "territories:commune_detail", lambda w: {"code": w["commune"].code}, "get", None, SIGNED_IN),
    ("admin_index", "admin:index", None, "get", None, {"platform_admin"}),
    ("admin_projects", "admin:projects_project_changelist", None, "get", None, {"platform_admin"}),
]
