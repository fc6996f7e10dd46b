"""Site selection: where to open the next schools, on a map with the answer explained, export.

The selection runs as a background job (essaim/analysis/jobs.py); its page and exports read the stored result."""

from __future__ import annotations

import math

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

import territories_engine as engine
from essaim.analysis import jobs as analysis_jobs
from essaim.analysis import results, services
from essaim.analysis.enums import Level
from essaim.common.exports import csv_response, xlsx_response
from essaim.common.formats import format_number, round_half_up
from essaim.jobs.models import Job
from essaim.jobs.services import job_submit
from essaim.www.analysis import maps
from essaim.www.analysis.forms import SitesForm
from essaim.www.analysis.views.common import DRAWINGS, _column, _features
from essaim.www.jobs.events import announce_finished
from essaim.www.permissions import require_perm

SITES_RESULTS_ID = "sites-results"


def _sites_jobs(request):
    return Job.objects.visible_to(request.user).filter(kind=analysis_jobs.SITES_KIND)


def _form_data(parameters: dict) -> dict:
    """A job's parameters as the form shows them (French decimals, the list of candidates)."""
    data = {
        "trade": parameters.get("trade", ""),
        "k": parameters.get("k", ""),
        "radius_km": _french(parameters.get("radius_km")),
        "measure": parameters.get("measure", ""),
        "road_factor": _french(parameters.get("road_factor")),
        "time_limit_s": parameters.get("time_limit_s", ""),
        "min_population": parameters.get("min_population") if parameters.get("min_population") is not None else "",
        "min_recruitment_projects": "",
        "industry_territory": parameters.get("industry_territory", ""),
        "candidates": ", ".join(parameters.get("candidates") or []),
    }
    if parameters.get("min_recruitment_projects") is not None:
        data["min_recruitment_projects"] = _french(parameters["min_recruitment_projects"])
    return data


def _french(value) -> str:
    """A number as typed in the form (« 1,3 », « 30 »)."""
    if not isinstance(value, int | float):
        return ""
    if float(value).is_integer():
        return str(int(value))
    return str(value).replace(".", ",")


def _job_parameters(data: dict) -> dict:
    """The job's parameters from the form's cleaned data (JSON)."""
    return {
        "trade": data["trade"].slug,
        "k": data["k"],
        "radius_km": data["radius_km"],
        "measure": data["measure"],
        "road_factor": data["road_factor"],
        "time_limit_s": data["time_limit_s"],
        "min_population": data["min_population"],
        "min_recruitment_projects": data["min_recruitment_projects"],
        "industry_territory": data["industry_territory"] or "",
        "candidates": list(data["candidates"]),
    }


def _stored_result(job: Job | None) -> dict | None:
    """The job's stored result, only once it has succeeded (never a partial one), in the current shape."""
    result = job.result if job is not None else None
    if not isinstance(result, dict) or result.get("version") != results.SITES_RESULT_VERSION:
        return None
    return result


def _result_context(result: dict) -> dict:
    trade_slug = result["trade"]["slug"]
    answers = [
        answer | {"sites": [site | {"url": _sheet_url(site["code"], trade_slug)} for site in answer["sites"]]}
        for answer in result["answers"]
    ]
    return {"run": result, "answers": answers, "catchments": result["catchments"], "map": _sites_map(result)}


def _sheet_url(code: str, trade_slug: str) -> str:
    from urllib.parse import urlencode

    url = reverse("analysis:territory_sheet", kwargs={"level": Level.COMMUNE.value, "code": code})
    return f"{url}?{urlencode({'trade': trade_slug})}"


def _page_context(request, *, job: Job | None, form) -> dict:
    result = _stored_result(job)
    context = {"form": form, "results_id": SITES_RESULTS_ID, "job": job, "run": None}
    if result is not None:
        context |= _result_context(result)
    return context


