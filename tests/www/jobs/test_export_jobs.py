"""Exports whose rows grow with the programme become background jobs past ``ESSAIM_EXPORT_JOB_ROWS`` rows: the
GET offers to prepare the file (nothing queued), the POST queues the job, which writes exactly the file the
view writes at once below the threshold, for the same user and filters."""

import pytest
from django.urls import reverse

from essaim.jobs.enums import JobStatus
from essaim.jobs.models import Job
from essaim.organizations.enums import MembershipRole
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_client(client):
    membership = MembershipFactory(organization=OrganizationFactory(region=True), role=MembershipRole.ADMIN)
    client.force_login(membership.user)
    return client


def test_a_large_projects_export_runs_as_a_job_and_gives_the_same_file(region_client, settings):
    ProjectFactory.create_batch(3)
    url = reverse("projects:project_export", args=["csv"])
    at_once = region_client.get(url)
    assert at_once.status_code == 200 and at_once["Content-Type"].startswith("text/csv")

    settings.ESSAIM_EXPORT_JOB_ROWS = 2
    offer = region_client.get(url)
    html = offer.content.decode()
    assert offer.status_code == 200 and "Cet export compte 3 lignes" in html
    assert "Préparer l'export en arrière-plan" in html and not Job.objects.exists()

    queued = region_client.post(url)
    job = Job.objects.get()
    assert queued.status_code == 302 and queued["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.kind == "exports.list" and job.status == JobStatus.SUCCEEDED, job.error
    assert job.result_filename == at_once["Content-Disposition"].split("filename=")[-1].strip('"')
    with job.result_file.open("rb") as stored:
        assert stored.read() == at_once.content
    download = region_client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(download.streaming_content) == at_once.content


@pytest.mark.parametrize(
    ("url_name", "fmt"),
    [("funding_applications:export", "xlsx"), ("funding_programmes:lines_export", "csv")],
)
def test_dossiers_and_funding_lines_exports_are_deferred_past_the_threshold(region_client, settings, url_name, fmt):
    settings.ESSAIM_EXPORT_JOB_ROWS = -1  # even an empty list: the deferral does not depend on the rows' kind
    url = reverse(url_name, args=[fmt])
    assert "Préparer l'export en arrière-plan" in region_client.get(url).content.decode()
    region_client.post(url)
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.result_file, job.error
    assert job.parameters == {"view": url_name, "kwargs": {"fmt": fmt}, "query": ""}


def test_an_export_job_refuses_another_view(region_client):
    from django.core.exceptions import ValidationError

    from essaim.www.jobs.exports import validate_export

    with pytest.raises(ValidationError):
        validate_export({"view": "jobs:list", "kwargs": {}, "query": ""})


def test_the_export_page_finds_its_job_again_after_a_reload(region_client, settings, client_for_another_region):
    """Issue 13: the page that offered the export shows, after a reload, the latest export of the same rows
    the user asked for: its progress while it waits (no second request offered), then its file."""
    ProjectFactory.create_batch(3)
    settings.ESSAIM_EXPORT_JOB_ROWS = 2
    url = reverse("projects:project_export", args=["csv"])
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    region_client.post(url)
    job = Job.objects.get()
    assert job.origin_url == url
    html = region_client.get(url).content.decode()
    assert "En attente d'un processus de calcul" in html
    assert f'hx-get="{reverse("jobs:status", args=[job.pk])}" hx-trigger="every 2s"' in html
    assert "Préparer" not in html and f'name="next" value="{url}"' in html  # « Annuler » comes back here

    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="Vos droits ou les filtres ont changé.")
    html = region_client.get(url).content.decode()
    assert "Vos droits ou les filtres ont changé." in html and "Préparer de nouveau l'export en arrière-plan" in html

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    region_client.post(url)
    done = Job.objects.filter(status=JobStatus.SUCCEEDED).get()
    html = region_client.get(url).content.decode()
    assert reverse("jobs:download", args=[done.pk]) in html and "Terminé en" in html

    # Other filters are another export; another user never sees this one.
    assert "Télécharger" not in region_client.get(url, {"q": "Dunkerque"}).content.decode()
    assert "Télécharger" not in client_for_another_region.get(url).content.decode()


@pytest.fixture
def client_for_another_region(db):
    from django.test import Client

    other = Client()
    membership = MembershipFactory(organization=OrganizationFactory(region=True), role=MembershipRole.ADMIN)
    other.force_login(membership.user)
    return other
