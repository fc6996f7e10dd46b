"""The territory sheet: every indicator with rank and percentile, the score with its parts, what is near, a map,
reached from the map, the ranked table and the search; as a PDF."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from essaim.indicators.models import IndustryTerritory, Qpv, TrainingProvider
from essaim.schools.models import ProductionSchool
from tests.organizations.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def sheet(client, level, code, **query):
    return client.get(reverse("analysis:territory_sheet", kwargs={"level": level, "code": code}), query)


@pytest.fixture
def neighbourhood(small_world):
    """A Territoire d'industrie on CC Bêta, a QPV and a CFA in Bêta-Ville, a demo school, a project there."""
    communes = small_world["communes"]
    territory = IndustryTerritory.objects.create(code="ti-3201", name="TI Bêta")
    territory.epcis.add(small_world["epcis"]["E2"])
    Qpv.objects.create(code="QN05999M", name="Quartier Bêta", commune=communes["59003"], commune_codes=["59003"])
    TrainingProvider.objects.create(key="x-1", name="CFA Bêta", commune=communes["59003"])
    demo = ProductionSchool.objects.create(
        name="École de production de démonstration", commune=communes["59003"], sources="/",
        project=ProjectFactory(commune=communes["59003"], is_demo=True),
    )  # fmt: skip
    demo.trades.add(small_world["usinage"])
    return small_world


def test_sheet_of_an_epci_gives_every_indicator_its_score_and_what_is_near(region_client, neighbourhood, selectors):
    response = sheet(region_client, "epci", "200000002", trade="usinage")
    assert response.status_code == 200
    html = unescape(response.content.decode())
    lines = {line.info.code: line for line in response.context["sheet"].indicators}
    # NEET 0,15 / 0,25 / 0,20: CC Bêta is first of 3, and every EPCI has a value ≤ its own.
    assert (lines["neet_rate"].rank, lines["neet_rate"].count, lines["neet_rate"].percentile) == (1, 3, 1.0)
    assert lines["cfa_count"].value == 0.0 and lines["neet_rate"].weighted
    assert "25,0\u00a0%" in html and "1 sur 3" in html and "Source de test, 2022" in html
    assert "Territoire d'industrie</dt><dd>oui : TI Bêta" in html
    score = response.context["sheet"].score
    assert sum(part["contribution"] for part in response.context["parts"]) - score.penalty == score.score
    assert f"rang {score.rank} sur 3" in html
    assert "Quartier Bêta" in html and "CFA Bêta" in html and "École Alpha" in html
    assert "démonstration" not in html  # a fictitious school is never an existing one
    assert "<svg" in html and "parmi les EPCI des Hauts-de-France" in html


def test_sheet_lists_the_projects_the_user_may_see_only(client, neighbourhood, selectors):
    """A collectivité member sees the sheet; projects of the sheet are those the user may see."""
    from tests.analysis.conftest import member_client

    region = OrganizationFactory(region=True)
    region_client, _ = member_client(client, region)
    html = unescape(sheet(region_client, "commune", "59003").content.decode())
    assert "Projets d'école de production que vous pouvez voir (1)" in html


def test_every_level_has_a_sheet_and_unknown_ones_are_404(region_client, neighbourhood, selectors):
    for level, code in (("commune", "59003"), ("employment_zone", "3201"), ("department", "62")):
        assert sheet(region_client, level, code).status_code == 200
    assert sheet(region_client, "epci", "999999999").status_code == 404
    assert sheet(region_client, "canton", "59").status_code == 404
    bad = sheet(region_client, "epci", "200000002", trade="inconnu")
    assert "Métier ou profil inconnu" in unescape(bad.content.decode())


def test_sheet_query_count_does_not_depend_on_the_territory(region_client, neighbourhood, selectors):
    """A fixed number of queries whatever the territory and its level (no query per indicator or per place)."""
    counts = []
    for level, code in (("epci", "200000001"), ("epci", "200000002"), ("commune", "59003"), ("department", "59")):
        with CaptureQueriesContext(connection) as queries:
            assert sheet(region_client, level, code).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and max(counts) <= 26, counts


def test_sheet_is_reached_from_the_map_the_table_and_the_search(region_client, neighbourhood, selectors):
    html = region_client.get(reverse("analysis:opportunity"), {"trade": "usinage", "level": "epci"}).content.decode()
    assert "/analyse/fiche/epci/200000002/?trade=usinage&amp;profile=" in html
    search = region_client.get(reverse("territories:index"), {"q": "Bêta"}).content.decode()
    assert reverse("analysis:territory_sheet", kwargs={"level": "commune", "code": "59003"}) in search
    page = region_client.get(reverse("territories:epci_detail", kwargs={"siren": "200000002"})).content.decode()
    assert reverse("analysis:territory_sheet", kwargs={"level": "epci", "code": "200000002"}) in page


def test_sheet_as_pdf_for_a_committee_file(region_client, neighbourhood, selectors):
    response = region_client.get(
        reverse("analysis:territory_sheet_pdf", kwargs={"level": "epci", "code": "200000002"}), {"trade": "usinage"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="fiche-epci-200000002-usinage-' in response["Content-Disposition"]
