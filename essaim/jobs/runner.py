"""Running one attempt of a job: claim it, act as its requester, report progress, store the outcome.

Outcomes are written with a fencing token (the attempt number): only the runner of the job's current
attempt may record a result, so a runner that was declared dead and comes back writes nothing. The result
(JSON and/or a file) is written together with the status « terminé » in one update: a job that failed,
was cancelled or whose worker died never shows a partial result. Work that writes to the database does
it in its own ``transaction.atomic`` block, which the database rolls back if the process dies.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import F
from django.utils import timezone

from essaim.common.formats import format_duration
from essaim.jobs.enums import JobStatus
from essaim.jobs.inputs import delete_inputs
from essaim.jobs.kinds import get_kind
from essaim.jobs.models import Job

logger = logging.getLogger("essaim.jobs")

HOSTNAME = socket.gethostname()[:255]


class JobError(Exception):
    """A failure the user can understand (bad file, data to fix): its French message is shown, no retry."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class JobInterrupted(BaseException):  # noqa: N818 — not an error of the work itself
    """The run was stopped from outside (cancellation, time limit). A BaseException so that the work's own
    ``except Exception`` blocks never swallow it."""


class JobCancelled(JobInterrupted):
    pass


class JobTimeLimitExceeded(JobInterrupted):
    """Past the kind's computing time (CPU), or, with ``wall=True``, past its limit on the clock."""

    def __init__(self, wall: bool = False):
        super().__init__()
        self.wall = wall


@dataclass
class JobOutput:
    """What a job produced: JSON data for the page, and/or a file to download."""

    data: Any = None
    content: bytes | None = None
    filename: str = ""
    content_type: str = ""


# The worker process sets this (``worker.run_worker``): signals may then interrupt the work (time limit,
# cancellation). In a web process (tests run jobs synchronously) only the cooperative checks apply.
_signals = {"enabled": False}
# The job the worker's main thread is running (read by its heartbeat thread: not a thread-local).
_current: dict = {"job_id": None}


def enable_signals() -> None:
    _signals["enabled"] = True


def current_job_id():
    return _current["job_id"]


class JobContext:
    """Handed to the work: who asked, on whose behalf, and how to report progress."""

    PROGRESS_EVERY = 0.5  # seconds between two progress writes (a new step is always written)

    def __init__(self, job: Job, *, attempt: int, deadline: float, cpu_deadline: float | None = None):
        self.job = job
        self.attempt = attempt
        self.deadline = deadline  # on the clock (time.monotonic)
        self.cpu_deadline = cpu_deadline  # in the process's CPU time (time.process_time)
        self.user = job.requested_by
        self._last_write = 0.0
        self._last_step = None

    def progress(self, fraction: float, step: str | None = None) -> None:
        """Record how far the work is (0 to 1) and, optionally, the step in French (« Calcul des scores »).

        Raises ``JobCancelled`` when the user cancelled the job, ``JobTimeLimitExceeded`` past its limit.
        """
        if self.cpu_deadline is not None and time.process_time() > self.cpu_deadline:
            raise JobTimeLimitExceeded
        now = time.monotonic()
        if now > self.deadline:
            raise JobTimeLimitExceeded(wall=True)
        if step == self._last_step and now - self._last_write < self.PROGRESS_EVERY:
            return
        self._last_write, self._last_step = now, step
        fields = {"progress": min(max(float(fraction), 0.0), 1.0), "heartbeat_at": timezone.now()}
        if step is not None:
            fields["step"] = step[:200]
        updated = Job.objects.filter(
            pk=self.job.pk, status=JobStatus.RUNNING, attempts=self.attempt, cancel_requested=False
        ).update(**fields)
        if not updated:
            raise JobCancelled

    def check(self) -> None:
        """Stop here if the job was cancelled or ran out of time (for loops that report no progress)."""
        self._last_write = 0.0
        self.progress(self.job.progress, self._last_step)


def _act_for_organization(job: Job) -> None:
    """Run with the permissions of the organisation the requester acted for when asking."""
    user = job.requested_by
    if not user.is_active:
        raise JobError("Le compte qui a demandé ce traitement a été désactivé.")
    membership = None
    if job.organization_id is not None:
        membership = (
            user.memberships.filter(is_active=True, organization_id=job.organization_id)
            .select_related("organization")
            .first()
        )
        if membership is None:
            raise JobError("Vous n'êtes plus membre de l'organisation pour laquelle ce traitement a été demandé.")
    # The same cache ``essaim.organizations.permissions.current_membership`` reads (set by the middleware on
    # the web): the rules then see the organisation the requester acted for.
    user._current_membership = membership


def _claim(job_id, *, worker_id: str) -> Job | None:
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.PENDING).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
        progress=0.0,
        step="",
        error="",
        worker_id=worker_id[:64],
        worker_host=HOSTNAME,
        worker_pid=os.getpid(),
    )
    if not claimed:
        return None
    return Job.objects.select_related("requested_by").get(pk=job_id)


def _finish(job: Job, attempt: int, **fields) -> bool:
    fields.setdefault("finished_at", timezone.now())
    return bool(Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=attempt).update(**fields))


