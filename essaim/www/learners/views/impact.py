"""The school's impact page and its export (groups under the secrecy threshold suppressed)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from essaim.common.exports import Column, csv_response, xlsx_response
from essaim.common.formats import format_number, format_percent
from essaim.learners import selectors
from essaim.learners.publication import published_as_of, published_label
from essaim.learners.secrecy import SUPPRESSED_LABEL, THRESHOLD
from essaim.www.learners import charts
from essaim.www.learners.views.common import _school_for_staff
from essaim.www.permissions import has_perm


@require_GET
def school_impact(request, school_pk):
    school = _school_for_staff(request, school_pk)
    table = selectors.school_learner_outcomes(school=school)
    months = selectors.school_monthly_hours(school=school)
    rows = [
        {"label": row.label, "is_total": row is table.total, "cells": [(m, row.cells[m]) for m in table.measures]}
        for row in [*table.rows, table.total]
    ]
    return render(
        request,
        "learners/impact.html",
        {
            "school": school,
            "table": table,
            "rows": rows,
            "headers": [selectors.MEASURE_LABELS[m] for m in table.measures],
            "rate_measures": selectors.RATE_MEASURES,
            "total_share_status": selectors.share_status(table.total.cells["production_share"].value),
            "can_manage": has_perm(request.user, "learners.manage_learners", school),
            "months": months,
            "chart": charts.monthly_hours_svg(months) if months else "",
            "target": selectors.PRODUCTION_SHARE_TARGET,
            "threshold": THRESHOLD,
        },
    )


def _cell_text(cell, measure):
    """The published text of a cell: « < 5 » when suppressed, « — » without data, French numbers otherwise."""
    if cell.suppressed:
        return SUPPRESSED_LABEL
    if measure in selectors.RATE_MEASURES:
        return format_percent(cell.value)
    if measure == "production_hours":
        return format_number(cell.value, 1) if cell.base else "—"
    return format_number(cell.value)


@require_GET
def impact_export(request, school_pk, fmt):
    """The school's figures per workshop for sending out: suppressed (groups under 5 youths)."""
    school = _school_for_staff(request, school_pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    # Sent out of the school: the figures as of the end of the last closed quarter (publication.py).
    as_of = published_as_of()
    table = selectors.workshop_learner_outcomes(school=school, as_of=as_of)
    columns = [Column("Atelier", lambda row: row.label, width=30)] + [
        Column(selectors.MEASURE_LABELS[measure], lambda row, m=measure: _cell_text(row.cells[m], m), width=22)
        for measure in table.measures
    ]
    rows = [*table.rows, table.total]
    stem = f"impact-jeunes-{school.pk}"
    if fmt == "csv":
        return csv_response(rows, columns, filename_stem=stem)
    return xlsx_response(
        rows,
        columns,
        filename_stem=stem,
        title="Impact",
        parameters=[
            ("École", school.name),
            (
                "Secret statistique",
                f"Groupes de moins de {THRESHOLD} jeunes masqués (« {SUPPRESSED_LABEL} »), "
                "avec masquage complémentaire pour qu'aucun ne se recalcule à partir du total.",
            ),
            ("Période publiée", published_label(as_of)),
            ("Exporté le", f"{timezone.localdate():%d/%m/%Y}"),
        ],
    )
