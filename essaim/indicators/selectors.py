"""Reads of the indicators for the analysis pages (scores, site selection, maps). The contract:

* ``indicator_catalogue()`` — every indicator with its source, latest vintage and caveat;
* ``indicator_table(level=…, trade_slug=…, codes=…)`` — territory code → indicator code → value
  (``None`` when unknown: secret, not published, not imported — never 0 for unknown);
* ``commune_demand(measure=…)`` — commune code → demand weight for site selection;
* ``demand_measures()`` — the measures available, with French labels.

How values reach a level (docs/indicators.md §3), always from the communes with the commune →
level mapping of the reference territories (levels are not nested, so nothing is chained):

* **additive** indicators are summed (``territories_engine.aggregate_sums``); a value published for a
  coarser area (BMO bassin) is first shared among its communes pro rata of their population;
* **rates** are recomputed from summed numerators and denominators (``aggregate_rates``), never
  averaged; a rate published without them (NEET by EPCI, unemployment by zone d'emploi) gives each
  commune its area's rate, weighted by the commune's population, and the published value itself at
  its own level; a **flag** (Territoire d'industrie) is treated the same way, so that above its level
  it reads as the share of the population covered;
* **BMO** (trade-specific) values are summed over the trade's BMO job codes (``TradeBmoCode``), or over
  every job when no trade is given; a ``*`` is unknown: a bassin whose codes are all secret or absent
  is unknown, one with some published values gets their sum (a lower bound).

Each function runs a fixed, small number of queries (values fetched in bulk, ``values_list``) and
aggregates in Python: about 0.2 s for the 3 782 communes of Hauts-de-France (docs/indicators.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Max, Q

from essaim.indicators.enums import IndicatorKind, TerritoryLevel
from essaim.indicators.models import CommuneBmoBasin, Indicator, IndicatorValue, TradeBmoCode
from essaim.territories.models import Commune
from essaim.trades.models import Trade
from territories_engine import RateRow, aggregate_rates, aggregate_sums

LEVELS = (
    TerritoryLevel.COMMUNE,
    TerritoryLevel.EPCI,
    TerritoryLevel.EMPLOYMENT_ZONE,
    TerritoryLevel.DEPARTMENT,
)
PER_1000 = "bmo_projects_per_1000"
BMO_PROJECTS = "bmo_projects"

DEMAND_YOUTHS = "youths_15_24"
DEMAND_NEET_ESTIMATE = "neet_estimate"
DEMAND_NEET_YOUTHS = "neet_youths"
DEMAND_POPULATION = "population"
DEMAND_LABELS = {
    DEMAND_YOUTHS: "Jeunes de 15 à 24 ans (recensement)",
    DEMAND_NEET_YOUTHS: "Jeunes NEET estimés (15-24 ans × part de NEET de l'EPCI)",
    DEMAND_NEET_ESTIMATE: "Estimation NEET (population municipale × part de NEET de l'EPCI)",
    DEMAND_POPULATION: "Population municipale",
}


@dataclass(frozen=True)
class IndicatorInfo:
    """An indicator as the analysis pages show it. ``vintage`` is the latest one stored ('' if none);
    ``caveat`` is French text to show beside the values (e.g. the BMO crosswalk warning)."""

    code: str
    label: str
    unit: str
    kind: str
    source: str
    source_url: str
    vintage: str
    is_trade_specific: bool
    higher_means_more_need: bool
    caveat: str


# --- Catalogue ------------------------------------------------------------------------------------


def _latest_vintages() -> dict[int, str]:
    """Indicator id → its greatest vintage (text order: "RP 2022" > "RP 2021", "2025-T2" > "2024-T4")."""
    return dict(
        IndicatorValue.objects.values("indicator_id")
        .annotate(latest=Max("vintage"))
        .values_list("indicator_id", "latest")
    )


def indicator_catalogue() -> list[IndicatorInfo]:
    """Every indicator of the catalogue, in display order, with its latest vintage ('' when not imported yet).

    Two queries. ``bmo_projects_per_1000`` is computed, never imported: it shows the vintage of
    ``bmo_projects``.
    """
    indicators = list(Indicator.objects.all())
    vintages = _latest_vintages()
    by_code = {indicator.code: indicator for indicator in indicators}
    result = []
    for indicator in indicators:
        vintage = vintages.get(indicator.pk, "")
        if indicator.is_derived and indicator.code == PER_1000 and BMO_PROJECTS in by_code:
            vintage = vintages.get(by_code[BMO_PROJECTS].pk, "")
        result.append(
            IndicatorInfo(
                code=indicator.code,
                label=indicator.label,
                unit=indicator.unit,
                kind=indicator.kind,
                source=indicator.source_name,
                source_url=indicator.source_url,
                vintage=vintage,
                is_trade_specific=indicator.is_trade_specific,
                higher_means_more_need=indicator.higher_means_more_need,
                caveat=indicator.caveat,
            )
        )
    return result


# --- Territories ----------------------------------------------------------------------------------


@dataclass
class _Territories:
    population: dict[str, float]  # commune code -> municipal population
    parent: dict[str, dict[str, str]]  # level -> commune code -> code at that level

    @classmethod
    def load(cls) -> _Territories:
        population: dict[str, float] = {}
        parent: dict[str, dict[str, str]] = {level: {} for level in LEVELS}
        rows = Commune.objects.values_list(
            "code", "epci__siren", "employment_zone__code", "department__code", "population"
        )
        for code, epci, zone, department, inhabitants in rows:
            population[code] = float(inhabitants)
            parent[TerritoryLevel.COMMUNE][code] = code
            parent[TerritoryLevel.EPCI][code] = epci
            parent[TerritoryLevel.EMPLOYMENT_ZONE][code] = zone
            parent[TerritoryLevel.DEPARTMENT][code] = department
        return cls(population, parent)

    def members(self, mapping: Mapping[str, str]) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for commune, area in mapping.items():
            groups[area].append(commune)
        return groups


def _check_level(level: str) -> None:
    if level not in LEVELS:
        expected = ", ".join(str(value) for value in LEVELS)
        raise ValueError(f"Niveau « {level} » non pris en charge (attendu : {expected}).")


def _trade_job_codes(trade_slug: str | None) -> set[str] | None:
    """The trade's BMO job codes; ``None`` (no trade) means every job."""
    if trade_slug is None:
        return None
    if not Trade.objects.filter(slug=trade_slug).exists():
        raise ValueError(f"Métier « {trade_slug} » inconnu.")
    return set(TradeBmoCode.objects.filter(trade__slug=trade_slug).values_list("job_code", flat=True))