def _sites_map(result: dict) -> maps.Map | None:
    radius, straight = result["radius_km"], result["straight_km"]
    points = [
        maps.Point(p["lat"], p["lon"], p["title"], p["kind"], label=p["label"], radius_km=p["radius_km"])
        for p in result["points"]
    ]
    trade = result["trade"]["name"]
    drawing = maps.render(
        _features(Level.EPCI),
        fill_for=lambda f: "#eef1f5",
        title_for=lambda f: f.name,
        label=f"Carte des sites proposés pour le métier {trade}",
        points=points,
        road_factor=result["road_factor"],
        drawings=DRAWINGS,
    )
    if not drawing:
        return None
    legend = [
        maps.LegendItem(label="site proposé (solution exacte), numéroté dans l'ordre des gains", symbol="site"),
        maps.LegendItem(
            label=f"zone de recrutement de chaque site : {format_number(radius)} km par la route estimés "
            f"(≈ {format_number(straight, 1)} km à vol d'oiseau × facteur {format_number(result['road_factor'], 2)})",
            symbol="radius",
        ),
        maps.LegendItem(label=f"école de production existante ({trade})", symbol="school"),
        maps.LegendItem(
            label="zone déjà desservie par une école existante du métier (ses jeunes ne comptent pas)", symbol="served"
        ),
    ]
    if any(p["kind"] == "greedy" for p in result["points"]):
        legend.append(maps.LegendItem(label="site retenu par la seule solution gloutonne", symbol="greedy"))
    return maps.Map(svg=maps.safe(drawing), title=f"Sites proposés — {trade}", legend=legend)


def _render_page(request, context, *, status=200):
    if request.htmx and request.htmx.target == SITES_RESULTS_ID:
        return render(request, "analysis/_sites_results.html", context, status=status)
    context["pick_map"] = _pick_map()
    return render(request, "analysis/sites.html", context, status=status)


