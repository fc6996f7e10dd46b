"""Maps of the territory pages: which features, which colours, which tooltips and links.

``mark_safe`` is used on the output of ``render_svg``, which escapes every text it writes.

The drawing itself is ``essaim.territories.svg.render_svg`` (pure, reusable); this module only
chooses what to show and turns the result into safe HTML with a legend for the template.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from essaim.common.formats import format_number
from essaim.territories import svg

HIGHLIGHT_FILL = "#f2c14e"
CONTEXT_FILL = "#e3e7ed"
MAP_WIDTH = 640


@dataclass
class LegendItem:
    colour: str
    label: str


@dataclass
class Map:
    svg: SafeString
    title: str
    legend: list[LegendItem] = field(default_factory=list)


def _population_title(territory) -> str:
    return f"{territory.name} : {format_number(territory.population)} hab."


def _commune_url(commune) -> str:
    return reverse("territories:commune_detail", kwargs={"code": commune.code})


def density_map(communes, *, outline, label: str, small_scale: bool = False) -> Map | None:
    """Communes coloured by population density (quantile classes), the territory's outline on top.

    ``small_scale``: hundreds of communes (a département): their simplified contours are drawn."""

    def geometry(commune):
        return commune.map_contour if small_scale else commune.contour

    communes = [commune for commune in communes if geometry(commune)]
    if not communes and not outline:
        return None
    densities = {commune.code: commune.population / max(svg.area_km2(geometry(commune)), 0.01) for commune in communes}
    breaks = svg.class_breaks(list(densities.values()))
    drawing = svg.render_svg(
        communes,
        width=MAP_WIDTH,
        geometry_for=geometry,
        fill_for=lambda commune: svg.class_colour(densities[commune.code], breaks),
        title_for=lambda commune: f"{_population_title(commune)} ({format_number(densities[commune.code])} hab./km²)",
        href_for=_commune_url,
        outline=outline,
        label=label,
    )
    return Map(svg=mark_safe(drawing), title="Densité de population des communes", legend=_density_legend(breaks))


def _density_legend(breaks: list[float]) -> list[LegendItem]:
    legend, lower = [], 0.0
    for index, upper in enumerate(breaks):
        colour = svg.class_colour(upper, breaks)
        if index == len(breaks) - 1:
            label = f"plus de {format_number(lower)} hab./km²" if index else "toutes"
        else:
            label = f"{format_number(lower)} à {format_number(upper)} hab./km²"
        legend.append(LegendItem(colour=colour, label=label))
        lower = upper
    return legend


def commune_map(commune, neighbours, *, label: str) -> Map | None:
    """The commune highlighted among the other communes of its EPCI."""
    if not any(neighbour.contour for neighbour in neighbours):
        return None
    drawing = svg.render_svg(
        neighbours,
        width=MAP_WIDTH,
        fill_for=lambda other: HIGHLIGHT_FILL if other.pk == commune.pk else CONTEXT_FILL,
        title_for=_population_title,
        href_for=lambda other: None if other.pk == commune.pk else _commune_url(other),
        label=label,
    )
    legend = [LegendItem(HIGHLIGHT_FILL, commune.name), LegendItem(CONTEXT_FILL, "autres communes de l'EPCI")]
    return Map(svg=mark_safe(drawing), title=f"{commune.name} dans son EPCI", legend=legend)


def departments_map(departments, *, label: str) -> Map | None:
    """The départements of the région, each linking to its page."""
    palette = svg.SEQUENTIAL_BLUES[:3] + ("#c8d6ea", "#9fb8d9")
    colours = {department.code: palette[index % len(palette)] for index, department in enumerate(departments)}
    drawing = svg.render_svg(
        departments,
        width=MAP_WIDTH,
        geometry_for=lambda department: department.map_contour,
        fill_for=lambda department: colours[department.code],
        title_for=_population_title,
        href_for=lambda department: reverse("territories:department_detail", kwargs={"code": department.code}),
        label=label,
    )
    if not drawing:
        return None
    return Map(svg=mark_safe(drawing), title="Les départements de la région")
