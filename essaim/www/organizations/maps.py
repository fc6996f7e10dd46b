"""Map of the partner directory: the départements of the région, one point per commune where
filtered organisations sit (its size grows with their number) — or, above ``views.MAP_COMMUNE_POINTS``
communes, one point per EPCI linking to the directory filtered on it — drawn by ``territories.svg``.

Points are small polygons (16 sides) built in the map's own aspect (longitude stretched by
1/cos(latitude)) so that they look round; ``render_svg`` escapes every text, hence ``mark_safe``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import mark_safe

from essaim.common.formats import format_number
from essaim.territories import svg
from essaim.www.territories.maps import LegendItem, Map

MAP_WIDTH = 640
DEPARTMENT_FILL = "#e3e7ed"
POINT_FILL = "#b5410f"  # dark orange: contrast ≥ 4.5:1 on the light grey background
POINT_SIDES = 16


@dataclass
class _Point:
    name: str
    code: str
    count: int
    names: list[str]
    geometry: dict
    epci: bool = False


def _circle(lon: float, lat: float, radius_deg: float) -> dict:
    k = math.cos(math.radians(lat))
    ring = [
        [
            lon + radius_deg / k * math.cos(2 * math.pi * i / POINT_SIDES),
            lat + radius_deg * math.sin(2 * math.pi * i / POINT_SIDES),
        ]
        for i in range(POINT_SIDES)
    ]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def partners_map(departments, communes: list[dict], *, label: str) -> Map | None:
    """``communes``: dicts with code, name, latitude, longitude, count, names (a few organisation names)
    and ``epci`` (the point stands for an EPCI's communes: SIREN as code, no names)."""
    departments = [department for department in departments if department.map_contour]
    if not departments:
        return None
    points = []
    for commune in communes:
        if commune["latitude"] is None or commune["longitude"] is None:
            continue
        radius = 0.025 + 0.012 * min(math.sqrt(commune["count"]) - 1, 4)
        points.append(
            _Point(
                name=commune["name"],
                code=commune["code"],
                count=commune["count"],
                names=commune["names"],
                epci=commune.get("epci", False),
                geometry=_circle(float(commune["longitude"]), float(commune["latitude"]), radius),
            )
        )
    features = list(departments) + points

    def title(feature):
        if isinstance(feature, _Point) and feature.epci:
            return f"{feature.name} : {format_number(feature.count)} organisation(s) — voir la liste"
        if isinstance(feature, _Point):
            listed = ", ".join(feature.names)
            more = "…" if feature.count > len(feature.names) else ""
            return f"{feature.name} : {format_number(feature.count)} organisation(s) — {listed}{more}"
        return feature.name

    def href(feature):
        if isinstance(feature, _Point) and feature.epci:
            return f"{reverse('organizations:organization_list')}?epci={feature.code}" if feature.code else None
        if isinstance(feature, _Point):
            return reverse("territories:commune_detail", kwargs={"code": feature.code})
        return None

    drawing = svg.render_svg(
        features,
        width=MAP_WIDTH,
        geometry_for=lambda f: f.geometry if isinstance(f, _Point) else f.map_contour,
        fill_for=lambda f: POINT_FILL if isinstance(f, _Point) else DEPARTMENT_FILL,
        title_for=title,
        href_for=href,
        label=label,
    )
    grouped = any(point.epci for point in points)
    where = "EPCI" if grouped else "commune"
    legend = [
        LegendItem(POINT_FILL, f"{where} où se trouvent des organisations (taille selon leur nombre)"),
        LegendItem(DEPARTMENT_FILL, "départements des Hauts-de-France"),
    ]
    return Map(svg=mark_safe(drawing), title="Où sont les partenaires", legend=legend)
