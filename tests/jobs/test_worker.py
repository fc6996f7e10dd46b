"""A real worker process (``essaim jobs worker``) on the test database: SQLite, and PostgreSQL when the suite
runs there. The worker is killed with SIGKILL in the middle of a job that writes rows: nothing it wrote
remains, the job is recovered and runs again to completion, exactly once."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection

from essaim.jobs import services
from essaim.jobs.enums import JobStatus
from essaim.jobs.models import Job
from essaim.trades.models import Trade

pytestmark = pytest.mark.django_db(transaction=True)

WORKER = """
import sys

import django

django.setup()
from django.conf import settings
from django.core.management import call_command

from essaim.jobs import worker
from tests.jobs import kinds_for_tests

settings.MEDIA_ROOT = sys.argv[1]
worker.HEARTBEAT_EVERY = 0.3
kinds_for_tests.install()
call_command("jobs", "worker", "--interval", "0.1", *sys.argv[2:])
"""


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(*arguments: str, env: dict | None = None) -> subprocess.Popen:
    env = (
        os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "ESSAIM_TASKS_BACKEND": "database",
            # The worker runs at the tests' own priority unless a test sets it: niced (the default, 10) in its own
            # session, it would get a sliver of the CPU beside the other test workers and its tests would wait.
            # tests/jobs/test_priority.py and test_a_worker_runs_its_jobs_below_the_web_servers_priority test
            # the niceness itself.
            "ESSAIM_WORKER_NICE": "0",
        }
        | (env or {})
    )
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, str(settings.MEDIA_ROOT), *arguments],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(condition, *, timeout=60.0, worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.poll() is not None:
            output = worker.stdout.read().decode(errors="replace")
            pytest.fail(f"the worker stopped early ({worker.returncode}):\n{output}")
        time.sleep(0.1)
    pytest.fail("timed out")  # the worker's output is shown by the caller's finally block


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def member():
    from tests.organizations.factories import MembershipFactory

    return MembershipFactory()


def submit(member, kind, parameters):
    return services.job_submit(kind=kind, parameters=parameters, user=member.user, organization=member.organization)


def test_a_worker_killed_mid_job_leaves_nothing_and_the_job_runs_again(database_queue, member, tmp_path):
    marker = tmp_path / "halfway"
    slugs = ["test-kill-a", "test-kill-b", "test-kill-c"]
    job = submit(member, "tests.slow_write", {"marker": str(marker), "slugs": slugs})
    assert job.status == JobStatus.PENDING

    worker = start_worker()
    try:
        wait_for(marker.exists, worker=worker)  # rows written, transaction still open
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING and job.attempts == 1
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        worker.stdout.close()

    # What the dead worker wrote died with it; its job still says « en cours » with no result.
    assert not Trade.objects.filter(slug__in=slugs).exists()
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert job.result is None and not job.result_file

    # Recovery (every worker does it when it starts; here by hand to check each step) puts it back.
    assert [j.pk for j in services.jobs_recover()] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING

    worker = start_worker("--batch")
    try:
        assert worker.wait(timeout=120) == 0, worker.stdout.read().decode(errors="replace")
    finally:
        worker.stdout.close()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2
    assert job.result == {"created": 3}
    assert Trade.objects.filter(slug__in=slugs).count() == 3
    with job.result_file.open("rb") as handle:
        assert handle.read().decode() == "slug\n" + "\n".join(slugs)


def test_a_worker_stops_a_job_at_its_time_limit_and_on_cancellation(database_queue, member, tmp_path):
    timed_out = submit(member, "tests.endless_silent", {})
    worker = start_worker("--max-tasks", "2")
    try:
        wait_for(lambda: Job.objects.get(pk=timed_out.pk).is_finished, worker=worker)
        timed_out.refresh_from_db()
        assert timed_out.status == JobStatus.FAILED
        assert "durée maximale" in timed_out.error and "de calcul" in timed_out.error  # SIGPROF: its CPU time

        cancelled = submit(member, "tests.long_silent", {})
        wait_for(lambda: Job.objects.get(pk=cancelled.pk).status == JobStatus.RUNNING, worker=worker)
        services.job_cancel(job=cancelled)
        wait_for(lambda: Job.objects.get(pk=cancelled.pk).is_finished, timeout=30, worker=worker)
        cancelled.refresh_from_db()
        assert cancelled.status == JobStatus.CANCELLED
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        print(worker.stdout.read().decode(errors="replace"))
        worker.stdout.close()


def _priority_of_a_job(member, *arguments: str, env: dict | None = None) -> dict:
    job = submit(member, "tests.priority", {})
    worker = start_worker("--batch", *arguments, env=env)
    try:
        assert worker.wait(timeout=120) == 0, worker.stdout.read().decode(errors="replace")
    finally:
        worker.stdout.close()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job.result


def test_a_worker_runs_its_jobs_below_the_web_servers_priority(database_queue, member):
    """A page request must win the CPU over a report: the worker lowers its priority before running jobs
    (``--nice``, else ``ESSAIM_WORKER_NICE``), and in its own session (it leads one here, as under systemd)
    the session's too, since the kernel's autogroups make a plain nice count only within a session."""
    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert own < 7, "the tests run at a nice below the one asked of the worker"

    result = _priority_of_a_job(member, "--nice", "7")
    assert result["nice"] == 7
    if hasattr(os, "SCHED_BATCH"):
        assert result["policy"] == os.SCHED_BATCH
    if result["autogroup"] is not None:  # Linux with autogroups: the worker leads its session
        assert result["autogroup"].endswith("nice 7")

    result = _priority_of_a_job(member, env={"ESSAIM_WORKER_NICE": "6"})
    assert result["nice"] == 6

    result = _priority_of_a_job(member, "--nice", "0")  # 0: the web's priority, nothing changed
    assert result["nice"] == own
    if hasattr(os, "SCHED_OTHER"):
        assert result["policy"] == os.SCHED_OTHER
