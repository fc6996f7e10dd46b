"""Home page per kind of organisation: the right sections with the right projects."""

import datetime as dt

import pytest
from django.urls import reverse

from essaim.organizations.enums import CollectiviteLevel, MembershipRole, OrganizationKind
from essaim.www.dashboard.sections import _PROVIDERS, HomeSection, register_section_provider
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects():
    commune = CommuneFactory(code="59183", name="Dunkerque")
    holder = OrganizationFactory(name="Porteur A")
    return {
        "commune": commune,
        "holder": holder,
        "idea": ProjectFactory(holder=holder, commune=commune, name="P-idée"),
        "pending": ProjectFactory(name="P-labellisation", stage="accreditation_pending"),
        "plan": ProjectFactory(name="P-plan", stage="financing_plan"),
        "accredited": ProjectFactory(name="P-labellisé", stage="accredited"),
        "late": ProjectFactory(name="P-retard", stage="funding_secured", target_opening_date=dt.date(2020, 9, 1)),
    }


def _home(client, organization, role=MembershipRole.MEMBER):
    client.force_login(MembershipFactory(organization=organization, role=role).user)
    response = client.get(reverse("dashboard:home"))
    # The dossier section (funding applications) is tested with the dossiers; here, the project sections.
    sections = [s for s in response.context["sections"] if s.key != "dossiers"]
    return response, {s.key: [p.name for p in s.projects or []] for s in sections}


def test_holder_sees_mes_projets(client, projects):
    response, sections = _home(client, projects["holder"])
    assert response.context["section_title"] == "Mes projets"
    assert sections == {"mes-projets": ["P-idée"]}


def test_fnep_sees_what_to_validate(client, projects):
    response, sections = _home(client, OrganizationFactory(fnep=True))
    assert response.context["section_title"] == "À valider"
    assert sections["a-labelliser"] == ["P-labellisation"]
    assert sections["plans-a-valider"] == ["P-labellisé", "P-plan"]
    assert "P-retard" in sections["en-retard"]


def test_bdt_sees_what_to_review(client, projects):
    response, sections = _home(client, OrganizationFactory(bdt=True))
    assert response.context["section_title"] == "À instruire"
    assert sections == {"a-instruire": ["P-plan"], "a-venir": ["P-labellisé"]}


def test_collectivite_sees_its_territory(client, projects):
    collectivite = OrganizationFactory(
        kind=OrganizationKind.COLLECTIVITE, collectivite_level=CollectiviteLevel.EPCI, epci=projects["commune"].epci
    )
    response, sections = _home(client, collectivite)
    assert response.context["section_title"] == "Sur mon territoire"
    assert sections == {"sur-mon-territoire": ["P-idée"]}


def test_region_sees_the_programme_by_stage_and_department(client, projects):
    response, sections = _home(client, OrganizationFactory(region=True))
    assert response.context["section_title"] == "Programme"
    table = response.context["sections"][0].table
    assert table.total == 5
    assert {label: total for label, _, total in table.rows}["Idée"] == 1
    assert "P-retard" in sections["en-retard"]
    assert sections["ouvertures"] == ["P-retard"]


def test_other_areas_can_add_sections(client, projects):
    """The extension point the funding applications area uses to add its dossier counts."""

    def extra(request):
        return [HomeSection(key="autre-domaine", title="Autre domaine", projects=[], empty_text="Rien à signaler.")]

    register_section_provider(extra)
    try:
        response, sections = _home(client, OrganizationFactory(bdt=True))
        assert "autre-domaine" in sections
        assert "Rien à signaler." in response.content.decode()
    finally:
        _PROVIDERS.remove(extra)
