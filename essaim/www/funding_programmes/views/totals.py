"""Totals per programme and funder, and the exports of funding lines and totals."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from essaim.common.exports import Column, csv_response, xlsx_response
from essaim.common.forms import key_or_none
from essaim.funding_programmes.models import FundingLine
from essaim.funding_programmes.permissions import (
    sees_every_project_line,
    sees_own_project_lines,
    sees_territory_project_lines,
)
from essaim.funding_programmes.selectors import funding_totals, funding_totals_grand_total
from essaim.organizations.models import Organization
from essaim.www.jobs.exports import large_export_deferred

TOTALS_COLUMNS = [
    Column("Financeur", lambda r: r.funder_name, width=40),
    Column("Dispositif", lambda r: r.programme_name, width=50),
    Column("Lignes", lambda r: r.line_count, kind="number"),
    Column("Demandé (€)", lambda r: r.asked_amount, kind="number", decimals=2),
    Column("Obtenu (€)", lambda r: r.granted_amount, kind="number", decimals=2),
    Column("Prévu à l'échéancier (€)", lambda r: r.planned_amount, kind="number", decimals=2),
    Column("Versé (€)", lambda r: r.paid_amount, kind="number", decimals=2),
    Column("Reste à verser (€)", lambda r: r.remaining_amount, kind="number", decimals=2),
]


def _totals_lines(request):
    lines = FundingLine.objects.visible_to(request.user)
    funder_pk = key_or_none(Organization, request.GET.get("financeur"))
    if funder_pk is not None:
        lines = lines.filter(funder_id=funder_pk)
    return lines


def _scope_text(request) -> str:
    """Which lines the totals count, in the user's words (the rule is ``FundingLine.objects.visible_to``)."""
    user = request.user
    if sees_every_project_line(user):
        return "tous les projets du programme"
    if sees_territory_project_lines(user):
        territory = request.current_organization.territory_label()
        return f"les projets de votre territoire ({territory}) et les demandes qui vous sont adressées"
    if sees_own_project_lines(user):
        return "vos projets"
    return "les demandes adressées à votre organisation"


@require_GET
def totals(request):
    """Asked, granted, paid and remaining per funder and programme, over the lines the user sees."""
    rows = funding_totals(lines=_totals_lines(request))
    funders = Organization.objects.filter(
        pk__in=FundingLine.objects.visible_to(request.user).values("funder_id")
    ).order_by("name")
    by_funder = []
    for row in rows:
        if not by_funder or by_funder[-1]["funder_id"] != row.funder_id:
            by_funder.append({"funder_id": row.funder_id, "funder_name": row.funder_name, "rows": []})
        by_funder[-1]["rows"].append(row)
    for group in by_funder:
        group["total"] = funding_totals_grand_total(group["rows"])
    return render(
        request,
        "funding_programmes/totals.html",
        {
            "groups": by_funder,
            "total": funding_totals_grand_total(rows),
            "funders": funders,
            "selected_funder": request.GET.get("financeur", ""),
            "scope": _scope_text(request),
            "query": request.GET.urlencode(),
        },
    )


LINE_COLUMNS = [
    Column("Projet", lambda line: line.project.name, width=40),
    Column("Département", lambda line: line.project.commune.department.code, width=12),
    Column("Financeur", lambda line: line.funder.name, width=40),
    Column("Dispositif", lambda line: line.programme.name if line.programme else "", width=50),
    Column("Enveloppe", lambda line: line.envelope.label if line.envelope else "", width=30),
    Column("État", lambda line: line.get_status_display(), width=12),
    Column("Demandé le", lambda line: line.requested_date, kind="date", width=12),
    Column("Demandé (€)", lambda line: line.requested_amount, kind="number", decimals=2),
    Column("Décidé le", lambda line: line.decision_date, kind="date", width=12),
    Column("Obtenu (€)", lambda line: line.granted_amount, kind="number", decimals=2),
    Column("Versé (€)", lambda line: line.paid_amount, kind="number", decimals=2),
    Column("Reste à verser (€)", lambda line: line.remaining_amount, kind="number", decimals=2),
]


@require_http_methods(["GET", "POST"])
def lines_export(request, fmt):
    """Every funding line the user sees (same scope and filter as the totals page), one row each."""
    lines = (
        _totals_lines(request)
        .select_related("project__commune__department", "funder", "programme", "envelope")
        .order_by("funder__name", "project__name", "pk")
    )
    if fmt not in ("csv", "xlsx"):
        raise Http404
    # At national size the file is prepared by a background job (POST from the page this answers).
    if deferred := large_export_deferred(
        request, lines, url_name="funding_programmes:lines_export", kwargs={"fmt": fmt}
    ):
        return deferred
    if fmt == "csv":
        return csv_response(lines, LINE_COLUMNS, filename_stem="lignes-de-financement")
    if fmt == "xlsx":
        return xlsx_response(
            lines,
            LINE_COLUMNS,
            filename_stem="lignes-de-financement",
            title="Lignes de financement",
            parameters=[("Périmètre", _scope_text(request)), ("Extrait le", timezone.localdate().strftime("%d/%m/%Y"))],
        )
    raise Http404


@require_GET
def totals_export(request, fmt):
    rows = funding_totals(lines=_totals_lines(request))
    if fmt == "csv":
        return csv_response(rows, TOTALS_COLUMNS, filename_stem="financements-par-financeur")
    if fmt == "xlsx":
        return xlsx_response(
            rows,
            TOTALS_COLUMNS,
            filename_stem="financements-par-financeur",
            title="Financements",
            parameters=[
                ("Périmètre", _scope_text(request)),
                ("Extrait le", timezone.localdate().strftime("%d/%m/%Y")),
                ("Reste à verser", "obtenu − versé"),
            ],
        )
    raise Http404
