"""Files a job reads (an uploaded import file): stored with the default storage under the job's own folder
(``jobs/<id>/entree/``), never served (no public URL: only the job's run reads them).

They are kept while the job may still run (waiting, running, an automatic retry after an unexpected error or
a worker's death) so that an attempt can start again from the same file, and deleted as soon as the job is
finished (« terminé », « échec », « annulé ») — by the runner, by cancellation, by ``jobs_recover`` when the
attempts are used up, and by ``jobs_purge`` for anything left.
"""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage

logger = logging.getLogger("essaim.jobs")


def input_folder(job_id) -> str:
    return f"jobs/{job_id}/entree"


def input_path(job_id, name: str = "source") -> str:
    return f"{input_folder(job_id)}/{name}"


def store_input(job_id, uploaded, name: str = "source") -> str:
    """Store an uploaded file (a Django ``File``) as the input ``name`` of the job ``job_id`` (the job is
    created afterwards with this id). Returns its storage name."""
    path = input_path(job_id, name)
    if default_storage.exists(path):
        default_storage.delete(path)
    stored = default_storage.save(path, uploaded)
    if stored != path:  # a storage that renamed it would break ``read_input``
        default_storage.delete(stored)
        raise RuntimeError(f"The storage renamed the input {path!r} to {stored!r}")
    return stored


def open_input(job_id, name: str = "source"):
    """The stored input, opened for reading in binary; ``FileNotFoundError`` once it was deleted."""
    path = input_path(job_id, name)
    if not default_storage.exists(path):
        raise FileNotFoundError(path)
    return default_storage.open(path, "rb")


def delete_inputs(job_id) -> None:
    """Delete every input file of a job (nothing happens if it had none)."""
    folder = input_folder(job_id)
    try:
        _, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        try:
            default_storage.delete(f"{folder}/{name}")
        except OSError:  # pragma: no cover - logged, the purge tries again
            logger.warning("Could not delete the input %s of job %s", name, job_id)
