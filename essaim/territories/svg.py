"""Server-side SVG maps from GeoJSON contours: no tile server, no JavaScript, no Django.

``render_svg(features, width=...)`` draws (Multi)Polygon geometries in WGS84 with an
equirectangular projection whose x axis is scaled by cos(mean latitude), which is accurate
enough at the scale of a région. Every feature becomes one ``<path>`` (inside an ``<a>`` when it
has a link) with a ``<title>`` tooltip; the ``<svg>`` has an ``aria-label`` and ``role="img"``, or
``role="group"`` when it holds links (an image's content is presentational: no link may sit inside it).

To stay light with hundreds of communes, coordinates are rounded to ``precision`` decimals of
a pixel (whole pixels by default), consecutive duplicate and exactly collinear points are dropped
and paths use relative moves (``l dx dy``). Rounding is done on absolute positions, so borders
shared by two features stay shared (no gaps). The 797 communes of the Aisne make about 230 kB of
SVG (50 kB gzipped).

All text is escaped here: the result can be marked safe by the caller.

Example::

    svg = render_svg(
        communes,
        width=640,
        geometry_for=lambda c: c.contour,
        title_for=lambda c: f"{c.name} : {c.population} hab.",
        href_for=lambda c: f"/territoires/communes/{c.code}/",
        label="Communes de l'EPCI",
    )
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape
from typing import Any, TypeVar

Feature = TypeVar("Feature")
Geometry = Mapping[str, Any]
Ring = list[tuple[float, float]]

DEFAULT_FILL = "#c8d6ea"
OUTLINE_STROKE = "#1b3a6b"
# Sequential palette (light → dark blue), readable on white, for classed maps.
SEQUENTIAL_BLUES = ("#dbe6f3", "#b3cbe6", "#7fa6d2", "#4a7db7", "#1f5494")
KM_PER_DEGREE = 111.32


def _default_geometry(feature: Any) -> Geometry | None:
    """A GeoJSON Feature mapping (``feature["geometry"]``) or an object with a ``contour``."""
    if isinstance(feature, Mapping):
        return feature.get("geometry")
    return getattr(feature, "contour", None)


def polygons_of(geometry: Geometry | None) -> list[list[Ring]]:
    """The polygons (lists of rings of ``(lon, lat)``) of a Polygon or MultiPolygon; [] otherwise."""
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return []
    return [[[(p[0], p[1]) for p in ring] for ring in polygon] for polygon in polygons]


def bounds(geometries: Iterable[Geometry | None]) -> tuple[float, float, float, float] | None:
    """``(min_lon, min_lat, max_lon, max_lat)`` of the geometries, or None if there is none."""
    lons: list[float] = []
    lats: list[float] = []
    for geometry in geometries:
        for polygon in polygons_of(geometry):
            for ring in polygon:
                lons.extend(p[0] for p in ring)
                lats.extend(p[1] for p in ring)
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def area_km2(geometry: Geometry | None) -> float:
    """Approximate area in km² (shoelace formula on the local equirectangular projection)."""
    total = 0.0
    for polygon in polygons_of(geometry):
        for index, ring in enumerate(polygon):
            if len(ring) < 3:
                continue
            k = math.cos(math.radians(sum(p[1] for p in ring) / len(ring)))
            twice = sum(
                (x1 * k) * y2 - (x2 * k) * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
            )
            surface = abs(twice) / 2 * KM_PER_DEGREE**2
            total += surface if index == 0 else -surface  # inner rings are holes
    return max(total, 0.0)


# Tolerance of the simplified contours kept for maps of a whole région or département (degrees, ≈ 200 m):
# a map 640 px wide of the Hauts-de-France has ≈ 0,5 km per pixel, so the difference never shows.
MAP_TOLERANCE = 0.002


def _simplify_ring(ring: list[Any], tolerance: float) -> list[Any]:
    """Douglas–Peucker on one closed ring (iterative), keeping its first and last points."""
    if len(ring) <= 4:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    tolerance2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = ring[first][:2], ring[last][:2]
        dx, dy = x2 - x1, y2 - y1
        length2 = dx * dx + dy * dy
        farthest, distance2 = -1, tolerance2
        for index in range(first + 1, last):
            px, py = ring[index][0] - x1, ring[index][1] - y1
            if length2 == 0:
                d2 = px * px + py * py
            else:
                cross = px * dy - py * dx
                d2 = cross * cross / length2
            if d2 > distance2:
                farthest, distance2 = index, d2
        if farthest >= 0:
            keep[farthest] = True
            stack.extend(((first, farthest), (farthest, last)))
    return [point for point, kept in zip(ring, keep, strict=True) if kept]


def simplify(geometry: Geometry | None, tolerance: float = MAP_TOLERANCE) -> dict[str, Any] | None:
    """A lighter copy of a (Multi)Polygon for small-scale maps: rings simplified (Douglas–Peucker), inner
    rings and islands that shrink below 4 points dropped; the outer ring of each polygon is always kept."""
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    simplified = []
    for polygon in polygons:
        rings = []
        for index, ring in enumerate(polygon):
            light = _simplify_ring([[round(p[0], 5), round(p[1], 5)] for p in ring], tolerance)
            if len(light) >= 4:
                rings.append(light)
            elif index == 0:
                rings.append([[round(p[0], 5), round(p[1], 5)] for p in ring])  # a tiny island: kept as it is
        if rings:
            simplified.append(rings)
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": simplified[0]}
    return {"type": "MultiPolygon", "coordinates": simplified}


def class_breaks(values: Sequence[float], classes: int = len(SEQUENTIAL_BLUES)) -> list[float]:
    """Upper bounds of ``classes`` quantile classes of ``values`` (the last one is the maximum)."""
    ordered = sorted(values)
    if not ordered:
        return []
    breaks = [ordered[min(len(ordered) - 1, math.ceil(len(ordered) * i / classes) - 1)] for i in range(1, classes + 1)]
    return sorted(set(breaks))


def class_colour(value: float, breaks: Sequence[float], palette: Sequence[str] = SEQUENTIAL_BLUES) -> str:
    """Colour of the first class whose upper bound is ≥ ``value`` (palette spread over the classes)."""
    for index, upper in enumerate(breaks):
        if value <= upper:
            return palette[_palette_index(index, len(breaks), len(palette))]
    return palette[-1]


def _palette_index(index: int, classes: int, colours: int) -> int:
    if classes <= 1:
        return colours // 2
    return round(index * (colours - 1) / (classes - 1))


class _Projection:
    """WGS84 → SVG pixels; x scaled by cos(mean latitude), y pointing down."""

    def __init__(self, box: tuple[float, float, float, float], width: int, padding: int, precision: int):
        min_lon, min_lat, max_lon, max_lat = box
        self.k = math.cos(math.radians((min_lat + max_lat) / 2))
        span_x = max((max_lon - min_lon) * self.k, 1e-9)
        span_y = max(max_lat - min_lat, 1e-9)
        self.scale = (width - 2 * padding) / span_x
        self.min_lon, self.max_lat, self.padding = min_lon, max_lat, padding
        self.width = width
        self.height = math.ceil(span_y * self.scale + 2 * padding)
        self.factor = 10**precision
        self.key = (box, width, padding, precision)

    def point(self, lon: float, lat: float) -> tuple[int, int]:
        """Pixel position in units of 10**-precision pixel (integers, so that deltas are exact)."""
        x = ((lon - self.min_lon) * self.k * self.scale + self.padding) * self.factor
        y = ((self.max_lat - lat) * self.scale + self.padding) * self.factor
        return round(x), round(y)

    def number(self, value: int) -> str:
        if self.factor == 1:
            return str(value)
        text = f"{value / self.factor:.{len(str(self.factor)) - 1}f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text


def _without_collinear(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop the points lying exactly on the segment between their neighbours (no visible change)."""
    kept: list[tuple[int, int]] = []
    for point in points:
        while len(kept) >= 2:
            (ax, ay), (bx, by) = kept[-2], kept[-1]
            cross = (bx - ax) * (point[1] - ay) - (by - ay) * (point[0] - ax)
            same_direction = (bx - ax) * (point[0] - bx) + (by - ay) * (point[1] - by) >= 0
            if cross != 0 or not same_direction:
                break
            kept.pop()
        kept.append(point)
    return kept


