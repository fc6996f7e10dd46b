"""Opportunity scores and site selection, computed on demand from the indicators and the schools.

The services gather plain data from the platform (territories and their centroids, indicator values
through ``essaim.indicators.selectors``, existing écoles de production of the trade) and hand it to
the pure ``territories_engine``; they return what the engine computed plus the names needed to
show it. Nothing is stored: a result always reflects the current profile and the current imports.

Editorial choices (also in docs/analysis.md):

* Territory positions (for the proximity penalty) are population-weighted means of the centroids of
  their Hauts-de-France communes, at every level; a commune is its own centroid.
* Existing schools are the open and announced écoles de production (closed ones are left out, and so
  are the fictitious schools of the demo: ``ProductionSchool.objects.real()``), placed at the centroid
  of their commune.
* Every territory of the level is scored; a value the indicators do not have is missing (never 0)
  and handled by the profile's missing policy.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

import territories_engine as engine
from essaim.analysis.defaults import seed_reference_profile
from essaim.analysis.enums import Direction, Level
from essaim.analysis.models import ScoringProfile
from essaim.common.formats import format_number
from essaim.schools.models import ProductionSchool
from essaim.territories.models import Commune, Department, EmploymentZone, Epci

DEFAULT_TOP_K = 10
# A measure asked for although its data are not imported: commune_demand falls back on what exists.
FALLBACK_MEASURE_LABELS = {
    "youths_15_24": "Jeunes de 15 à 24 ans — recensement non importé : estimation NEET (population × part de NEET)",
}
# The unit of each demand measure, as users read it (« habitants pondérés NEET » is not a number of youths).
DEMAND_UNITS = {
    "youths_15_24": "jeunes",
    "neet_youths": "jeunes NEET estimés",
    "neet_estimate": "habitants pondérés NEET",
    "population": "habitants",
}
FALLBACK_UNITS = {"youths_15_24": "habitants pondérés NEET"}
SENSITIVITY_SPREAD = 0.2
SENSITIVITY_SCENARIOS = 1000


class AnalysisError(ValueError):
    """An analysis that cannot be run; the message is French and shown as is."""


def _selectors():
    """The indicators data layer (a function, so that tests can replace it)."""
    from essaim.indicators import selectors

    return selectors


# --------------------------------------------------------------------------- reference data


@dataclass(frozen=True)
class Place:
    """A territory as the analysis sees it: code, name, position, population (Hauts-de-France part)."""

    code: str
    name: str
    lat: float
    lon: float
    population: int


@dataclass(frozen=True)
class SchoolPoint:
    """An existing école de production, placed at its commune's centroid."""

    pk: int
    name: str
    commune_code: str
    commune_name: str
    lat: float
    lon: float
    status_label: str
    trade_slugs: frozenset[str]


_PARENT_FIELD = {
    Level.EPCI: "epci__siren",
    Level.EMPLOYMENT_ZONE: "employment_zone__code",
    Level.DEPARTMENT: "department__code",
}
_PARENT_NAMES = {
    Level.EPCI: (Epci, "siren"),
    Level.EMPLOYMENT_ZONE: (EmploymentZone, "code"),
    Level.DEPARTMENT: (Department, "code"),
}


