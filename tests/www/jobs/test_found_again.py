"""Issue 13: a job survives a page reload and is found again from the page that started it. The steering
reports here (the other kinds: tests/www/financing/test_scenarios.py, tests/www/jobs/test_export_jobs.py,
tests/analysis/test_jobs.py, tests/www/analysis/test_views.py)."""

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from essaim.jobs.enums import JobStatus
from essaim.jobs.models import Job
from tests.steering.conftest import programme  # noqa: F401

pytestmark = pytest.mark.django_db
QUERY = {"date": "2025-06-30"}


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_a_steering_report_is_found_again_on_the_dashboard_after_a_reload(client, programme, settings, fmt):  # noqa: F811
    """The dashboard shows the report waiting (it polls its progress), then its file, after a reload, to the
    requester and to his organisation's other members (the report is the organisation's)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    client.force_login(programme["users"]["region_admin"])
    response = client.post(f"{reverse(f'steering:report_{fmt}')}?{urlencode(QUERY)}")
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == JobStatus.PENDING
    html = client.get(response["Location"]).content.decode()
    assert "En attente d'un processus de calcul" in html and job.label in html
    assert f'hx-get="{reverse("jobs:status", args=[job.pk])}" hx-trigger="every 2s"' in html

    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="Le rapport n'a pas pu être préparé.")
    colleague = Client()
    colleague.force_login(programme["users"]["region_reader"])
    for who in (client, colleague):
        page = who.get(reverse("steering:dashboard"), QUERY).content.decode()
        assert "Le rapport n&#x27;a pas pu être préparé." in page and "every 2s" not in page
    # Another date is another report; another organisation never sees this one.
    page = client.get(reverse("steering:dashboard"), {"date": "2025-05-31"})
    assert page.status_code == 200 and f'id="job-{job.pk}"' not in page.content.decode()
    other = Client()
    other.force_login(programme["users"]["bdt"])
    page = other.get(reverse("steering:dashboard"), QUERY)
    assert page.status_code == 200 and "Le rapport n&#x27;a pas pu" not in page.content.decode()
