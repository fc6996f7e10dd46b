import pytest
from django.urls import reverse

from essaim.accounts.models import User
from tests.rendered import table_rows
from tests.territories.factories import (
    CommuneFactory,
    DepartmentFactory,
    EmploymentZoneFactory,
    EpciFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"  # thousands separator of the |number filter

# Queries of any signed-in page, outside the views: session, user, memberships (middleware).
REQUEST_QUERIES = 3
# Queries of each view itself, whatever the number of communes.
MAX_QUERIES = {
    "index": REQUEST_QUERIES + 3,  # départements with counts, région, zones d'emploi
    "department_detail": REQUEST_QUERIES + 4,  # département, communes, EPCI, zones d'emploi
    "epci_detail": REQUEST_QUERIES + 2,  # EPCI, communes with their département and zone
    "employment_zone_detail": REQUEST_QUERIES + 4,  # zone, communes, EPCI, départements
    "commune_detail": REQUEST_QUERIES + 2,  # commune with its parents, communes of its EPCI
}
# What each page's tables show once 20 communes joined Nord, the MEL and the Lille ZE: the number of rows
# (the départements' and zones' tops stop at 10 communes) and the first row, which counts them.
ROWS_AFTER_GROWTH = {
    "index": (4, "Nord (59) | 2 615 635 | 64,3 % | 22 | 1 | 1"),
    "department_detail": (12, "Métropole Européenne de Lille (METRO) | 22 | 434 710 | 16,6 %"),
    "epci_detail": (22, "Lille | 59350 | 59 | Lille | 236 710 | 19,7 %"),
    "employment_zone_detail": (12, "Métropole Européenne de Lille (METRO) | 22 | 434 710 | 33,4 %"),
    "commune_detail": (4, "Région | Hauts-de-France |  | "),
}


@pytest.fixture
def user():
    return User.objects.create_user(email="lecteur@example.org", password="mot-de-passe-solide")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def territories():
    """Nord with the MEL (Lille, Roubaix) in the Lille ZE; Pas-de-Calais with Arras."""
    region = RegionFactory()
    nord = DepartmentFactory(code="59", name="Nord", region=region, population=2_615_635, with_contour=True)
    pdc = DepartmentFactory(code="62", name="Pas-de-Calais", region=region, population=1_454_000, with_contour=True)
    zone = EmploymentZoneFactory(code="3214", name="Lille", population=1_300_000, with_contour=True)
    arras_zone = EmploymentZoneFactory(code="3204", name="Arras", is_cross_regional=True, with_contour=True)
    mel = EpciFactory(
        siren="200093201", name="Métropole Européenne de Lille", nature="METRO", population_in_region=1_200_000,
        population=1_200_000, with_contour=True,
    )  # fmt: skip
    cua = EpciFactory(siren="200033579", name="CU d'Arras", nature="CU", with_contour=True)
    nord.prefecture_code = "59350"
    nord.save()
    return {
        "nord": nord,
        "pdc": pdc,
        "zone": zone,
        "mel": mel,
        "lille": CommuneFactory(
            code="59350",
            name="Lille",
            population=236_710,
            department=nord,
            epci=mel,
            employment_zone=zone,
            postal_codes="59000, 59160",
            with_contour=True,
        ),  # fmt: skip
        "roubaix": CommuneFactory(
            code="59512",
            name="Roubaix",
            population=98_000,
            department=nord,
            epci=mel,
            employment_zone=zone,
            with_contour=True,
        ),  # fmt: skip
        "arras": CommuneFactory(
            code="62041",
            name="Arras",
            population=41_000,
            department=pdc,
            epci=cua,
            employment_zone=arras_zone,
            with_contour=True,
        ),  # fmt: skip
    }


def _urls(territories):
    return {
        "index": reverse("territories:index"),
        "department_detail": reverse("territories:department_detail", kwargs={"code": "59"}),
        "epci_detail": reverse("territories:epci_detail", kwargs={"siren": "200093201"}),
        "employment_zone_detail": reverse("territories:employment_zone_detail", kwargs={"code": "3214"}),
        "commune_detail": reverse("territories:commune_detail", kwargs={"code": "59350"}),
    }


def _add_communes(territories, count):
    """More communes in Nord / MEL / Lille ZE, each with a contour: the query count must not change."""
    for index in range(count):
        CommuneFactory(
            code=f"59{600 + index:03d}",
            department=territories["nord"],
            epci=territories["mel"],
            employment_zone=territories["zone"],
            with_contour=True,
        )


@pytest.mark.parametrize("name", list(MAX_QUERIES))
def test_anonymous_user_is_redirected_to_login(client, territories, name):
    """Every territory page requires signing in."""
    url = _urls(territories)[name]

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", list(MAX_QUERIES))
def test_pages_refuse_post(user_client, territories, name):
    """Territory pages are read-only (GET only)."""
    assert user_client.post(_urls(territories)[name]).status_code == 405


@pytest.mark.parametrize("name", list(MAX_QUERIES))
def test_query_count_does_not_grow_with_the_number_of_communes(
    user_client, territories, name, django_assert_max_num_queries, django_assert_num_queries
):
    """No N+1: the same number of queries with 3 or 23 communes, under a fixed bound."""
    url = _urls(territories)[name]
    user_client.get(url)  # warm up the session
    with django_assert_max_num_queries(MAX_QUERIES[name]) as small:
        assert user_client.get(url).status_code == 200
    _add_communes(territories, 20)

    with django_assert_num_queries(len(small.captured_queries)):
        response = user_client.get(url)
    assert response.status_code == 200
    rows = table_rows(response)
    count, first = ROWS_AFTER_GROWTH[name]
    assert (len(rows), rows[0]) == (count, first)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("department_detail", {"code": "99"}),
        ("epci_detail", {"siren": "999999999"}),
        ("employment_zone_detail", {"code": "9999"}),
        ("commune_detail", {"code": "99999"}),
    ],
)
def test_unknown_code_is_404(user_client, territories, name, kwargs):
    """An unknown code gives a 404."""
    assert user_client.get(reverse(f"territories:{name}", kwargs=kwargs)).status_code == 404


