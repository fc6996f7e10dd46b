"""Matrix rows of « Mes traitements » (see tests/www/test_permission_matrix.py for the format).

A job is seen by its requester and, for kinds shared with the organisation (the steering report here), by
the members of the organisation he acted for; only the requester cancels it or asks for it again.
"""

from django.core.files.base import ContentFile
from django.utils import timezone

from essaim.jobs.enums import JobStatus, JobVisibility
from essaim.jobs.models import Job
from tests.www.matrix.actors import SIGNED_IN

SEE = {"holder_a_admin", "holder_a_reader"}
REQUESTER = {"holder_a_admin"}


def _job(world, status, **fields):
    return Job.objects.create(
        kind="steering.report_xlsx",
        parameters={"on": "2026-11-26", "department_id": None, "epci_id": None},
        requested_by=world["users"]["holder_a_admin"],
        organization=world["orgs"]["holder_a"],
        visibility=JobVisibility.ORGANIZATION,
        status=status,
        **fields,
    )


def extend_world(world):
    now = timezone.now()
    done = _job(world, JobStatus.SUCCEEDED, attempts=1, started_at=now, finished_at=now, progress=1.0)
    done.result_file.save("rapport.xlsx", ContentFile(b"PK fichier de test"), save=False)
    done.result_filename = "rapport.xlsx"
    done.result_content_type = "application/octet-stream"
    done.save()
    world["job_done"] = done
    world["job_pending"] = _job(world, JobStatus.PENDING)
    world["job_failed"] = _job(world, JobStatus.FAILED, attempts=1, error="Échec de test.", finished_at=now)


def snapshot():
    return {"jobs": list(Job.objects.order_by("pk").values_list("kind", "status", "attempts", "cancel_requested"))}


def _pk(key):
    return lambda w: {"pk": w[key].pk}


def _seen(world, user):
    """Another organisation's job is a 404 (jobs.view_job: the requester and, for a shared kind, his
    organisation's members); a job one sees but may not act on is a 403."""
    return user.memberships.filter(organization=world["orgs"]["holder_a"], is_active=True).exists()


ROWS = [
    ("jobs_list", "jobs:list", None, "get", None, SIGNED_IN),
    ("jobs_detail", "jobs:detail", _pk("job_done"), "get", None, SEE, _seen),
    ("jobs_status", "jobs:status", _pk("job_pending"), "get", None, SEE, _seen),
    ("jobs_download", "jobs:download", _pk("job_done"), "get", None, SEE, _seen),
    ("jobs_cancel_post", "jobs:cancel", _pk("job_pending"), "post", lambda w: {}, REQUESTER, _seen),
    ("jobs_retry_post", "jobs:retry", _pk("job_failed"), "post", lambda w: {}, REQUESTER, _seen),
]
