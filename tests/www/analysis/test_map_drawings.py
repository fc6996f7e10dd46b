"""The analysis maps decode the région's contours once per process and reuse their drawn paths
(``views.common._features`` and ``DRAWINGS``, ``svg.DrawingCache``): the same bytes as a map drawn from
scratch, and a contour loaded again shows on the next map."""

import re

import pytest
from django.urls import reverse

from essaim.territories import svg
from essaim.territories.models import CommuneShape
from essaim.www.analysis.views import common, opportunity
from tests.territories.factories import square_contour

pytestmark = pytest.mark.django_db

QUERY = {"trade": "usinage", "show": "score", "rows": "all"}


def _maps(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r"<svg.*?</svg>", response.content.decode(), re.S)


def _from_scratch(client, query, monkeypatch) -> list[str]:
    """The maps drawn without any cache: contours decoded for this request, every path drawn again."""
    with monkeypatch.context() as patched:
        patched.setattr(opportunity, "DRAWINGS", None)
        patched.setattr(common, "_CONTOURS", {})
        return _maps(client.get(reverse("analysis:opportunity"), query))


@pytest.fixture
def cold_caches():
    common._CONTOURS.clear()
    common.DRAWINGS.clear()
    yield
    common._CONTOURS.clear()
    common.DRAWINGS.clear()


@pytest.mark.parametrize("level", ["commune", "epci"])
def test_maps_drawn_from_the_caches_are_the_maps_drawn_from_scratch(
    region_client, small_world, selectors, cold_caches, monkeypatch, level
):
    query = QUERY | {"level": level}
    first = _maps(region_client.get(reverse("analysis:opportunity"), query))  # fills the caches
    again = _maps(region_client.get(reverse("analysis:opportunity"), query))  # reads them
    scratch = _from_scratch(region_client, query, monkeypatch)
    assert first and 'class="map-svg"' in first[0]
    assert first == again == scratch


def test_a_contour_loaded_again_shows_on_the_next_map(region_client, small_world, selectors, cold_caches, monkeypatch):
    """Nothing to invalidate by hand: a contour whose text changed is decoded and drawn again."""
    query = QUERY | {"level": "commune"}
    before = _maps(region_client.get(reverse("analysis:opportunity"), query))
    bigger = square_contour(3.0, 50.0, 0.3)
    CommuneShape.objects.filter(commune=small_world["communes"]["59001"]).update(
        geometry=bigger, simplified=svg.simplify(bigger)
    )
    after = _maps(region_client.get(reverse("analysis:opportunity"), query))
    assert after != before
    assert after == _from_scratch(region_client, query, monkeypatch)


def test_the_drawing_cache_gives_the_bytes_of_a_drawing_without_it():
    """Bounds and paths read from the cache equal those computed (an outline and holes included), and an entry
    never answers for another geometry object, even an equal one."""
    features = [
        {"geometry": square_contour(2.0 + i * 0.1, 50.0 + (i % 3) * 0.07, 0.05 + i * 0.01), "name": f"T{i}"}
        for i in range(8)
    ]
    holed = {
        "type": "Polygon",
        "coordinates": [
            [[2.0, 50.5], [2.4, 50.5], [2.4, 50.8], [2.0, 50.8], [2.0, 50.5]],
            [[2.1, 50.6], [2.2, 50.6], [2.2, 50.7], [2.1, 50.7], [2.1, 50.6]],
        ],
    }
    features.append({"geometry": holed, "name": "Trouée"})
    outline = square_contour(2.3, 50.2, 0.6)
    drawings = svg.DrawingCache()
    for merge_fills in (False, True):
        expected = svg.render_svg(features, outline=outline, merge_fills=merge_fills)
        assert svg.render_svg(features, outline=outline, merge_fills=merge_fills, drawings=drawings) == expected
        assert svg.render_svg(features, outline=outline, merge_fills=merge_fills, drawings=drawings) == expected
    moved = [{"geometry": square_contour(2.0, 50.0, 0.05), "name": "T0"}]
    copy = [{"geometry": dict(features[0]["geometry"]), "name": "T0"}]
    assert svg.render_svg(moved, drawings=drawings) == svg.render_svg(moved)
    assert svg.render_svg(copy, drawings=drawings) == svg.render_svg(copy)


def test_the_drawing_cache_stays_bounded():
    drawings = svg.DrawingCache(limit=3)
    features = [{"geometry": square_contour(2.0 + i * 0.1, 50.0)} for i in range(10)]
    svg.render_svg(features, drawings=drawings)
    assert len(drawings._bounds) <= 3 and len(drawings._paths) <= 3
    assert svg.render_svg(features, drawings=drawings) == svg.render_svg(features)
