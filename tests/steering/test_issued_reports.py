"""Issued steering-committee reports (issue #15): archived as issued, downloaded again byte for byte,
and regenerated at the same date to show what was corrected since."""

import datetime as dt
import hashlib

from django.urls import reverse

from essaim.projects import services as projects
from essaim.projects.models import Project
from essaim.steering import archive, reports
from essaim.steering.models import IssuedReport
from essaim.steering.selectors import REGION_SCOPE, steering_overview
from essaim.trades.models import Trade
from tests.steering.test_history_dates import history  # noqa: F401 (the scripted history fixture)

ON = dt.date(2023, 12, 31)


def test_an_issued_report_is_kept_as_issued_and_shows_what_was_corrected_since(history, client):  # noqa: F811
    region = history["region"]
    overview = steering_overview(user=region, scope=REGION_SCOPE, on=ON)
    content = reports.report_workbook(overview)
    issued = archive.report_archive(overview=overview, fmt="xlsx", content=content, filename="rapport.xlsx", by=region)
    assert issued.sha256 == hashlib.sha256(content).hexdigest()
    assert issued.figures["Projets (hors abandonnés)"] == "2"
    assert issued.figures["Montant versé (€)"] == "80000.00"

    # A project that started in 2022 is entered afterwards, with its real dates.
    a = Project.objects.get(name="Projet A")
    projects.project_create(
        holder=a.holder,
        name="Projet entré après coup",
        commune=a.commune,
        trades=[Trade.objects.get(slug="usinage")],
        places_per_trade=10,
        created_by=history["holder"],
        started_on=dt.date(2022, 5, 2),
    )

    client.force_login(region)
    download = client.get(reverse("steering:issued_report_download", kwargs={"pk": issued.pk}))
    assert download.status_code == 200
    assert download.content == content  # exactly as issued, not regenerated
    page = client.get(reverse("steering:issued_report_detail", kwargs={"pk": issued.pk}))
    text = page.content.decode()
    assert issued.sha256 in text
    assert "Corrigé depuis" in text
    changed = {c.label: (c.issued, c.now) for c in page.context["corrections"]}
    assert changed["Projets (hors abandonnés)"] == ("2", "3")
    assert changed["Projets à l'étape « Idée »"] == ("0", "1")
    assert "Montant versé (€)" not in changed
    listing = client.get(reverse("steering:issued_report_list"))
    assert listing.status_code == 200 and f'data-report="{issued.pk}"' in listing.content.decode()
    assert IssuedReport.objects.count() == 1


def test_a_report_job_archives_what_it_issues(history, django_capture_on_commit_callbacks):  # noqa: F811
    from essaim.jobs.services import job_submit

    with django_capture_on_commit_callbacks(execute=True):
        job = job_submit(
            kind="steering.report_xlsx",
            parameters={"on": ON.isoformat(), "department_id": None, "epci_id": None},
            user=history["region"],
            organization=history["region"].memberships.get().organization,
            subject="test",
            origin_url="/pilotage/",
        )
    assert job.status == "succeeded", job.error
    issued = IssuedReport.objects.get()
    assert issued.on == ON and issued.format == "xlsx" and issued.scope_label == "Hauts-de-France"
    with issued.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == issued.sha256