# --- From stored rows to commune components -------------------------------------------------------

# A commune component: additive → value; rate → (numerator, denominator).
_Additive = dict[str, float]
_Rate = dict[str, tuple[float, float]]


def _combine_jobs(rows: Iterable[tuple], *, is_rate: bool) -> dict[str, tuple]:
    """Per bassin: sum over job codes of the published values (unknown if none is published)."""
    sums: dict[str, list[float]] = {}
    for _level, code, _job, value, numerator, denominator, secret in rows:
        if secret:
            continue
        if is_rate:
            if numerator is None or denominator is None:
                continue
            entry = sums.setdefault(code, [0.0, 0.0])
            entry[0] += numerator
            entry[1] += denominator
        elif value is not None:
            sums.setdefault(code, [0.0])[0] += value
    return {code: tuple(entry) for code, entry in sums.items()}


def _share_among_communes(area_values: Mapping[str, tuple], mapping: Mapping[str, str], world: _Territories):
    """Share each area's values among its communes pro rata of their population (equal shares if none)."""
    result: dict[str, tuple] = {}
    for area, communes in world.members(mapping).items():
        if area not in area_values:
            continue
        total = sum(world.population.get(commune, 0.0) for commune in communes)
        for commune in communes:
            share = world.population.get(commune, 0.0) / total if total > 0 else 1 / len(communes)
            result[commune] = tuple(part * share for part in area_values[area])
    return result