def _ring_path(ring: Ring, projection: _Projection) -> str:
    points: list[tuple[int, int]] = []
    for lon, lat in ring:
        point = projection.point(lon, lat)
        if not points or point != points[-1]:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    points = _without_collinear(points)
    if len(points) < 3:
        return ""
    number = projection.number
    parts = [f"M{number(points[0][0])} {number(points[0][1])}l"]
    deltas = []
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        deltas.append(f"{number(x2 - x1)} {number(y2 - y1)}")
    return parts[0] + " ".join(deltas).replace(" -", "-") + "z"


def geometry_path(geometry: Geometry | None, projection: _Projection) -> str:
    """The ``d`` attribute of a (Multi)Polygon; rings that shrink below 3 pixels are dropped."""
    return "".join(_ring_path(ring, projection) for polygon in polygons_of(geometry) for ring in polygon)


def _union(boxes: Iterable[tuple[float, float, float, float] | None]) -> tuple[float, float, float, float] | None:
    """The box around ``boxes`` (the same floats as :func:`bounds` over all their geometries)."""
    present = [box for box in boxes if box is not None]
    if not present:
        return None
    return (
        min(box[0] for box in present),
        min(box[1] for box in present),
        max(box[2] for box in present),
        max(box[3] for box in present),
    )