def test_index_lists_departments_with_population_and_counts(user_client, territories):
    """The index shows the départements, their population in French format, and a map."""
    response = user_client.get(reverse("territories:index"))

    content = response.content.decode()
    assert "Territoires des Hauts-de-France" in content
    assert f"2{NNBSP}615{NNBSP}635" in content
    assert reverse("territories:department_detail", kwargs={"code": "62"}) in content
    assert reverse("territories:employment_zone_detail", kwargs={"code": "3204"}) in content
    assert response.context["departments"][0].commune_count == 2
    assert response.context["departments"][0].epci_count == 1
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="map-svg"' in content
    assert '<label for="territory-search">' in content
    assert 'hx-get="/territoires/"' in content


def test_search_without_javascript_renders_the_full_page(user_client, territories):
    """The plain GET form fallback shows the results inside the whole page."""
    response = user_client.get(reverse("territories:index"), {"q": "roubaix"})

    content = response.content.decode()
    assert "<html" in content
    assert reverse("territories:commune_detail", kwargs={"code": "59512"}) in content
    assert 'value="roubaix"' in content


def test_htmx_search_returns_only_the_results_fragment(user_client, territories, django_assert_max_num_queries):
    """With htmx targeting the results, the response is a fragment with communes and EPCI."""
    with django_assert_max_num_queries(REQUEST_QUERIES + 2):  # communes, EPCI
        response = user_client.get(
            reverse("territories:index"),
            {"q": "lille"},
            headers={"HX-Request": "true", "HX-Target": "territory-search-results"},
        )

    content = response.content.decode()
    assert "<html" not in content
    assert "<table" in content
    assert reverse("territories:commune_detail", kwargs={"code": "59350"}) in content
    assert reverse("territories:epci_detail", kwargs={"siren": "200093201"}) in content
    assert "Arras" not in content