@dataclass
class _Series:
    """One indicator ready to aggregate: commune components plus, for published-only rates, the values
    at their own level (returned as published at that level)."""

    kind: str
    communes: dict[str, tuple]
    native_level: str = ""
    native_values: dict[str, float] | None = None
    scale: float = 1.0


def _series(indicator: Indicator, rows: list[tuple], world: _Territories, basin_of: Mapping[str, str]) -> _Series:
    native = indicator.native_level
    is_rate = indicator.kind in (IndicatorKind.RATE, IndicatorKind.FLAG)
    if native == TerritoryLevel.BMO_BASIN:
        per_basin = _combine_jobs(rows, is_rate=is_rate)
        return _Series(indicator.kind, _share_among_communes(per_basin, basin_of, world))
    published_only = is_rate and all(row[4] is None and row[5] is None for row in rows)
    if native == TerritoryLevel.COMMUNE and not published_only:
        communes: dict[str, tuple] = {}
        for _level, code, _job, value, numerator, denominator, secret in rows:
            if secret or code not in world.population:
                continue
            if is_rate and numerator is not None and denominator is not None:
                communes[code] = (numerator, denominator)
            elif not is_rate and value is not None:
                communes[code] = (value,)
        return _Series(indicator.kind, communes)
    known = {code: value for _level, code, _job, value, *_rest, secret in rows if value is not None and not secret}
    if native not in world.parent:
        return _Series(indicator.kind, {})
    mapping = world.parent[native]
    if not is_rate:  # an additive value published for a coarser area: share it out
        return _Series(indicator.kind, _share_among_communes({k: (v,) for k, v in known.items()}, mapping, world))
    communes = {
        commune: (known[area] * world.population[commune], world.population[commune])
        for commune, area in mapping.items()
        if area in known
    }
    return _Series(indicator.kind, communes, native_level=native, native_values=known)


def _aggregate(series: _Series, level: str, world: _Territories) -> dict[str, float | None]:
    if series.native_values is not None and level == series.native_level:
        return dict(series.native_values)
    if level == TerritoryLevel.COMMUNE:  # nothing to aggregate: the commune components themselves
        if series.kind == IndicatorKind.ADDITIVE:
            return {code: parts[0] for code, parts in series.communes.items()}
        return {
            code: (numerator / denominator * series.scale if denominator > 0 else None)
            for code, (numerator, denominator) in series.communes.items()
        }
    parent_of = world.parent[level]
    if series.kind == IndicatorKind.ADDITIVE:
        values = {code: parts[0] for code, parts in series.communes.items()}
        return dict(aggregate_sums(values, parent_of, strict=False))
    rows = [RateRow(code, parts[0], parts[1]) for code, parts in series.communes.items()]
    return {
        code: (aggregated.rate * series.scale if aggregated.rate is not None else None)
        for code, aggregated in aggregate_rates(rows, parent_of, strict=False).items()
    }


