"""What the opportunity and site-selection pages share: territory features and links, number formats,
export columns."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db.models import TextField
from django.db.models.functions import Cast
from django.urls import reverse

from essaim.analysis.enums import Level
from essaim.common.exports import Column
from essaim.common.formats import format_number, unit_decimals
from essaim.territories import svg
from essaim.territories.models import Commune, Department, EmploymentZone, Epci
from essaim.www.analysis import maps

SCORE_DECIMALS = 3


_FEATURES = {
    Level.COMMUNE: (Commune, "code", "territories:commune_detail", "code"),
    Level.EPCI: (Epci, "siren", "territories:epci_detail", "siren"),
    Level.EMPLOYMENT_ZONE: (EmploymentZone, "code", "territories:employment_zone_detail", "code"),
    Level.DEPARTMENT: (Department, "code", "territories:department_detail", "code"),
}


LEVEL_SINGULAR = {
    Level.COMMUNE: "commune",
    Level.EPCI: "EPCI",
    Level.EMPLOYMENT_ZONE: "zone d'emploi",
    Level.DEPARTMENT: "département",
}


def _column(header, decimals, width, *, percent=False):
    """An export column of the analysis tables: text when ``decimals`` is None, else a number (a fraction
    written as a percentage when ``percent``: its header says « (%) »)."""
    if decimals is None:
        return Column(header, width=width)
    if percent:
        assert "(%)" in header, header
        return Column(header, kind="percent", decimals=decimals, width=width)
    return Column(header, kind="number", decimals=decimals, width=width)


def value_column(header: str, info, width: int = 18) -> Column:
    """The column of an indicator's value: its unit in the header, the page's decimals (a « % » rate,
    stored as a fraction, is written as a percentage)."""
    if info.unit == "%":
        return _column(f"{header} (%)", unit_decimals("%"), width, percent=True)
    if info.unit:
        return _column(f"{header} ({info.unit})", unit_decimals(info.unit), width)
    return _column(header, 2, width)


@dataclass(frozen=True)
class Feature:
    code: str
    name: str
    contour: dict | None


# The région's simplified contours, decoded once per process: ``{(level, code): (JSON text, contour)}``. Each
# map reads the contours' text (a cheap read) and decodes only a text it has not seen, so a contour loaded again
# (``essaim load_territories``) shows at once; an unchanged one stays the same object from one map to the next,
# which lets ``DRAWINGS`` reuse its bounds and SVG path (3 782 communes: ≈ 60 % of the commune-level page).
_CONTOURS: dict[tuple[str, str], tuple[str, dict | None]] = {}
DRAWINGS = svg.DrawingCache()


def _contour(level: str, code: str, text: str | None) -> dict | None:
    known = _CONTOURS.get((level, code))
    if known is not None and known[0] == text:
        return known[1]
    contour = json.loads(text) if text else None
    _CONTOURS[(level, code)] = (text, contour)
    return contour


def _features(level: str) -> list[Feature]:
    """Every territory of ``level`` with its simplified contour (territories.svg.simplify), loaded for the
    map only; draw them with ``maps.render(..., drawings=DRAWINGS)``."""
    level = Level(level)
    model, key, _, _ = _FEATURES[level]
    rows = model.objects.annotate(contour_text=Cast("shape__simplified", TextField())).values_list(
        key, "name", "contour_text"
    )
    return [Feature(code, name, _contour(level.value, code, text)) for code, name, text in rows]


def _territory_url(level: str, code: str) -> str:
    _, _, url_name, kwarg = _FEATURES[Level(level)]
    return reverse(url_name, kwargs={kwarg: code})


def sheet_url(level: str, code: str, *, trade=None, profile=None) -> str:
    """The territory sheet of ``code``, for the trade and profile being looked at."""
    from urllib.parse import urlencode

    url = reverse("analysis:territory_sheet", kwargs={"level": Level(level).value, "code": code})
    query = {
        key: value
        for key, value in (("trade", getattr(trade, "slug", "")), ("profile", getattr(profile, "pk", "")))
        if value
    }
    return f"{url}?{urlencode(query)}" if query else url


def _fr(value, decimals=SCORE_DECIMALS) -> str:
    return format_number(value, decimals)


def _value_text(value, info) -> str:
    return maps.format_value(value, info.unit)
