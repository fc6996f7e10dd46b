"""What the opportunity and site-selection pages share: territory features and links, number formats,
export columns."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from essaim.analysis.enums import Level
from essaim.common.exports import Column
from essaim.common.formats import format_number, unit_decimals
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


def _features(level: str) -> list[Feature]:
    model, key, _, _ = _FEATURES[Level(level)]
    # A map of a whole région: the simplified contours (territories.svg.simplify), loaded for the map only.
    rows = model.objects.values_list(key, "name", "shape__simplified")
    return [Feature(code, name, contour) for code, name, contour in rows]


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
