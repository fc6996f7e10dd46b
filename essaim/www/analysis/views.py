"""Opportunity analysis: scores on a map with a ranked table, site selection, scoring profiles.

Every view requires sign-in and the ``analysis.use`` rule (programme partners, collectivités,
platform administrators; see ``essaim/analysis/permissions.py``). Results are computed on demand by
``essaim.analysis.services`` and never stored. With htmx, the filters refresh only the results
(``hx-get`` with ``hx-push-url``); without JavaScript every form is a plain GET.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from essaim.analysis import services
from essaim.analysis.enums import Direction, Level
from essaim.analysis.models import ScoringProfile
from essaim.common.exports import Column, csv_response, xlsx_response
from essaim.common.formats import format_number
from essaim.organizations.permissions import current_organization
from essaim.territories.models import Commune, Department, EmploymentZone, Epci
from essaim.www.analysis import maps
from essaim.www.analysis.forms import SCORE, OpportunityForm, ScoringProfileForm, SitesForm
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm

RESULTS_ID = "analysis-results"
SITES_RESULTS_ID = "sites-results"
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


def _column(header, decimals, width):
    """An export column of the analysis tables: text when ``decimals`` is None, else a number."""
    if decimals is None:
        return Column(header, width=width)
    return Column(header, kind="number", decimals=decimals, width=width)


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


def _fr(value, decimals=SCORE_DECIMALS) -> str:
    return format_number(value, decimals)


def _value_text(value, info) -> str:
    return maps.format_value(value, info.unit)


# --------------------------------------------------------------------------- opportunity page


@dataclass
class ScoreLine:
    """One row of the ranked table: the score and its parts, in the profile's order."""

    rank: int
    code: str
    name: str
    url: str
    score: float
    parts: list[dict]
    penalty: float
    nearest_school: str
    nearest_km: float | None
    missing: list[str]
    map_value: float | None


def _score_lines(run: services.ScoringRun, show: str, limit: int | None) -> list[ScoreLine]:
    names = run.school_names
    lines = []
    for item in run.result.scores[:limit]:
        parts = []
        for c in item.contributions:
            info = run.indicators[c.indicator]
            parts.append(
                {
                    "code": c.indicator,
                    "label": info.label,
                    "raw": c.raw_value,
                    "raw_text": _value_text(c.raw_value, info),
                    "normalised": c.normalised_value,
                    "weight": c.weight,
                    "contribution": c.contribution,
                    "flipped": run.directions.get(c.indicator) == Direction.LOWER,
                }
            )
        map_value = item.score if show == SCORE else run.values[item.code].get(show)
        lines.append(
            ScoreLine(
                rank=item.rank,
                code=item.code,
                name=item.name,
                url=_territory_url(run.level, item.code),
                score=item.score,
                parts=parts,
                penalty=item.penalty,
                nearest_school=names.get(item.nearest_school_code or "", ""),
                nearest_km=services.finite_or_none(item.nearest_school_km),
                missing=[run.indicators[code].label for code in item.missing_indicators],
                map_value=map_value,
            )
        )
    return lines


def _opportunity_map(run: services.ScoringRun, show: str, catalogue) -> maps.Map | None:
    by_code = run.result.by_code()
    if show == SCORE:
        values = {code: s.score for code, s in by_code.items()}
        info, unit, what = None, "", "score d'opportunité"
    else:
        info = catalogue[show]
        values = {code: run.values[code].get(show) for code in run.places}
        unit, what = info.unit, info.label
    present = [v for v in values.values() if v is not None]
    breaks = maps.classes(present)
    total = len(run.result.scores)
    level_label = LEVEL_SINGULAR[Level(run.level)]

    def title(feature):
        value = values.get(feature.code)
        score = by_code.get(feature.code)
        rank = f" (rang {score.rank} sur {total})" if score else ""
        if show == SCORE:
            text = f"score {_fr(value)}" if value is not None else "score non calculé"
        else:
            text = f"{what} : {_value_text(value, info)}"
        return f"{feature.name} : {text}{rank}"

    points = [
        maps.Point(
            s.lat, s.lon, f"École de production : {s.name} ({s.commune_name}), {s.status_label.lower()}", "school"
        )
        for s in run.schools
    ]
    drawing = maps.render(
        _features(run.level),
        fill_for=lambda f: maps.colour_of(values.get(f.code), breaks),
        title_for=title,
        href_for=lambda f: _territory_url(run.level, f.code),
        label=f"Carte des {Level(run.level).label.lower()} : {what}, métier {run.trade.name}",
        points=points,
    )
    if not drawing:
        return None
    legend = maps.legend_for(breaks, present, unit=unit, has_missing=len(present) < len(values))
    if run.schools:
        legend.append(maps.LegendItem(label=f"école de production existante ({run.trade.name})", symbol="school"))
    return maps.Map(
        svg=maps.safe(drawing),
        title=f"{what[:1].upper()}{what[1:]} par {level_label} — {run.trade.name}",
        legend=legend,
    )


