# ruff: noqa: F811  (fixtures imported from the area's tests are used as test parameters)
"""No N+1 on the analysis pages: opportunity table and map at every level, its sensitivity fragment and
exports, the site selection and its export, a profile's page. Each is read on the small world, then with
clearly more territories (communes, EPCI, each with indicator values), schools and profiles, under the
same bound. The indicator values come from the analysis tests' double of the selectors.

Complements tests/www/analysis/test_views.py, whose opportunity bound is checked at one size."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from essaim.analysis.models import ScoringProfile
from essaim.schools.models import ProductionSchool
from tests.analysis.conftest import region, region_client, selectors, small_world  # noqa: F401
from tests.pagesize import assert_size_bounded
from tests.rendered import table_rows
from tests.territories.factories import CommuneFactory, EpciFactory, square_contour

pytestmark = pytest.mark.django_db

SITES_QUERY = {
    "trade": "usinage",
    "k": "2",
    "radius_km": "20",
    "measure": "youths_15_24",
    "road_factor": "1,3",
    "time_limit_s": "10",
}


def _territories(world, fake, n, region_org):
    """``n`` new EPCI, each with two communes (one with an usinage school), their values and a profile."""
    start = len(fake.tables["epci"])
    nord = world["communes"]["59001"].department
    for index in range(start, start + n):
        siren = f"2100{index:05d}"
        epci = EpciFactory(siren=siren, name=f"CC Nouvelle {index}", with_contour=True)
        fake.tables["epci"][siren] = {"neet_rate": 0.1 + index / 100, "youths_15_24": 900.0 + index, "cfa_count": 1.0}
        fake.trade_tables["usinage"]["epci"][siren] = {"bmo_projects_per_1000": 1.0, "bmo_difficulty_rate": 0.4}
        for offset in (0, 1):
            code = f"59{index:02d}{offset}"
            lon, lat = 3.0 + index / 50, 50.0 + offset / 10
            commune = CommuneFactory(
                code=code, name=f"Commune {index}-{offset}", epci=epci, department=nord,
                employment_zone=world["zones"]["Z1"], population=1000 + index, longitude=lon + 0.01,
                latitude=lat + 0.01, contour=square_contour(lon, lat, 0.02),
            )  # fmt: skip
            fake.tables["commune"][code] = {"neet_rate": 0.2, "youths_15_24": 300.0 + index}
            fake.trade_tables["usinage"]["commune"][code] = {"bmo_projects_per_1000": 1.2, "bmo_difficulty_rate": 0.5}
            fake.demand["youths_15_24"][code] = 300.0 + index
            if offset == 0:
                school = ProductionSchool.objects.create(
                    name=f"École {index}", commune=commune, sources="https://exemple.fr"
                )
                school.trades.add(world["usinage"])
        ScoringProfile.objects.create(
            name=f"Profil {index}", owner=region_org, weights={"neet_rate": 1.0}, is_shared=True
        )


def assert_constant(client, target, params, grow, bound, django_assert_max_num_queries):
    client.get(target, params)  # warm up the session
    with django_assert_max_num_queries(bound) as small:
        assert client.get(target, params).status_code == 200
    # Read now: the queries ``grow`` makes (a job's) may rotate the connection's query log under ``small``.
    small_count = len(small.captured_queries)
    grow()
    with django_assert_max_num_queries(small_count):
        response = client.get(target, params)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("level", ["epci", "commune", "employment_zone", "department"])
@pytest.mark.parametrize("show", ["score", "neet_rate"])
def test_opportunity_page_at_every_level(
    region_client,
    small_world,
    selectors,
    region,
    django_assert_max_num_queries,
    level,
    show,
):
    params = {"trade": "usinage", "level": level, "show": show, "rows": "all"}
    # 17: the page also finds the user's latest rank-sensitivity job for this trade, level and profile.
    response = assert_constant(
        region_client, reverse("analysis:opportunity"), params,
        lambda: _territories(small_world, selectors, 10, region), 17, django_assert_max_num_queries,
    )  # fmt: skip
    if level in ("epci", "commune"):
        assert len(response.context["lines"]) > 10
    lines = response.context["lines"]
    rows = table_rows(response)
    # Ten EPCI of two communes each were added: 13 EPCI, 26 communes (every zone and département keep 2).
    assert len(rows) == len(lines) == {"epci": 13, "commune": 26}.get(level, 2)
    for row, line in zip(rows, lines, strict=True):
        assert row.startswith(f"{line.rank} | {line.name} Calcul du score de {line.name} "), row


def test_sensitivity_fragment(region_client, small_world, selectors, region, django_assert_max_num_queries):
    """The fragment reads the sensitivity job's stored result (asked for on the grown world, so that every
    territory has its row)."""
    params = {"trade": "usinage", "level": "epci", "show": "score", "rows": "all"}

    def grow():
        _territories(small_world, selectors, 10, region)
        url = f"{reverse('analysis:opportunity_sensitivity')}?{urlencode(params)}"
        region_client.post(url, headers={"HX-Request": "true"})

    response = assert_constant(
        region_client, reverse("analysis:opportunity_sensitivity"), params, grow, 17, django_assert_max_num_queries,
    )  # fmt: skip
    assert len(response.context["stability_rows"]) == 13
    rows = table_rows(response)
    assert len(rows) == 13
    for row, (line, item) in zip(rows, response.context["stability_rows"], strict=True):
        assert row.startswith(f"{line.rank} | {line.name} | {item.min_rank} | {item.max_rank} | "), row
    assert {row.split(" | ")[1] for row in rows} >= {f"CC Nouvelle {index}" for index in range(3, 13)}
    assert len([row for row in table_rows(response) if row.split(" | ")[1].startswith("CC Nouvelle")]) == 10


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_opportunity_export(region_client, small_world, selectors, region, django_assert_max_num_queries, fmt):
    params = {"trade": "usinage", "level": "commune", "show": "score", "rows": "all", "sensitivity": "1"}
    assert_constant(
        region_client, reverse("analysis:opportunity_export", kwargs={"fmt": fmt}), params,
        lambda: _territories(small_world, selectors, 10, region), 16, django_assert_max_num_queries,
    )  # fmt: skip


def _sites_job_page(client, **overrides) -> str:
    """Ask for a site selection (the job runs synchronously in the tests); the URL of its page."""
    response = client.post(reverse("analysis:sites"), SITES_QUERY | overrides)
    assert response.status_code == 302
    return response["Location"]


def test_sites_page(region_client, small_world, selectors, region, django_assert_max_num_queries):
    """The page of a site selection reads its stored result: the same queries whatever the number of
    communes, sites' catchments and schools, and every site and covered commune is rendered."""
    first = _sites_job_page(region_client)
    region_client.get(first)  # warm up the session
    with django_assert_max_num_queries(16) as small:
        response = region_client.get(first)
    bound = len(small.captured_queries)
    rows = table_rows(response)
    sites = [row for row in rows if re.match(r"^\d+ \| ", row)]
    assert len(sites) == 4 and sites[0].startswith("1 | ")  # two sites per answer
    assert len(rows) == 4 + len(response.context["run"]["coverage"]["exact"])
    _territories(small_world, selectors, 10, region)
    second = _sites_job_page(region_client, radius_km="100")  # every commune in some site's catchment
    with django_assert_max_num_queries(bound):
        response = region_client.get(second)
    grown = table_rows(response)
    assert len(grown) == 4 + len(response.context["run"]["coverage"]["exact"]) and len(grown) > len(rows)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_sites_export(region_client, small_world, selectors, region, django_assert_max_num_queries, fmt):
    """The exports read the stored result: a constant number of queries, no solve."""
    first = _sites_job_page(region_client).rstrip("/") + f"/export/{fmt}/"
    with django_assert_max_num_queries(8) as small:
        assert region_client.get(first).status_code == 200
    bound = len(small.captured_queries)
    _territories(small_world, selectors, 10, region)
    second = _sites_job_page(region_client, radius_km="100").rstrip("/") + f"/export/{fmt}/"
    with django_assert_max_num_queries(bound):
        assert region_client.get(second).status_code == 200