def test_htmx_search_with_no_match_says_so(user_client, territories):
    """No result gives a French status message."""
    response = user_client.get(
        reverse("territories:index"),
        {"q": "zzz"},
        headers={"HX-Request": "true", "HX-Target": "territory-search-results"},
    )

    assert "Aucune commune ni aucun EPCI ne correspond à « zzz »." in response.content.decode()


def test_department_detail_shows_facts_epcis_zones_top_communes_and_map(user_client, territories):
    """The département page: facts, EPCI and ZE tables with population, communes, SVG map with titles."""
    response = user_client.get(reverse("territories:department_detail", kwargs={"code": "59"}))

    content = response.content.decode()
    assert '<dl class="facts">' in content
    assert f"2{NNBSP}615{NNBSP}635 hab." in content
    assert "Métropole Européenne de Lille" in content
    assert f"334{NNBSP}710" in content  # MEL population within Nord: 236 710 + 98 000
    assert reverse("territories:employment_zone_detail", kwargs={"code": "3214"}) in content
    assert '<a href="/territoires/communes/59350/">Lille</a>' in content  # top communes and chef-lieu
    assert "Arras" not in content
    assert 'role="group" aria-label="Carte des communes : Nord"' in content  # its communes are links
    assert f"<title>Lille : 236{NNBSP}710 hab." in content


def test_epci_detail_lists_its_communes_by_population_with_links_up(user_client, territories):
    """The EPCI page lists its communes, most populated first, with links to département and ZE."""
    response = user_client.get(reverse("territories:epci_detail", kwargs={"siren": "200093201"}))

    content = response.content.decode()
    assert [c.name for c in response.context["communes"]] == ["Lille", "Roubaix"]
    assert content.index(">Lille</a>") < content.index(">Roubaix</a>")
    assert "Métropole" in content
    assert reverse("territories:department_detail", kwargs={"code": "59"}) in content
    assert reverse("territories:employment_zone_detail", kwargs={"code": "3214"}) in content
    assert "19,7\u00a0%" in content  # Lille: 236 710 / 1 200 000
    assert "<svg" in content


def test_employment_zone_detail_shows_its_epcis_and_departments(user_client, territories):
    """The zone d'emploi page lists its EPCI and départements with their population in the zone."""
    response = user_client.get(reverse("territories:employment_zone_detail", kwargs={"code": "3214"}))

    content = response.content.decode()
    assert "Zone d'emploi Lille" in content
    assert reverse("territories:epci_detail", kwargs={"siren": "200093201"}) in content
    assert reverse("territories:department_detail", kwargs={"code": "59"}) in content
    assert [d.code for d in response.context["departments"]] == ["59"]
    assert "<svg" in content


def test_commune_detail_shows_facts_parents_and_map(user_client, territories):
    """The commune page: facts, its département, EPCI and ZE with links, the commune highlighted on a map."""
    response = user_client.get(reverse("territories:commune_detail", kwargs={"code": "59350"}))

    content = response.content.decode()
    assert "<h1>Lille" in content
    assert "Codes postaux</dt><dd>59000, 59160</dd>" in content
    assert f"236{NNBSP}710 hab." in content
    assert "1<sup>re</sup> sur 2 communes" in content
    for url in (
        reverse("territories:department_detail", kwargs={"code": "59"}),
        reverse("territories:epci_detail", kwargs={"siren": "200093201"}),
        reverse("territories:employment_zone_detail", kwargs={"code": "3214"}),
    ):
        assert url in content
    assert 'fill="#f2c14e"' in content  # the commune itself
    assert '<a href="/territoires/communes/59512/" tabindex="-1">' in content  # its neighbour


def test_territory_without_contour_shows_a_message_instead_of_a_map(user_client, territories):
    """No stored contour: no <svg>, a French message."""
    commune = CommuneFactory(code="62001", name="Sans-Contour", department=territories["pdc"])

    response = user_client.get(reverse("territories:commune_detail", kwargs={"code": commune.code}))

    assert "Contour non disponible" in response.content.decode()