def level_places(level: str) -> dict[str, Place]:
    """Territories of ``level`` keyed by code, in name order (two queries at most).

    Communes without a centroid are left out (they cannot be placed on a map or measured).
    """
    level = Level(level)
    if level is Level.COMMUNE:
        rows = Commune.objects.filter(latitude__isnull=False, longitude__isnull=False).order_by("name", "code")
        return {
            code: Place(code, name, float(lat), float(lon), population)
            for code, name, lat, lon, population in rows.values_list(
                "code", "name", "latitude", "longitude", "population"
            )
        }
    parent = _PARENT_FIELD[level]
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    for code, lat, lon, population in Commune.objects.filter(
        latitude__isnull=False, longitude__isnull=False
    ).values_list(parent, "latitude", "longitude", "population"):
        weight = max(population, 1)  # an empty commune still places its territory
        acc = sums[code]
        acc[0] += float(lat) * weight
        acc[1] += float(lon) * weight
        acc[2] += weight
        acc[3] += population
    model, key = _PARENT_NAMES[level]
    names = dict(model.objects.values_list(key, "name"))
    places = [
        Place(code, names.get(code, code), acc[0] / acc[2], acc[1] / acc[2], int(acc[3])) for code, acc in sums.items()
    ]
    return {place.code: place for place in sorted(places, key=lambda p: (p.name, p.code))}


def existing_schools(trade=None) -> list[SchoolPoint]:
    """Open and announced real écoles de production (of ``trade`` when given), at their commune's centroid.

    Fictitious demo schools are never counted: they would mark real youths as already served."""
    schools = (
        ProductionSchool.objects.real()
        .exclude(status=ProductionSchool.Status.CLOSED)
        .filter(commune__latitude__isnull=False)
        .select_related("commune")
        .prefetch_related("trades")
        .order_by("name")
    )
    if trade is not None:
        schools = schools.filter(trades=trade)
    return [
        SchoolPoint(
            pk=school.pk,
            name=school.name,
            commune_code=school.commune.code,
            commune_name=school.commune.name,
            lat=float(school.commune.latitude),
            lon=float(school.commune.longitude),
            status_label=school.get_status_display(),
            trade_slugs=frozenset(t.slug for t in school.trades.all()),
        )
        for school in schools
    ]


def _engine_schools(schools: list[SchoolPoint]) -> list[engine.ExistingSchool]:
    return [engine.ExistingSchool(str(s.pk), s.lat, s.lon, s.trade_slugs, s.name) for s in schools]


# --------------------------------------------------------------------------- profiles


def scoring_profile_reference() -> ScoringProfile:
    """The « Profil de référence », created from its documented defaults if a flush removed it."""
    profile = ScoringProfile.objects.reference().first()
    if profile is None:
        seed_reference_profile(ScoringProfile)
        profile = ScoringProfile.objects.reference().get()
    return profile


@transaction.atomic
def scoring_profile_save(*, profile: ScoringProfile, owner=None, user=None) -> ScoringProfile:
    """Validate and save a profile (created when it has no pk, then owned by ``owner``)."""
    if profile.pk is None:
        profile.owner = owner
        profile.created_by = user
    profile.full_clean()
    profile.save()
    return profile


def scoring_profile_copy(source: ScoringProfile) -> ScoringProfile:
    """An unsaved copy of ``source`` (weights, directions, options), named « Copie de … », not shared."""
    return ScoringProfile(
        name=f"Copie de {source.name}"[:200],
        description=source.description,
        is_shared=False,
        weights=dict(source.weights or {}),
        directions=dict(source.directions or {}),
        normalisation=source.normalisation,
        missing_policy=source.missing_policy,
        penalty_amount=source.penalty_amount,
        penalty_radius_km=source.penalty_radius_km,
        penalty_shape=source.penalty_shape,
        road_factor=source.road_factor,
    )


def profiles_compare(*, first: ScoringProfile, second: ScoringProfile, trade, level: str, limit: int | None) -> dict:
    """The rankings of two profiles for one trade and level, side by side (one indicator table for both)."""
    table = _selectors().indicator_table(level=Level(level).value, trade_slug=trade.slug)
    run_a = scoring_run(profile=first, trade=trade, level=level, table=table)
    run_b = scoring_run(profile=second, trade=trade, level=level, table=table)
    by_b = run_b.result.by_code()
    rows = []
    for item in run_a.result.scores[:limit]:
        other = by_b[item.code]
        rows.append(
            {
                "code": item.code,
                "name": item.name,
                "rank_a": item.rank,
                "score_a": item.score,
                "rank_b": other.rank,
                "score_b": other.score,
                "change": item.rank - other.rank,  # > 0: B ranks it higher (a smaller rank)
            }
        )
    top = min(DEFAULT_TOP_K, len(run_a.result.scores))
    codes_a = {s.code for s in run_a.result.scores[:top]}
    in_both = len(codes_a & {s.code for s in run_b.result.scores[:top]})
    return {"rows": rows, "run_a": run_a, "run_b": run_b, "total": len(run_a.result.scores), "top": top,
            "top_in_both": in_both}  # fmt: skip


