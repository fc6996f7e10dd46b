"""The permission matrix: every role × every view and action.

Each row names a view (URL name, how to build its arguments, GET or POST), the actors allowed and the
object the URL is about (tests/www/matrix/__init__.py). Allowed actors succeed; the others get a
redirect to the login page (anonymous), 404 when they do not see that object (another organisation's
object is indistinguishable from a missing one), 403 when they see it but may not act; and — for
actions — the database is left unchanged. A last test checks that every URL of the
interface appears in the matrix, so a new view cannot be added without its rule.
"""

import importlib
import os
import pickle
import pkgutil
import re
import shutil
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

import tests.www.matrix as matrix_package
from essaim.organizations.enums import CollectiviteLevel, MembershipRole, OrganizationKind
from essaim.organizations.models import Membership, Organization
from essaim.projects.models import Project
from essaim.schools.models import ProductionSchool, SchoolYear, Workshop
from essaim.trades.models import Trade
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.shared_worlds import shared_transaction
from tests.territories.factories import CommuneFactory
from tests.worlds import loaded
from tests.www.matrix.actors import ACTORS

MATRIX = []
_WORLD_EXTENSIONS = []
_SNAPSHOTS = []
for _module_info in sorted(pkgutil.iter_modules(matrix_package.__path__), key=lambda m: m.name):
    _module = importlib.import_module(f"tests.www.matrix.{_module_info.name}")
    MATRIX.extend(getattr(_module, "ROWS", []))
    if hasattr(_module, "extend_world"):
        _WORLD_EXTENSIONS.append(_module.extend_world)
    if hasattr(_module, "snapshot"):
        _SNAPSHOTS.append(_module.snapshot)

pytestmark = pytest.mark.django_db


def build_world():
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
    # Open schools run on Essaim by holders A and B (the staff of each is its organisation's members).
    open_schools = {}
    for key, holder, project, commune in [("a", holder_a, project_a, commune_a), ("b", holder_b, project_b, commune_b)]:
        open_school = ProductionSchool.objects.create(
            name=f"École {key.upper()}",
            commune=commune,
            organization=holder,
            project=project,
            sources="https://exemple.fr",
        )
        trade = Trade.objects.get(slug="usinage")
        open_schools[f"open_school_{key}"] = open_school
        open_schools[f"workshop_{key}"] = Workshop.objects.create(school=open_school, trade=trade, name="Atelier")
        open_schools[f"school_year_{key}"] = SchoolYear.objects.create(
            school=open_school, label="2026-2027", start_date=date(2026, 9, 1), end_date=date(2027, 7, 3)
        )
    world = {
        "users": users,
        "orgs": orgs,
        "project_a": project_a,
        "project_b": project_b,
        "school": school,
        "commune": commune_a,
        "membership_a": Membership.objects.get(user=users["holder_a_reader"]),
        **open_schools,
    }
    for extend in _WORLD_EXTENSIONS:
        extend(world)
    return world


# The world's Python objects (pickled) and the actors' session keys, per test database of this process.
_BUILT: dict[tuple[str, str], tuple[bytes, dict[str, str]]] = {}


def _database_key() -> tuple[str, str]:
    return connection.vendor, str(connection.settings_dict["NAME"])


