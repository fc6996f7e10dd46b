"""Partner directory: filters (territory, trade, role), map, isolation of partnerships, SIRENE upload."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.organizations.models import Organization
from essaim.projects.enums import PartnerRole
from essaim.trades.models import Trade
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory, ProjectPartnerFactory
from tests.territories.factories import CommuneFactory, DepartmentFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parents[2] / "organizations" / "samples" / "sirene_stock_etablissement.csv"


@pytest.fixture
def world():
    nord = DepartmentFactory(code="59", name="Nord", with_contour=True)
    somme = DepartmentFactory(code="80", name="Somme", with_contour=True)
    dunkerque = CommuneFactory(code="59183", name="Dunkerque", department=nord)
    abbeville = CommuneFactory(code="80001", name="Abbeville", department=somme)
    holder_a, holder_b = OrganizationFactory(name="Porteur A"), OrganizationFactory(name="Porteur B")
    project_a = ProjectFactory(holder=holder_a, commune=dunkerque, name="Projet A")
    project_b = ProjectFactory(holder=holder_b, commune=abbeville, name="Projet B", with_trade=False)
    project_b.trade_lines.create(trade=Trade.objects.get(slug="bois-menuiserie"), places=12)
    acier = OrganizationFactory(name="Aciéries", kind=OrganizationKind.COMPANY, commune=dunkerque)
    scierie = OrganizationFactory(name="Scierie picarde", kind=OrganizationKind.COMPANY, commune=abbeville)
    ProjectPartnerFactory(project=project_a, organization=acier, role=PartnerRole.PATRON)
    ProjectPartnerFactory(project=project_b, organization=scierie, role=PartnerRole.PATRON)
    return {
        "user_a": MembershipFactory(organization=holder_a).user,
        "region": MembershipFactory(organization=OrganizationFactory(region=True), role=MembershipRole.ADMIN).user,
        "fnep_member": MembershipFactory(organization=OrganizationFactory(fnep=True)).user,
        "epci": dunkerque.epci,
    }


def _names(response):
    return [organization.name for organization in response.context["page"]]


def test_filters_by_territory_trade_and_role(client, world):
    client.force_login(world["region"])
    url = reverse("organizations:organization_list")
    assert _names(client.get(url, {"department": "80"})) == [
        "Porteur B",
        "Scierie picarde",
    ] or "Scierie picarde" in _names(client.get(url, {"department": "80"}))
    assert "Aciéries" in _names(client.get(url, {"epci": world["epci"].siren}))
    assert "Scierie picarde" not in _names(client.get(url, {"epci": world["epci"].siren}))
    assert _names(client.get(url, {"role": PartnerRole.PATRON})) == ["Aciéries", "Scierie picarde"]
    assert _names(client.get(url, {"role": PartnerRole.PATRON, "trade": "bois-menuiserie"})) == ["Scierie picarde"]
    assert _names(client.get(url, {"trade": "usinage"})) == ["Aciéries", "Porteur A"]


def test_role_filter_only_looks_at_visible_projects(client, world):
    """A holder filtering on « mécène » finds its own mécènes, never the other holder's."""
    client.force_login(world["user_a"])
    response = client.get(reverse("organizations:organization_list"), {"role": PartnerRole.PATRON})
    assert _names(response) == ["Aciéries"]
    assert "Projet B" not in response.content.decode()


def test_map_shows_points_with_names(client, world):
    client.force_login(world["region"])
    page = client.get(reverse("organizations:organization_list"), {"kind": OrganizationKind.COMPANY}).content.decode()
    assert "<svg" in page
    assert "Dunkerque : 1 organisation(s) — Aciéries" in page


def test_directory_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(world["region"])
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("organizations:organization_list"))
    for index in range(30):
        company = OrganizationFactory(
            name=f"Entreprise {index}", kind=OrganizationKind.COMPANY, commune=CommuneFactory()
        )
        ProjectPartnerFactory(organization=company)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("organizations:organization_list"))


def test_sirene_upload_by_region_admin(client, world):
    CommuneFactory(code="59183")
    client.force_login(world["region"])
    url = reverse("organizations:organization_import")
    upload = SimpleUploadedFile("stock.csv", SAMPLE.read_bytes(), content_type="text/csv")
    response = client.post(url, {"file": upload, "dry_run": "on"})
    assert "Vérification terminée, rien n'est enregistré." in response.content.decode()
    assert not Organization.objects.filter(siret="73282932000017").exists()
    upload = SimpleUploadedFile("stock.csv", SAMPLE.read_bytes(), content_type="text/csv")
    response = client.post(url, {"file": upload}, follow=True)
    assert "2 entreprise(s) créée(s)" in response.content.decode()
    bad = SimpleUploadedFile("stock.csv", b"siret\n123\n", content_type="text/csv")
    page = client.post(url, {"file": bad}).content.decode()
    assert "colonne obligatoire absente « siren »" in page


def test_sirene_upload_refused_to_readers_and_holders(client, world):
    """Programme partners' writers import (BdT included); their lecteurs and the holders do not."""
    reader = MembershipFactory(organization=OrganizationFactory(bdt=True), role=MembershipRole.READER).user
    for user in (reader, world["user_a"]):
        client.force_login(user)
        assert client.get(reverse("organizations:organization_import")).status_code == 403
    client.force_login(MembershipFactory(organization=OrganizationFactory(bdt=True)).user)
    assert client.get(reverse("organizations:organization_import")).status_code == 200


def _companies(epcis, communes, per_commune, start):
    for index in range(communes):
        commune = CommuneFactory(epci=epcis[index % len(epcis)])
        for rank in range(per_commune):
            OrganizationFactory(
                name=f"Entreprise {start + index * per_commune + rank:04d}", kind=OrganizationKind.COMPANY,
                commune=commune,
            )  # fmt: skip


def test_directory_map_weighs_the_same_with_more_communes(client, world, django_assert_max_num_queries, monkeypatch):
    """Bytes at two sizes (issue 13): above MAP_COMMUNE_POINTS communes the map draws one point per EPCI, and
    the list comes by pages of 50: 12 communes of 3 EPCI, then 36 more communes of the same EPCI, weigh the same
    in the same queries."""
    from essaim.www.organizations import views
    from tests.pagesize import assert_size_bounded
    from tests.territories.factories import EpciFactory

    monkeypatch.setattr(views, "MAP_COMMUNE_POINTS", 5)
    epcis = [EpciFactory() for _ in range(3)]
    _companies(epcis, 12, 5, 0)  # 60 companies: more than a page
    client.force_login(world["region"])
    target = reverse("organizations:organization_list")
    client.get(target)
    with django_assert_max_num_queries(20) as counted:
        small = client.get(target)
    _companies(epcis, 36, 2, 1000)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        big = client.get(target)
    html = big.content.decode()
    points = [point for point in big.context["map"].svg.split("<title>") if "voir la liste" in point]
    # The 3 EPCI (and the world's two communes' EPCI), each a link to the directory filtered on it.
    assert len(points) == small.content.decode().count("voir la liste") == 5
    assert f"?epci={epcis[0].siren}" in html and "Entreprise 1000" not in big.context["map"].svg
    assert big.context["page"].paginator.count > small.context["page"].paginator.count + 60
    assert_size_bounded(small, big)
