"""The SIRENE import past ``ESSAIM_IMPORT_JOB_KB`` runs as a background job (issue 13): the file is stored
under the job, the import runs as the requester for his organisation (ImmediateBackend: synchronously, inside
the POST), the page finds the report or the French errors again after a reload, and nothing is written when
it fails. A file below the threshold is imported in the request, as before."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from essaim.jobs.enums import JobStatus, JobVisibility
from essaim.jobs.inputs import input_folder, input_path
from essaim.jobs.models import Job
from essaim.jobs.services import job_cancel
from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.organizations.jobs import SIRENE_IMPORT_KIND
from essaim.organizations.models import Organization
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.organizations.sirene_files import generated_extract
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

URL = "organizations:organization_import"
ROWS = 40  # ≈ 2,6 KB: past a threshold of 1 KB


@pytest.fixture
def region(settings):
    settings.ESSAIM_IMPORT_JOB_KB = 1
    CommuneFactory(code="59183", name="Dunkerque")
    return OrganizationFactory(region=True)


@pytest.fixture
def region_admin(region):
    return MembershipFactory(organization=region, role=MembershipRole.ADMIN)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _upload(data, name="stock.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _companies():
    return Organization.objects.filter(kind=OrganizationKind.COMPANY)


def _no_inputs_left(job):
    assert not default_storage.exists(input_path(job.pk))


def test_a_small_file_is_still_imported_in_the_request(region_admin):
    client = _client(region_admin.user)
    response = client.post(reverse(URL), {"file": _upload(generated_extract(5))}, follow=True)
    assert "5 entreprise(s) créée(s)" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("organizations:organization_list")
    assert _companies().count() == 5
    assert not Job.objects.exists()


def test_a_big_file_is_imported_by_a_job_and_its_report_found_again(region_admin, region):
    client = _client(region_admin.user)
    data = generated_extract(ROWS)
    assert len(data) > 1024
    response = client.post(reverse(URL), {"file": _upload(data, "stock-hdf.csv")})
    assert response.status_code == 302 and response["Location"] == reverse(URL)
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Le fichier « stock-hdf.csv » est volumineux : il est importé en arrière-plan. Suivez l'avancement ici ou "
        "dans « Mes traitements »."
    ]
    job = Job.objects.get()
    assert (job.kind, job.status, job.requested_by, job.organization) == (
        SIRENE_IMPORT_KIND,
        JobStatus.SUCCEEDED,
        region_admin.user,
        region,
    )
    assert job.visibility == JobVisibility.ORGANIZATION
    assert job.parameters == {"filename": "stock-hdf.csv", "dry_run": False}
    assert _companies().count() == ROWS
    assert _companies().get(siret="80000000100019").history.first().history_user == region_admin.user
    _no_inputs_left(job)
    page = client.get(reverse(URL)).content.decode()  # a reload finds it again
    assert "Dernier import en arrière-plan" in page
    assert "Fichier « stock-hdf.csv »" in page
    assert f"Import terminé. {ROWS} ligne(s) lue(s) : {ROWS} entreprise(s) créée(s)" in page
    # A colleague of the same organisation sees it (shared kind); another organisation does not.
    colleague = MembershipFactory(organization=region, role=MembershipRole.MEMBER).user
    assert "Fichier « stock-hdf.csv »" in _client(colleague).get(reverse(URL)).content.decode()
    other = _client(MembershipFactory(organization=OrganizationFactory(bdt=True), role=MembershipRole.ADMIN).user)
    page = other.get(reverse(URL))
    assert page.status_code == 200 and "Dernier import en arrière-plan" not in page.content.decode()
    assert other.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert "stock-hdf" not in other.get(reverse("jobs:list")).content.decode()


def test_a_big_dry_run_writes_nothing_and_reports(region_admin):
    client = _client(region_admin.user)
    client.post(reverse(URL), {"file": _upload(generated_extract(ROWS)), "dry_run": "on"})
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.parameters["dry_run"] is True
    assert not _companies().exists()
    page = client.get(reverse(URL)).content.decode()
    assert "(vérification seulement)" in page
    assert (
        f"Vérification terminée, rien n'est enregistré. {ROWS} ligne(s) lue(s) : {ROWS} entreprise(s) créée(s)" in page
    )


def test_a_failing_big_import_ends_in_failure_with_its_french_errors_and_writes_nothing(region_admin):
    client = _client(region_admin.user)
    client.post(reverse(URL), {"file": _upload(generated_extract(ROWS, bad_line=30))})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.error == "Ligne 30, colonne « siret » : Ce SIRET n'est pas valide : sa clé de contrôle est fausse."
    assert not _companies().exists()
    _no_inputs_left(job)
    page = client.get(reverse(URL)).content.decode()
    assert "Le fichier n'a pas été importé" in page
    assert "<li>Ligne 30, colonne « siret » : Ce SIRET n&#x27;est pas valide" in page
    detail = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "échec" in detail and "Ligne 30, colonne « siret »" in detail


def test_a_crash_while_writing_leaves_nothing_and_the_retry_reads_the_kept_file(region_admin, monkeypatch):
    """An unexpected error in the middle of the writes (as a worker killed there): the transaction is rolled
    back, the job is retried with the same stored file, and the rows are written once."""
    from essaim.organizations import sirene

    calls = {"n": 0}
    real = sirene.bulk_create_with_history

    def crash_once(objects, *args, **kwargs):
        calls["n"] += 1
        real(objects[:10], *args, **kwargs)  # some rows written…
        if calls["n"] == 1:
            assert _companies().count() == 10
            raise RuntimeError("worker lost")  # …then the process fails
        return real(objects[10:], *args, **kwargs)

    monkeypatch.setattr(sirene, "bulk_create_with_history", crash_once)
    _client(region_admin.user).post(reverse(URL), {"file": _upload(generated_extract(ROWS))})
    job = Job.objects.get()
    assert (job.status, job.attempts, calls["n"]) == (JobStatus.SUCCEEDED, 2, 2)
    assert _companies().count() == ROWS
    _no_inputs_left(job)


def test_the_permission_is_checked_again_when_the_job_runs(region_admin, monkeypatch):
    """Between the upload and the run the requester became a lecteur: the job refuses, nothing is written."""
    from essaim.www import imports

    real_submit = imports.job_submit

    def demoted_then_submitted(**kwargs):
        region_admin.role = MembershipRole.READER
        region_admin.save()
        return real_submit(**kwargs)

    monkeypatch.setattr(imports, "job_submit", demoted_then_submitted)
    _client(region_admin.user).post(reverse(URL), {"file": _upload(generated_extract(ROWS))})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.error == "Vous n'avez plus le droit d'importer des entreprises pour cette organisation."
    assert not _companies().exists()
    _no_inputs_left(job)


def test_a_bad_form_is_refused_before_anything_is_queued(region_admin):
    client = _client(region_admin.user)
    response = client.post(reverse(URL), {"dry_run": "on"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not Job.objects.exists()


def test_readers_cannot_queue_an_import(region):
    reader = MembershipFactory(organization=region, role=MembershipRole.READER).user
    response = _client(reader).post(reverse(URL), {"file": _upload(generated_extract(ROWS))})
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_cancelling_a_waiting_import_deletes_its_file(region_admin, region):
    """A job cancelled before any worker took it: its stored file goes with it."""
    from essaim.jobs.inputs import store_input

    job = Job.objects.create(
        kind=SIRENE_IMPORT_KIND,
        parameters={"filename": "stock.csv", "dry_run": False},
        requested_by=region_admin.user,
        organization=region,
        visibility=JobVisibility.ORGANIZATION,
    )
    store_input(job.pk, _upload(generated_extract(3)))
    assert default_storage.exists(input_path(job.pk))
    job_cancel(job=job)
    assert Job.objects.get().status == JobStatus.CANCELLED
    _no_inputs_left(job)
    assert default_storage.listdir(input_folder(job.pk))[1] == []


def test_an_import_that_keeps_crashing_ends_in_failure_and_its_file_is_deleted(region_admin, monkeypatch):
    """Every attempt fails unexpectedly: « échec » with the generic French message, nothing written, and the
    stored file is deleted once the attempts are used up."""
    from essaim.organizations import sirene

    def crash(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(sirene, "bulk_create_with_history", crash)
    client = _client(region_admin.user)
    client.post(reverse(URL), {"file": _upload(generated_extract(ROWS))})
    job = Job.objects.get()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 2)
    assert job.error.startswith("Le traitement a échoué à cause d'une erreur interne de la plateforme.")
    assert not _companies().exists()
    _no_inputs_left(job)
    assert "database gone" not in client.get(reverse(URL)).content.decode()
