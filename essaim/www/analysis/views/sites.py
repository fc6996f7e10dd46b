"""Site selection: where to open the next schools, on a map with the answer explained, export."""

from __future__ import annotations

import math

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

import territories_engine as engine
from essaim.analysis import services
from essaim.analysis.enums import Level
from essaim.common.exports import csv_response, xlsx_response
from essaim.common.formats import format_number, round_half_up
from essaim.www.analysis import maps
from essaim.www.analysis.forms import SitesForm
from essaim.www.analysis.views.common import _column, _features, sheet_url
from essaim.www.permissions import require_perm

SITES_RESULTS_ID = "sites-results"


def _sites_context(request):
    require_perm(request.user, "analysis.use")
    measures = services.demand_measures()
    submitted = "trade" in request.GET
    form = SitesForm(request.GET if submitted else None, measures=measures)
    context = {"form": form, "results_id": SITES_RESULTS_ID, "run": None, "error": None}
    if not submitted or not form.is_valid():
        return context
    data = form.cleaned_data
    rules = services.CandidateRules(
        min_population=data["min_population"] or None,
        min_recruitment_projects=data["min_recruitment_projects"] or None,
        industry_territory=data["industry_territory"] or "",
        codes=data["candidates"],
    )
    try:
        run = services.sites_run(
            trade=data["trade"],
            k=data["k"],
            radius_km=data["radius_km"],
            measure=data["measure"],
            road_factor=data["road_factor"],
            time_limit_s=float(data["time_limit_s"]),
            rules=rules,
        )
    except services.AnalysisError as error:
        context["error"] = str(error)
        return context
    from urllib.parse import urlencode

    exact_rows = run.coverage_rows(run.comparison.exact)
    catchments: dict[int, list] = {}
    for row in exact_rows:
        catchments.setdefault(row.site_order, []).append(row)
    context |= {
        "run": run,
        "answers": [_answer(run, run.comparison.exact, "exact"), _answer(run, run.comparison.greedy, "greedy")],
        "catchments": catchments,
        "rules_text": _rules_text(run),
        "served_communes": len(run.served_by),
        "straight_km": run.radius_km / run.road_factor,
        "map": _sites_map(run),
        "query": urlencode({k: v for k, v in request.GET.items() if k in form.fields}),
    }
    return context


def _rules_text(run: services.SitesRun) -> list[str]:
    """The candidate rules in French, as applied."""
    rules = run.rules
    texts = []
    if rules.codes:
        texts.append(f"communes de la liste choisie ({len(rules.codes)})")
    if rules.min_population:
        texts.append(f"au moins {format_number(rules.min_population)} habitants")
    if rules.min_recruitment_projects:
        texts.append(
            f"au moins {format_number(rules.min_recruitment_projects)} projets de recrutement du métier "
            "dans le bassin (BMO)"
        )
    if rules.industry_territory == "inside":
        texts.append("dans un Territoire d'industrie")
    elif rules.industry_territory == "outside":
        texts.append("hors des Territoires d'industrie")
    return texts or ["toutes les communes"]


def _answer(run: services.SitesRun, selection, kind: str) -> dict:
    comparison = run.comparison
    sites = [
        {
            "order": site.order,
            "code": site.code,
            "name": run.communes[site.code].name,
            "url": sheet_url(Level.COMMUNE, site.code, trade=run.trade),
            "marginal_gain": site.marginal_gain,
            "removal_loss": site.removal_loss,
        }
        for site in selection.sites
    ]
    coverable = comparison.coverable_demand
    exact = comparison.exact
    # The greedy answer is measured against the proven optimum when the exact answer is proven optimal,
    # otherwise against the exact solver's proven upper bound (never against greedy's own, looser bound).
    if kind == "greedy" and exact.status.value == "optimal" and exact.covered_demand > 0:
        gap, gap_label = (exact.covered_demand - selection.covered_demand) / exact.covered_demand, "optimum"
    elif kind == "greedy" and exact.upper_bound and exact.upper_bound > 0:
        gap, gap_label = (exact.upper_bound - selection.covered_demand) / exact.upper_bound, "bound"
    else:
        gap, gap_label = selection.gap, "bound"
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
        "upper_bound": exact.upper_bound if kind == "greedy" else selection.upper_bound,
        "gap": gap,
        "gap_label": "Écart à l'optimum prouvé" if gap_label == "optimum" else "Écart à la borne supérieure prouvée",
    }


def _sites_map(run: services.SitesRun) -> maps.Map | None:
    straight = run.radius_km / run.road_factor
    exact_codes = set(run.comparison.exact.codes)
    points = [
        maps.Point(
            s.lat,
            s.lon,
            f"École de production existante : {s.name} ({s.commune_name}) ; zone déjà desservie : "
            f"{format_number(run.radius_km)} km par la route",
            "school",
            radius_km=straight,
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
                f"+{format_number(site.marginal_gain)} {run.unit}",
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
            label=f"zone de recrutement de chaque site : {format_number(run.radius_km)} km par la route estimés "
            f"(≈ {format_number(straight, 1)} km à vol d'oiseau × facteur {format_number(run.road_factor, 2)})",
            symbol="radius",
        ),
        maps.LegendItem(label=f"école de production existante ({run.trade.name})", symbol="school"),
        maps.LegendItem(
            label="zone déjà desservie par une école existante du métier (ses jeunes ne comptent pas)", symbol="served"
        ),
    ]
    if set(run.comparison.greedy.codes) - exact_codes:
        legend.append(maps.LegendItem(label="site retenu par la seule solution gloutonne", symbol="greedy"))
    return maps.Map(svg=maps.safe(drawing), title=f"Sites proposés — {run.trade.name}", legend=legend)


