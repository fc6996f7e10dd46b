"""The permission matrix: every role × every view and action.

Each row names a view (URL name, how to build its arguments, GET or POST) and the actors allowed.
Allowed actors succeed; the others get a redirect to the login page (anonymous), 403 or 404,
and — for actions — the database is left unchanged. A last test checks that every URL of the
interface appears in the matrix, so a new view cannot be added without its rule.
"""

import pytest
from django.urls import get_resolver, reverse

from essaim.organizations.enums import CollectiviteLevel, MembershipRole, OrganizationKind
from essaim.organizations.models import Membership, Organization
from essaim.projects.models import Project
from essaim.schools.models import ProductionSchool
from essaim.trades.models import Trade
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "platform_admin",
    "region_admin",
    "region_reader",
    "bdt_member",
    "fnep_member",
    "collectivite_member",
    "holder_a_admin",
    "holder_a_reader",
    "holder_b_member",
    "company_member",
    "no_organization",
]
SIGNED_IN = set(ACTORS) - {"anonymous"}
PARTNERS = {"region_admin", "region_reader", "bdt_member", "fnep_member"}


@pytest.fixture
def world():
    """Two holders with a project each, the programme partners, a collectivité around project A."""
    commune_a = CommuneFactory(code="59183", name="Dunkerque")
    commune_b = CommuneFactory(code="80001", name="Abbeville")
    holder_a = OrganizationFactory(name="Porteur A", kind=OrganizationKind.PROJECT_HOLDER)
    holder_b = OrganizationFactory(name="Porteur B", kind=OrganizationKind.PROJECT_HOLDER)
    collectivite = OrganizationFactory(
        name="CU de Dunkerque",
        kind=OrganizationKind.COLLECTIVITE,
        collectivite_level=CollectiviteLevel.EPCI,
        epci=commune_a.epci,
    )
    orgs = {
        "region": OrganizationFactory(region=True),
        "bdt": OrganizationFactory(bdt=True),
        "fnep": OrganizationFactory(fnep=True),
        "company": OrganizationFactory(name="Entreprise", kind=OrganizationKind.COMPANY),
        "collectivite": collectivite,
        "holder_a": holder_a,
        "holder_b": holder_b,
    }
    users = {"anonymous": None, "platform_admin": UserFactory(platform_admin=True), "no_organization": UserFactory()}
    for actor, org_key, role in [
        ("region_admin", "region", MembershipRole.ADMIN),
        ("region_reader", "region", MembershipRole.READER),
        ("bdt_member", "bdt", MembershipRole.MEMBER),
        ("fnep_member", "fnep", MembershipRole.MEMBER),
        ("collectivite_member", "collectivite", MembershipRole.MEMBER),
        ("holder_a_admin", "holder_a", MembershipRole.ADMIN),
        ("holder_a_reader", "holder_a", MembershipRole.READER),
        ("holder_b_member", "holder_b", MembershipRole.MEMBER),
        ("company_member", "company", MembershipRole.MEMBER),
    ]:
        users[actor] = MembershipFactory(organization=orgs[org_key], role=role).user
    project_a = ProjectFactory(holder=holder_a, commune=commune_a, name="Projet A")
    project_b = ProjectFactory(holder=holder_b, commune=commune_b, name="Projet B")
    school = ProductionSchool.objects.create(name="École réelle", commune=commune_b, sources="https://exemple.fr")
    return {
        "users": users,
        "orgs": orgs,
        "project_a": project_a,
        "project_b": project_b,
        "school": school,
        "commune": commune_a,
        "membership_a": Membership.objects.get(user=users["holder_a_reader"]),
    }


def usinage():
    return Trade.objects.get(slug="usinage").pk


