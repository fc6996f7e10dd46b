"""Background jobs: one row per piece of long work a user asked for (site selection, a report, an import…).

The row is what users see (« Mes traitements », the progress component): its kind, parameters, status,
progress, time elapsed, French error and stored result. The queue itself is django-tasks' database backend
(``django_tasks_db.DBTaskResult``): a job row points to the task that runs it (``task_id``); a retry enqueues
a new task for the same job. See docs/jobs.md and docs/decisions/0005-task-queue.md.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from essaim.jobs.enums import ACTIVE_STATUSES, FINISHED_STATUSES, JobStatus, JobVisibility


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job is seen by the user who asked for it; a job of a kind shared with the organisation
        (``JobVisibility.ORGANIZATION``, declared per kind in ``kinds.py``) also by the active members of the
        organisation the requester acted for. Nobody else, platform administrators included (a job's result
        may hold data only its requester's organisation may read)."""
        if not user.is_authenticated:
            return self.none()
        organizations = user.memberships.filter(is_active=True).values("organization_id")
        return self.filter(
            Q(requested_by=user) | Q(visibility=JobVisibility.ORGANIZATION, organization_id__in=organizations)
        )

    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def latest_for(self, *, kind: str, subject: str = ""):
        """The most recent job of this kind about this subject (the page that starts it finds it again)."""
        queryset = self.filter(kind=kind)
        if subject:
            queryset = queryset.filter(subject=subject)
        return queryset.order_by("-created_at").first()


def _result_path(job: Job, filename: str) -> str:
    return f"jobs/{job.pk}/{job.attempts}/{filename}"


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("type de traitement", max_length=60, db_index=True)
    parameters = models.JSONField("paramètres", default=dict)
    # What the job is about, so that the page that started it finds it again (e.g. "profile:3:trade:usinage").
    subject = models.CharField("objet", max_length=200, blank=True, db_index=True)
    # The page to go back to (« Mes traitements » links to it); a path on this site, never a full URL.
    origin_url = models.CharField("page d'origine", max_length=500, blank=True)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs", verbose_name="demandé par"
    )
    # The organisation the requester acted for: the job runs with that organisation's permissions.
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisation",
    )
    visibility = models.CharField(
        "visible par", max_length=20, choices=JobVisibility.choices, default=JobVisibility.REQUESTER
    )

    status = models.CharField("état", max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.FloatField("avancement", default=0.0)
    step = models.CharField("étape", max_length=200, blank=True)
    error = models.TextField("message d'erreur", blank=True)
    cancel_requested = models.BooleanField("annulation demandée", default=False)

    created_at = models.DateTimeField("demandé le", auto_now_add=True, db_index=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    # Written every few seconds by the worker running the job; a running job whose heartbeat stopped was
    # orphaned by a worker that died (kill -9, machine lost): ``services.jobs_recover`` retries it.
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)

    # The attempt running now (1 for the first); also a fencing token: only the runner of the current
    # attempt may record the outcome (an orphaned runner that comes back to life writes nothing).
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    # ``attempts`` when the user last asked for the job again (« Relancer »): the automatic retries of
    # kinds.py count from there.
    attempts_floor = models.PositiveSmallIntegerField("tentatives avant la dernière relance", default=0)
    task_id = models.CharField("tâche", max_length=64, blank=True)
    worker_id = models.CharField("processus", max_length=64, blank=True)
    worker_host = models.CharField("machine", max_length=255, blank=True)
    worker_pid = models.PositiveIntegerField("numéro de processus", null=True, blank=True)

    result_data = models.JSONField("résultat", null=True, blank=True)
    result_file = models.FileField("fichier produit", upload_to=_result_path, max_length=300, blank=True)
    result_filename = models.CharField("nom du fichier", max_length=200, blank=True)
    result_content_type = models.CharField("type du fichier", max_length=120, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = "traitement"
        verbose_name_plural = "traitements"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="jobs_requester_recent"),
            models.Index(fields=["status", "heartbeat_at"], name="jobs_status_heartbeat"),
        ]

    def __str__(self):
        return f"{self.label} ({self.get_status_display()})"

    @property
    def kind_spec(self):
        from essaim.jobs.kinds import get_kind

        return get_kind(self.kind)

    @property
    def label(self) -> str:
        from essaim.jobs.kinds import KINDS

        spec = KINDS.get(self.kind)
        return spec.label if spec else self.kind

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status == JobStatus.SUCCEEDED

    @property
    def has_file(self) -> bool:
        return self.succeeded and bool(self.result_file)

    @property
    def elapsed(self) -> dt.timedelta:
        """Time since the job was asked for while it waits, its running time once started."""
        start = self.started_at or self.created_at
        end = self.finished_at or timezone.now()
        if start is None:
            return dt.timedelta(0)
        return max(end - start, dt.timedelta(0))

    @property
    def percent(self) -> int:
        return round(min(max(self.progress, 0.0), 1.0) * 100)

    @property
    def result(self):
        """The stored result, only once the job has succeeded: partial results are never shown."""
        return self.result_data if self.succeeded else None