def indicator_table(
    *, level: str, trade_slug: str | None = None, codes: list[str] | None = None
) -> dict[str, dict[str, float | None]]:
    """Territory code at ``level`` → indicator code → value, for every indicator of the catalogue.

    ``level`` is "commune", "epci", "employment_zone" or "department"; ``trade_slug`` restricts the
    trade-specific (BMO) indicators to that trade's BMO job codes (a trade without code, e.g. textile,
    gets ``None`` everywhere; no trade = every job); ``codes`` restricts the territories returned.
    Values are the latest vintage of each indicator; rates are fractions (0.171), except
    ``bmo_projects_per_1000``. ``None`` means unknown. Raises ``ValueError`` for an unknown level or trade.
    """
    _check_level(level)
    job_codes = _trade_job_codes(trade_slug)
    world = _Territories.load()
    indicators = list(Indicator.objects.all())
    vintages = _latest_vintages()
    by_id = {indicator.pk: indicator for indicator in indicators}

    general = Q(pk__in=[])
    trade_specific = Q(pk__in=[])
    for indicator in indicators:
        if indicator.pk not in vintages:
            continue
        condition = Q(indicator_id=indicator.pk, vintage=vintages[indicator.pk])
        if indicator.is_trade_specific:
            trade_specific |= condition
        else:
            general |= condition
    if job_codes is not None:
        trade_specific &= Q(job_code__in=sorted(job_codes))
    rows_by_indicator: dict[int, list[tuple]] = defaultdict(list)
    columns = ("indicator_id", "level", "territory_code", "job_code", "value", "numerator", "denominator", "is_secret")
    for condition in (general, trade_specific):
        for indicator_id, *row in IndicatorValue.objects.filter(condition).values_list(*columns):
            rows_by_indicator[indicator_id].append(tuple(row))

    basin_of: dict[str, str] = {}
    if any(by_id[pk].native_level == TerritoryLevel.BMO_BASIN for pk in rows_by_indicator):
        basin_of = dict(CommuneBmoBasin.objects.values_list("commune__code", "basin__code"))

    territory_codes = sorted(set(world.parent[level].values()))
    if codes is not None:
        wanted = set(codes)
        territory_codes = [code for code in territory_codes if code in wanted]
    table: dict[str, dict[str, float | None]] = {code: {} for code in territory_codes}
    projects_series = None
    for indicator in indicators:
        rows = rows_by_indicator.get(indicator.pk, [])
        values: Mapping[str, float | None] = {}
        if rows:
            series = _series(indicator, rows, world, basin_of)
            if indicator.code == BMO_PROJECTS:
                projects_series = series
            values = _aggregate(series, level, world)
        for code in territory_codes:
            table[code][indicator.code] = values.get(code)
    if PER_1000 in {indicator.code for indicator in indicators}:
        per_1000: Mapping[str, float | None] = {}
        if projects_series is not None:
            communes = {
                code: (parts[0], world.population[code])
                for code, parts in projects_series.communes.items()
                if code in world.population
            }
            per_1000 = _aggregate(_Series(IndicatorKind.RATE, communes, scale=1000.0), level, world)
        for code in territory_codes:
            table[code][PER_1000] = per_1000.get(code)
    return table


def basin_recruitment_projects(*, trade_slug: str) -> dict[str, float]:
    """Commune code → recruitment projects of the trade (BMO, latest vintage) in the commune's bassin BMO.

    The bassin's published total, not a share: what firms around a candidate site plan to hire. Communes
    whose bassin has no published value for the trade's codes (secret, no code, no crosswalk) are left out
    (unknown, never 0). Raises ``ValueError`` for an unknown trade.
    """
    job_codes = _trade_job_codes(trade_slug)
    indicator = Indicator.objects.filter(code=BMO_PROJECTS).first()
    if indicator is None or not job_codes:
        return {}
    vintage = _latest_vintages().get(indicator.pk)
    if vintage is None:
        return {}
    rows = IndicatorValue.objects.filter(
        indicator=indicator, vintage=vintage, level=TerritoryLevel.BMO_BASIN, job_code__in=sorted(job_codes)
    ).values_list("level", "territory_code", "job_code", "value", "numerator", "denominator", "is_secret")
    per_basin = _combine_jobs(rows, is_rate=False)
    return {
        commune: per_basin[basin][0]
        for commune, basin in CommuneBmoBasin.objects.values_list("commune__code", "basin__code")
        if basin in per_basin
    }


# --- Demand for site selection --------------------------------------------------------------------


