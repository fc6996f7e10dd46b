"""The steering-committee report as background jobs (PDF and XLSX): at national size the PDF takes
longer than a web request may. The page that asks for it shows its progress, then the file."""

from __future__ import annotations

import datetime as dt

import rules
from django.core.exceptions import ValidationError

from essaim.common.exports import XLSX_CONTENT_TYPE
from essaim.jobs.kinds import runs
from essaim.jobs.runner import JobError, JobOutput
from essaim.steering import archive, reports
from essaim.steering.selectors import REGION_SCOPE, department_scope, epci_scope, fixed_scope_for, steering_overview
from essaim.territories.models import Department, Epci


def report_parameters(*, scope, on: dt.date) -> dict:
    """The job's parameters for a scope and a date chosen on the dashboard."""
    return {
        "department_id": scope.department_id if scope.kind == "department" else None,
        "epci_id": scope.epci_id if scope.kind == "epci" else None,
        "on": on.isoformat(),
    }


def report_subject(parameters: dict) -> str:
    return f"department:{parameters['department_id'] or ''}:epci:{parameters['epci_id'] or ''}:on:{parameters['on']}"


def validate_report(parameters: dict) -> dict:
    try:
        on = dt.date.fromisoformat(str(parameters.get("on")))
    except ValueError:
        raise ValidationError("La date du rapport n'est pas une date valide (JJ/MM/AAAA).") from None
    cleaned = {"on": on.isoformat(), "department_id": None, "epci_id": None}
    for key, model, label in (("department_id", Department, "département"), ("epci_id", Epci, "EPCI")):
        value = parameters.get(key)
        if value in (None, ""):
            continue
        try:
            cleaned[key] = int(value)
        except (TypeError, ValueError):
            raise ValidationError(f"Le {label} demandé n'existe pas.") from None
        if not model.objects.filter(pk=cleaned[key]).exists():
            raise ValidationError(f"Le {label} demandé n'existe pas.")
    return cleaned


def _overview(ctx, *, department_id, epci_id, on):
    user = ctx.user
    if not rules.has_perm("steering.view_dashboard", user):
        raise JobError("Vous n'avez plus accès au pilotage du programme.")
    ctx.progress(0.05, "Rassemblement des chiffres du programme")
    scope = fixed_scope_for(user) or REGION_SCOPE
    if fixed_scope_for(user) is None:
        if department_id:
            scope = department_scope(Department.objects.get(pk=department_id))
        elif epci_id:
            scope = epci_scope(Epci.objects.get(pk=epci_id))
    overview = steering_overview(user=user, scope=scope, on=dt.date.fromisoformat(on))
    return overview


def report_filename(overview, extension: str) -> str:
    territory = overview.scope.department_code or overview.scope.kind
    if overview.scope.kind == "epci" and overview.scope.epci_id is not None:
        territory = f"epci-{overview.scope.epci_id}"
    return f"rapport-comite-de-pilotage-{territory}-{overview.on:%Y-%m-%d}.{extension}"


@runs("steering.report_pdf", validate=validate_report)
def report_pdf(ctx, **parameters) -> JobOutput:
    overview = _overview(ctx, **parameters)
    ctx.progress(0.3, "Mise en page du rapport (PDF)")
    content = reports.report_pdf(overview)
    archive.report_archive(
        overview=overview, fmt="pdf", content=content, filename=report_filename(overview, "pdf"), by=ctx.user
    )
    return JobOutput(content=content, filename=report_filename(overview, "pdf"), content_type="application/pdf")


@runs("steering.report_xlsx", validate=validate_report)
def report_xlsx(ctx, **parameters) -> JobOutput:
    overview = _overview(ctx, **parameters)
    ctx.progress(0.5, "Écriture du classeur Excel")
    content = reports.report_workbook(overview)
    archive.report_archive(
        overview=overview, fmt="xlsx", content=content, filename=report_filename(overview, "xlsx"), by=ctx.user
    )
    return JobOutput(content=content, filename=report_filename(overview, "xlsx"), content_type=XLSX_CONTENT_TYPE)
