"""The sheet of one territory (commune, EPCI, zone d'emploi, département) for a committee file.

Every indicator of the catalogue with its source and vintage, its rank and percentile among the
territories of the same level in the région; the opportunity score of a trade with a profile, with its
parts; what is near (real écoles de production, CFA, QPV, projects the user may see) and the
Territoires d'industrie the territory belongs to. Computed on demand, nothing stored.

« Near » means within ``NEARBY_KM`` km by road, estimated like everywhere in the analysis: great-circle
distance between the territory's position (population-weighted centroid of its communes) and the
place, times the profile's road factor.
"""

from __future__ import annotations

from dataclasses import dataclass

import territories_engine as engine
from essaim.analysis import services
from essaim.analysis.enums import Level
from essaim.indicators.models import IndustryTerritory, Qpv, TrainingProvider
from essaim.projects.models import Project
from essaim.territories.models import Commune, Department, EmploymentZone, Epci

NEARBY_KM = 30.0

# The commune field that places a commune in a territory of each level.
_MEMBERSHIP = {
    Level.COMMUNE: "code",
    Level.EPCI: "epci__siren",
    Level.EMPLOYMENT_ZONE: "employment_zone__code",
    Level.DEPARTMENT: "department__code",
}
_MODELS = {
    Level.COMMUNE: (Commune, "code"),
    Level.EPCI: (Epci, "siren"),
    Level.EMPLOYMENT_ZONE: (EmploymentZone, "code"),
    Level.DEPARTMENT: (Department, "code"),
}


class TerritoryNotFound(LookupError):
    """No territory of that level and code (the view answers 404)."""


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator of the sheet: value, its rank (highest first) and percentile among ``count`` territories."""

    info: object
    value: float | None
    rank: int | None
    count: int
    percentile: float | None  # share of the territories whose value is lower or equal, 0..1
    weighted: bool


@dataclass(frozen=True)
class Nearby:
    name: str
    commune: str
    km: float  # estimated road distance
    inside: bool
    detail: str = ""
    pk: int | None = None  # a project's, for its link


@dataclass(frozen=True)
class TerritorySheet:
    level: str
    code: str
    place: services.Place
    territory: object  # the model instance (Commune, Epci, EmploymentZone, Department)
    run: services.ScoringRun
    score: object  # engine.TerritoryScore of this territory
    indicators: list[IndicatorLine]
    industry_territories: list[str]
    schools: list[Nearby]
    training_providers: list[Nearby]
    qpvs: list[Nearby]
    projects: list[Nearby]
    commune_count: int

    @property
    def total(self) -> int:
        return len(self.run.result.scores)


def _ranks(values: dict[str, float | None], code: str) -> tuple[int | None, int, float | None]:
    present = [v for v in values.values() if v is not None]
    value = values.get(code)
    if value is None:
        return None, len(present), None
    rank = 1 + sum(1 for v in present if v > value)
    percentile = sum(1 for v in present if v <= value) / len(present)
    return rank, len(present), percentile


def territory_sheet(*, level: str, code: str, trade, profile, user) -> TerritorySheet:
    """The sheet of territory ``code`` of ``level`` for ``trade`` scored with ``profile``.

    Raises ``TerritoryNotFound`` for an unknown territory and ``services.AnalysisError`` when the profile or
    the data do not allow a score. A fixed number of queries whatever the territory.
    """
    level = Level(level)
    model, key = _MODELS[level]
    territory = model.objects.visible_to(user).filter(**{key: code}).first()
    if territory is None:
        raise TerritoryNotFound(code)
    catalogue = services.indicator_catalogue()
    table = services._selectors().indicator_table(level=level.value, trade_slug=trade.slug)
    run = services.scoring_run(
        profile=profile, trade=trade, level=level.value, extra_codes=list(catalogue), table=table
    )
    if code not in run.places:
        raise TerritoryNotFound(code)
    place = run.places[code]
    score = run.result.by_code()[code]
    lines = []
    for indicator_code, info in catalogue.items():
        values = {territory_code: (row or {}).get(indicator_code) for territory_code, row in table.items()}
        rank, count, percentile = _ranks(values, code)
        lines.append(IndicatorLine(info, values.get(code), rank, count, percentile, indicator_code in run.indicators))

    member_field = _MEMBERSHIP[level]
    communes = dict(Commune.objects.filter(**{member_field: code}).values_list("code", "epci__siren"))
    epcis = set(communes.values())
    industry = list(
        IndustryTerritory.objects.filter(epcis__siren__in=epcis)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )
    road_factor = profile.road_factor

    def km(lat, lon) -> float:
        return float(engine.road_km(place.lat, place.lon, float(lat), float(lon), road_factor=road_factor))

    schools = []
    for school in services.existing_schools():
        distance = km(school.lat, school.lon)
        inside = school.commune_code in communes
        if inside or distance <= NEARBY_KM:
            schools.append(
                Nearby(
                    school.name, school.commune_name, distance, inside,
                    detail=f"{school.status_label} ; {'enseigne' if trade.slug in school.trade_slugs else 'sans'} "
                    f"le métier {trade.name}",
                )
            )  # fmt: skip
    providers = []
    for name, commune_code, commune_name, lat, lon, c_lat, c_lon in TrainingProvider.objects.values_list(
        "name", "commune__code", "commune__name", "latitude", "longitude", "commune__latitude", "commune__longitude"
    ):
        lat, lon = (lat, lon) if lat is not None else (c_lat, c_lon)
        if lat is None:
            continue
        distance = km(lat, lon)
        inside = commune_code in communes
        if inside or distance <= NEARBY_KM:
            providers.append(Nearby(name, commune_name, distance, inside))
    qpvs = []
    for name, qpv_code, commune_codes, commune_name, lat, lon in Qpv.objects.values_list(
        "name", "code", "commune_codes", "commune__name", "commune__latitude", "commune__longitude"
    ):
        inside = any(c in communes for c in commune_codes or [])
        distance = km(lat, lon) if lat is not None else float("inf")
        if inside or distance <= NEARBY_KM:
            qpvs.append(Nearby(name, commune_name, distance, inside, detail=qpv_code))
    projects = []
    for pk, name, stage_label, commune_code, commune_name, lat, lon in _projects(user):
        distance = km(lat, lon) if lat is not None else float("inf")
        inside = commune_code in communes
        if inside or distance <= NEARBY_KM:
            projects.append(Nearby(name, commune_name, distance, inside, detail=stage_label, pk=pk))
    by_distance = lambda item: (not item.inside, item.km, item.name)  # noqa: E731
    return TerritorySheet(
        level=level.value,
        code=code,
        place=place,
        territory=territory,
        run=run,
        score=score,
        indicators=lines,
        industry_territories=industry,
        schools=sorted(schools, key=by_distance),
        training_providers=sorted(providers, key=by_distance),
        qpvs=sorted(qpvs, key=by_distance),
        projects=sorted(projects, key=by_distance),
        commune_count=len(communes),
    )


def _projects(user):
    """The projects the user may see, with their commune's place (one query)."""
    stages = dict(Project._meta.get_field("stage").choices)
    for pk, name, stage, commune_code, commune_name, lat, lon in (
        Project.objects.visible_to(user)
        .order_by("name")
        .values_list("pk", "name", "stage", "commune__code", "commune__name", "commune__latitude", "commune__longitude")
    ):
        yield pk, name, stages.get(stage, stage), commune_code, commune_name, lat, lon
