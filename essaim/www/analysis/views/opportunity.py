"""The opportunity page: scores on a map with a ranked table, sensitivity, export."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from essaim.analysis import jobs as analysis_jobs
from essaim.analysis import services
from essaim.analysis.enums import Direction, Level
from essaim.common.exports import csv_response, xlsx_response
from essaim.common.formats import format_number
from essaim.jobs.models import Job
from essaim.jobs.services import job_submit
from essaim.www.analysis import maps
from essaim.www.analysis.forms import SCORE, OpportunityForm
from essaim.www.analysis.views.common import (
    DRAWINGS,
    LEVEL_SINGULAR,
    SCORE_DECIMALS,
    _column,
    _features,
    _fr,
    _value_text,
    sheet_url,
    value_column,
)
from essaim.www.jobs.events import announce_finished
from essaim.www.permissions import has_perm, require_perm

RESULTS_ID = "analysis-results"
COMMUNE_PAGE_ROWS = 100


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


def _score_lines(run: services.ScoringRun, show: str, limit: int | None, offset: int = 0) -> list[ScoreLine]:
    names = run.school_names
    lines = []
    end = None if limit is None else offset + limit
    for item in run.result.scores[offset:end]:
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
                url=sheet_url(run.level, item.code, trade=run.trade, profile=run.profile),
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

    # The rank in a tooltip is the rank of what the map shows: the score's, or the indicator value's
    # (highest value first, ties sharing a rank, territories without a value not ranked).
    value_ranks = indicator_ranks(values) if show != SCORE else {}
    valued = len(present)

    def title(feature):
        value = values.get(feature.code)
        if show == SCORE:
            score = by_code.get(feature.code)
            text = f"score {_fr(value)}" if value is not None else "score non calculé"
            rank = f" (rang du score : {score.rank} sur {total})" if score else ""
        else:
            text = f"{what} : {_value_text(value, info)}"
            position = value_ranks.get(feature.code)
            rank = f" (rang de l'indicateur : {position} sur {valued}, valeur la plus haute en 1er)" if position else ""
        return f"{feature.name} : {text}{rank}"

    points = maps.school_points_by_commune(run.schools)
    drawing = maps.render(
        _features(run.level),
        fill_for=lambda f: maps.colour_of(values.get(f.code), breaks),
        title_for=title,
        href_for=lambda f: sheet_url(run.level, f.code, trade=run.trade, profile=run.profile),
        # Every commune of the région: one path per colour class keeps the page light (no per-commune
        # hover text nor link there; the paginated table carries them).
        merge_fills=run.level == Level.COMMUNE,
        drawings=DRAWINGS,
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


def indicator_ranks(values: dict[str, float | None]) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) of the territories by value, highest first; missing values are not ranked."""
    ordered = sorted((v, code) for code, v in values.items() if v is not None)
    ordered.reverse()
    ranks: dict[str, int] = {}
    previous, previous_rank = None, 0
    for position, (value, code) in enumerate(ordered, start=1):
        rank = previous_rank if value == previous else position
        ranks[code] = rank
        previous, previous_rank = value, rank
    return ranks


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
    context = {"form": form, "results_id": RESULTS_ID, "run": None, "error": None, "user": request.user}
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
    total = len(run.result.scores)
    if limit is None and run.level == Level.COMMUNE:
        limit = COMMUNE_PAGE_ROWS  # « toutes » at commune level: pages of 100 rows, never 3 782 at once
    pages = max(1, -(-total // limit)) if limit else 1
    page = min(form.page_number, pages)
    lines = _score_lines(run, show, limit, offset=(page - 1) * limit if limit else 0)
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
        "page": page,
        "pages": pages,
        "first_row": (page - 1) * limit + 1 if limit else 1,
        "last_row": ((page - 1) * limit if limit else 0) + len(lines),
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


@dataclass(frozen=True)
class StoredStability:
    """A territory's rank stability, as stored by the sensitivity job."""

    code: str
    min_rank: int
    max_rank: int
    top_k_share: float | None


@dataclass(frozen=True)
class StoredSensitivity:
    """The sensitivity job's stored result (JSON), read back for the page and the exports."""

    spread: float
    n_scenarios: int
    top_k: int
    items: tuple[StoredStability, ...]

    def by_code(self) -> dict[str, StoredStability]:
        return {item.code: item for item in self.items}


def _sensitivity_parameters(run) -> dict:
    return {"trade": run.trade.slug, "level": run.level, "profile": run.profile.pk}


def _with_sensitivity(context, request):
    """Attach the rank stability (±20 % on every weight), computed by a background job: the latest such job
    of the user for this trade, level and profile, its progress while it runs, its stored result once done
    (never for a profile edited since)."""
    run = context.get("run")
    if run is None:
        return context
    subject = analysis_jobs.sensitivity_subject(_sensitivity_parameters(run))
    job = (
        Job.objects.visible_to(context["user"])
        .filter(kind=analysis_jobs.SENSITIVITY_KIND, subject=subject, requested_by=context["user"])
        .first()
    )
    context["sensitivity_job"] = job
    result = job.result if job is not None else None
    if not isinstance(result, dict) or result.get("profile_version") != analysis_jobs.profile_version(run.profile):
        return context
    stored = StoredSensitivity(
        spread=result["spread"],
        n_scenarios=result["n_scenarios"],
        top_k=result["top_k"],
        items=tuple(StoredStability(**item) for item in result["items"]),
    )
    stability = stored.by_code()
    context["sensitivity"] = stored
    context["stability_rows"] = [(line, stability[line.code]) for line in context["lines"] if line.code in stability]
    return context


@require_GET
def opportunity(request):
    """Opportunity scores of a trade on a map (choropleth) with the ranked table beside it."""
    context = _with_sensitivity(_opportunity_context(request), request)
    if request.htmx and request.htmx.target == RESULTS_ID:
        return render(request, "analysis/_opportunity_results.html", context)
    return render(request, "analysis/opportunity.html", context)


@require_http_methods(["GET", "POST"])
def opportunity_sensitivity(request):
    """The rank stability block (htmx fragment): GET shows the latest job's progress or stored result; POST
    starts the job (its parameters are checked first: a French error and nothing queued)."""
    context = _opportunity_context(request)
    run = context["run"]
    if request.method == "POST" and run is not None:
        try:
            job_submit(
                kind=analysis_jobs.SENSITIVITY_KIND,
                parameters=_sensitivity_parameters(run),
                user=request.user,
                organization=request.current_organization,
                subject=analysis_jobs.sensitivity_subject(_sensitivity_parameters(run)),
                origin_url=f"{reverse('analysis:opportunity')}?{context['query']}#sensitivite",
            )
        except ValidationError as error:
            context["sensitivity_error"] = " ".join(error.messages)
        if not request.htmx and "sensitivity_error" not in context:
            return redirect(f"{reverse('analysis:opportunity')}?{context['query']}#sensitivite")
    context = _with_sensitivity(context, request)
    response = render(request, "analysis/_sensitivity.html", context)
    return announce_finished(request, response, context.get("sensitivity_job"))


def _opportunity_table(context, with_sensitivity: bool):
    run = context["run"]
    columns = [
        _column("Rang", 0, 8),
        _column("Code", None, 12),
        _column(context["level_singular"][:1].upper() + context["level_singular"][1:], None, 36),
    ]
    columns.append(_column("Score (points)", SCORE_DECIMALS, 10))
    for info in run.indicators.values():
        columns += [
            value_column(f"{info.label} — valeur", info),
            _column(f"{info.label} — valeur normalisée (0 à 1)", SCORE_DECIMALS, 14),
            _column(f"{info.label} — pondération", SCORE_DECIMALS, 12),
            _column(f"{info.label} — contribution (points)", SCORE_DECIMALS, 14),
        ]
    columns += [
        _column("Pénalité (points retranchés, négative)", SCORE_DECIMALS, 12),
        _column("École du même métier la plus proche", None, 40),
        _column("Distance par la route (km)", 1, 12),
        _column("Données manquantes", None, 30),
    ]
    show_info = context["show_info"]
    if show_info is not None and show_info.code not in run.indicators:
        columns.append(value_column(show_info.label, show_info))
    stability = {}
    if with_sensitivity:
        _with_sensitivity(context, None)  # the stored result of the sensitivity job, when there is one
        if "sensitivity" in context:
            stability = context["sensitivity"].by_code()
            columns += [
                _column("Rang minimal (±20 %)", 0, 10),
                _column("Rang maximal (±20 %)", 0, 10),
                _column(f"Part des scénarios dans les {context['top_k']} premiers (%)", 1, 14, percent=True),
            ]
    rows = []
    for line in context["lines"]:
        row = [line.rank, line.code, line.name, line.score]
        for part in line.parts:
            row += [part["raw"], part["normalised"], part["weight"], part["contribution"]]
        row += [-line.penalty if line.penalty else 0.0, line.nearest_school, line.nearest_km, ", ".join(line.missing)]
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
        ("Territoires notés", context["total"]),
        ("Lignes exportées", len(context["lines"])),
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
