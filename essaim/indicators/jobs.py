"""An indicator file import as a background job (kind ``indicators.import``), for files past
``ESSAIM_IMPORT_JOB_KB`` (the view: ``essaim.www.indicators.views.indicator_import``)."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import rules
from django.core.exceptions import ValidationError

from essaim.indicators.importers import IMPORTERS, DataImportError
from essaim.indicators.services import import_file
from essaim.jobs.inputs import open_input
from essaim.jobs.kinds import runs
from essaim.jobs.runner import JobError, JobOutput

INDICATOR_IMPORT_KIND = "indicators.import"
INDICATOR_IMPORT_SUBJECT = "indicators:import"
_SUFFIX = re.compile(r"^(\.[A-Za-z0-9]{1,8}){0,2}$")


def validate_indicator_import(parameters: dict) -> dict:
    kind, file_name = parameters.get("kind"), parameters.get("file_name")
    vintage, dry_run, suffix = parameters.get("vintage") or "", parameters.get("dry_run"), parameters.get("suffix", "")
    if kind not in IMPORTERS:
        raise ValidationError("Type de fichier inconnu.")
    if not isinstance(file_name, str) or not file_name or len(file_name) > 300:
        raise ValidationError("Nom de fichier invalide.")
    if not isinstance(vintage, str) or len(vintage) > 30:
        raise ValidationError("Millésime invalide (30 caractères au plus).")
    if not isinstance(dry_run, bool):
        raise ValidationError("Précisez s'il faut seulement vérifier le fichier.")
    if not isinstance(suffix, str) or not _SUFFIX.match(suffix):
        raise ValidationError("Extension de fichier invalide.")
    return {"kind": kind, "file_name": file_name, "vintage": vintage, "dry_run": dry_run, "suffix": suffix}


@runs(INDICATOR_IMPORT_KIND, validate=validate_indicator_import)
def indicator_import_job(ctx, *, kind: str, file_name: str, vintage: str, dry_run: bool, suffix: str) -> JobOutput:
    """Import the stored file as the requester (same rule as the page), in one transaction."""
    if not rules.has_perm("indicators.import_data", ctx.user):
        raise JobError("Vous n'avez plus le droit d'importer des fichiers d'indicateurs.")
    ctx.progress(0.05, "Lecture du fichier déposé")
    folder = Path(tempfile.mkdtemp(prefix="essaim-import-"))
    try:
        # The importers read a path (zip archives, workbooks): a private copy for this attempt.
        path = folder / f"import{suffix or '.bin'}"
        try:
            with open_input(ctx.job.pk) as stored, path.open("wb") as copy:
                shutil.copyfileobj(stored, copy)
        except FileNotFoundError:
            raise JobError(
                "Le fichier déposé n'est plus disponible (il est effacé quand l'import se termine) : "
                "déposez-le de nouveau sur la page d'import."
            ) from None
        ctx.progress(0.1, "Vérification puis enregistrement (rien n'est enregistré à la moindre erreur)")
        try:
            report = import_file(
                kind=kind, path=path, file_name=file_name, vintage=vintage or None, user=ctx.user, dry_run=dry_run
            )
        except DataImportError as error:
            raise JobError(str(error)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return JobOutput(data={"dry_run": report.dry_run, "file_name": file_name, "summary": report.summary()})