def _commune_values(indicator_code: str) -> dict[str, float]:
    """Commune code → value of a commune-level indicator, latest vintage, known values only."""
    latest = IndicatorValue.objects.filter(indicator__code=indicator_code).aggregate(latest=Max("vintage"))["latest"]
    if latest is None:
        return {}
    return dict(
        IndicatorValue.objects.filter(
            indicator__code=indicator_code, vintage=latest, level=TerritoryLevel.COMMUNE, value__isnull=False
        ).values_list("territory_code", "value")
    )


def _neet_rate_by_commune() -> dict[str, float]:
    rates = {}
    latest = IndicatorValue.objects.filter(indicator__code="neet_rate").aggregate(latest=Max("vintage"))["latest"]
    if latest is not None:
        rates = dict(
            IndicatorValue.objects.filter(
                indicator__code="neet_rate", vintage=latest, level=TerritoryLevel.EPCI, value__isnull=False
            ).values_list("territory_code", "value")
        )
    return {code: rates[epci] for code, epci in Commune.objects.values_list("code", "epci__siren") if epci in rates}


def _youths_15_24() -> dict[str, float]:
    youths = _commune_values("youths_15_24")
    if youths:
        return youths
    younger, older = _commune_values("youths_15_17"), _commune_values("youths_18_24")
    return {code: younger[code] + older[code] for code in younger.keys() & older.keys()}


def commune_demand(*, measure: str = DEMAND_YOUTHS) -> dict[str, float]:
    """Commune code → demand weight (≥ 0) for site selection; communes without a known value are left out.

    Measures (``demand_measures()``):

    * ``youths_15_24`` (default): youths aged 15-24 of the census (``P22_POP1524``, or 15-17 + 18-24) if
      imported; **otherwise the NEET estimate below**, so that site selection works on the reference
      dataset alone;
    * ``neet_youths``: youths 15-24 × the NEET rate of the commune's EPCI (needs the census import);
    * ``neet_estimate``: municipal population × the NEET rate of the commune's EPCI — proportional to
      the number of NEET youths if the share of 15-24 year-olds were the same everywhere; its unit is
      "NEET-weighted inhabitants", not youths;
    * ``population``: municipal population.

    Raises ``ValueError`` for an unknown measure.
    """
    if measure not in DEMAND_LABELS:
        raise ValueError(f"Mesure de la demande « {measure} » inconnue (attendu : {', '.join(DEMAND_LABELS)}).")
    if measure == DEMAND_POPULATION:
        return {code: float(population) for code, population in Commune.objects.values_list("code", "population")}
    if measure in (DEMAND_YOUTHS, DEMAND_NEET_YOUTHS):
        youths = _youths_15_24()
        if measure == DEMAND_YOUTHS and youths:
            return youths
        if measure == DEMAND_NEET_YOUTHS:
            rates = _neet_rate_by_commune()
            return {code: youths[code] * rates[code] for code in youths.keys() & rates.keys()}
    rates = _neet_rate_by_commune()
    return {
        code: float(population) * rates[code]
        for code, population in Commune.objects.values_list("code", "population")
        if code in rates
    }


def demand_measures() -> list[tuple[str, str]]:
    """The demand measures that have data now, ``(code, French label)``, best first.

    ``youths_15_24`` is listed only once the census is imported (without it, ``commune_demand`` falls
    back on the NEET estimate, listed then).
    """
    has_youths = IndicatorValue.objects.filter(
        indicator__code__in=["youths_15_24", "youths_15_17"], value__isnull=False
    ).exists()
    has_neet = IndicatorValue.objects.filter(indicator__code="neet_rate", value__isnull=False).exists()
    measures = []
    if has_youths:
        measures.append(DEMAND_YOUTHS)
        if has_neet:
            measures.append(DEMAND_NEET_YOUTHS)
    if has_neet:
        measures.append(DEMAND_NEET_ESTIMATE)
    if Commune.objects.exists():
        measures.append(DEMAND_POPULATION)
    return [(measure, DEMAND_LABELS[measure]) for measure in measures]