# (name, url name, kwargs builder, method, POST data builder, allowed actors)
MATRIX = [
    ("home", "www:home", None, "get", None, SIGNED_IN),
    ("account", "www:account", None, "get", None, SIGNED_IN),
    ("account_post", "www:account", None, "post", lambda w: {"first_name": "Nouveau", "last_name": "Nom"}, SIGNED_IN),
    ("password_change", "www:password_change", None, "get", None, SIGNED_IN),
    ("password_change_done", "www:password_change_done", None, "get", None, SIGNED_IN),
    ("organization_list", "www:organization_list", None, "get", None, SIGNED_IN),
    (
        "organization_detail",
        "www:organization_detail",
        lambda w: {"uid": w["orgs"]["holder_a"].uid},
        "get",
        None,
        SIGNED_IN,
    ),
    (
        "organization_edit",
        "www:organization_edit",
        lambda w: {"uid": w["orgs"]["holder_a"].uid},
        "get",
        None,
        {"platform_admin", "holder_a_admin"},
    ),
    (
        "organization_edit_post",
        "www:organization_edit",
        lambda w: {"uid": w["orgs"]["holder_a"].uid},
        "post",
        lambda w: {"name": "Nom changé", "siren": "", "siret": "", "website": "", "description": ""},
        {"platform_admin", "holder_a_admin"},
    ),
    (
        "membership_add",
        "www:membership_add",
        lambda w: {"uid": w["orgs"]["holder_a"].uid},
        "get",
        None,
        {"platform_admin", "holder_a_admin"},
    ),
    (
        "membership_add_post",
        "www:membership_add",
        lambda w: {"uid": w["orgs"]["holder_a"].uid},
        "post",
        lambda w: {"email": "nouvelle@exemple.fr", "role": "member", "first_name": "", "last_name": ""},
        {"platform_admin", "holder_a_admin"},
    ),
    (
        "membership_edit",
        "www:membership_edit",
        lambda w: {"uid": w["orgs"]["holder_a"].uid, "membership_id": w["membership_a"].pk},
        "get",
        None,
        {"platform_admin", "holder_a_admin"},
    ),
    (
        "membership_edit_post",
        "www:membership_edit",
        lambda w: {"uid": w["orgs"]["holder_a"].uid, "membership_id": w["membership_a"].pk},
        "post",
        lambda w: {"role": "member", "is_active": "on"},
        {"platform_admin", "holder_a_admin"},
    ),
    ("school_list", "www:school_list", None, "get", None, SIGNED_IN),
    ("school_detail", "www:school_detail", lambda w: {"pk": w["school"].pk}, "get", None, SIGNED_IN),
    ("project_list", "www:project_list", None, "get", None, SIGNED_IN),
    (
        "project_detail_a",
        "www:project_detail",
        lambda w: {"pk": w["project_a"].pk},
        "get",
        None,
        {"platform_admin", "collectivite_member", "holder_a_admin", "holder_a_reader"} | PARTNERS,
    ),
    (
        "project_detail_b",
        "www:project_detail",
        lambda w: {"pk": w["project_b"].pk},
        "get",
        None,
        {"platform_admin", "holder_b_member"} | PARTNERS,
    ),
    ("project_create", "www:project_create", None, "get", None, {"holder_a_admin", "holder_b_member"}),
    (
        "project_create_post",
        "www:project_create",
        None,
        "post",
        lambda w: {"name": "Nouveau projet", "commune": "59183", "trades": [usinage()], "places_per_trade": "12"},
        {"holder_a_admin", "holder_b_member"},
    ),
    ("project_edit", "www:project_edit", lambda w: {"pk": w["project_a"].pk}, "get", None, {"holder_a_admin"}),
    (
        "project_edit_post",
        "www:project_edit",
        lambda w: {"pk": w["project_a"].pk},
        "post",
        lambda w: {"name": "Projet A renommé", "commune": "59183", "trades": [usinage()], "places_per_trade": "10"},
        {"holder_a_admin"},
    ),
    (
        "switch_organization_post",
        "www:switch_organization",
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

# Actions that change the session only (which organisation one acts for), not the database.
SESSION_ONLY_ACTIONS = {"switch_organization_post"}

# Views reached without signing in (authentication itself), outside the matrix on purpose.
PUBLIC_VIEWS = {
    "www:login",
    "www:logout",
    "www:password_reset",
    "www:password_reset_done",
    "www:password_reset_confirm",
    "www:password_reset_complete",
}


def snapshot():
    """What a refused action must leave untouched."""
    return {
        "organizations": list(Organization.objects.order_by("pk").values_list("name", "siren", "description")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list("user_id", "organization_id", "role", "is_active")
        ),
        "projects": list(Project.objects.order_by("pk").values_list("name", "commune_id", "stage")),
        "project_trades": list(
            Project.objects.order_by("pk").values_list("trade_lines__trade_id", "trade_lines__places")
        ),
        "users": list(
            __import__("essaim.accounts.models", fromlist=["User"])
            .User.objects.order_by("pk")
            .values_list("email", "first_name", "last_name")
        ),
    }


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(client, world, row, actor):
    """Allowed actors succeed; others are refused (login redirect, 403 or 404) and nothing changes."""
    _, url_name, kwargs_builder, method, data_builder, allowed = row
    user = world["users"][actor]
    if user is not None:
        client.force_login(user)
    url = reverse(url_name, kwargs=kwargs_builder(world) if kwargs_builder else None)
    before = snapshot()
    response = client.get(url) if method == "get" else client.post(url, data_builder(world))
    if actor in allowed:
        assert response.status_code in (200, 302), f"{actor} devrait accéder à {url_name}"
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("www:login")), f"{actor} renvoyé vers la connexion"
            assert not response["Location"].startswith(reverse("admin:login"))
        if method == "post" and row[0] not in SESSION_ONLY_ACTIONS:
            assert snapshot() != before, f"{actor} : l'action {url_name} n'a rien enregistré"
    else:
        if url_name.startswith("admin:"):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
        elif user is None:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("www:login"))
        else:
            assert response.status_code in (403, 404), f"{actor} ne devrait pas accéder à {url_name}"
        assert snapshot() == before, f"{actor} : l'action refusée {url_name} a modifié des données"


def _named_urls(resolver, namespace=""):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            ns = pattern.namespace or ""
            yield from _named_urls(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_interface_view_is_in_the_matrix():
    """Each named URL of the web interface has a row in the matrix (or is an authentication page)."""
    covered = {row[1] for row in MATRIX} | PUBLIC_VIEWS
    interface_urls = {name for name in _named_urls(get_resolver()) if not name.startswith("admin:")}
    assert interface_urls - covered == set()
