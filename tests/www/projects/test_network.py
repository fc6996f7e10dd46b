"""A project's network: the programme partners build it (status, contact, engagement, log), the holder
sees it; programme partners create organisations; prospection of firms around a project."""

import csv
import html
import io

import pytest
from django.urls import reverse

from essaim.organizations.enums import HeadcountBand, MembershipRole, OrganizationKind
from essaim.organizations.models import Organization
from essaim.projects.enums import PartnerRole, PartnerStatus
from essaim.projects.models import ProjectPartner, ProjectPartnerTransition
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    dunkerque = CommuneFactory(code="59183", name="Dunkerque", latitude=51.0344, longitude=2.3768)
    grande_synthe = CommuneFactory(code="59271", name="Grande-Synthe", latitude=51.0139, longitude=2.3028)  # ~6 km
    lille = CommuneFactory(code="59350", name="Lille", latitude=50.6292, longitude=3.0573)  # ~64 km
    holder = OrganizationFactory(name="Porteur A")
    return {
        "dunkerque": dunkerque,
        "grande_synthe": grande_synthe,
        "lille": lille,
        "holder": holder,
        "holder_user": MembershipFactory(organization=holder, role=MembershipRole.ADMIN).user,
        "holder_reader": MembershipFactory(organization=holder, role=MembershipRole.READER).user,
        "region": MembershipFactory(organization=OrganizationFactory(region=True)).user,
        "bdt": MembershipFactory(organization=OrganizationFactory(bdt=True)).user,
        "project": ProjectFactory(holder=holder, commune=dunkerque, name="École de production de Dunkerque"),
    }


def _firm(name, commune, code="25.62A", band=HeadcountBand.FROM_20, siret=None):
    return OrganizationFactory(
        name=name, kind=OrganizationKind.COMPANY, commune=commune, activity_code=code, headcount_band=band
    )


@pytest.mark.parametrize("actor", ["region", "bdt"])
def test_region_and_bdt_build_the_network_and_the_holder_sees_it(client, world, actor):
    company = _firm("Aciéries du Littoral", world["dunkerque"])
    client.force_login(world[actor])
    url = reverse("projects:project_partner_add", kwargs={"pk": world["project"].pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "organization": company.uid,
            "role": PartnerRole.PATRON,
            "status": PartnerStatus.INTERESTED,
            "contact_name": "Claire Martin",
            "contact_email": "claire@acieries.example",
            "engagement_kinds": ["money", "tutors"],
            "engagement_amount": "15 000",
            "engagement_detail": "2 tuteurs",
        },
    )
    assert response.status_code == 302
    partner = ProjectPartner.objects.get()
    assert (partner.status, partner.contact_name, partner.engagement_kinds, str(partner.engagement_amount)) == (
        PartnerStatus.INTERESTED,
        "Claire Martin",
        ["money", "tutors"],
        "15000.00",
    )
    line = ProjectPartnerTransition.objects.get()
    assert (line.by, line.to_state, line.organization.kind) == (
        world[actor],
        PartnerStatus.INTERESTED,
        OrganizationKind.REGION if actor == "region" else OrganizationKind.BANQUE_DES_TERRITOIRES,
    )
    # The holder sees its network: status, contact, engagement.
    client.force_login(world["holder_reader"])
    page = client.get(reverse("projects:project_detail", kwargs={"pk": world["project"].pk})).content.decode()
    assert "Aciéries du Littoral" in page and "Intéressé" in page and "Claire Martin" in page
    assert "Financement, Tuteurs" in page and "15\u202f000,00" in page
    detail = client.get(
        reverse("projects:project_partner_detail", kwargs={"pk": world["project"].pk, "partner_id": partner.pk})
    )
    assert detail.status_code == 200 and "Changer le statut" in detail.content.decode()
    assert "Enregistrer le statut" not in detail.content.decode()  # a lecteur reads only


