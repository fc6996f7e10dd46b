import csv
import io
from html import unescape
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from essaim.analysis.models import ScoringProfile
from essaim.organizations.enums import MembershipRole
from tests.analysis.conftest import member_client
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

EPCI_QUERY = {"trade": "usinage", "level": "epci", "show": "score", "rows": "all"}


def test_opportunity_page_shows_map_table_and_sources(region_client, small_world, selectors):
    """The page draws the choropleth with its legend, the school as a point, and the ranked table."""
    response = region_client.get(reverse("analysis:opportunity"), EPCI_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'class="map-school"' in html
    assert "CC Bêta" in html and "Calcul du score" in html
    assert "Table de passage provisoire." in html  # the BMO caveat
    assert "donnée manquante" in html  # CC Gamma has no BMO value
    rows = response.context["lines"]
    assert [line.rank for line in rows] == [1, 2, 3]


def test_detail_of_a_row_reads_as_the_sum_of_its_parts(region_client, small_world, selectors):
    """Each row's detail lists the contributions, the penalty and the total they make."""
    response = region_client.get(reverse("analysis:opportunity"), EPCI_QUERY)
    for line in response.context["lines"]:
        assert sum(part["contribution"] for part in line.parts) - line.penalty == line.score
    html = response.content.decode()
    assert "École Alpha (Alpha-Ville) à" in html
    assert "= 0,300" in html  # CA Alpha: 0,35 × 0 + 0,25 × 1 + 0,25 × 1 + 0,15 × 0 − 0,2 (reference profile)


def test_map_of_an_indicator_uses_french_percentages(region_client, small_world, selectors):
    """Mapping the NEET share writes its legend and tooltips as French percentages."""
    response = region_client.get(reverse("analysis:opportunity"), EPCI_QUERY | {"show": "neet_rate"})
    html = response.content.decode()
    assert "25,0\u00a0%" in html
    assert "Part des NEET" in response.context["map"].title


def test_htmx_filter_change_returns_only_the_results(region_client, small_world, selectors):
    """With htmx, the filters refresh the results fragment only."""
    response = region_client.get(
        reverse("analysis:opportunity"),
        EPCI_QUERY | {"level": "commune"},
        headers={"HX-Request": "true", "HX-Target": "analysis-results"},
    )
    html = response.content.decode()
    assert "<h1>" not in html and "Alpha-Ville" in html


def start_sensitivity(client, query):
    """Ask for the rank stability (a job, run synchronously in the tests); the fragment that follows."""
    url = f"{reverse('analysis:opportunity_sensitivity')}?{urlencode(query)}"
    return client.post(url, headers={"HX-Request": "true", "HX-Target": "sensitivity-result"})


def test_sensitivity_fragment_lists_rank_ranges(region_client, small_world, selectors):
    """The sensitivity runs as a job: before it, a button; after it, min and max rank and the share in the top
    k, read back from the stored result by the fragment and the page (no new computation)."""
    before = region_client.get(reverse("analysis:opportunity_sensitivity"), EPCI_QUERY)
    assert before.status_code == 200 and "Calculer la stabilité des rangs" in before.content.decode()
    assert "stability_rows" not in before.context
    response = start_sensitivity(region_client, EPCI_QUERY)
    assert response.status_code == 200
    assert "Rang minimal" in response.content.decode()
    assert response["HX-Trigger"] == "jobFinished"  # the job has ended (run at once in the tests)
    assert len(response.context["stability_rows"]) == 3
    assert response.context["sensitivity_job"].status == "succeeded"
    page = region_client.get(reverse("analysis:opportunity"), EPCI_QUERY)
    assert len(page.context["stability_rows"]) == 3 and "Recalculer la stabilité des rangs" in page.content.decode()


def test_sensitivity_of_a_profile_edited_since_is_not_shown(region_client, small_world, selectors):
    """A stored sensitivity belongs to the profile as it was: once the profile is edited it is no longer shown."""
    profile = ScoringProfile.objects.reference().get()
    start_sensitivity(region_client, EPCI_QUERY)
    profile.description = "Modifié"
    profile.save()
    page = region_client.get(reverse("analysis:opportunity"), EPCI_QUERY)
    assert "stability_rows" not in page.context and page.context["sensitivity_job"].status == "succeeded"


def test_csv_export_is_what_is_shown(region_client, small_world, selectors):
    """CSV: BOM, semicolons, French decimals, the rows of the table in the same order."""
    response = region_client.get(
        reverse("analysis:opportunity_export", kwargs={"fmt": "csv"}), EPCI_QUERY | {"rows": "25"}
    )
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Rang", "Code", "EPCI", "Score (points)"]
    neet = rows[0].index("Part des NEET — valeur (%)")
    assert {row[2]: row[neet] for row in rows[1:]} == {"CC Bêta": "25,0", "CC Gamma": "20,0", "CA Alpha": "15,0"}
    youths = rows[0].index("Jeunes de 15 à 24 ans — valeur (jeunes)")
    assert {row[youths] for row in rows[1:]} == {"3000", "1200", "1800"}
    assert [row[2] for row in rows[1:]] == [
        line.name for line in region_client.get(reverse("analysis:opportunity"), EPCI_QUERY).context["lines"]
    ]
    assert "," in rows[1][3] and "." not in rows[1][3]


def test_xlsx_export_has_numbers_and_parameters(region_client, small_world, selectors):
    """XLSX: real numbers in the table (with the stored rank stability), a second sheet with the profile and the
    sources."""
    start_sensitivity(region_client, EPCI_QUERY)
    response = region_client.get(
        reverse("analysis:opportunity_export", kwargs={"fmt": "xlsx"}), EPCI_QUERY | {"sensitivity": "1"}
    )
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Scores"]
    assert sheet["A1"].value == "Rang" and isinstance(sheet["D2"].value, float)
    headers = [cell.value for cell in sheet[1]]
    assert "Rang minimal (±20 %)" in headers
    parameters = {row[0].value: row[1].value for row in workbook["Paramètres"].iter_rows(min_row=2)}
    assert parameters["Profil"] == "Profil de référence"


def start_sites(client, query):
    """Ask for a site selection (POST): the job runs (synchronously in the tests) and the page of the job,
    with its stored result, follows."""
    response = client.post(reverse("analysis:sites"), query)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"])


def sites_export(client, page, fmt, **query):
    job = page.context["job"]
    return client.get(reverse("analysis:sites_export", kwargs={"job": job.pk, "fmt": fmt}), query)


def test_sites_page_compares_exact_and_greedy(region_client, small_world, selectors):
    """The site selection shows both answers with their status, youths covered and the map."""
    response = start_sites(
        region_client,
        {
            "trade": "usinage",
            "k": "2",
            "radius_km": "20",
            "measure": "youths_15_24",
            "road_factor": "1,3",
            "time_limit_s": "10",
        },
    )
    html = response.content.decode()
    assert "Solution exacte" in html and "Solution gloutonne" in html
    assert "optimal : aucune autre implantation" in html.lower()
    assert 'class="map-site"' in html and 'class="map-school"' in html
    assert 'Choix des sites d\'implantation</strong> — <span class="job-state">terminé' in unescape(html)


def test_sites_export_csv(region_client, small_world, selectors):
    """The sites CSV lists both answers' sites with their gains."""
    page = start_sites(
        region_client,
        {
            "trade": "usinage",
            "k": "1",
            "radius_km": "20",
            "measure": "youths_15_24",
            "road_factor": "1,3",
            "time_limit_s": "10",
        },
    )
    response = sites_export(region_client, page, "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Méthode" and len(rows) == 3
    assert rows[0][5] == "Gain marginal (jeunes)" and rows[1][5] == "1800"


def test_sites_form_errors_are_shown(region_client, small_world, selectors):
    """An invalid k is refused with the field's error, nothing is queued."""
    from essaim.jobs.models import Job

    response = region_client.post(
        reverse("analysis:sites"),
        {
            "trade": "usinage",
            "k": "0",
            "radius_km": "20",
            "measure": "youths_15_24",
            "road_factor": "1,3",
            "time_limit_s": "10",
        },
    )
    assert response.status_code == 400 and response.context["run"] is None
    assert "supérieure ou égale à 1" in response.content.decode()
    assert not Job.objects.exists()


def test_profile_create_by_region_member(client, small_world, selectors, region):
    """A Région member creates a profile owned by the Région, with French decimals."""
    client, user = member_client(client, region)
    data = {
        "name": "Industrie d'abord",
        "description": "",
        "normalisation": "min_max",
        "missing_policy": "omit",
        "penalty_amount": "0,15",
        "penalty_radius_km": "25",
        "penalty_shape": "linear",
        "road_factor": "1,25",
        "weight__neet_rate": "0,6",
        "weight__bmo_projects_per_1000": "0,4",
        "direction__neet_rate": "",
        "direction__cfa_count": "higher",
    }
    response = client.post(reverse("analysis:profile_create"), data)
    profile = ScoringProfile.objects.get(name="Industrie d'abord")
    assert response.status_code == 302
    assert profile.owner == region and profile.created_by == user
    assert profile.weights == {"neet_rate": 0.6, "bmo_projects_per_1000": 0.4}
    assert profile.directions == {"cfa_count": "higher"}
    assert profile.road_factor == 1.25 and profile.penalty_amount == 0.15


def test_profile_without_weight_is_refused(client, selectors, region):
    """A profile with no positive weight is refused with a French message."""
    client, _ = member_client(client, region)
    response = client.post(
        reverse("analysis:profile_create"),
        {
            "name": "Vide",
            "normalisation": "min_max",
            "missing_policy": "omit",
            "penalty_amount": "0",
            "penalty_radius_km": "30",
            "penalty_shape": "step",
            "road_factor": "1,3",
        },
    )
    assert response.status_code == 200
    assert "au moins un indicateur" in response.content.decode()
    assert not ScoringProfile.objects.filter(name="Vide").exists()


@pytest.mark.parametrize(
    ("kind", "role", "can_create"),
    [
        ("region", MembershipRole.ADMIN, True),
        ("region", MembershipRole.MEMBER, True),
        ("region", MembershipRole.READER, False),
        ("bdt", MembershipRole.MEMBER, True),
        ("bdt", MembershipRole.READER, False),
        ("fnep", MembershipRole.ADMIN, False),
        ("collectivite_epci", MembershipRole.ADMIN, False),
    ],
)
def test_profile_rules(client, selectors, kind, role, can_create):
    """Région and BdT writers create and edit their profiles; lecteurs, FNEP and collectivités only read."""
    organization = OrganizationFactory(**{kind: True})
    client, _ = member_client(client, organization, role)
    own = ScoringProfile.objects.create(name="Le nôtre", owner=organization, weights={"neet_rate": 1.0})
    other = ScoringProfile.objects.create(
        name="Autre", owner=OrganizationFactory(region=True), weights={"neet_rate": 1.0}
    )
    assert client.get(reverse("analysis:profile_create")).status_code == (200 if can_create else 403)
    assert client.get(reverse("analysis:profile_edit", kwargs={"pk": own.pk})).status_code == (
        200 if can_create else 403
    )
    assert client.get(reverse("analysis:profile_detail", kwargs={"pk": own.pk})).status_code == 200
    assert client.get(reverse("analysis:profile_detail", kwargs={"pk": other.pk})).status_code == 404
    reference = ScoringProfile.objects.reference().get()
    assert client.get(reverse("analysis:profile_edit", kwargs={"pk": reference.pk})).status_code == 403


def test_holder_cannot_use_the_analysis(client, selectors):
    """Project holders do not see the analysis (403)."""
    client, _ = member_client(client, OrganizationFactory())
    assert client.get(reverse("analysis:opportunity")).status_code == 403


def test_profile_list_query_count_does_not_grow(
    client, selectors, region, django_assert_num_queries, django_assert_max_num_queries
):
    """The profile list runs a fixed number of queries whatever the number of profiles."""
    client, _ = member_client(client, region)
    ScoringProfile.objects.create(name="P1", owner=region, weights={"neet_rate": 1.0})
    client.get(reverse("analysis:profile_list"))
    with django_assert_max_num_queries(6) as small:
        client.get(reverse("analysis:profile_list"))
    for n in range(5):
        ScoringProfile.objects.create(name=f"P{n + 2}", owner=region, weights={"neet_rate": 1.0}, is_shared=True)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("analysis:profile_list"))


def test_opportunity_query_count_does_not_grow_with_territories(
    region_client, small_world, selectors, django_assert_max_num_queries
):
    """The opportunity page runs a bounded number of queries (no query per territory)."""
    with django_assert_max_num_queries(17):  # with the lookup of the sensitivity job
        region_client.get(reverse("analysis:opportunity"), EPCI_QUERY | {"level": "commune"})


SITES_QUERY = {
    "trade": "usinage",
    "k": "1",
    "radius_km": "20",
    "measure": "youths_15_24",
    "road_factor": "1,3",
    "time_limit_s": "10",
}


def test_labels_say_what_is_measured(region_client, small_world, selectors):
    """Ranked table columns are contributions, the penalty is « points retranchés » with the same sign in the CSV
    as on the page, and an indicator map's tooltip gives the indicator's rank, not the score's."""
    html = region_client.get(reverse("analysis:opportunity"), EPCI_QUERY).content.decode()
    assert "Contribution : Part des NEET" in html and "Pénalité (points retranchés)" in html
    content = region_client.get(reverse("analysis:opportunity_export", kwargs={"fmt": "csv"}), EPCI_QUERY).content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8").lstrip("\ufeff")), delimiter=";"))
    penalty = rows[0].index("Pénalité (points retranchés, négative)")
    by_name = {row[2]: row for row in rows[1:]}
    assert by_name["CA Alpha"][penalty] == "-0,200" and "− 0,200" in html
    assert by_name["CC Bêta"][penalty] == "0,000"
    # NEET share 0,15 / 0,25 / 0,20: CC Bêta is first for the indicator, third for the score of the profile.
    html = unescape(
        region_client.get(reverse("analysis:opportunity"), EPCI_QUERY | {"show": "neet_rate"}).content.decode()
    )
    assert "CC Bêta : Part des NEET : 25,0\u00a0% (rang de l'indicateur : 1 sur 3" in html
    assert "CA Alpha : Part des NEET : 15,0\u00a0% (rang de l'indicateur : 3 sur 3" in html
    assert "rang du score" not in html


def test_indicator_ranks_share_ties_and_skip_missing_values():
    from essaim.www.analysis.views.opportunity import indicator_ranks

    assert indicator_ranks({"a": 1.0, "b": 3.0, "c": 3.0, "d": None, "e": 0.5}) == {"b": 1, "c": 1, "a": 3, "e": 4}


def test_sites_state_their_unit_and_greedy_gap_against_the_optimum(region_client, small_world, selectors):
    """The demand's unit is written next to every figure; the greedy gap is measured against the exact optimum."""
    response = start_sites(region_client, SITES_QUERY | {"k": "2"})
    html = unescape(response.content.decode())
    exact, greedy = response.context["answers"]
    assert exact["status"] == "optimal"
    expected = (exact["covered"] - greedy["covered"]) / exact["covered"]
    assert greedy["gap"] == pytest.approx(expected) and greedy["gap_label"] == "Écart à l'optimum prouvé"
    assert "Écart à l'optimum prouvé" in html and "La demande est comptée en jeunes" in html
    assert "ne couvre plus de jeunes" not in html
    neet = start_sites(region_client, SITES_QUERY | {"measure": "neet_estimate"})
    assert "La demande est comptée en habitants pondérés NEET" in neet.content.decode()


def test_candidate_rules_restrict_the_sites_and_say_what_they_removed(region_client, small_world, selectors):
    """Minimum population, recruitment projects in the bassin, Territoire d'industrie and a hand-made list are
    combined; every commune still counts as demand; the page says how many communes each rule removed."""
    from essaim.indicators.models import IndustryTerritory

    selectors.basin_projects = {"usinage": {"59001": 50.0, "59002": 5.0, "59003": 50.0, "62001": 50.0}}
    territory = IndustryTerritory.objects.create(code="ti-3299", name="TI Gamma")
    territory.epcis.add(small_world["epcis"]["E3"])
    response = start_sites(
        region_client,
        SITES_QUERY | {"min_population": "4000", "min_recruitment_projects": "10", "industry_territory": "inside"},
    )
    run = response.context["run"]
    assert run["totals"]["n_candidates"] == 1 and run["answers"][0]["codes"] == ["62001"]
    assert run["excluded"] == [
        ["moins de 4\u202f000 habitants", 2],
        ["moins de 10 projets de recrutement du métier dans le bassin (ou donnée inconnue)", 1],
        ["hors d'un Territoire d'industrie", 2],
    ]
    html = unescape(response.content.decode())
    assert "au moins 4\u202f000 habitants ; au moins 10 projets de recrutement" in html
    assert "pas des itinéraires : distance à vol d'oiseau (grand cercle)" in html
    listed = start_sites(region_client, SITES_QUERY | {"candidates": "Bêta-Ville, 62002"})
    assert set(listed.context["run"]["answers"][0]["codes"]) <= {"59003", "62002"}
    assert listed.context["run"]["totals"]["n_candidates"] == 2
    assert "Bêta-Ville" not in listed.context["form"]["candidates"].value()  # the form shows the codes chosen
    wrong = region_client.post(reverse("analysis:sites"), SITES_QUERY | {"candidates": "Bêta-Ville, 99999, Nulle-Part"})
    assert wrong.status_code == 400 and wrong.context["job"] == listed.context["job"]  # the last one, untouched
    assert "« 99999 » n'est pas un code INSEE" in unescape(wrong.content.decode())
    assert "« Nulle-Part » : commune inconnue" in unescape(wrong.content.decode())
    none_left = start_sites(region_client, SITES_QUERY | {"min_population": "999999"})
    # The job ends in « échec » with its French message; no result is shown.
    assert none_left.context["job"].status == "failed" and none_left.context["run"] is None
    assert "Aucune commune ne respecte toutes les règles" in unescape(none_left.content.decode())


def test_sites_show_served_areas_and_catchments_and_export_who_covers_what(region_client, small_world, selectors):
    """Existing schools' radius is drawn as a served area, each site's catchment is listed, and the exports list
    every covered commune with the site and the school that already serve it."""
    response = start_sites(region_client, SITES_QUERY | {"radius_km": "40"})
    html = response.content.decode()
    assert 'class="map-served"' in html and 'class="map-catchment"' in html
    catchments = response.context["catchments"]
    site = response.context["run"]["answers"][0]["codes"][0]
    assert catchments[0]["order"] == 1 and {row["code"] for row in catchments[0]["rows"]} >= {site}
    content = sites_export(region_client, response, "csv", part="communes").content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    assert header[5] == "Commune couverte" and "Demande (jeunes)" in header
    served = header.index("Déjà desservie par (école existante ; demande non comptée)")
    by_commune = {(row[0], row[5]): row for row in rows[1:]}
    assert all(row[served] in ("", "École Alpha") for row in rows[1:])
    assert any(row[served] == "École Alpha" for row in rows[1:]) == any(
        code in {"59001", "59002"} for code in {row[4] for row in rows[1:]}
    )
    assert ("exacte (MILP)", small_world["communes"][site].name) in by_commune
    workbook = load_workbook(io.BytesIO(sites_export(region_client, response, "xlsx").content))
    assert workbook.sheetnames == ["Sites", "Communes couvertes", "Paramètres"]
    parameters = {row[0].value: row[1].value for row in workbook["Paramètres"].iter_rows(min_row=2)}
    assert parameters["Nombre d'écoles"] == 1 and parameters["Facteur routier"] == 1.3
    assert "grand cercle" in parameters["Distances"]


def test_a_click_on_the_map_finds_the_nearest_commune(region_client, small_world, selectors):
    """The picking map carries its projection; the endpoint answers the nearest commune, or a French error."""
    page = region_client.get(reverse("analysis:sites")).content.decode()
    assert "data-pick-scale=" in page and "site-picking.js" in page
    answer = region_client.get(reverse("analysis:sites_commune_at", kwargs={"lat": "50.36", "lon": "3.04"})).json()
    assert answer["code"] == "59003" and answer["name"] == "Bêta-Ville"
    bad = region_client.get(reverse("analysis:sites_commune_at", kwargs={"lat": "x", "lon": "3"}))
    assert bad.status_code == 400 and bad.json()["error"] == "Latitude et longitude attendues."


def test_commune_level_is_paginated_and_its_map_light(region_client, small_world, selectors, monkeypatch):
    """At commune level « toutes » means pages (never every commune at once) and the map has one path per
    colour class (no per-commune hover text), so that the page stays light."""
    monkeypatch.setattr("essaim.www.analysis.views.opportunity.COMMUNE_PAGE_ROWS", 4)
    query = EPCI_QUERY | {"level": "commune", "rows": "all"}
    first = region_client.get(reverse("analysis:opportunity"), query)
    assert [line.rank for line in first.context["lines"]] == [1, 2, 3, 4] and first.context["pages"] == 2
    html = unescape(first.content.decode())
    assert "Page 1 sur 2 (rangs 1 à 4)" in html and "Page suivante" in html
    assert "<title>Alpha-Ville" not in html  # merged fills: no per-commune title in the map
    second = region_client.get(reverse("analysis:opportunity"), query | {"page": "2"})
    assert [line.rank for line in second.context["lines"]] == [5, 6]
    assert region_client.get(reverse("analysis:opportunity"), query | {"page": "99"}).context["page"] == 2
    content = region_client.get(
        reverse("analysis:opportunity_export", kwargs={"fmt": "csv"}), query | {"page": "2"}
    ).content.decode("utf-8")
    assert len(list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))) == 3
