"""The main navigation (essaim/www/navigation.py) renders, for every demo role and on every kind of
page, exactly what the former hand-written menu of base.html rendered.

``legacy_main_navigation.html`` is that menu as it stood before the registry (path slices and a test
of the acting organisation's kind), with the URL names of today; each case renders it with the same request and
compares the entries (address, label, current page) with the page's own menu.
"""

import re
from pathlib import Path

import pytest
import rules
from django.template import Context, Template
from django.urls import reverse

from essaim.organizations.enums import CollectiviteLevel, MembershipRole, OrganizationKind
from essaim.schools.models import ProductionSchool
from essaim.www.navigation import MAIN_NAVIGATION
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

LEGACY_MENU = (Path(__file__).parent / "legacy_main_navigation.html").read_text(encoding="utf-8")
ENTRY = re.compile(r'<li><a href="([^"]*)"( aria-current="page")?>([^<]*)</a></li>')

# The demo accounts' roles (essaim/demo/data.py, DEMO_ACCOUNTS): (kind of organisation, role); None = admin@.
DEMO_ROLES = {
    "admin": None,
    "region": (OrganizationKind.REGION, MembershipRole.ADMIN),
    "lecteur.region": (OrganizationKind.REGION, MembershipRole.READER),
    "bdt": (OrganizationKind.BANQUE_DES_TERRITOIRES, MembershipRole.MEMBER),
    "fnep": (OrganizationKind.FEDERATION, MembershipRole.MEMBER),
    "collectivite": (OrganizationKind.COLLECTIVITE, MembershipRole.MEMBER),
    "porteur": (OrganizationKind.PROJECT_HOLDER, MembershipRole.ADMIN),
}


@pytest.fixture
def site():
    """A holder's project at Dunkerque with its open school, and one user per demo role."""
    commune = CommuneFactory(code="59183", name="Dunkerque")
    holder = OrganizationFactory(name="Forge du Littoral", kind=OrganizationKind.PROJECT_HOLDER)
    project = ProjectFactory(holder=holder, commune=commune, name="Projet de Dunkerque")
    school = ProductionSchool.objects.create(
        name="École de Dunkerque", commune=commune, organization=holder, project=project, sources="https://exemple.fr"
    )
    users = {}
    for role, spec in DEMO_ROLES.items():
        if spec is None:
            users[role] = UserFactory(platform_admin=True)
            continue
        kind, membership_role = spec
        organization = holder
        if kind == OrganizationKind.COLLECTIVITE:
            organization = OrganizationFactory(
                kind=kind, collectivite_level=CollectiviteLevel.EPCI, epci=commune.epci, name="CU de Dunkerque"
            )
        elif kind != OrganizationKind.PROJECT_HOLDER:
            organization = OrganizationFactory(kind=kind, name=kind.label)
        users[role] = MembershipFactory(organization=organization, role=membership_role).user
    return {"project": project, "school": school, "users": users}


def _pages(site):
    project, school = site["project"], site["school"]
    return [
        reverse("dashboard:home"),
        reverse("accounts:account"),
        reverse("projects:project_list"),
        reverse("projects:project_detail", kwargs={"pk": project.pk}),
        reverse("financing:plan_list", kwargs={"project_pk": project.pk}),
        reverse("funding_applications:list"),
        reverse("funding_programmes:catalogue"),
        reverse("funding_programmes:project_matching", kwargs={"project_pk": project.pk}),
        reverse("steering:dashboard"),
        reverse("schools:my_school"),
        reverse("schools:school_home", kwargs={"school_pk": school.pk}),
        reverse("orders:customer_list", kwargs={"school_pk": school.pk}),
        reverse("learners:list", kwargs={"school_pk": school.pk}),
        reverse("schools:school_list"),
        reverse("schools:school_detail", kwargs={"pk": school.pk}),
        reverse("territories:index"),
        reverse("analysis:opportunity"),
        reverse("indicators:catalogue"),
        reverse("organizations:organization_list"),
    ]


def _entries(html):
    menu = html.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    return ENTRY.findall(menu)


@pytest.mark.parametrize("role", DEMO_ROLES)
def test_the_menu_is_the_former_one_for_every_demo_role(client, site, role):
    user = site["users"][role]
    client.force_login(user)
    legacy = Template(LEGACY_MENU)
    compared = 0
    for url in _pages(site):
        response = client.get(url, follow=True)
        if response.status_code != 200:
            continue  # a page the role may not open (403/404 pages carry no menu)
        request = response.wsgi_request
        expected = legacy.render(
            Context(
                {
                    "request": request,
                    "user": user,
                    "can_view_steering": rules.has_perm("steering.view_dashboard", user),
                    "can_use_analysis": rules.has_perm("analysis.use", user),
                }
            )
        )
        assert _entries(response.content.decode()) == ENTRY.findall(expected), f"{role} sur {request.path}"
        compared += 1
    assert compared >= 10, f"{role} : {compared} pages comparées seulement"


def test_every_entry_names_a_rule_or_is_shared():
    """Entries without a rule are the pages every signed-in user may open."""
    shared = {entry.label for entry in MAIN_NAVIGATION if entry.perm is None}
    assert shared == {
        "Accueil",
        "Projets",
        "Dossiers",
        "Financements",
        "Écoles de production",
        "Territoires",
        "Indicateurs",
        "Partenaires",
    }
    for entry in MAIN_NAVIGATION:
        if entry.perm is not None:
            assert rules.perm_exists(entry.perm), entry.perm
