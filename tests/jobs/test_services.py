import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from essaim.jobs import services
from essaim.jobs.enums import JobStatus
from essaim.jobs.kinds import KINDS, get_kind
from essaim.jobs.models import Job
from essaim.jobs.runner import JobContext, JobOutput, _store, execute
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def submit(member, kind="tests.echo", **parameters):
    if not parameters and kind.endswith("echo"):
        parameters = {"text": "bonjour"}
    return services.job_submit(
        kind=kind,
        parameters=parameters,
        user=member.user,
        organization=member.organization,
        subject="sujet",
        origin_url="/pilotage/",
    )


def test_every_declared_kind_has_its_function():
    assert all(spec.run is not None for spec in KINDS.values())
    assert get_kind("steering.report_pdf").time_limit > 0


def test_bad_parameters_get_a_french_error_before_anything_is_queued(member):
    with pytest.raises(ValidationError) as error:
        submit(member, text="   ")
    assert error.value.messages == ["Le texte à traiter est obligatoire."]
    assert not Job.objects.exists()


def test_a_job_runs_and_stores_its_result(member):
    job = submit(member)
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"text": "BONJOUR"}
    assert job.progress == 1.0 and job.attempts == 1
    assert job.has_file
    with job.result_file.open("rb") as handle:
        assert handle.read() == b"bonjour"
    assert job.started_at <= job.finished_at
    assert Job.objects.visible_to(member.user).latest_for(kind="tests.echo", subject="sujet") == job


def test_a_crashing_job_is_retried_then_fails_with_a_french_message_and_no_result(member):
    job = submit(member, kind="tests.crash")
    assert job.status == JobStatus.FAILED
    assert job.attempts == get_kind("tests.crash").max_attempts
    assert "erreur interne" in job.error and "boom" not in job.error
    assert job.result is None and not job.has_file


def test_a_clear_error_is_final_and_shown_as_is(member):
    job = submit(member, kind="tests.refuse")
    assert job.status == JobStatus.FAILED
    assert job.attempts == 1
    assert job.error == "Le fichier n'a pas de colonne « code » (ligne 1)."


def test_a_job_past_its_time_limit_is_stopped(member):
    job = submit(member, kind="tests.endless")
    assert job.status == JobStatus.FAILED
    assert "durée maximale" in job.error and "1\u00a0s de calcul" in job.error


def test_a_job_that_waits_is_stopped_by_its_limit_on_the_clock_not_by_its_computing_time(member):
    """The time limit counts computing (CPU): a run that only waits uses almost none of it (60 s allowed),
    and is stopped by its limit on the clock, with a message that says the platform was too busy."""
    job = submit(member, kind="tests.waiting")
    assert job.status == JobStatus.FAILED
    assert "2\u00a0s au total" in job.error and "trop occupée" in job.error


def test_the_limit_on_the_clock_is_four_times_the_computing_limit_unless_declared():
    assert get_kind("steering.report_pdf").wall_limit == 4 * get_kind("steering.report_pdf").time_limit
    assert get_kind("tests.waiting").wall_limit == 2


def test_a_waiting_job_is_cancelled_and_never_runs(member, queue_only):
    job = submit(member)
    assert job.status == JobStatus.PENDING
    job = services.job_cancel(job=job)
    assert job.status == JobStatus.CANCELLED
    execute(job.pk)  # the queued task runs later: nothing happens
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.attempts == 0


def test_a_running_job_stops_at_its_next_progress_report_when_cancelled(member, queue_only):
    job = submit(member)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now())
    services.job_cancel(job=job)
    job.refresh_from_db()
    assert job.cancel_requested
    ctx = JobContext(job, attempt=1, deadline=float("inf"))
    from essaim.jobs.runner import JobCancelled

    with pytest.raises(JobCancelled):
        ctx.progress(0.5, "Calcul")


def test_a_finished_job_cannot_be_cancelled(member):
    job = submit(member)
    with pytest.raises(ValidationError, match="déjà terminé"):
        services.job_cancel(job=job)


def test_a_failed_job_is_asked_for_again_with_its_attempts_counted_afresh(member):
    job = submit(member, kind="tests.crash")
    job = services.job_retry(job=job)
    assert job.status == JobStatus.FAILED
    assert job.attempts == 2 * get_kind("tests.crash").max_attempts
    with pytest.raises(ValidationError):
        services.job_retry(job=submit(member))


def test_an_orphaned_job_is_put_back_in_the_queue_then_fails_once_its_attempts_are_used(member, queue_only):
    job = submit(member)
    old = timezone.now() - dt.timedelta(minutes=10)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=1, heartbeat_at=old)
    assert [j.pk for j in services.jobs_recover()] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and job.attempts == 1
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=2, heartbeat_at=old)
    services.jobs_recover()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "interrompu" in job.error


def test_a_job_whose_local_worker_process_is_gone_is_recovered_at_once(member, queue_only):
    from essaim.jobs.runner import HOSTNAME

    job = submit(member)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now(), worker_host=HOSTNAME, worker_pid=2**22 + 7
    )
    assert [j.pk for j in services.jobs_recover()] == [job.pk]


def test_a_live_job_is_left_alone(member, queue_only):
    import os

    from essaim.jobs.runner import HOSTNAME

    job = submit(member)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now(), worker_host=HOSTNAME, worker_pid=os.getpid()
    )
    assert services.jobs_recover() == []


def test_an_attempt_declared_dead_cannot_store_its_result(member, queue_only):
    job = submit(member)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=2)
    job.refresh_from_db()
    assert not _store(job, 1, JobOutput(data={"late": True}, content=b"x", filename="x.txt"))
    job.refresh_from_db()
    assert job.result_data is None and not job.result_file


def test_visibility_requester_and_organisation_for_shared_kinds(member):
    colleague = MembershipFactory(organization=member.organization).user
    stranger = UserFactory()
    own = submit(member)
    shared = submit(member, kind="tests.shared_echo")
    assert set(Job.objects.visible_to(member.user)) == {own, shared}
    assert list(Job.objects.visible_to(colleague)) == [shared]
    assert not Job.objects.visible_to(stranger).exists()


def test_a_job_runs_with_the_organisation_its_requester_acted_for(member):
    from essaim.organizations.models import Membership

    Membership.objects.filter(pk=member.pk).update(is_active=False)
    job = submit(member)
    assert job.status == JobStatus.FAILED
    assert "plus membre" in job.error


def test_purge_removes_old_finished_jobs(member):
    job = submit(member)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    assert services.jobs_purge(older_than=dt.timedelta(days=30)) == 1
    assert not Job.objects.exists()
