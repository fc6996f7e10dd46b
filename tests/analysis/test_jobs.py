"""Site selection and rank sensitivity as background jobs: parameters checked before queuing, limits below
the job's own, failures in « échec » with their French message, results never shown before the end."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from essaim.analysis import jobs as analysis_jobs
from essaim.jobs.enums import JobStatus
from essaim.jobs.kinds import get_kind
from essaim.jobs.models import Job
from essaim.jobs.services import job_submit
from essaim.www.analysis.forms import SitesForm
from tests.analysis.conftest import member_client
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

QUERY = {
    "trade": "usinage",
    "k": "1",
    "radius_km": "20",
    "measure": "youths_15_24",
    "road_factor": "1,3",
    "time_limit_s": "10",
}
PARAMETERS = {
    "trade": "usinage",
    "k": 1,
    "radius_km": 20.0,
    "measure": "youths_15_24",
    "road_factor": 1.3,
    "time_limit_s": 10,
    "min_population": None,
    "min_recruitment_projects": None,
    "industry_territory": "",
    "candidates": [],
}


def test_the_computing_limit_offered_stays_below_the_jobs_time_limit(small_world, selectors):
    """The form offers at most the solver limit, a minute below the job's time limit (kinds.py); above it the
    form and the job's own validation refuse, in French, naming the field."""
    limit = get_kind(analysis_jobs.SITES_KIND).time_limit
    offered = analysis_jobs.sites_max_solver_seconds()
    assert offered <= limit - analysis_jobs.SOLVER_MARGIN_SECONDS
    form = SitesForm(QUERY | {"time_limit_s": str(offered + 1)}, measures=[("youths_15_24", "Jeunes")])
    assert not form.is_valid()
    assert form.errors["time_limit_s"] == [f"Assurez-vous que cette valeur est inférieure ou égale à {offered}."]
    assert SitesForm(QUERY | {"time_limit_s": str(offered)}, measures=[("youths_15_24", "Jeunes")]).is_valid()
    with pytest.raises(ValidationError) as refused:
        analysis_jobs.validate_sites(PARAMETERS | {"time_limit_s": limit})
    assert refused.value.messages == [
        f"« Temps de calcul maximal (secondes) » : saisissez une valeur entre 1 et {offered} (reçu : {limit})."
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"trade": "peinture"}, "« Métier » : métier inconnu."),
        ({"k": 0}, "« Nombre de nouvelles écoles » : saisissez une valeur entre 1 et 20 (reçu : 0)."),
        ({"k": "trois"}, "« Nombre de nouvelles écoles » : saisissez un nombre entier."),
        ({"radius_km": float("nan")}, "« Rayon de recrutement (km par la route) » : saisissez un nombre."),
        ({"road_factor": None}, "« Facteur routier » : ce champ est obligatoire."),
        ({"measure": "autre"}, "« Jeunes à couvrir » : choisissez parmi youths_15_24, neet_estimate."),
        ({"candidates": ["99999"]}, "« Communes candidates (liste) » : codes INSEE inconnus : 99999."),
        ({"candidates": "59001"}, "« Communes candidates (liste) » : une liste de codes INSEE est attendue."),
        ({"industry_territory": "partout"}, "« Territoire d'industrie » : choix invalide."),
    ],
)
def test_bad_parameters_are_refused_before_anything_is_queued(small_world, selectors, region, change, message):
    membership = MembershipFactory(organization=region)
    with pytest.raises(ValidationError) as refused:
        job_submit(
            kind=analysis_jobs.SITES_KIND,
            parameters=PARAMETERS | change,
            user=membership.user,
            organization=region,
        )
    assert refused.value.messages == [message]
    assert not Job.objects.exists()