class DrawingCache:
    """The bounds and paths of geometries already drawn, for maps whose geometries are the *same objects* from
    one drawing to the next (a process-wide cache of decoded contours: essaim/www/analysis/views/common.py).

    Entries are keyed by the geometry's identity and hold a reference to it, so an identity is never reused
    by another object while its entry lives; a geometry that changed is a new object, hence a new entry.
    Past ``limit`` entries the cache starts again empty (memory stays bounded). Drawing with or without it
    gives the same bytes (tests/www/analysis/test_map_drawings.py)."""

    def __init__(self, limit: int = 50_000):
        self.limit = limit
        self._bounds: dict[int, tuple[Geometry, tuple[float, float, float, float] | None]] = {}
        self._paths: dict[tuple[int, tuple], tuple[Geometry, str]] = {}

    def _store(self, entries: dict, key, value) -> None:
        if len(entries) >= self.limit:
            entries.clear()
        entries[key] = value

    def bounds(self, geometries: Iterable[Geometry | None]) -> tuple[float, float, float, float] | None:
        boxes = []
        for geometry in geometries:
            if not geometry:
                continue
            hit = self._bounds.get(id(geometry))
            if hit is None or hit[0] is not geometry:
                hit = (geometry, bounds([geometry]))
                self._store(self._bounds, id(geometry), hit)
            boxes.append(hit[1])
        return _union(boxes)

    def path(self, geometry: Geometry | None, projection: _Projection) -> str:
        if not geometry:
            return geometry_path(geometry, projection)
        key = (id(geometry), projection.key)
        hit = self._paths.get(key)
        if hit is None or hit[0] is not geometry:
            hit = (geometry, geometry_path(geometry, projection))
            self._store(self._paths, key, hit)
        return hit[1]

    def clear(self) -> None:
        self._bounds.clear()
        self._paths.clear()


