import pytest
from django.urls import reverse
from django.utils import timezone

from essaim.jobs import services
from essaim.jobs.enums import JobStatus
from essaim.jobs.models import Job
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _jobs(member, count, status=JobStatus.SUCCEEDED):
    now = timezone.now()
    Job.objects.bulk_create(
        Job(
            kind="tests.echo",
            parameters={"text": f"t{i}"},
            requested_by=member.user,
            organization=member.organization,
            status=status,
            started_at=now,
            finished_at=now if status == JobStatus.SUCCEEDED else None,
            error="",
        )
        for i in range(count)
    )


def test_my_jobs_lists_in_constant_queries_and_bounded_bytes(client, member, django_assert_max_num_queries):
    client.force_login(member.user)
    url = reverse("jobs:list")
    _jobs(member, 3)
    with django_assert_max_num_queries(10) as small:
        small_page = client.get(url)
    _jobs(member, 60, status=JobStatus.FAILED)
    with django_assert_max_num_queries(len(small.captured_queries)):
        big_page = client.get(url)
    assert big_page.status_code == 200
    assert "Page 1 sur 3" in big_page.content.decode()
    # 25 rows at most: the page does not grow with the number of jobs.
    assert len(big_page.content) < len(small_page.content) + 25 * 1200
    assert len(big_page.content) < 60_000


def test_the_progress_component_polls_while_the_job_runs_then_stops(client, member, queue_only):
    client.force_login(member.user)
    job = services.job_submit(kind="tests.echo", parameters={"text": "a"}, user=member.user)
    html = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert 'role="status"' in html and 'hx-trigger="every 2s"' in html
    assert "Annuler le traitement" in html and "En attente" in html

    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=0.42, step="Calcul des scores")
    html = client.get(reverse("jobs:status", args=[job.pk])).content.decode()
    assert "42" in html and "Calcul des scores" in html and "temps écoulé" in html

    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="Le fichier est vide.")
    response = client.get(reverse("jobs:status", args=[job.pk]), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response["HX-Trigger"] == "jobFinished"
    assert "hx-get" not in html and "Le fichier est vide." in html and "Relancer" in html


def test_cancel_from_the_component(client, member, queue_only):
    client.force_login(member.user)
    job = services.job_submit(kind="tests.echo", parameters={"text": "a"}, user=member.user)
    response = client.post(reverse("jobs:cancel", args=[job.pk]), headers={"HX-Request": "true"})
    assert "Annulé" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_a_job_survives_a_reload_and_its_file_downloads(client, member):
    client.force_login(member.user)
    job = services.job_submit(kind="tests.echo", parameters={"text": "bonjour"}, user=member.user)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Terminé en" in page and "echo.txt" in page
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"bonjour"


def test_another_users_job_is_a_404(client, member):
    job = services.job_submit(kind="tests.echo", parameters={"text": "a"}, user=member.user)
    client.force_login(UserFactory())
    for name in ("jobs:detail", "jobs:status", "jobs:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("jobs:cancel", args=[job.pk])).status_code == 404


def test_the_component_swaps_itself_even_inside_a_block_that_targets_itself(client, member, queue_only):
    """A result block polls with ``hx-target="this"``; htmx passes that target down to what the block holds.
    The component names its own target, so its polls never swap the block (and the block's listeners)."""
    client.force_login(member.user)
    job = services.job_submit(kind="tests.echo", parameters={"text": "a"}, user=member.user)
    html = client.get(reverse("jobs:status", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert (
        f'hx-get="{reverse("jobs:status", args=[job.pk])}" hx-trigger="every 2s" hx-target="this" '
        'hx-swap="outerHTML"' in html
    )
    response = client.get(reverse("jobs:status", args=[job.pk]), headers={"HX-Request": "true"})
    assert "HX-Trigger" not in response  # still waiting: no event
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'name="next" value="{reverse("jobs:detail", args=[job.pk])}"' in page  # « Annuler » comes back