@require_http_methods(["GET", "POST"])
def sites(request):
    """Site selection: k communes for new schools of a trade, exact and greedy answers side by side.

    The form starts a background job (POST) and the page of that job shows its progress, then its stored
    result. Without a job named, the page shows the user's latest site selection."""
    require_perm(request.user, "analysis.use")
    measures = services.demand_measures()
    if request.method == "POST":
        form = SitesForm(request.POST, measures=measures)
        if form.is_valid():
            try:
                job = job_submit(
                    kind=analysis_jobs.SITES_KIND,
                    parameters=_job_parameters(form.cleaned_data),
                    user=request.user,
                    organization=request.current_organization,
                    subject=analysis_jobs.sites_subject(),
                    origin_url=reverse("analysis:sites"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                Job.objects.filter(pk=job.pk).update(origin_url=reverse("analysis:sites_job", args=[job.pk]))
                return redirect("analysis:sites_job", job=job.pk)
        latest = _sites_jobs(request).filter(requested_by=request.user).first()
        return _render_page(request, _page_context(request, job=latest, form=form), status=400)
    # Links made before site selection ran as a job carry the form's fields: they fill the form in.
    form = SitesForm(request.GET if "trade" in request.GET else None, measures=measures)
    latest = _sites_jobs(request).filter(requested_by=request.user).first()
    if latest is not None and not form.is_bound:
        form = SitesForm(initial=_form_data(latest.parameters), measures=measures)
    return _render_page(request, _page_context(request, job=latest, form=form))


def _visible_job(request, job_id) -> Job:
    """A site-selection job the user sees; another organisation's (or another user's) job is a 404."""
    job = _sites_jobs(request).filter(pk=job_id).select_related("requested_by").first()
    if job is None:
        raise Http404("Aucun choix de sites de ce numéro.")
    require_perm(request.user, "analysis.use")
    return job


@require_GET
def sites_job(request, job):
    """One site selection: its progress while it runs (htmx polling), then its stored result; the page to
    come back to after a reload."""
    job = _visible_job(request, job)
    form = SitesForm(initial=_form_data(job.parameters), measures=services.demand_measures())
    response = _render_page(request, _page_context(request, job=job, form=form))
    return announce_finished(request, response, job) if request.htmx.target == SITES_RESULTS_ID else response


@require_GET
def sites_export(request, job, fmt):
    """The two answers as shown, as CSV or XLSX: read from the job's stored result, never solved again."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    job = _visible_job(request, job)
    result = _stored_result(job)
    if result is None:
        messages.error(request, "Ce choix de sites n'a pas (encore) de résultat à exporter.")
        return redirect("analysis:sites_job", job=job.pk)
    unit = result["unit"]
    columns = [
        _column("Méthode", None, 24),
        _column("Statut", None, 40),
        _column("Ordre", 0, 8),
        _column("Code commune (INSEE)", None, 12),
        _column("Commune", None, 30),
        _column(f"Gain marginal ({unit})", 0, 14),
        _column(f"Perte si retirée ({unit})", 0, 14),
    ]
    rows = []
    for answer in result["answers"]:
        method = "exacte (MILP)" if answer["kind"] == "exact" else "gloutonne"
        for site in answer["sites"]:
            rows.append(
                [method, answer["status_label"], site["order"], site["code"], site["name"]]
                + [_blank(site["marginal_gain"]), _blank(site["removal_loss"])]
            )
    totals = result["totals"]
    parameters = [
        ("Métier", result["trade"]["name"]),
        ("Nombre d'écoles", result["k"]),
        ("Rayon (km par la route)", result["radius_km"]),
        ("Distances", "à vol d'oiseau (grand cercle) × facteur routier, pas un itinéraire réel"),
        ("Facteur routier", result["road_factor"]),
        ("Demande", result["measure_label"]),
        ("Unité de la demande", unit),
        ("Temps de calcul maximal (s)", result["time_limit_s"]),
        ("Règles des sites", " ; ".join(result["rules_text"])),
        ("Population minimale des sites (habitants)", result["min_population"] or "aucune"),
        (f"Demande totale ({unit})", _whole(totals["total_demand"])),
        (f"Demande déjà desservie par une école du métier ({unit})", _whole(totals["demand_served_by_existing"])),
        (f"Demande atteignable par au moins un site ({unit})", _whole(totals["coverable_demand"])),
    ]
    for answer in result["answers"]:
        parameters.append((f"{answer['title']} — demande couverte ({unit})", _whole(answer["covered"])))
        parameters.append((f"{answer['title']} — statut", answer["status_label"]))
        if answer["gap"] is not None:
            parameters.append(
                (f"{answer['title']} — {answer['gap_label'].lower()} (%)", float(round_half_up(answer["gap"] * 100, 2)))
            )
    parameters.append(("Calculé le", timezone.localtime(job.finished_at).strftime("%d/%m/%Y à %H:%M")))
    coverage_columns, coverage_rows = _coverage_table(result)
    stem = f"sites-{result['trade']['slug']}-k{result['k']}"
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


def _blank(value):
    return "" if value is None else value


def _whole(value):
    return "" if value is None else int(round_half_up(value))


def _coverage_table(result: dict):
    """Every commune within the radius of a site, for both answers, and who covers it."""
    unit = result["unit"]
    columns = [
        _column("Méthode", None, 16),
        _column("Site n°", 0, 8),
        _column("Site (code INSEE)", None, 12),
        _column("Site", None, 28),
        _column("Commune couverte (code INSEE)", None, 12),
        _column("Commune couverte", None, 28),
        _column("Population (habitants)", 0, 12),
        _column(f"Demande ({unit})", 0, 14),
        _column("Distance au site (km par la route, estimée)", 1, 14),
        _column("Couverte aussi par les sites n°", None, 16),
        _column("Déjà desservie par (école existante ; demande non comptée)", None, 40),
    ]
    rows = []
    for method, key in (("exacte (MILP)", "exact"), ("gloutonne", "greedy")):
        for row in result["coverage"][key]:
            rows.append(
                [
                    method, row["site_order"], row["site_code"], row["site_name"], row["code"], row["name"],
                    row["population"], _blank(row["demand"]), _blank(row["road_km"]),
                    ", ".join(str(order) for order in row["other_sites"]), ", ".join(row["served_by"]),
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
        drawings=DRAWINGS,
    )
    if not drawing:
        return None
    return maps.Map(svg=maps.safe(drawing), title="Choisir des communes candidates sur la carte", legend=[])