def render_svg(
    features: Iterable[Feature],
    *,
    width: int = 640,
    fill_for: Callable[[Feature], str] | None = None,
    title_for: Callable[[Feature], str] | None = None,
    href_for: Callable[[Feature], str | None] | None = None,
    geometry_for: Callable[[Feature], Geometry | None] = _default_geometry,
    outline: Geometry | None = None,
    label: str = "Carte",
    padding: int = 4,
    precision: int = 0,
    css_class: str = "map-svg",
    merge_fills: bool = False,
    drawings: DrawingCache | None = None,
    box: tuple[float, float, float, float] | None = None,
) -> str:
    """Draw ``features`` as an inline ``<svg>``; "" when there is nothing to draw.

    ``merge_fills``: one ``<path>`` per colour instead of one per feature, without hover texts nor links —
    for maps of thousands of small features (every commune of a région), whose page must stay light; the
    page's table then carries what the hover texts would have.

    ``fill_for``, ``title_for`` and ``href_for`` are called with each feature; ``geometry_for``
    returns its GeoJSON geometry. ``outline`` (a geometry, e.g. the territory's own contour) is
    drawn on top with a dark stroke and no fill. Links are kept out of the keyboard tab order
    (``tabindex="-1"``): the page must offer the same links in text (e.g. a table). A map with links is a
    labelled ``role="group"`` (WCAG 4.1.2: no interactive content inside a ``role="img"``), else ``role="img"``.
    ``drawings``: reuse the bounds and paths of geometries drawn before (``DrawingCache``; same bytes).
    ``box``: the bounds of the features and outline, when the caller computed them already (to place its own
    marks with the same projection); computed here otherwise.
    """
    items = [(feature, geometry_for(feature)) for feature in features]
    if box is None and drawings is not None:
        box = _union([drawings.bounds(geometry for _, geometry in items), bounds([outline])])
    elif box is None:
        box = bounds([geometry for _, geometry in items] + [outline])
    if box is None:
        return ""
    projection = _Projection(box, width, padding, precision)
    draw = drawings.path if drawings is not None else geometry_path
    if merge_fills:
        by_fill: dict[str, list[str]] = {}
        for feature, geometry in items:
            d = draw(geometry, projection)
            if d:
                by_fill.setdefault(fill_for(feature) if fill_for else DEFAULT_FILL, []).append(d)
        body = [f'<path d="{"".join(parts)}" fill="{escape(fill)}"/>' for fill, parts in by_fill.items()]
    else:
        body = [
            _feature_element(feature, geometry, projection, fill_for, title_for, href_for, draw)
            for feature, geometry in items
        ]
    if outline:
        d = geometry_path(outline, projection)
        if d:
            body.append(
                f'<path d="{d}" fill="none" stroke="{OUTLINE_STROKE}" stroke-width="1.5" '
                'pointer-events="none" style="stroke:#1b3a6b;stroke-width:1.5"/>'
            )
    role = "group" if any(element.startswith("<a ") for element in body) else "img"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" '
        f'viewBox="0 0 {width} {projection.height}" '
        f'role="{role}" aria-label="{escape(label)}" fill-rule="evenodd">' + "".join(body) + "</svg>"
    )


def _feature_element(
    feature: Feature,
    geometry: Geometry | None,
    projection: _Projection,
    fill_for: Callable[[Feature], str] | None,
    title_for: Callable[[Feature], str] | None,
    href_for: Callable[[Feature], str | None] | None,
    draw: Callable[[Geometry | None, _Projection], str] = geometry_path,
) -> str:
    d = draw(geometry, projection)
    if not d:
        return ""
    fill = fill_for(feature) if fill_for else DEFAULT_FILL
    title = f"<title>{escape(title_for(feature))}</title>" if title_for else ""
    path = f'<path d="{d}" fill="{escape(fill)}">{title}</path>'
    href = href_for(feature) if href_for else None
    if href:
        return f'<a href="{escape(href)}" tabindex="-1">{path}</a>'
    return path