def _sources(run: services.ScoringRun, show: str, catalogue) -> list[dict]:
    """The indicators behind what the map shows, with source, vintage and caveat (each caveat written once)."""
    infos = list(run.indicators.values()) if show == SCORE else [catalogue[show]]
    first_with: dict[str, str] = {}
    sources = []
    for info in infos:
        repeated = info.caveat and info.caveat in first_with
        sources.append(
            {
                "info": info,
                "caveat": "" if repeated else info.caveat,
                "same_caveat_as": first_with[info.caveat] if repeated else "",
            }
        )
        if info.caveat:
            first_with.setdefault(info.caveat, info.label)
    return sources


def _opportunity_context(request):
    require_perm(request.user, "analysis.use")
    catalogue = services.indicator_catalogue()
    reference = services.scoring_profile_reference()
    form = OpportunityForm(request.GET, user=request.user, catalogue=catalogue, reference=reference)
    context = {"form": form, "results_id": RESULTS_ID, "run": None, "error": None}
    if not form.is_valid():
        return context
    data = form.cleaned_data
    show = data["show"]
    try:
        run = services.scoring_run(
            profile=data["profile"],
            trade=data["trade"],
            level=data["level"],
            extra_codes=[] if show == SCORE or show in data["profile"].positive_weights else [show],
        )
    except services.AnalysisError as error:
        context["error"] = str(error)
        return context
    limit = form.row_limit
    lines = _score_lines(run, show, limit)
    context |= {
        "run": run,
        "show": show,
        "show_info": None if show == SCORE else catalogue[show],
        "lines": lines,
        "total": len(run.result.scores),
        "level_label": Level(run.level).label,
        "level_singular": LEVEL_SINGULAR[Level(run.level)],
        "map": _opportunity_map(run, show, catalogue),
        "sources": _sources(run, show, catalogue),
        "query": _query(form),
        "top_k": min(services.DEFAULT_TOP_K, len(run.result.scores)),
        "can_add_profile": has_perm(request.user, "analysis.add_profile"),
    }
    return context


def _query(form) -> str:
    from urllib.parse import urlencode

    data = form.cleaned_data
    return urlencode(
        {
            "trade": data["trade"].slug,
            "level": data["level"],
            "profile": data["profile"].pk,
            "show": data["show"],
            "rows": data["rows"],
        }
    )


def _with_sensitivity(context, request):
    """Attach the rank stability of the rows shown (computed on demand, ±20 % on every weight)."""
    run = context.get("run")
    if run is None:
        return context
    try:
        result = services.scoring_sensitivity(profile=run.profile, trade=run.trade, level=run.level)
    except services.AnalysisError as error:
        context["sensitivity_error"] = str(error)
        return context
    stability = result.by_code()
    context["sensitivity"] = result
    context["stability_rows"] = [(line, stability[line.code]) for line in context["lines"]]
    return context


@login_required
@require_GET
def opportunity(request):
    """Opportunity scores of a trade on a map (choropleth) with the ranked table beside it."""
    context = _opportunity_context(request)
    if request.GET.get("sensitivity"):
        _with_sensitivity(context, request)
    if request.htmx and request.htmx.target == RESULTS_ID:
        return render(request, "analysis/_opportunity_results.html", context)
    return render(request, "analysis/opportunity.html", context)


@login_required
@require_GET
def opportunity_sensitivity(request):
    """The rank stability table (htmx fragment; the main page shows it too with ``sensitivity=1``)."""
    context = _with_sensitivity(_opportunity_context(request), request)
    return render(request, "analysis/_sensitivity.html", context)


