"""Asking for a job, cancelling it, asking for it again, and recovering the jobs of dead workers."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from essaim.jobs.enums import JobStatus
from essaim.jobs.inputs import delete_inputs
from essaim.jobs.kinds import get_kind
from essaim.jobs.models import Job

logger = logging.getLogger("essaim.jobs")

# A running job whose worker has given no sign of life for this long is taken for orphaned (the worker's
# heartbeat thread writes every few seconds; see worker.py). Jobs of a worker on this machine whose process
# is gone are recovered at once.
STALE_AFTER = dt.timedelta(seconds=getattr(settings, "ESSAIM_JOBS_STALE_AFTER", 90))


def _enqueue(job: Job, *, delay: int = 0) -> None:
    from django_tasks import default_task_backend

    from essaim.jobs.tasks import run_job

    spec = get_kind(job.kind)
    task = run_job.using(priority=spec.priority)
    if delay and default_task_backend.supports_defer:
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    result = task.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.task_id = str(result.id)[:64]


def job_submit(
    *,
    kind: str,
    parameters: dict,
    user,
    organization=None,
    subject: str = "",
    origin_url: str = "",
    job_id=None,
) -> Job:
    """Queue a job for ``user`` acting for ``organization``. Bad parameters raise a French
    ``ValidationError`` (from the kind's ``validate``) and nothing is queued. ``job_id``: the id chosen
    beforehand, when an input file was stored under it (``essaim.jobs.inputs``)."""
    spec = get_kind(kind)
    cleaned = spec.validate(dict(parameters)) if spec.validate else dict(parameters)
    try:
        json.dumps(cleaned)
    except TypeError as error:  # a programming error, not the user's
        raise ValueError(f"Parameters of job {kind!r} must be JSON: {error}") from error
    if not origin_url.startswith("/"):
        origin_url = ""
    with transaction.atomic():
        job = Job.objects.create(
            id=job_id or uuid.uuid4(),
            kind=kind,
            parameters=cleaned,
            subject=subject[:200],
            origin_url=origin_url[:500],
            requested_by=user,
            organization=organization,
            visibility=spec.visibility,
        )
        # Same database, same transaction: the job and its task are queued together or not at all. In tests
        # (ImmediateBackend) the job runs here, synchronously.
        _enqueue(job)
    job.refresh_from_db()
    return job


def job_requeue(*, job: Job, attempt: int, delay: int = 0, step: str = "") -> bool:
    """Put a running job back in the queue for another attempt (only the runner of ``attempt`` may)."""
    with transaction.atomic():
        requeued = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=attempt).update(
            status=JobStatus.PENDING, progress=0.0, step=step, heartbeat_at=None, started_at=None
        )
        if requeued:
            _enqueue(job, delay=delay)
    return bool(requeued)


def job_cancel(*, job: Job) -> Job:
    """Cancel a waiting job at once; ask a running one to stop (its worker stops it within seconds)."""
    with transaction.atomic():
        if Job.objects.filter(pk=job.pk, status=JobStatus.PENDING).update(
            status=JobStatus.CANCELLED, finished_at=timezone.now(), step=""
        ):
            _forget_task(job.task_id)
            delete_inputs(job.pk)
        elif not Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(cancel_requested=True):
            raise ValidationError("Ce traitement est déjà terminé : il ne peut plus être annulé.")
    job.refresh_from_db()
    return job


def job_retry(*, job: Job) -> Job:
    """Ask again for a job that failed or was cancelled (same kind, same parameters)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
            raise ValidationError("Seul un traitement en échec ou annulé peut être relancé.")
        if job.result_file:
            job.result_file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.PENDING,
            attempts_floor=job.attempts,
            cancel_requested=False,
            progress=0.0,
            step="",
            error="",
            started_at=None,
            finished_at=None,
            heartbeat_at=None,
            result_data=None,
            result_file="",
            result_filename="",
            result_content_type="",
        )
        _enqueue(job)
    job.refresh_from_db()
    return job


def _forget_task(task_id: str, *, running: bool = False) -> None:
    """Mark the queue's task of a job as finished (it will never run, or its worker died)."""
    from django.apps import apps

    if not task_id or not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    status = "RUNNING" if running else "READY"
    try:
        DBTaskResult.objects.filter(pk=task_id, status=status).update(status="FAILED", finished_at=timezone.now())
    except ValidationError:  # not a UUID: a task of another backend (tests' immediate backend)
        return


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_orphan(job: Job, *, now: dt.datetime, hostname: str) -> bool:
    if job.heartbeat_at is None or job.heartbeat_at < now - STALE_AFTER:
        return True
    return job.worker_host == hostname and job.worker_pid is not None and not _process_alive(job.worker_pid)


def jobs_recover(*, now: dt.datetime | None = None) -> list[Job]:
    """Find the running jobs whose worker died (kill -9, machine lost) and retry them, or end them in
    « échec » once their attempts are used up. Their work left nothing: it wrote in transactions that died
    with the worker, and a result is only stored with the status « terminé »."""
    from essaim.jobs.runner import HOSTNAME

    now = now or timezone.now()
    recovered = []
    for job in Job.objects.filter(status=JobStatus.RUNNING).only(
        "pk", "kind", "attempts", "attempts_floor", "heartbeat_at", "worker_host", "worker_pid", "task_id"
    ):
        if not _is_orphan(job, now=now, hostname=HOSTNAME):
            continue
        spec = get_kind(job.kind)
        with transaction.atomic():
            _forget_task(job.task_id, running=True)
            if job.attempts - job.attempts_floor < spec.max_attempts:
                done = job_requeue(job=job, attempt=job.attempts, step="Reprise après l'arrêt du processus de calcul")
            else:
                done = bool(
                    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts).update(
                        status=JobStatus.FAILED,
                        finished_at=now,
                        error="Le traitement a été interrompu (arrêt du processus qui le calculait) à chacune de ses "
                        "tentatives. Vous pouvez le relancer.",
                    )
                )
        if done and job.attempts - job.attempts_floor >= spec.max_attempts:
            delete_inputs(job.pk)  # finished: its input files are no longer needed
        if done:
            logger.warning("Recovered job %s (%s) left by a dead worker", job.pk, job.kind)
            recovered.append(job)
    return recovered


def jobs_purge(*, older_than: dt.timedelta) -> int:
    """Delete finished jobs (and their files) asked for longer ago than ``older_than``."""
    cutoff = timezone.now() - older_than
    count = 0
    for job in Job.objects.filter(
        status__in=(JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED), created_at__lt=cutoff
    ).iterator():
        if job.result_file:
            job.result_file.delete(save=False)
        delete_inputs(job.pk)
        job.delete()
        count += 1
    return count
