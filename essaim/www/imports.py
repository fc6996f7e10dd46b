"""Imports of large files run as background jobs (issue 13): past ``ESSAIM_IMPORT_JOB_KB`` kilobytes, the
import page stores the uploaded file under the job (``essaim.jobs.inputs``, never served) and queues it;
the page then shows the job's progress, and its report or French errors, found again after a reload.
Smaller files are imported in the request, as before. The form is validated in the request either way:
bad parameters are refused before anything is queued."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError

from essaim.jobs.inputs import delete_inputs, store_input
from essaim.jobs.services import job_submit

# 1 024 KB: the région's usual SIRENE extract (a few hundred KB, a few thousand rows) is imported in about a
# second in the request, as before; past it, the time grows with the rows (docs/performance.md).
DEFAULT_IMPORT_JOB_KB = 1024


def import_job_threshold() -> int:
    """Bytes past which an uploaded import file runs as a background job."""
    return int(getattr(settings, "ESSAIM_IMPORT_JOB_KB", DEFAULT_IMPORT_JOB_KB)) * 1024


def runs_in_background(upload) -> bool:
    return upload.size > import_job_threshold()


def submit_import(request, *, kind: str, subject: str, upload, parameters: dict, origin_url: str):
    """Store ``upload`` under a new job and queue it for the requester acting for his organisation, then tell him
    so. Raises the kind's French ``ValidationError`` (nothing queued, nothing kept)."""
    job_id = uuid.uuid4()
    upload.seek(0)
    store_input(job_id, upload)
    try:
        job = job_submit(
            kind=kind,
            parameters=parameters,
            user=request.user,
            organization=getattr(request, "current_organization", None),
            subject=subject,
            origin_url=origin_url,
            job_id=job_id,
        )
    except (ValidationError, ValueError):
        delete_inputs(job_id)
        raise
    messages.info(
        request,
        f"Le fichier « {Path(upload.name).name} » est volumineux : il est "
        f"{'vérifié' if parameters.get('dry_run') else 'importé'} en arrière-plan. Suivez l'avancement ici ou dans "
        "« Mes traitements ».",
    )
    return job