def _opportunity_table(context, with_sensitivity: bool):
    run = context["run"]
    columns = [
        _column("Rang", 0, 8),
        _column("Code", None, 12),
        _column(context["level_singular"][:1].upper() + context["level_singular"][1:], None, 36),
    ]
    columns.append(_column("Score", SCORE_DECIMALS, 10))
    for info in run.indicators.values():
        columns += [
            _column(f"{info.label} — valeur ({info.unit})" if info.unit else f"{info.label} — valeur", 3, 18),
            _column(f"{info.label} — valeur normalisée", 3, 14),
            _column(f"{info.label} — pondération", 3, 12),
            _column(f"{info.label} — contribution", SCORE_DECIMALS, 14),
        ]
    columns += [
        _column("Pénalité", SCORE_DECIMALS, 10),
        _column("École du même métier la plus proche", None, 40),
        _column("Distance par la route (km)", 1, 12),
        _column("Données manquantes", None, 30),
    ]
    show_info = context["show_info"]
    if show_info is not None and show_info.code not in run.indicators:
        columns.append(_column(f"{show_info.label} ({show_info.unit})" if show_info.unit else show_info.label, 3, 18))
    stability = {}
    if with_sensitivity:
        _with_sensitivity(context, None)
        if "sensitivity" in context:
            stability = context["sensitivity"].by_code()
            columns += [
                _column("Rang minimal (±20 %)", 0, 10),
                _column("Rang maximal (±20 %)", 0, 10),
                _column(f"Part des scénarios dans les {context['top_k']} premiers", 3, 14),
            ]
    rows = []
    for line in context["lines"]:
        row = [line.rank, line.code, line.name, line.score]
        for part in line.parts:
            row += [part["raw"], part["normalised"], part["weight"], part["contribution"]]
        row += [line.penalty, line.nearest_school, line.nearest_km, ", ".join(line.missing)]
        if show_info is not None and show_info.code not in run.indicators:
            row.append(line.map_value)
        if stability:
            item = stability[line.code]
            row += [item.min_rank, item.max_rank, item.top_k_share]
        rows.append([("" if value is None else value) for value in row])
    return columns, rows


def _opportunity_parameters(context) -> list[tuple[str, str]]:
    run = context["run"]
    profile = run.profile
    params = [
        ("Métier", run.trade.name),
        ("Niveau", context["level_label"]),
        ("Profil", profile.name),
        ("Normalisation", profile.get_normalisation_display()),
        ("Donnée manquante", profile.get_missing_policy_display()),
        (
            "Pénalité",
            f"{_fr(profile.penalty_amount)} point(s), {profile.get_penalty_shape_display().lower()}, "
            f"à moins de {format_number(profile.penalty_radius_km, 1)} km par la route "
            f"(facteur routier {format_number(profile.road_factor, 2)})",
        ),
        ("Territoires notés", format_number(context["total"])),
        ("Lignes exportées", format_number(len(context["lines"]))),
    ]
    for info in run.indicators.values():
        weight = profile.positive_weights[info.code]
        direction = "plus bas = plus de besoin" if run.directions[info.code] == Direction.LOWER else "plus haut"
        params.append(
            (
                f"Indicateur : {info.label}",
                f"pondération {format_number(weight, 3)} ; sens : {direction} ; source : {info.source} "
                f"({info.vintage}) {info.source_url}" + (f" ; précaution : {info.caveat}" if info.caveat else ""),
            )
        )
    params.append(("Exporté le", timezone_now_text()))
    return params


def timezone_now_text() -> str:
    from django.utils import timezone

    return timezone.localtime().strftime("%d/%m/%Y %H:%M")


