from django.db import models


class JobStatus(models.TextChoices):
    PENDING = "pending", "en attente"
    RUNNING = "running", "en cours"
    SUCCEEDED = "succeeded", "terminé"
    FAILED = "failed", "échec"
    CANCELLED = "cancelled", "annulé"


ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING)
FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class JobVisibility(models.TextChoices):
    REQUESTER = "requester", "le demandeur seulement"
    ORGANIZATION = "organization", "les membres de son organisation"
