"""Charts of the steering dashboard and report, drawn on the server as inline SVG (no JavaScript, no
external asset; WeasyPrint prints them too). Each chart has ``role="img"``, a title and a description;
the page and the report always show the table of the same figures beside it.

Every text is escaped (``format_html``); the results are safe strings.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from essaim.common.formats import displayable, format_date, format_euros, format_number
from essaim.projects import workflow
from essaim.projects.enums import ProjectStage
from essaim.territories import svg

STAGE_COLOURS = {
    ProjectStage.IDEA: "#c9d6e8",
    ProjectStage.OPPORTUNITY_STUDY: "#9fb8d9",
    ProjectStage.ACCREDITATION_PENDING: "#7198c9",
    ProjectStage.ACCREDITED: "#4a7db7",
    ProjectStage.FINANCING_PLAN: "#2e5f9e",
    ProjectStage.FUNDING_SECURED: "#1b3a6b",
    ProjectStage.OPEN: "#2e7d32",
    ProjectStage.ABANDONED: "#9e9e9e",
}
LATE_STROKE = "#b00020"
# Light fills are outlined (BAR_OUTLINE): a 3:1 boundary against white for every bar (WCAG 1.4.11).
BAR_OUTLINE = 'stroke="#1b3a6b" stroke-width="0.75"'
AMOUNT_COLOURS = (("requested", "Demandé", "#9fb8d9"), ("granted", "Obtenu", "#2e5f9e"), ("paid", "Versé", "#2e7d32"))
PLACES_COLOURS = (("planned", "En projet", "#9fb8d9"), ("open", "Dans les écoles ouvertes", "#2e7d32"))
PROJECT_FILL = "#b5410f"
SCHOOL_FILL = "#2e7d32"
DEPARTMENT_FILL = "#e3e7ed"
# Presentation attributes (WeasyPrint ignores CSS ``fill``; the page's CSS classes still win on screen).
AXIS_STYLE = 'font-size="11" fill="#4a4f57"'
AXIS = 'class="axis" ' + AXIS_STYLE
LABEL = 'class="label" font-size="10" fill="#1e1e1e"'


def _f(value: float) -> str:
    return f"{value:.1f}"


def _svg(width: int, height: int, title: str, description: str, body: str, css: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="steering-chart {}" viewBox="0 0 {} {}" width="100%" '
        'role="img" aria-labelledby="{}-t {}-d"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        css,
        width,
        height,
        css,
        css,
        css,
        title,
        css,
        description,
        mark_safe(body),
    )


def funnel_chart(funnel: list[tuple[str, str, int]]) -> SafeString:
    """Horizontal bars: number of projects at each stage."""
    width, label_w, row_h = 640, 210, 26
    top = 6
    height = top + row_h * len(funnel) + 6
    highest = max((count for _, _, count in funnel), default=0) or 1
    bar_w = width - label_w - 50
    parts = []
    for index, (value, label, count) in enumerate(funnel):
        y = top + index * row_h
        w = bar_w * count / highest
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" ' + AXIS + ">{}</text>"
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" '
                + BAR_OUTLINE
                + "><title>{} : {} projet(s)</title></rect>"
                '<text x="{}" y="{}" ' + LABEL + ">{}</text>",
                label_w - 8,
                _f(y + 17),
                label,
                label_w,
                _f(y + 4),
                _f(max(w, 1 if count else 0)),
                row_h - 8,
                STAGE_COLOURS.get(value, "#4a7db7"),
                label,
                count,
                _f(label_w + w + 6),
                _f(y + 17),
                format_number(count),
            )
        )
    return _svg(
        width, height, "Entonnoir des projets par étape", "Nombre de projets à chaque étape.", "".join(parts), "funnel"
    )


def grouped_bars(
    rows: list[tuple[str, dict[str, Decimal]]], series, *, title: str, money: bool, chart_id: str
) -> SafeString:
    """Horizontal grouped bars: one group per row label, one bar per series (key, label, colour)."""
    width, label_w, bar_h, gap = 720, 230, 12, 10
    group_h = bar_h * len(series) + gap
    legend_h = 24
    height = legend_h + group_h * max(len(rows), 1) + 8
    highest = max((float(values[key]) for _, values in rows for key, _, _ in series), default=0) or 1
    bar_w = width - label_w - 120
    fmt = (lambda v: format_euros(v, 0)) if money else format_number
    parts = []
    for index, (_key, label, colour) in enumerate(series):
        x = label_w + index * 170
        parts.append(
            format_html(
                '<rect x="{}" y="4" width="12" height="12" fill="{}" '
                + BAR_OUTLINE
                + '/><text x="{}" y="15" '
                + AXIS
                + ">{}</text>",
                x,
                colour,
                x + 16,
                label,
            )
        )
    for row_index, (name, values) in enumerate(rows):
        y0 = legend_h + row_index * group_h
        short = name if len(name) <= 34 else name[:33] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" ' + AXIS + "><title>{}</title>{}</text>",
                label_w - 8,
                _f(y0 + group_h / 2),
                name,
                short,
            )
        )
        for index, (key, label, colour) in enumerate(series):
            value = values[key]
            w = bar_w * float(value) / highest
            y = y0 + index * bar_h
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" '
                    + BAR_OUTLINE
                    + "><title>{} — {} : {}</title></rect>"
                    '<text x="{}" y="{}" ' + LABEL + ">{}</text>",
                    label_w,
                    y,
                    _f(w),
                    bar_h - 2,
                    colour,
                    name,
                    label,
                    fmt(value),
                    _f(label_w + w + 4),
                    _f(y + bar_h - 3),
                    fmt(value),
                )
            )
    return _svg(width, height, title, title, "".join(parts), chart_id)


def money_chart(money_rows) -> SafeString:
    by_funder: dict[str, dict[str, Decimal]] = {}
    for row in money_rows:
        values = by_funder.setdefault(row.funder, {"requested": Decimal(0), "granted": Decimal(0), "paid": Decimal(0)})
        values["requested"] += row.requested
        values["granted"] += row.granted
        values["paid"] += row.paid
    return grouped_bars(
        list(by_funder.items()),
        AMOUNT_COLOURS,
        title="Montants demandés, obtenus et versés par financeur",
        money=True,
        chart_id="money",
    )


def places_chart(places_by_trade) -> SafeString:
    rows = [(trade, {"planned": planned, "open": opened}) for trade, planned, opened in places_by_trade]
    return grouped_bars(rows, PLACES_COLOURS, title="Places pour les jeunes par métier", money=False, chart_id="places")


def _timeline_start(project_lines) -> dt.datetime:
    start = min(line.segments[0].start for line in project_lines)
    return start.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def timeline_chart(
    project_lines,
    *,
    until: dt.datetime,
    start: dt.datetime | None = None,
    tooltips: bool = True,
    chart_id: str = "timeline",
    title: str = "Frise des projets, de l'idée à l'ouverture",
) -> SafeString:
    """A Gantt-like frieze: one row per project, one bar per stage from its start to its end (or to the
    date of the dashboard); stages that lasted longer than expected and late current stages are hatched
    and outlined in red.

    ``start`` fixes the left end of the time axis (several charts then share one axis); ``tooltips=False``
    leaves out the ``<title>`` of each row and bar (hover texts, invisible on paper: the PDF saves them).
    """
    width, label_w, row_h, axis_h = 960, 260, 22, 24
    if not project_lines:
        return SafeString("")
    start = start or _timeline_start(project_lines)
    span = max((until - start).total_seconds(), 1)
    hatch = f"{chart_id}-late-hatch"
    plot_w = width - label_w - 12
    height = axis_h + row_h * len(project_lines) + 6

    def x(moment: dt.datetime) -> float:
        return label_w + plot_w * (moment - start).total_seconds() / span

    parts = [
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="none"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{LATE_STROKE}" stroke-width="2"/></pattern></defs>'
    ]
    year = start.year
    while True:
        tick = start.replace(year=year)
        if tick > until:
            break
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid" stroke="#e3e6ea"/><text x="{}" y="14" '
                + AXIS
                + ">{}</text>",
                _f(x(tick)),
                _f(x(tick)),
                axis_h - 4,
                height,
                _f(x(tick) + 3),
                year,
            )
        )
        year += 1
    for index, line in enumerate(project_lines):
        y = axis_h + index * row_h
        name = line.project.name
        short = name if len(name) <= 32 else name[:31] + "…"
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="axis{}" ' + AXIS_STYLE + ">{}{}{}</text>",
                label_w - 8,
                y + 15,
                " late" if line.is_late else "",
                format_html("<title>{}</title>", name) if tooltips else "",
                short,
                " ⚠" if line.is_late else "",
            )
        )
        for segment in line.segments:
            late = segment.overdue or (segment.is_current and line.is_late)
            x0, x1 = x(segment.start), x(segment.end)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}>{}</rect>',
                    _f(x0),
                    y + 4,
                    _f(max(x1 - x0, 1.5)),
                    row_h - 8,
                    STAGE_COLOURS.get(segment.stage, "#4a7db7"),
                    mark_safe(f' stroke="{LATE_STROKE}" stroke-width="2"') if late else "",
                    format_html("<title>{}</title>", _segment_tooltip(name, segment, late)) if tooltips else "",
                )
            )
            if late:
                parts.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{})" pointer-events="none"/>',
                        _f(x0),
                        y + 4,
                        _f(max(x1 - x0, 1.5)),
                        row_h - 8,
                        hatch,
                    )
                )
    return _svg(
        width,
        height,
        title,
        "Chaque ligne est un projet ; chaque barre une étape, de son début à sa fin. "
        "Les étapes en retard sont hachurées et bordées de rouge.",
        "".join(parts),
        chart_id,
    )


def _segment_tooltip(name: str, segment, late: bool) -> str:
    expected = workflow.STAGE_DURATIONS.get(segment.stage)
    months = segment.days / workflow.DAYS_PER_MONTH
    return (
        f"{name} — {ProjectStage(segment.stage).label} : du {format_date(segment.start.date())} "
        f"au {format_date(segment.end.date())}{' (en cours)' if segment.is_current else ''}, "
        f"{format_number(months, 1)} mois"
        + (f" pour {expected.months} attendus" if expected else "")
        + (" — en retard" if late else "")
    )


def timeline_charts_for_print(project_lines, *, until: dt.datetime, rows: int = 24) -> list[SafeString]:
    """The frieze cut into charts of ``rows`` projects on one shared time axis, for the PDF: a chart is an
    image and cannot break across pages, so one chart of 100 projects (2 300 points high) was cut off at
    the bottom of its page. No hover texts (invisible on paper)."""
    if not project_lines:
        return []
    start = _timeline_start(project_lines)
    chunks = [project_lines[index : index + rows] for index in range(0, len(project_lines), rows)]
    return [
        timeline_chart(
            chunk,
            until=until,
            start=start,
            tooltips=False,
            chart_id=f"timeline-{number}",
            title="Frise des projets, de l'idée à l'ouverture"
            + (f" ({number}/{len(chunks)})" if len(chunks) > 1 else ""),
        )
        for number, chunk in enumerate(chunks, start=1)
    ]


def stage_legend() -> list[tuple[str, str]]:
    return [(STAGE_COLOURS[value], label) for value, label in ProjectStage.choices]


# --- Map ------------------------------------------------------------------------------------------------


@dataclass
class _Marker:
    geometry: dict
    title: str
    fill: str


def _polygon(lon: float, lat: float, radius: float, sides: int, rotation: float = 0.0) -> dict:
    k = math.cos(math.radians(lat))
    ring = [
        [
            lon + radius / k * math.cos(rotation + 2 * math.pi * i / sides),
            lat + radius * math.sin(rotation + 2 * math.pi * i / sides),
        ]
        for i in range(sides)
    ]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def _names(names: list[str], count: int) -> str:
    """A marker's hover text names a few projects, not all of them (the page's size must not grow with them)."""
    shown = ", ".join(names)
    return f"{shown} et {count - len(names)} autre(s)" if count > len(names) else shown


def projects_map(departments, communes, *, label: str) -> SafeString:
    """The départements of the scope, a circle (orange) where projects are, a square (green) where open
    schools are (shapes differ so that colour is not the only cue). ``communes``: the points
    (``selectors.MapCommune``: a commune, or an EPCI when the communes are too many)."""
    background = [d for d in departments if d.map_contour]
    markers = []
    for commune in communes:
        if commune.latitude is None or commune.longitude is None:
            continue
        lon, lat = float(commune.longitude), float(commune.latitude)
        if not (math.isfinite(lon) and math.isfinite(lat) and abs(lon) <= 180 and abs(lat) <= 90):
            continue  # a stored centre that is no point on Earth (NaN, 1E+30): no marker, the table lists it
        if commune.project_count:
            names = _names(commune.project_names, commune.project_count)
            markers.append(
                _Marker(
                    _polygon(lon - 0.03, lat, 0.03 + 0.01 * min(commune.project_count - 1, 3), 16),
                    f"{commune.name} — {commune.project_count} projet(s) : {names}",
                    PROJECT_FILL,
                )
            )
        if commune.school_count:
            names = _names(commune.school_names, commune.school_count)
            markers.append(
                _Marker(
                    _polygon(lon + 0.03, lat, 0.035, 4, math.pi / 4),
                    f"{commune.name} — école(s) ouverte(s) : {names}",
                    SCHOOL_FILL,
                )
            )
    if not background and not markers:
        return SafeString("")
    drawing = svg.render_svg(
        background + markers,
        width=640,
        geometry_for=lambda f: f.geometry if isinstance(f, _Marker) else f.map_contour,
        fill_for=lambda f: f.fill if isinstance(f, _Marker) else DEPARTMENT_FILL,
        title_for=lambda f: f.title if isinstance(f, _Marker) else f.name,
        label=label,
        css_class="map-svg steering-map",
    )
    return mark_safe(drawing)  # render_svg escapes every text


def progress_bar(ratio: Decimal, *, label: str) -> SafeString:
    """A small bar for an objective (the figures are printed next to it); empty for a ratio that is no
    figure (NaN or 1E+30 stored: the figures next to it read « hors limites »)."""
    width = 200
    shown = displayable(ratio) or Decimal(0)
    filled = float(max(Decimal(0), min(shown, Decimal(1)))) * width
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="objective-bar" viewBox="0 0 {} 14" width="{}" height="14" '
        'role="img" aria-label="{}"><rect width="{}" height="14" fill="#e3e7ed"/>'
        '<rect width="{}" height="14" fill="#2e5f9e"/></svg>',
        width,
        width,
        label,
        width,
        _f(filled),
    )