@login_required
@require_GET
def opportunity_export(request, fmt):
    """The ranked table as shown (same filters and rows), as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    context = _opportunity_context(request)
    if context["run"] is None:
        messages.error(request, context["error"] or "Filtres invalides : rien à exporter.")
        return redirect("analysis:opportunity")
    columns, rows = _opportunity_table(context, with_sensitivity=bool(request.GET.get("sensitivity")))
    run = context["run"]
    stem = f"opportunite-{run.trade.slug}-{run.level}"
    if fmt == "csv":
        return csv_response(rows, columns, filename_stem=stem)
    return xlsx_response(rows, columns, filename_stem=stem, title="Scores", parameters=_opportunity_parameters(context))


# --------------------------------------------------------------------------- site selection


def _sites_context(request):
    require_perm(request.user, "analysis.use")
    measures = services.demand_measures()
    submitted = "trade" in request.GET
    form = SitesForm(request.GET if submitted else None, measures=measures)
    context = {"form": form, "results_id": SITES_RESULTS_ID, "run": None, "error": None}
    if not submitted or not form.is_valid():
        return context
    data = form.cleaned_data
    try:
        run = services.sites_run(
            trade=data["trade"],
            k=data["k"],
            radius_km=data["radius_km"],
            measure=data["measure"],
            road_factor=data["road_factor"],
            time_limit_s=float(data["time_limit_s"]),
            min_population=data["min_population"],
        )
    except services.AnalysisError as error:
        context["error"] = str(error)
        return context
    from urllib.parse import urlencode

    context |= {
        "run": run,
        "answers": [_answer(run, run.comparison.exact, "exact"), _answer(run, run.comparison.greedy, "greedy")],
        "map": _sites_map(run),
        "query": urlencode({k: v for k, v in request.GET.items() if k in form.fields}),
    }
    return context


def _answer(run: services.SitesRun, selection, kind: str) -> dict:
    comparison = run.comparison
    sites = [
        {
            "order": site.order,
            "code": site.code,
            "name": run.communes[site.code].name,
            "url": reverse("territories:commune_detail", kwargs={"code": site.code}),
            "marginal_gain": site.marginal_gain,
            "removal_loss": site.removal_loss,
        }
        for site in selection.sites
    ]
    coverable = comparison.coverable_demand
    return {
        "kind": kind,
        "title": "Solution exacte (programmation linéaire en nombres entiers)"
        if kind == "exact"
        else "Solution gloutonne (heuristique)",
        "method": "HiGHS, scipy.optimize.milp" if kind == "exact" else "ajout pas à pas du site au plus fort gain",
        "selection": selection,
        "status_label": selection.status.label_fr,
        "sites": sites,
        "covered": selection.covered_demand,
        "share_of_coverable": selection.covered_demand / coverable if coverable else None,
        "upper_bound": selection.upper_bound,
        "gap": selection.gap,
    }


def _sites_map(run: services.SitesRun) -> maps.Map | None:
    straight = run.radius_km / run.road_factor
    exact_codes = set(run.comparison.exact.codes)
    points = [
        maps.Point(
            s.lat,
            s.lon,
            f"École de production existante : {s.name} ({s.commune_name})",
            "school",
        )
        for s in run.schools
    ]
    for site in run.comparison.exact.sites:
        place = run.communes[site.code]
        points.append(
            maps.Point(
                place.lat,
                place.lon,
                f"Site proposé n° {site.order} (solution exacte) : {place.name}, "
                f"+{format_number(site.marginal_gain)} jeunes",
                "site",
                label=str(site.order),
                radius_km=straight,
            )
        )
    for site in run.comparison.greedy.sites:
        if site.code in exact_codes:
            continue
        place = run.communes[site.code]
        points.append(
            maps.Point(place.lat, place.lon, f"Site de la solution gloutonne seulement : {place.name}", "greedy")
        )
    drawing = maps.render(
        _features(Level.EPCI),
        fill_for=lambda f: "#eef1f5",
        title_for=lambda f: f.name,
        label=f"Carte des sites proposés pour le métier {run.trade.name}",
        points=points,
        road_factor=run.road_factor,
    )
    if not drawing:
        return None
    legend = [
        maps.LegendItem(label="site proposé (solution exacte), numéroté dans l'ordre des gains", symbol="site"),
        maps.LegendItem(
            label=f"zone de recrutement : {format_number(run.radius_km)} km par la route "
            f"(≈ {format_number(straight, 1)} km à vol d'oiseau)",
            symbol="radius",
        ),
        maps.LegendItem(label=f"école de production existante ({run.trade.name})", symbol="school"),
    ]
    if set(run.comparison.greedy.codes) - exact_codes:
        legend.append(maps.LegendItem(label="site retenu par la seule solution gloutonne", symbol="greedy"))
    return maps.Map(svg=maps.safe(drawing), title=f"Sites proposés — {run.trade.name}", legend=legend)


@login_required
@require_GET
def sites(request):
    """Site selection: k communes for new schools of a trade, exact and greedy answers side by side."""
    context = _sites_context(request)
    if request.htmx and request.htmx.target == SITES_RESULTS_ID:
        return render(request, "analysis/_sites_results.html", context)
    return render(request, "analysis/sites.html", context)


@login_required
@require_GET
def sites_export(request, fmt):
    """The two answers as shown (same inputs), as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    context = _sites_context(request)
    run = context["run"]
    if run is None:
        messages.error(request, context["error"] or "Paramètres invalides : rien à exporter.")
        return redirect("analysis:sites")
    columns = [
        _column("Méthode", None, 24),
        _column("Statut", None, 40),
        _column("Ordre", 0, 8),
        _column("Code commune (INSEE)", None, 12),
        _column("Commune", None, 30),
        _column("Gain marginal (demande)", 1, 14),
        _column("Perte si retirée (demande)", 1, 14),
    ]
    rows = []
    for answer in context["answers"]:
        method = "exacte (MILP)" if answer["kind"] == "exact" else "gloutonne"
        for site in answer["sites"]:
            rows.append(
                [method, answer["status_label"], site["order"], site["code"], site["name"]]
                + [site["marginal_gain"], site["removal_loss"]]
            )
    comparison = run.comparison
    parameters = [
        ("Métier", run.trade.name),
        ("Nombre d'écoles", str(run.k)),
        ("Rayon (km par la route)", format_number(run.radius_km, 1)),
        ("Facteur routier", format_number(run.road_factor, 2)),
        ("Jeunes à couvrir", run.measure_label),
        ("Temps de calcul maximal (s)", format_number(run.time_limit_s)),
        ("Population minimale des sites", format_number(run.min_population) if run.min_population else "aucune"),
        ("Demande totale", format_number(comparison.total_demand)),
        ("Demande déjà desservie par une école du métier", format_number(comparison.demand_served_by_existing)),
        ("Demande atteignable par au moins un site", format_number(comparison.coverable_demand)),
    ]
    for answer in context["answers"]:
        parameters.append(
            (
                answer["title"],
                f"demande couverte {format_number(answer['covered'])} ; {answer['status_label']}"
                + (f" ; écart {format_number((answer['gap'] or 0) * 100, 2)} %" if answer["gap"] is not None else ""),
            )
        )
    stem = f"sites-{run.trade.slug}-k{run.k}"
    if fmt == "csv":
        return csv_response(rows, columns, filename_stem=stem)
    return xlsx_response(rows, columns, filename_stem=stem, title="Sites", parameters=parameters)