def test_status_moves_are_logged_with_who_and_when(client, world):
    company = _firm("Forges du Port", world["dunkerque"])
    client.force_login(world["region"])
    add = reverse("projects:project_partner_add", kwargs={"pk": world["project"].pk})
    client.post(add, {"organization": company.uid, "role": PartnerRole.CUSTOMER})
    partner = ProjectPartner.objects.get()
    assert partner.status == PartnerStatus.CONTACTED
    url = reverse("projects:project_partner_transition", kwargs={"pk": world["project"].pk, "partner_id": partner.pk})
    response = client.post(url, {"status-name": "commit", "status-comment": "Convention de mécénat signée"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.COMMITTED
    # A move the workflow does not allow from « engagé » is refused, nothing changes.
    refused = client.post(url, {"status-name": "interested"})
    assert refused.status_code == 200 and "Sélectionnez un choix valide" in refused.content.decode()
    client.force_login(world["holder_user"])
    client.post(url, {"status-name": "decline", "status-comment": "Plus de budget"})
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.DECLINED
    log = list(ProjectPartnerTransition.objects.order_by("pk").values_list("name", "to_state", "by", "comment"))
    assert log == [
        ("add", "contacted", world["region"].pk, "Ajouté au réseau du projet."),
        ("commit", "committed", world["region"].pk, "Convention de mécénat signée"),
        ("decline", "declined", world["holder_user"].pk, "Plus de budget"),
    ]
    page = client.get(
        reverse("projects:project_partner_detail", kwargs={"pk": world["project"].pk, "partner_id": partner.pk})
    ).content.decode()
    assert "Convention de mécénat signée" in page and "Plus de budget" in page


def test_contact_and_engagement_edit_refuses_bad_input(client, world):
    company = _firm("Forges du Port", world["dunkerque"])
    client.force_login(world["bdt"])
    client.post(
        reverse("projects:project_partner_add", kwargs={"pk": world["project"].pk}),
        {"organization": company.uid, "role": PartnerRole.CUSTOMER},
    )
    partner = ProjectPartner.objects.get()
    url = reverse("projects:project_partner_detail", kwargs={"pk": world["project"].pk, "partner_id": partner.pk})
    bad = client.post(url, {"engagement_amount": "beaucoup", "engagement_kinds": ["gold"], "contact_email": "x"})
    assert bad.status_code == 200
    text = bad.content.decode()
    assert "Saisissez un montant" in text and "adresse de courriel valide" in text
    partner.refresh_from_db()
    assert partner.engagement_amount is None
    ok = client.post(url, {"engagement_amount": "1 200,50", "engagement_kinds": ["premises"], "contact_name": "M. Roy"})
    assert ok.status_code == 302
    partner.refresh_from_db()
    assert (str(partner.engagement_amount), partner.engagement_kinds, partner.contact_name) == (
        "1200.50",
        ["premises"],
        "M. Roy",
    )
    assert partner.history.first().history_user == world["bdt"]


def test_programme_partner_creates_a_cfa_with_its_siret_checked(client, world):
    client.force_login(world["bdt"])
    url = reverse("organizations:organization_create")
    bad = client.post(url, {"name": "CFA de l'Industrie", "kind": OrganizationKind.CFA, "siret": "732 829 320 00018"})
    assert bad.status_code == 200 and "clé de contrôle" in bad.content.decode()
    short = client.post(url, {"name": "CFA", "kind": OrganizationKind.CFA, "siret": "12345"})
    assert "14 chiffres" in short.content.decode()
    kind = client.post(url, {"name": "Région bis", "kind": OrganizationKind.REGION, "siret": "73282932000017"})
    assert kind.status_code == 200
    assert not Organization.objects.filter(siret__startswith="7328").exists()
    response = client.post(
        url,
        {
            "name": "CFA de l'Industrie",
            "kind": OrganizationKind.CFA,
            "siret": "732 829 320 00017",
            "commune": "Dunkerque (59183)",
        },
    )
    assert response.status_code == 302
    cfa = Organization.objects.get(siret="73282932000017")
    assert (cfa.kind, cfa.siren, cfa.commune, cfa.history.first().history_user) == (
        OrganizationKind.CFA,
        "732829320",
        world["dunkerque"],
        world["bdt"],
    )
    again = client.post(url, {"name": "Autre", "kind": OrganizationKind.COMPANY, "siret": "73282932000017"})
    assert "porte déjà ce SIRET : CFA de l'Industrie" in html.unescape(again.content.decode())


def test_directory_search_and_sort_ignore_accents_and_case(client, world):
    for name in ["État — Préfecture", "Zèbre SARL", "Entreprise Alpha", "Région Hauts-de-France bis"]:
        OrganizationFactory(name=name, kind=OrganizationKind.OTHER_FUNDER)
    client.force_login(world["holder_user"])
    url = reverse("organizations:organization_list")
    page = client.get(url, {"q": "etat"}).content.decode()
    assert "État — Préfecture" in page and "Zèbre" not in page
    assert "Région Hauts-de-France bis" in client.get(url, {"q": "REGION"}).content.decode()
    names = [o.name for o in client.get(url).context["page"].object_list]
    assert names.index("Entreprise Alpha") < names.index("État — Préfecture") < names.index("Porteur A")
    assert names.index("Porteur A") < names.index("Zèbre SARL")


def test_epci_filter_is_a_choice_by_name(client, world):
    client.force_login(world["holder_user"])
    epci = world["dunkerque"].epci
    page = client.get(reverse("organizations:organization_list"))
    assert f'<option value="{epci.siren}">{epci.name}</option>' in page.content.decode()
    filtered = client.get(reverse("organizations:organization_list"), {"epci": "000000000"})
    assert "EPCI inconnu" in filtered.content.decode()


def test_prospection_filters_by_trade_codes_band_and_distance(client, world):
    near = _firm("Décolletage de Grande-Synthe", world["grande_synthe"])
    _firm("Usinage de Lille", world["lille"])  # 64 km away
    _firm("Boulangerie du Port", world["dunkerque"], code="10.71C")  # not the trade
    small = _firm("Mécanique Fine", world["dunkerque"], code="25.62B", band=HeadcountBand.FROM_1)
    client.force_login(world["region"])
    url = reverse("projects:project_prospection", kwargs={"pk": world["project"].pk})
    response = client.get(url)  # defaults: the project's trade (usinage) codes, 30 km
    assert response.status_code == 200
    assert "25.62A, 25.62B, 28.41Z, 33.12Z" in response.content.decode()
    assert [f.name for f in response.context["page"].object_list] == ["Mécanique Fine", "Décolletage de Grande-Synthe"]
    assert response.context["page"].object_list[1].distance == pytest.approx(5.7, abs=0.5)
    banded = client.get(url, {"activity_codes": "2562a, 2562B", "radius_km": "100", "headcount_bands": ["12"]})
    assert [f.name for f in banded.context["page"].object_list] == ["Décolletage de Grande-Synthe", "Usinage de Lille"]
    bad = client.get(url, {"activity_codes": "usinage", "radius_km": "900"})
    assert bad.status_code == 200 and bad.context["page"] is None
    text = html.unescape(bad.content.decode())
    assert "« usinage » n'est pas un code APE" in text and "limitée à 150 km" in text
    # Export: the same list, every page, formula-neutral CSV.
    export = client.get(
        reverse("projects:project_prospection_export", kwargs={"pk": world["project"].pk, "fmt": "csv"}),
        {"activity_codes": "25.62A, 25.62B", "radius_km": "30"},
    )
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["Mécanique Fine", "Décolletage de Grande-Synthe"]
    # Add the ticked firms to the network in one step.
    added = client.post(
        reverse("projects:project_prospection_add", kwargs={"pk": world["project"].pk}),
        {"organizations": [near.uid, small.uid], "role": PartnerRole.CUSTOMER, "query": "radius_km=30"},
    )
    assert added.status_code == 302 and added.url.endswith("?radius_km=30")
    assert set(ProjectPartner.objects.values_list("organization__name", "status")) == {
        ("Décolletage de Grande-Synthe", "contacted"),
        ("Mécanique Fine", "contacted"),
    }
    assert ProjectPartnerTransition.objects.count() == 2
    again = client.post(
        reverse("projects:project_prospection_add", kwargs={"pk": world["project"].pk}),
        {"organizations": [near.uid], "role": PartnerRole.CUSTOMER},
    )
    assert again.status_code == 302 and ProjectPartner.objects.count() == 2


def test_prospection_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    client.force_login(world["region"])
    url = reverse("projects:project_prospection", kwargs={"pk": world["project"].pk})
    for index in range(3):
        _firm(f"Firme {index}", world["grande_synthe"])
    with django_assert_max_num_queries(20) as small:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 3
    for index in range(60):
        _firm(f"Firme bis {index}", world["dunkerque" if index % 2 else "grande_synthe"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 50 and response.context["page"].paginator.count == 63
    assert response.content.decode().count('name="organizations"') == 50