def indicator_catalogue() -> dict[str, object]:
    """The indicator catalogue keyed by code, in catalogue order."""
    return {info.code: info for info in _selectors().indicator_catalogue()}


def effective_direction(profile: ScoringProfile, info) -> str:
    """``"higher"`` or ``"lower"``: the profile's override, else the catalogue's direction."""
    override = (profile.directions or {}).get(info.code)
    if override in Direction.values:
        return override
    return Direction.HIGHER if info.higher_means_more_need else Direction.LOWER


def engine_profile(profile: ScoringProfile, catalogue: dict) -> engine.ScoringProfile:
    """The engine's profile: positive weights in catalogue order, flipped directions, penalty."""
    weights = profile.positive_weights
    unknown = sorted(set(weights) - set(catalogue))
    if unknown:
        raise AnalysisError(
            f"Le profil « {profile.name} » pondère des indicateurs absents du catalogue : {', '.join(unknown)}. "
            "Modifiez le profil ou importez ces indicateurs."
        )
    if not weights:
        raise AnalysisError(f"Le profil « {profile.name} » ne pondère aucun indicateur.")
    ordered = {code: weights[code] for code in catalogue if code in weights}
    lower = frozenset(code for code in ordered if effective_direction(profile, catalogue[code]) == Direction.LOWER)
    penalty = None
    if profile.penalty_amount > 0:
        penalty = engine.ProximityPenalty(
            radius_km=profile.penalty_radius_km,
            amount=profile.penalty_amount,
            shape=profile.penalty_shape,
            road_factor=profile.road_factor,
        )
    return engine.ScoringProfile(
        weights=ordered,
        normalisation=profile.normalisation,
        lower_is_better=lower,
        penalty=penalty,
        missing=profile.missing_policy,
    )


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class ScoringRun:
    """Scores of every territory of a level for a trade, with what is needed to show them."""

    profile: ScoringProfile
    trade: object
    level: str
    result: engine.ScoringResult
    places: dict[str, Place]
    indicators: dict[str, object]  # weighted indicators (IndicatorInfo), in score order
    values: dict[str, dict[str, float | None]]  # raw values per territory, weighted and extra codes
    schools: list[SchoolPoint]
    directions: dict[str, str] = field(default_factory=dict)

    @property
    def school_names(self) -> dict[str, str]:
        return {str(s.pk): f"{s.name} ({s.commune_name})" for s in self.schools}

    @property
    def warnings(self) -> list[str]:
        """French notes about the data: indicators without any value for this trade and level."""
        notes = []
        for code in self.result.indicators_without_data:
            label = getattr(self.indicators.get(code), "label", code)
            notes.append(
                f"« {label} » n'a aucune valeur pour ce métier à ce niveau : l'indicateur ne compte pas "
                "dans les scores (contribution nulle pour tous)."
            )
        return notes