def test_a_crash_ends_in_failure_with_a_french_message_and_no_result(
    client, small_world, selectors, region, monkeypatch
):
    """An unexpected error is retried, then the job ends in « échec » with a French message (never the Python
    error); the page shows it and no result."""
    client, _ = member_client(client, region)

    def crash(**kwargs):
        raise RuntimeError("solver exploded: internal detail")

    monkeypatch.setattr("essaim.analysis.services.sites_run", crash)
    response = client.post(reverse("analysis:sites"), QUERY)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.attempts == get_kind(analysis_jobs.SITES_KIND).max_attempts
    assert job.result is None
    page = client.get(response["Location"])
    html = unescape(page.content.decode())
    assert "Le traitement a échoué à cause d'une erreur interne de la plateforme" in html
    assert "internal detail" not in html and page.context["run"] is None
    assert "Relancer" in html
    export = client.get(reverse("analysis:sites_export", kwargs={"job": job.pk, "fmt": "csv"}))
    assert export.status_code == 302  # nothing to export


def test_a_running_job_shows_its_progress_never_a_partial_result(client, small_world, selectors, region):
    """While the job runs the page shows its step, elapsed time and « Annuler » and polls; a result written
    before the end (it never is: the runner stores it with « terminé ») would not be shown."""
    client, user = member_client(client, region)
    job = Job.objects.create(
        kind=analysis_jobs.SITES_KIND,
        parameters=PARAMETERS,
        subject="sites",
        requested_by=user,
        organization=region,
        status=JobStatus.RUNNING,
        attempts=1,
        progress=0.4,
        step="Calcul des solutions exacte et gloutonne",
        result_data={"version": 1, "answers": []},
    )
    for url in (reverse("analysis:sites_job", args=[job.pk]), reverse("analysis:sites")):
        page = client.get(url)
        html = unescape(page.content.decode())
        assert page.context["run"] is None and "Solution exacte" not in html
        assert (
            '<span class="job-percent">40\u00a0%</span> — Calcul des solutions exacte et gloutonne · temps écoulé'
            in html
        )
        assert "Annuler le traitement" in html
        # The result block polls the job's page every 2 s (and shows the result once done); the progress
        # component inside it does not poll on its own.
        assert f'hx-get="{reverse("analysis:sites_job", args=[job.pk])}" hx-trigger="every 2s"' in html
        assert reverse("jobs:status", args=[job.pk]) not in html
        assert page.context["form"]["k"].value() == 1  # the form shows the job's parameters


def test_another_users_site_selection_is_a_404(client, small_world, selectors, region):
    """A site selection is its requester's: another member of his organisation gets a 404, and so do its
    exports."""
    owner_client, owner = member_client(client, region)
    owner_client.post(reverse("analysis:sites"), QUERY)
    job = Job.objects.get(requested_by=owner)
    assert job.status == JobStatus.SUCCEEDED
    other, _ = member_client(Client(), region)
    assert other.get(reverse("analysis:sites_job", args=[job.pk])).status_code == 404
    assert other.get(reverse("analysis:sites_export", kwargs={"job": job.pk, "fmt": "xlsx"})).status_code == 404
    assert other.get(reverse("analysis:sites")).context["job"] is None


def test_the_results_blocks_last_poll_fires_job_finished(client, small_world, selectors, region):
    """The site selection's result block polls its job's page while the job runs; the answer once the job
    has ended carries the htmx event ``jobFinished`` (other parts of a page may listen to it)."""
    client, user = member_client(client, region)
    job = Job.objects.create(
        kind=analysis_jobs.SITES_KIND,
        parameters=PARAMETERS,
        subject="sites",
        requested_by=user,
        organization=region,
        status=JobStatus.RUNNING,
        attempts=1,
    )
    url = reverse("analysis:sites_job", args=[job.pk])
    poll = {"HX-Request": "true", "HX-Target": "sites-results"}
    running = client.get(url, headers=poll)
    assert "every 2s" in running.content.decode() and "HX-Trigger" not in running
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, error="Aucune commune candidate.")
    finished = client.get(url, headers=poll)
    assert finished["HX-Trigger"] == "jobFinished" and "every 2s" not in finished.content.decode()
    assert "HX-Trigger" not in client.get(url)  # the page itself, not a poll