# --------------------------------------------------------------------------- profiles


@login_required
@require_GET
def profile_list(request):
    """The profiles the user may use: shared ones and their organisation's."""
    require_perm(request.user, "analysis.use")
    profiles = ScoringProfile.objects.visible_to(request.user).select_related("owner")
    catalogue = services.indicator_catalogue()
    rows = [
        {
            "profile": profile,
            "weights": [
                (catalogue[code].label if code in catalogue else code, weight)
                for code, weight in profile.positive_weights.items()
            ],
            "can_change": has_perm(request.user, "analysis.change_profile", profile),
        }
        for profile in profiles
    ]
    return render(
        request,
        "analysis/profile_list.html",
        {"rows": rows, "can_add": has_perm(request.user, "analysis.add_profile")},
    )


@login_required
@require_GET
def profile_detail(request, pk):
    """A profile: its weights (with the indicators' sources), normalisation, penalty and history."""
    require_perm(request.user, "analysis.use")
    profile = get_visible_or_404(ScoringProfile, request.user, pk=pk)
    catalogue = services.indicator_catalogue()
    weights = []
    for code, weight in profile.positive_weights.items():
        info = catalogue.get(code)
        weights.append(
            {
                "code": code,
                "info": info,
                "weight": weight,
                "share": weight / profile.weight_total if profile.weight_total else None,
                "direction": Direction(services.effective_direction(profile, info)).label if info else "—",
                "is_override": code in (profile.directions or {}),
            }
        )
    return render(
        request,
        "analysis/profile_detail.html",
        {
            "profile": profile,
            "weights": weights,
            "can_change": has_perm(request.user, "analysis.change_profile", profile),
            "history": profile.history.select_related("history_user").order_by("-history_date")[:10],
        },
    )


def _profile_form(request, profile):
    catalogue = services.indicator_catalogue()
    form = ScoringProfileForm(request.POST or None, instance=profile, catalogue=catalogue)
    if request.method == "POST" and form.is_valid():
        profile = services.scoring_profile_save(
            profile=form.instance, owner=current_organization(request.user), user=request.user
        )
        messages.success(request, f"Profil « {profile.name} » enregistré.")
        return redirect("analysis:profile_detail", pk=profile.pk)
    return render(request, "analysis/profile_form.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def profile_create(request):
    """A new profile, owned by the organisation the user acts for (Région, Banque des Territoires)."""
    require_perm(request.user, "analysis.add_profile")
    return _profile_form(request, ScoringProfile())


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, pk):
    """Edit a profile of one's own organisation (every version is kept)."""
    require_perm(request.user, "analysis.use")
    profile = get_visible_or_404(ScoringProfile, request.user, pk=pk)
    require_perm(request.user, "analysis.change_profile", profile)
    return _profile_form(request, profile)