def _gather(*, profile: ScoringProfile, trade, level: str, extra_codes=(), table=None):
    level = Level(level)
    catalogue = indicator_catalogue()
    engine_prof = engine_profile(profile, catalogue)
    unknown_extra = [code for code in extra_codes if code not in catalogue]
    if unknown_extra:
        raise AnalysisError(f"Indicateur inconnu : {', '.join(unknown_extra)}.")
    codes = list(dict.fromkeys([*engine_prof.indicators, *extra_codes]))
    # ``codes`` of indicator_table restricts territories, not indicators: every indicator comes back.
    if table is None:
        table = _selectors().indicator_table(level=level.value, trade_slug=trade.slug)
    places = level_places(level)
    if not places:
        raise AnalysisError("Aucun territoire n'est chargé : lancez « essaim load_territories ».")
    values = {code: {c: (table.get(code) or {}).get(c) for c in codes} for code in places}
    territories = [
        engine.TerritoryIndicators(
            code=place.code,
            lat=place.lat,
            lon=place.lon,
            values={c: values[place.code][c] for c in engine_prof.indicators},
            name=place.name,
        )
        for place in places.values()
    ]
    schools = existing_schools(trade)
    return catalogue, engine_prof, places, values, territories, schools


def scoring_run(*, profile: ScoringProfile, trade, level: str, extra_codes=(), table=None) -> ScoringRun:
    """Score every territory of ``level`` for ``trade`` with ``profile``.

    ``extra_codes`` are indicators fetched alongside (e.g. the one drawn on the map). Raises
    ``AnalysisError`` (French message) when the profile or the data do not allow a score.
    """
    catalogue, engine_prof, places, values, territories, schools = _gather(
        profile=profile, trade=trade, level=level, extra_codes=extra_codes, table=table
    )
    try:
        result = engine.score_territories(
            territories, engine_prof, trade=trade.slug, existing_schools=_engine_schools(schools)
        )
    except engine.TerritoriesEngineError as error:
        raise AnalysisError(str(error)) from error
    return ScoringRun(
        profile=profile,
        trade=trade,
        level=Level(level).value,
        result=result,
        places=places,
        indicators={code: catalogue[code] for code in engine_prof.indicators},
        values=values,
        schools=schools,
        directions={code: effective_direction(profile, catalogue[code]) for code in engine_prof.indicators},
    )


def scoring_sensitivity(
    *, profile: ScoringProfile, trade, level: str, top_k: int = DEFAULT_TOP_K, spread: float = SENSITIVITY_SPREAD
) -> engine.SensitivityResult:
    """How stable each territory's rank stays when every weight moves by up to ±``spread`` (Monte Carlo,
    1 000 seeded scenarios: reproducible)."""
    _, engine_prof, _, _, territories, schools = _gather(profile=profile, trade=trade, level=level)
    try:
        return engine.weight_sensitivity(
            territories,
            engine_prof,
            trade=trade.slug,
            existing_schools=_engine_schools(schools),
            top_k=min(top_k, len(territories)),
            spread=spread,
            n_scenarios=SENSITIVITY_SCENARIOS,
            seed=0,
        )
    except engine.TerritoriesEngineError as error:
        raise AnalysisError(str(error)) from error


# --------------------------------------------------------------------------- site selection


