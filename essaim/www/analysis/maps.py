"""Maps of the analysis pages: a choropleth (score or indicator) with schools and sites as points.

The territories are drawn by ``essaim.territories.svg.render_svg`` (server-side SVG from the stored
contours: no tile server, works on a closed network); this module chooses the classes and colours,
adds a hatch pattern for missing values, and draws points (existing schools, proposed sites and
their radius) on top with the same projection. Every text is escaped before being marked safe.

Palette: ColorBrewer YlGnBu, 5 classes, sequential from light yellow to dark blue: safe for the
common colour-vision deficiencies and readable in grey (lightness grows steadily). Classes are
quantiles, so each colour holds about as many territories. Missing values are hatched, never
coloured as a low value. Points differ by shape as well as colour (circle = existing school,
diamond = proposed site), so no information rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

from essaim.common.formats import UNIT_DECIMALS, format_number, format_percent
from essaim.territories import svg

PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
MISSING_FILL = "url(#analysis-missing)"
MISSING_SWATCH = "repeating-linear-gradient(45deg, #ffffff 0 3px, #8c8c8c 3px 4px)"
SCHOOL_FILL = "#1e1e1e"
SITE_FILL = "#d95f02"
GREEDY_STROKE = "#7b3294"
SERVED_FILL = "#4a6fa5"
MAP_WIDTH = 640
PADDING = 4
_DEFS = (
    '<defs><pattern id="analysis-missing" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#8c8c8c" stroke-width="2"/></pattern></defs>'
)


@dataclass
class LegendItem:
    label: str
    colour: str = ""
    symbol: str = ""  # "school", "site", "greedy", "radius" for point symbols; "" for a filled swatch


@dataclass
class Map:
    svg: SafeString
    title: str
    legend: list[LegendItem] = field(default_factory=list)


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float
    title: str
    kind: str  # "school" | "site" | "greedy"
    label: str = ""
    radius_km: float | None = None  # straight-line radius drawn around the point


def school_points_by_commune(schools) -> list[Point]:
    """One school mark per commune (issue 13: the opportunity map weighs the same whatever the number of
    schools of the programme — at most one mark per commune, reference data). A commune with one school
    names it; with several, the tooltip gives their number (each territory's sheet lists them by name)."""
    by_commune: dict[str, list] = {}
    for school in schools:
        by_commune.setdefault(school.commune_code, []).append(school)
    points = []
    for group in by_commune.values():
        first = group[0]
        if len(group) == 1:
            title = f"École de production : {first.name} ({first.commune_name}), {first.status_label.lower()}"
        else:
            title = f"{len(group)} écoles de production à {first.commune_name} (voir la fiche de la commune)"
        points.append(Point(first.lat, first.lon, title, "school"))
    return points


def decimals_for(values: Sequence[float]) -> int:
    """Decimals that keep the class bounds distinct and short: 0 above 100, 1 above 1, else 2."""
    top = max((abs(v) for v in values), default=0.0)
    if top >= 100:
        return 0
    return 1 if top >= 1 else 2


def format_value(value: float | None, unit: str, digits: int | None = None) -> str:
    """An indicator value in French: rates stored as fractions with unit "%" read 17,1 %."""
    if value is None:
        return "donnée manquante"
    if unit == "%":
        return format_percent(value, 1)
    if digits is None:  # the unit's decimals, shared with the exports (formats.UNIT_DECIMALS)
        digits = UNIT_DECIMALS[unit] if unit in UNIT_DECIMALS else decimals_for([value])
    return f"{format_number(value, digits)} {unit}".strip()


def classes(values: Sequence[float]) -> list[float]:
    """Upper bounds of (at most) five quantile classes."""
    return svg.class_breaks(list(values), classes=len(PALETTE))


def colour_of(value: float | None, breaks: Sequence[float]) -> str:
    if value is None:
        return MISSING_FILL
    return svg.class_colour(value, breaks, PALETTE)


def legend_for(breaks: Sequence[float], values: Sequence[float], *, unit: str, has_missing: bool) -> list[LegendItem]:
    """One item per class, "a à b" in French formats, then missing values if any."""
    percent = unit == "%"
    digits = decimals_for([v * 100 for v in values] if percent else values)
    suffix = f" {unit}" if unit and not percent else ""

    def fmt(value):
        return format_percent(value, 1) if percent else format_number(value, digits)

    items = []
    lower = min(values) if values else 0.0
    for index, upper in enumerate(breaks):
        text = (
            f"{fmt(lower)}{suffix}"
            if lower == upper
            else f"{'de' if index == 0 else 'plus de'} {fmt(lower)} à {fmt(upper)}{suffix}"
        )
        items.append(LegendItem(label=text, colour=svg.class_colour(upper, breaks, PALETTE)))
        lower = upper
    if has_missing:
        items.append(LegendItem(label="donnée manquante", colour=MISSING_SWATCH))
    return items


def _points_svg(points: Sequence[Point], projection, road_factor: float) -> str:
    circles, marks = [], []
    for point in points:
        x, y = projection.point(point.lon, point.lat)
        title = f"<title>{escape(point.title)}</title>"
        if point.radius_km:
            r = point.radius_km / svg.KM_PER_DEGREE * projection.scale
            # An existing school's radius is an already served area (blue, solid); a site's, its catchment.
            colour, dash = (SERVED_FILL, "") if point.kind == "school" else (SITE_FILL, ' stroke-dasharray="5 3"')
            circles.append(
                f'<circle class="map-{"served" if point.kind == "school" else "catchment"}" cx="{x}" cy="{y}" '
                f'r="{r:.1f}" fill="{colour}" fill-opacity=".12" stroke="{colour}" stroke-width="1.5"{dash} '
                'pointer-events="none"/>'
            )
        if point.kind == "school":
            marks.append(
                f'<circle class="map-school" cx="{x}" cy="{y}" r="5.5" fill="{SCHOOL_FILL}" stroke="#fff" '
                f'stroke-width="2">{title}</circle>'
            )
        elif point.kind == "site":
            s = 11
            marks.append(
                f'<g class="map-site"><polygon points="{x},{y - s} {x + s},{y} {x},{y + s} {x - s},{y}" '
                f'fill="{SITE_FILL}" stroke="#fff" stroke-width="2">{title}</polygon>'
                + (
                    f'<text x="{x}" y="{y + 4}" text-anchor="middle" font-size="12" font-weight="700" '
                    f'fill="#fff" pointer-events="none">{escape(point.label)}</text>'
                    if point.label
                    else ""
                )
                + "</g>"
            )
        else:
            s = 6
            marks.append(
                f'<rect class="map-greedy" x="{x - s}" y="{y - s}" width="{2 * s}" height="{2 * s}" fill="none" '
                f'stroke="{GREEDY_STROKE}" stroke-width="2.5">{title}</rect>'
            )
    return "".join(circles + marks)


def render(
    features,
    *,
    fill_for: Callable,
    title_for: Callable,
    label: str,
    points: Sequence[Point] = (),
    road_factor: float = 1.0,
    href_for: Callable | None = None,
    pick: bool = False,
    merge_fills: bool = False,
    drawings: svg.DrawingCache | None = None,
) -> str:
    """The SVG of ``features`` (objects with a ``contour``) with the missing-value pattern and ``points``.

    ``pick`` writes the projection on the ``<svg>`` (``data-pick-*``) so that a click can be turned back into
    a longitude and latitude (essaim/static/essaim/site-picking.js). ``drawings``: for features whose contours
    are the same objects from one map to the next (``views.common._features``), their bounds and paths are
    reused (``svg.DrawingCache``: same bytes)."""
    features = [f for f in features if f.contour]
    contours = [f.contour for f in features]
    box = drawings.bounds(contours) if drawings is not None else svg.bounds(contours)
    drawing = svg.render_svg(
        features, width=MAP_WIDTH, fill_for=fill_for, title_for=title_for, href_for=href_for, label=label,
        padding=PADDING, merge_fills=merge_fills, drawings=drawings, box=box,
    )  # fmt: skip
    if not drawing:
        return ""
    opening_end = drawing.index(">") + 1
    extra = ""
    # Same projection as render_svg (same bounds, width and padding), so points fall on their commune.
    projection = svg._Projection(box, MAP_WIDTH, PADDING, 0)
    if points:
        extra = _points_svg(points, projection, road_factor)
    opening = drawing[:opening_end]
    if pick:
        opening = opening[:-1] + (
            f' data-pick-min-lon="{projection.min_lon}" data-pick-max-lat="{projection.max_lat}" '
            f'data-pick-k="{projection.k}" data-pick-scale="{projection.scale}" data-pick-padding="{PADDING}">'
        )
    return opening + _DEFS + drawing[opening_end : -len("</svg>")] + extra + "</svg>"


def safe(drawing: str) -> SafeString:
    """Mark the output of :func:`render` safe: ``render_svg`` and this module escape every text."""
    return mark_safe(drawing)  # noqa: S308