def test_profile_page_with_a_longer_history(
    region_client, small_world, selectors, region, django_assert_max_num_queries
):
    profile = ScoringProfile.objects.create(name="Profil suivi", owner=region, weights={"neet_rate": 1.0})

    def edits():
        for index in range(12):
            profile.description = f"Version {index}"
            profile.save()

    response = assert_constant(
        region_client, reverse("analysis:profile_detail", args=[profile.pk]), {}, edits, 12,
        django_assert_max_num_queries,
    )  # fmt: skip
    history = response.content.decode().split('id="history-title"')[1].split("</section>")[0]
    assert history.count("<li>") == len(response.context["history"]) == 10  # the 10 latest of 13 versions
    assert table_rows(response) == [
        "Part des NEET Source de test, 2022 | 1,000 | 100 % | Plus la valeur est élevée, plus le besoin est fort"
    ]


def _schools(world, n):
    """``n`` more open usinage schools in the small world's communes (what grows with the programme)."""
    communes = list(world["communes"].values())
    start = ProductionSchool.objects.count()
    for index in range(start, start + n):
        school = ProductionSchool.objects.create(
            name=f"École ajoutée {index}", commune=communes[index % len(communes)], sources="https://exemple.fr"
        )
        school.trades.add(world["usinage"])


@pytest.mark.parametrize("level", ["commune", "epci"])
def test_opportunity_page_weighs_the_same_with_more_schools(
    region_client, small_world, selectors, region, django_assert_max_num_queries, level
):
    """Bytes at two sizes (issue 13): the opportunity page read with 4, then 16 more schools of the
    programme weighs the same (the territories, reference data, are the same), in the same queries: the map
    draws one school mark per commune (it drew one per school, ≈ 190 bytes each)."""
    params = {"trade": "usinage", "level": level, "show": "score"}
    target = reverse("analysis:opportunity")
    _schools(small_world, 4)
    region_client.get(target, params)
    # 17, the page's bound in test_opportunity_page_at_every_level (with the rank-sensitivity job's lookup).
    with django_assert_max_num_queries(17) as counted:
        small = region_client.get(target, params)
    _schools(small_world, 16)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        big = region_client.get(target, params)
    assert big.status_code == 200
    assert len(table_rows(big)) == len(table_rows(small)) > 0
    # One school mark per commune that has schools, however many they are (20 schools in 6 communes here).
    assert big.content.decode().count('class="map-school"') <= len(small_world["communes"]) < 20
    assert_size_bounded(small, big)
