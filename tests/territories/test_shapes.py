"""Contours live apart from the territory rows: lists never load them; maps load them explicitly."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from essaim.territories import svg
from essaim.territories.models import Commune
from tests.territories.factories import CommuneFactory, square_contour


def _wiggly_ring(points=400):
    import math

    ring = [
        [
            3.0 + 0.1 * math.cos(2 * math.pi * i / points) + 0.0001 * (i % 2),
            50.0 + 0.1 * math.sin(2 * math.pi * i / points),
        ]
        for i in range(points)
    ]
    return [*ring, ring[0]]


def test_simplify_keeps_the_shape_with_far_fewer_points():
    geometry = {"type": "Polygon", "coordinates": [_wiggly_ring()]}
    light = svg.simplify(geometry)
    ring = light["coordinates"][0]
    assert 4 <= len(ring) < 100
    assert ring[0] == ring[-1]
    assert svg.area_km2(light) == pytest.approx(svg.area_km2(geometry), rel=0.02)


def test_simplify_keeps_small_islands_and_multipolygons():
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [[_wiggly_ring()], [square_contour(4.0, 51.0, 0.0001)["coordinates"][0]]],
    }
    light = svg.simplify(geometry)
    assert light["type"] == "MultiPolygon" and len(light["coordinates"]) == 2
    assert svg.simplify(None) is None and svg.simplify({"type": "Point", "coordinates": [1, 2]}) is None


@pytest.mark.django_db
def test_related_territories_are_read_without_their_contours():
    CommuneFactory(with_contour=True, department__with_contour=True, epci__with_contour=True)
    with CaptureQueriesContext(connection) as queries:
        commune = Commune.objects.select_related("department", "epci", "employment_zone").get()
        assert commune.department.name and commune.epci.name
    assert len(queries) == 1
    assert "geometry" not in queries[0]["sql"] and "shape" not in queries[0]["sql"]


@pytest.mark.django_db
def test_maps_load_contours_explicitly_in_one_query():
    for _ in range(3):
        CommuneFactory(with_contour=True)
    with CaptureQueriesContext(connection) as queries:
        communes = list(Commune.objects.select_related("shape"))
        assert all(c.contour and c.map_contour for c in communes)
    assert len(queries) == 1


def test_merged_fills_draw_one_path_per_colour_without_hover_texts():
    features = [
        {"geometry": square_contour(2.0 + 0.1 * i, 50.0), "fill": "#aaa" if i % 2 else "#bbb"} for i in range(10)
    ]
    drawing = svg.render_svg(
        features, fill_for=lambda f: f["fill"], title_for=lambda f: "titre", href_for=lambda f: "/x/", merge_fills=True
    )
    assert drawing.count("<path") == 2 and "<title>" not in drawing and "<a " not in drawing
    assert drawing.count("M") == 10  # every square is drawn