def _build_world_and_sessions() -> None:
    """Build the world and sign each actor in; keep the world as bytes (each case unpickles its own copy)."""
    built = build_world()
    sessions = {}
    for actor, user in built["users"].items():
        if user is not None:
            login = Client()
            login.force_login(user)
            sessions[actor] = login.cookies[django_settings.SESSION_COOKIE_NAME].value
    _BUILT[_database_key()] = pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL), sessions


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once per module and worker, inside a transaction rolled back at the end.

    Each case runs in its own savepoint on top of it (pytest-django's ``db``), so whatever a case
    writes is undone before the next one. The files the world writes (dossier documents, receipts)
    go to a folder of their own, linked into each case's media folder by ``world``. Each signed-in
    actor's session is opened here once (``force_login``), in the same transaction: a case presents
    its cookie, and what a request changes in the session is undone with the case's savepoint.

    Four modules start from this world (the matrix, the hostile inputs, the absurd stored values, the
    visibility rules): the first of a process builds it (≈ 6 s of CPU), the next ones get its rows and
    files back by a plain copy (tests/worlds.py, ``loaded``), ids and sessions included.
    """
    media_root = tmp_path_factory.mktemp("matrix-world-media")
    with shared_transaction(django_db_blocker, media_root):
        loaded("permission-matrix", _build_world_and_sessions)
        yield *_BUILT[_database_key()], media_root


@pytest.fixture
def world(shared_world, db, settings, _media_root):
    """A fresh copy of the shared world for one case.

    The database rows are the shared ones (the case's savepoint undoes its writes); the Python
    objects are new ones, unpickled for this case (five times cheaper than a deep copy), so what a
    case caches or changes on them (``_current_membership``, related-object caches) never reaches
    the next case. The world's files are hard-linked into the case's own media folder: a case that
    adds or deletes a file changes only its own folder (storage never rewrites a file in place).
    """
    built, sessions, media_root = shared_world
    shutil.copytree(media_root, settings.MEDIA_ROOT, copy_function=os.link, dirs_exist_ok=True)
    return pickle.loads(built) | {"sessions": sessions}  # noqa: S301  (bytes this module wrote)


# Actions that change the session only (which organisation one acts for), not the database.
SESSION_ONLY_ACTIONS = {"switch_organization_post"}
# POSTs that print a preview and record nothing, by design (the allowed actor's POST leaves the database as it was).
READ_ONLY_POSTS = {"fa_decision_preview", "fa_desk_batch_export"}

# Views reached without signing in (authentication itself), outside the matrix on purpose.
PUBLIC_VIEWS = {
    "accounts:login",
    "accounts:logout",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    # A funder's grants file once it switched its publication on (SCDL open data): 404 otherwise.
    "open_data:public_grants",
}


def snapshot():
    """What a refused action must leave untouched (each matrix module may add its own part)."""
    extra = {}
    for part in _SNAPSHOTS:
        extra.update(part())
    return extra | {
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


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# On SQLite, the envelope services take the database write lock first, by an UPDATE that matches no row
# (essaim/funding_programmes/services.py, ``serialize_envelope_writes``): it changes nothing.
SQLITE_WRITE_LOCK = re.compile(
    r'^UPDATE "funding_programmes_budgetenvelope" SET .* WHERE "funding_programmes_budgetenvelope"\."id" = -1$'
)


def _writes(queries):
    """The statements of ``queries`` that change a table other than the session store."""
    return [
        q["sql"]
        for q in queries
        if WRITE.match(q["sql"]) and "django_session" not in q["sql"] and not SQLITE_WRITE_LOCK.match(q["sql"])
    ]


def expected_refusal(row, world, user):
    """403 when the actor sees the object the URL names (or the URL names none), else 404."""
    target = row[6] if len(row) > 6 else None
    return 404 if target is not None and not target(world, user) else 403


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(client, world, row, actor):
    """Allowed actors succeed; others are refused — a redirect to the sign-in page when anonymous, 404
    when the object the URL names is not theirs to see, 403 when they see it but may not act — and
    nothing changes: a GET, a refused POST and a preview write nothing (no INSERT, UPDATE or DELETE in
    any table but the session's). An allowed action must record something: the database is compared
    before and after it (``snapshot``, the costly part, taken for those cases only)."""
    _, url_name, kwargs_builder, method, data_builder, allowed = row[:6]
    user = world["users"][actor]
    if user is not None:
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world["sessions"][actor]  # signed in (shared_world)
    url = reverse(url_name, kwargs=kwargs_builder(world) if kwargs_builder else None)
    records = method == "post" and actor in allowed and row[0] not in READ_ONLY_POSTS | SESSION_ONLY_ACTIONS
    before = snapshot() if records else None
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url) if method == "get" else client.post(url, data_builder(world))
    writes = _writes(queries.captured_queries)
    if actor in allowed:
        assert response.status_code in (200, 302), f"{actor} devrait accéder à {url_name}"
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("accounts:login")), f"{actor} renvoyé vers la connexion"
            assert not response["Location"].startswith(reverse("admin:login"))
        if method == "get":
            assert writes == [], f"{actor} : GET {url_name} a écrit en base"
        elif row[0] in READ_ONLY_POSTS:
            assert writes == [], f"{actor} : l'aperçu {url_name} a écrit en base"
        elif records:
            assert snapshot() != before, f"{actor} : l'action {url_name} n'a rien enregistré"
        return
    if url_name.startswith("admin:"):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    elif user is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        expected = expected_refusal(row, world, user)
        assert response.status_code == expected, (
            f"{actor} sur {url_name} : {response.status_code} au lieu de {expected}"
        )
    assert writes == [], f"{actor} : {method.upper()} {url_name} refusé a écrit en base : {writes[:3]}"


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
    # The API (``api:``) authenticates by token: its matrix is tests/api/test_matrix.py.
    interface_urls = {name for name in _named_urls(get_resolver()) if not name.startswith(("admin:", "api:"))}
    assert interface_urls - covered == set()