@dataclass(frozen=True)
class SitesRun:
    """Exact and greedy site selections for a trade, with the names and points needed to show them."""

    trade: object
    k: int
    radius_km: float
    measure: str
    measure_label: str
    unit: str
    road_factor: float
    time_limit_s: float
    min_population: int | None
    comparison: engine.SiteComparison
    communes: dict[str, Place]
    schools: list[SchoolPoint]
    rules: CandidateRules = field(default_factory=lambda: CandidateRules())
    demand: dict[str, float] = field(default_factory=dict)
    excluded: dict[str, int] = field(default_factory=dict)  # rule label → communes it removed

    @property
    def served_by(self) -> dict[str, list[SchoolPoint]]:
        """Commune code → the existing schools of the trade within the radius (the already served areas)."""
        if not self.schools:
            return {}
        codes = list(self.communes)
        lat = [self.communes[c].lat for c in codes]
        lon = [self.communes[c].lon for c in codes]
        ii, jj, _ = engine.pairs_within_km(
            lat, lon, [s.lat for s in self.schools], [s.lon for s in self.schools], self.radius_km,
            road_factor=self.road_factor,
        )  # fmt: skip
        served: dict[str, list[SchoolPoint]] = defaultdict(list)
        for i, j in sorted(zip(ii.tolist(), jj.tolist(), strict=True)):
            served[codes[i]].append(self.schools[j])
        return dict(served)

    def coverage_rows(self, selection) -> list[CoveredCommune]:
        """Every commune within the radius of a site of ``selection``, per site in order, with who covers it:
        the other sites of the answer and the existing schools (then its youths are not counted)."""
        served = self.served_by
        catchments = {site.code: self.comparison.catchment(site.code) for site in selection.sites}
        covering: dict[str, list[int]] = defaultdict(list)
        for site in selection.sites:
            for code in catchments[site.code]:
                covering[code].append(site.order)
        rows = []
        for site in selection.sites:
            origin = self.communes[site.code]
            for code in catchments[site.code]:
                place = self.communes[code]
                rows.append(
                    CoveredCommune(
                        site_order=site.order,
                        site_code=site.code,
                        site_name=origin.name,
                        code=code,
                        name=place.name,
                        population=place.population,
                        demand=self.demand.get(code, 0.0),
                        road_km=float(
                            engine.road_km(origin.lat, origin.lon, place.lat, place.lon, road_factor=self.road_factor)
                        ),
                        other_sites=[order for order in covering[code] if order != site.order],
                        served_by=[s.name for s in served.get(code, [])],
                    )
                )
        return rows


@dataclass(frozen=True)
class CandidateRules:
    """Which communes may receive a school: the rules are combined (all must hold)."""

    min_population: int | None = None
    min_recruitment_projects: float | None = None  # BMO projects of the trade in the commune's bassin
    industry_territory: str = ""  # "" indifferent, "inside", "outside"
    codes: tuple[str, ...] = ()  # a hand-made list (drawn on the map or typed); empty = every commune

    @property
    def is_empty(self) -> bool:
        return not (self.min_population or self.min_recruitment_projects or self.industry_territory or self.codes)


@dataclass(frozen=True)
class CoveredCommune:
    """A commune of a site's catchment, and who else covers it."""

    site_order: int
    site_code: str
    site_name: str
    code: str
    name: str
    population: int
    demand: float
    road_km: float
    other_sites: list[int]
    served_by: list[str]


def demand_measures() -> list[tuple[str, str]]:
    """The demand measures offered by the indicators (code, French label)."""
    return list(_selectors().demand_measures())


