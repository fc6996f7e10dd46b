# ruff: noqa: F811  (fixtures imported from the area's tests are used as test parameters)
"""No N+1 on the territory search results (full page and htmx fragment): read with a few matching
communes and EPCI, then with clearly more, under the same bound.

Complements tests/www/territories/test_views.py, which grows the five territory pages but checks the
search fragment at one size."""

import pytest
from django.urls import reverse

from tests.rendered import table_rows
from tests.territories.factories import CommuneFactory, EpciFactory
from tests.www.territories.test_views import REQUEST_QUERIES, territories, user, user_client  # noqa: F401

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true", "HX-Target": "territory-search-results"}


def _lille_suburbs(territories, n):
    """``n`` communes named « Lille-… », half of them in new EPCI named « Lille … »."""
    start = len(territories.setdefault("added", []))
    for index in range(start, start + n):
        epci = EpciFactory(siren=f"2400{index:05d}", name=f"CC Lille {index}") if index % 2 else territories["mel"]
        territories["added"].append(
            CommuneFactory(
                code=f"59{700 + index:03d}",
                name=f"Lille-Faubourg {index}",
                department=territories["nord"],
                epci=epci,
                employment_zone=territories["zone"],
                with_contour=True,
            )  # fmt: skip
        )


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_search_results_do_not_grow_with_matches(
    user_client,
    territories,
    django_assert_max_num_queries,
    headers,
):
    target = reverse("territories:index")
    user_client.get(target, {"q": "lille"}, headers=headers)  # warm up the session
    _lille_suburbs(territories, 2)
    with django_assert_max_num_queries(REQUEST_QUERIES + 6) as small:
        assert user_client.get(target, {"q": "lille"}, headers=headers).status_code == 200
    _lille_suburbs(territories, 20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = user_client.get(target, {"q": "lille"}, headers=headers)
    rows = table_rows(response)
    # At most 20 communes (Lille first, then 19 of the 22 « Lille-Faubourg »), and the MEL with the 11 new EPCI;
    # the full page also shows its 2 départements and 2 zones d'emploi.
    assert rows[0] == "Lille | 59350 | 236 710"
    assert len([row for row in rows if row.startswith("Lille-Faubourg ")]) == 19
    assert len([row for row in rows if row.startswith("CC Lille ")]) == 11
    assert len(rows) == (32 if headers else 36)