@require_GET
def sites(request):
    """Site selection: k communes for new schools of a trade, exact and greedy answers side by side."""
    context = _sites_context(request)
    if request.htmx and request.htmx.target == SITES_RESULTS_ID:
        return render(request, "analysis/_sites_results.html", context)
    context["pick_map"] = _pick_map()
    return render(request, "analysis/sites.html", context)


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
        _column(f"Gain marginal ({run.unit})", 0, 14),
        _column(f"Perte si retirée ({run.unit})", 0, 14),
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
        ("Nombre d'écoles", run.k),
        ("Rayon (km par la route)", run.radius_km),
        ("Distances", "à vol d'oiseau (grand cercle) × facteur routier, pas un itinéraire réel"),
        ("Facteur routier", run.road_factor),
        ("Demande", run.measure_label),
        ("Unité de la demande", run.unit),
        ("Temps de calcul maximal (s)", run.time_limit_s),
        ("Population minimale des sites (habitants)", run.min_population or "aucune"),
        (f"Demande totale ({run.unit})", int(round_half_up(comparison.total_demand))),
        (
            f"Demande déjà desservie par une école du métier ({run.unit})",
            int(round_half_up(comparison.demand_served_by_existing)),
        ),
        (f"Demande atteignable par au moins un site ({run.unit})", int(round_half_up(comparison.coverable_demand))),
    ]
    for answer in context["answers"]:
        parameters.append((f"{answer['title']} — demande couverte ({run.unit})", int(round_half_up(answer["covered"]))))
        parameters.append((f"{answer['title']} — statut", answer["status_label"]))
        if answer["gap"] is not None:
            parameters.append(
                (f"{answer['title']} — {answer['gap_label'].lower()} (%)", float(round_half_up(answer["gap"] * 100, 2)))
            )
    parameters.insert(8, ("Règles des sites", " ; ".join(_rules_text(run))))
    coverage_columns, coverage_rows = _coverage_table(run)
    stem = f"sites-{run.trade.slug}-k{run.k}"
    if fmt == "csv":
        if request.GET.get("part") == "communes":
            return csv_response(coverage_rows, coverage_columns, filename_stem=f"{stem}-communes-couvertes")
        return csv_response(rows, columns, filename_stem=stem)
    return xlsx_response(
        rows,
        columns,
        filename_stem=stem,
        title="Sites",
        parameters=parameters,
        sheets=[("Communes couvertes", coverage_rows, coverage_columns)],
    )


def _coverage_table(run: services.SitesRun):
    """Every commune within the radius of a site, for both answers, and who covers it."""
    columns = [
        _column("Méthode", None, 16),
        _column("Site n°", 0, 8),
        _column("Site (code INSEE)", None, 12),
        _column("Site", None, 28),
        _column("Commune couverte (code INSEE)", None, 12),
        _column("Commune couverte", None, 28),
        _column("Population (habitants)", 0, 12),
        _column(f"Demande ({run.unit})", 0, 14),
        _column("Distance au site (km par la route, estimée)", 1, 14),
        _column("Couverte aussi par les sites n°", None, 16),
        _column("Déjà desservie par (école existante ; demande non comptée)", None, 40),
    ]
    rows = []
    for method, selection in (("exacte (MILP)", run.comparison.exact), ("gloutonne", run.comparison.greedy)):
        for row in run.coverage_rows(selection):
            rows.append(
                [
                    method, row.site_order, row.site_code, row.site_name, row.code, row.name, row.population,
                    row.demand, row.road_km, ", ".join(str(order) for order in row.other_sites),
                    ", ".join(row.served_by),
                ]
            )  # fmt: skip
    return columns, rows


@require_GET
def commune_at(request, lat, lon):
    """The commune whose centre is nearest to a point clicked on the site-selection map (JSON)."""
    require_perm(request.user, "analysis.use")
    try:
        lat, lon = float(lat), float(lon)
    except ValueError:
        return JsonResponse({"error": "Latitude et longitude attendues."}, status=400)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return JsonResponse({"error": "Point hors de la carte."}, status=400)
    places = services.level_places(Level.COMMUNE)
    if not places:
        return JsonResponse({"error": "Aucune commune chargée."})
    # A commune whose stored centre is not a number (NaN) is never the nearest: it is left out.
    located = [p for p in places.values() if math.isfinite(p.lat) and math.isfinite(p.lon)]
    if not located:
        return JsonResponse({"error": "Aucune commune chargée."})
    nearest = min(located, key=lambda p: float(engine.haversine_km(lat, lon, p.lat, p.lon)))
    return JsonResponse({"code": nearest.code, "name": nearest.name, "population": nearest.population})


def _pick_map() -> maps.Map | None:
    """The map on which candidate communes are picked by clicking (EPCI contours, light)."""
    drawing = maps.render(
        _features(Level.EPCI),
        fill_for=lambda f: "#eef1f5",
        title_for=lambda f: f"{f.name} — cliquez pour ajouter la commune la plus proche",
        label="Carte pour choisir des communes candidates : cliquez près d'une commune pour l'ajouter à la liste",
        pick=True,
    )
    if not drawing:
        return None
    return maps.Map(svg=maps.safe(drawing), title="Choisir des communes candidates sur la carte", legend=[])