def sites_run(
    *,
    trade,
    k: int,
    radius_km: float,
    measure: str = "youths_15_24",
    road_factor: float = engine.DEFAULT_ROAD_FACTOR,
    time_limit_s: float = 30.0,
    min_population: int | None = None,
    rules: CandidateRules | None = None,
) -> SitesRun:
    """Choose ``k`` communes for new schools of ``trade`` maximising the youths within ``radius_km`` by
    road that no existing school of the trade already serves (exact MILP and greedy, side by side).

    ``rules`` restrict the candidate sites (every commune still counts as demand); ``min_population`` is
    the rules' minimum population, kept for callers that give only it."""
    rules = rules or CandidateRules(min_population=min_population)
    if min_population and not rules.min_population:
        rules = CandidateRules(
            min_population, rules.min_recruitment_projects, rules.industry_territory, rules.codes
        )  # fmt: skip
    measures = dict(demand_measures())
    try:
        demand = _selectors().commune_demand(measure=measure)
    except ValueError:
        raise AnalysisError(
            f"Mesure de la demande inconnue « {measure} » : choisissez parmi {', '.join(measures) or 'aucune'}."
        ) from None
    label = measures.get(measure) or FALLBACK_MEASURE_LABELS.get(measure, measure)
    unit = DEMAND_UNITS.get(measure, "") if measure in measures else FALLBACK_UNITS.get(measure, "")
    places = level_places(Level.COMMUNE)
    if not places:
        raise AnalysisError("Aucune commune n'est chargée : lancez « essaim load_territories ».")
    communes = [
        engine.Commune(
            code=p.code,
            lat=p.lat,
            lon=p.lon,
            demand=float(demand.get(p.code) or 0.0),
            population=float(p.population),
        )
        for p in places.values()
    ]
    schools = existing_schools(trade)
    candidates, excluded = candidate_codes(rules, places, trade)
    if not candidates:
        raise AnalysisError(
            "Aucune commune ne respecte toutes les règles choisies pour les sites : assouplissez-les "
            f"({'; '.join(f'{label} : {count} commune(s) écartée(s)' for label, count in excluded.items())})."
        )
    try:
        comparison = engine.select_sites(
            communes,
            k=k,
            radius_km=radius_km,
            existing_schools=_engine_schools(schools),
            trade=trade.slug,
            road_factor=road_factor,
            candidate_codes=None if rules.is_empty else candidates,
            time_limit_s=time_limit_s,
        )
    except engine.TerritoriesEngineError as error:
        raise AnalysisError(str(error)) from error
    return SitesRun(
        trade=trade,
        k=k,
        radius_km=radius_km,
        measure=measure,
        measure_label=label,
        unit=unit,
        road_factor=road_factor,
        time_limit_s=time_limit_s,
        min_population=rules.min_population,
        comparison=comparison,
        communes=places,
        schools=schools,
        rules=rules,
        demand={code: float(value or 0.0) for code, value in demand.items()},
        excluded=excluded,
    )


def industry_territory_epcis() -> dict[str, list[str]]:
    """EPCI SIREN → names of the Territoires d'industrie it belongs to."""
    from essaim.indicators.models import IndustryTerritory

    members: dict[str, list[str]] = defaultdict(list)
    for siren, name in IndustryTerritory.objects.values_list("epcis__siren", "name").order_by("name"):
        if siren:
            members[siren].append(name)
    return dict(members)


def candidate_codes(rules: CandidateRules, places: dict[str, Place], trade) -> tuple[set[str], dict[str, int]]:
    """The communes that pass every rule, and how many each rule removed (French label → count)."""
    codes = set(places)
    excluded: dict[str, int] = {}

    def apply(label: str, keep) -> None:
        nonlocal codes
        kept = {code for code in codes if keep(code)}
        if len(kept) < len(codes):
            excluded[label] = len(codes) - len(kept)
        codes = kept

    if rules.codes:
        wanted = set(rules.codes)
        apply("hors de la liste choisie", lambda code: code in wanted)
    if rules.min_population:
        apply(
            f"moins de {format_number(rules.min_population)} habitants",
            lambda code: places[code].population >= rules.min_population,
        )
    if rules.min_recruitment_projects:
        minimum = rules.min_recruitment_projects
        projects = _selectors().basin_recruitment_projects(trade_slug=trade.slug)
        shown = format_number(minimum, 0 if float(minimum).is_integer() else 1)
        apply(
            f"moins de {shown} projets de recrutement du métier dans le bassin (ou donnée inconnue)",
            lambda code: (projects.get(code) or 0.0) >= rules.min_recruitment_projects and code in projects,
        )
    if rules.industry_territory:
        epci_of = dict(Commune.objects.values_list("code", "epci__siren"))
        members = industry_territory_epcis()
        inside = rules.industry_territory == "inside"
        apply(
            "hors d'un Territoire d'industrie" if inside else "dans un Territoire d'industrie",
            lambda code: (epci_of.get(code) in members) == inside,
        )
    return codes, excluded


def finite_or_none(value: float | None) -> float | None:
    """``None`` for missing or non-finite numbers (JSON and exports never see NaN or infinity)."""
    if value is None or not math.isfinite(value):
        return None
    return value