def _store(job: Job, attempt: int, output: JobOutput) -> bool:
    fields: dict[str, Any] = {
        "status": JobStatus.SUCCEEDED,
        "progress": 1.0,
        "step": "",
        "result_data": output.data,
    }
    if output.content is not None:
        job.result_file.save(output.filename or "resultat", ContentFile(output.content), save=False)
        fields.update(
            result_file=job.result_file.name,
            result_filename=output.filename,
            result_content_type=output.content_type or "application/octet-stream",
        )
    stored = _finish(job, attempt, **fields)
    if not stored and output.content is not None:
        job.result_file.delete(save=False)  # this attempt lost its job (cancelled, declared dead): no trace
    return stored


class _Limits:
    """In a worker: SIGPROF stops the work once the process has used its computing time (CPU, user and
    system, ``ITIMER_PROF``), SIGALRM once its limit on the clock has passed (``ITIMER_REAL``), SIGUSR1 (sent
    by the heartbeat thread when the user cancels) at once. Python runs signal handlers between bytecodes: a
    long C call (a solver) finishes first; the solver's own time limit is set below the job's."""

    def __init__(self, cpu_seconds: int, wall_seconds: int):
        self.cpu_seconds = cpu_seconds
        self.wall_seconds = wall_seconds
        self.active = _signals["enabled"] and threading.current_thread() is threading.main_thread()

    @staticmethod
    def _on_cpu(signum, frame):
        raise JobTimeLimitExceeded

    @staticmethod
    def _on_alarm(signum, frame):
        raise JobTimeLimitExceeded(wall=True)

    @staticmethod
    def _on_cancel(signum, frame):
        raise JobCancelled

    def __enter__(self):
        if self.active:
            self._previous = (
                signal.signal(signal.SIGPROF, self._on_cpu),
                signal.signal(signal.SIGALRM, self._on_alarm),
                signal.signal(signal.SIGUSR1, self._on_cancel),
            )
            signal.setitimer(signal.ITIMER_PROF, self.cpu_seconds)
            signal.setitimer(signal.ITIMER_REAL, self.wall_seconds)
        return self

    def __exit__(self, *exc):
        if self.active:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGPROF, self._previous[0])
            signal.signal(signal.SIGALRM, self._previous[1])
            signal.signal(signal.SIGUSR1, self._previous[2])
        return False


def _time_limit_message(spec, *, wall: bool) -> str:
    if wall:
        return (
            f"Le traitement a dépassé sa durée maximale ({format_duration(spec.wall_limit)} au total) : la "
            "plateforme était trop occupée pour le terminer. Relancez-le un peu plus tard."
        )
    return (
        f"Le traitement a dépassé sa durée maximale ({format_duration(spec.time_limit)} de calcul) et a été "
        "arrêté. Réduisez son ampleur (moins de territoires, un temps de calcul plus court) puis relancez-le."
    )


def _validation_message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def execute(job_id, *, worker_id: str = "") -> None:
    """Run the next attempt of a job (the django-tasks task ``essaim.jobs.tasks.run_job`` calls this)."""
    job = _claim(job_id, worker_id=worker_id or f"{HOSTNAME}:{os.getpid()}")
    if job is None:
        return  # cancelled while waiting, or already taken
    attempt = job.attempts
    spec = get_kind(job.kind)
    deadline = time.monotonic() + spec.wall_limit
    cpu_deadline = time.process_time() + spec.time_limit
    _current["job_id"] = job.pk
    interrupted = False
    try:
        with _Limits(spec.time_limit, spec.wall_limit):
            _act_for_organization(job)
            context = JobContext(job, attempt=attempt, deadline=deadline, cpu_deadline=cpu_deadline)
            output = spec.run(context, **job.parameters)
        if output is None:
            output = JobOutput()
    except JobCancelled:
        interrupted = True
        outcome = {"status": JobStatus.CANCELLED, "error": ""}
    except JobTimeLimitExceeded as exceeded:
        interrupted = True
        outcome = {"status": JobStatus.FAILED, "error": _time_limit_message(spec, wall=exceeded.wall)}
    except JobError as error:
        outcome = {"status": JobStatus.FAILED, "error": error.message}
    except ValidationError as error:
        outcome = {"status": JobStatus.FAILED, "error": _validation_message(error)}
    except Exception:
        logger.exception("Job %s (%s) failed on attempt %s", job.pk, job.kind, attempt)
        outcome = None
    else:
        _current["job_id"] = None
        if _store(job, attempt, output):
            delete_inputs(job.pk)
        return
    finally:
        _current["job_id"] = None
    if interrupted and not connection.in_atomic_block:
        # An interruption may land in the middle of a database call: start again on a fresh connection.
        connection.close()
    if outcome is not None:
        if _finish(job, attempt, **outcome):
            delete_inputs(job.pk)  # a final outcome: the job's input files are no longer needed
        return
    if attempt - job.attempts_floor < spec.max_attempts:
        from essaim.jobs.services import job_requeue

        job_requeue(job=job, attempt=attempt, delay=spec.retry_delay, step="Nouvelle tentative après une erreur")
    elif _finish(
        job,
        attempt,
        status=JobStatus.FAILED,
        error="Le traitement a échoué à cause d'une erreur interne de la plateforme. L'équipe technique en "
        "est informée ; vous pouvez le relancer.",
    ):
        delete_inputs(job.pk)
