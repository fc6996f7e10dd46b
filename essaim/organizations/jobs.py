"""The SIRENE import as a background job (kind ``organizations.sirene_import``), for files past
``ESSAIM_IMPORT_JOB_KB`` (the view: ``essaim.www.organizations.views.organization_import``)."""

from __future__ import annotations

import rules
from django.core.exceptions import ValidationError

from essaim.jobs.inputs import open_input
from essaim.jobs.kinds import runs
from essaim.jobs.runner import JobError, JobOutput
from essaim.organizations.sirene import SireneImportError, sirene_import

SIRENE_IMPORT_KIND = "organizations.sirene_import"
# The page finds the latest import again by this subject.
SIRENE_IMPORT_SUBJECT = "organizations:sirene_import"


def validate_sirene_import(parameters: dict) -> dict:
    filename = parameters.get("filename")
    dry_run = parameters.get("dry_run")
    if not isinstance(filename, str) or not filename or len(filename) > 200:
        raise ValidationError("Nom de fichier invalide.")
    if not isinstance(dry_run, bool):
        raise ValidationError("Précisez s'il faut seulement vérifier le fichier.")
    return {"filename": filename, "dry_run": dry_run}


def report_data(report, *, dry_run: bool, filename: str) -> dict:
    """What the import page shows of a finished import (the same summary as an immediate import)."""
    return {
        "dry_run": dry_run,
        "filename": filename,
        "summary": report.summary(),
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
    }


@runs(SIRENE_IMPORT_KIND, validate=validate_sirene_import)
def sirene_import_job(ctx, *, filename: str, dry_run: bool) -> JobOutput:
    """Import the stored file as the requester, for the organisation he acted for (same rule as the page)."""
    if not rules.has_perm("organizations.import_companies", ctx.user):
        raise JobError("Vous n'avez plus le droit d'importer des entreprises pour cette organisation.")
    ctx.progress(0.02, "Lecture du fichier déposé")
    try:
        with open_input(ctx.job.pk) as stored:
            data = stored.read()
    except FileNotFoundError:
        raise JobError(
            "Le fichier déposé n'est plus disponible (il est effacé quand l'import se termine) : "
            "déposez-le de nouveau sur la page d'import."
        ) from None
    try:
        report = sirene_import(data=data, imported_by=ctx.user, dry_run=dry_run, progress=ctx.progress)
    except SireneImportError as error:
        # One message per line: the page lists them as the immediate import does (line and column).
        raise JobError("\n".join(error.errors)) from None
    return JobOutput(data=report_data(report, dry_run=dry_run, filename=filename))
