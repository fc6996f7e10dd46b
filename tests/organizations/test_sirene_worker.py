"""A SIRENE import job on a real worker process, killed with SIGKILL while it writes: no company it wrote
remains, the stored file is kept, and the recovered job imports it again, exactly once, then deletes it.
SQLite, and PostgreSQL when the suite runs there (same harness as tests/jobs/test_worker.py)."""

import os
import signal
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from essaim.jobs import services
from essaim.jobs.enums import JobStatus
from essaim.jobs.inputs import input_path, store_input
from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.organizations.jobs import SIRENE_IMPORT_KIND, SIRENE_IMPORT_SUBJECT
from essaim.organizations.models import Organization
from tests.jobs.test_worker import _database_url, database_queue, wait_for  # noqa: F401  (fixture)
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.organizations.sirene_files import generated_extract
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 30
# The worker of tests/jobs/test_worker.py, whose SIRENE writes stop halfway on their first attempt (10 rows
# written, the transaction still open, a marker file written) so that the test kills it there.
WORKER = """
import sys
import time
from pathlib import Path

import django

django.setup()
from django.conf import settings
from django.core.management import call_command

from essaim.jobs import worker
from essaim.organizations import sirene

settings.MEDIA_ROOT = sys.argv[1]
marker = Path(sys.argv[2])
worker.HEARTBEAT_EVERY = 0.3
real = sirene.bulk_create_with_history


def halfway(objects, *args, **kwargs):
    real(objects[:10], *args, **kwargs)
    if not marker.exists():
        marker.write_text("1")
        time.sleep(120)  # killed here
    return real(objects[10:], *args, **kwargs)


sirene.bulk_create_with_history = halfway
call_command("jobs", "worker", "--interval", "0.1", *sys.argv[3:])
"""


def _start(marker, *arguments):
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "ESSAIM_TASKS_BACKEND": "database",
        "ESSAIM_WORKER_NICE": "0",  # the tests' own priority (see tests/jobs/test_worker.py start_worker)
    }
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(settings.MEDIA_ROOT), str(marker), *arguments],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _companies():
    return Organization.objects.filter(kind=OrganizationKind.COMPANY)


def test_a_sirene_import_killed_while_writing_leaves_nothing_and_runs_again(database_queue, tmp_path):  # noqa: F811
    CommuneFactory(code="59183", name="Dunkerque")
    member = MembershipFactory(organization=OrganizationFactory(region=True), role=MembershipRole.ADMIN)
    job_id = uuid.uuid4()
    store_input(job_id, ContentFile(generated_extract(ROWS)))
    job = services.job_submit(
        kind=SIRENE_IMPORT_KIND,
        parameters={"filename": "stock.csv", "dry_run": False},
        user=member.user,
        organization=member.organization,
        subject=SIRENE_IMPORT_SUBJECT,
        job_id=job_id,
    )
    assert job.status == JobStatus.PENDING
    marker = tmp_path / "halfway"

    worker = _start(marker)
    try:
        wait_for(marker.exists, worker=worker)  # 10 companies written, transaction still open
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        worker.stdout.close()
    assert not _companies().exists()
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.result is None
    assert default_storage.exists(input_path(job.pk))  # kept for the next attempt

    assert [j.pk for j in services.jobs_recover()] == [job.pk]
    worker = _start(marker, "--batch")
    try:
        assert worker.wait(timeout=120) == 0, worker.stdout.read().decode(errors="replace")
    finally:
        worker.stdout.close()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 2), job.error
    assert job.result["created"] == ROWS
    assert _companies().count() == ROWS
    assert not default_storage.exists(input_path(job.pk))
