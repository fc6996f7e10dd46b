"""An indicator file past ``ESSAIM_IMPORT_JOB_KB`` is imported by a background job (issue 13): stored under
the job, imported as the requester (checked again when it runs), its summary or its French error (file, line,
column) found again on the import page; nothing written when it fails. (Tests: threshold 0 KB, so that the
small files of the indicators' tests run as jobs; ImmediateBackend runs them inside the POST.)"""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from essaim.indicators.jobs import INDICATOR_IMPORT_KIND
from essaim.indicators.models import DataImport, IndicatorValue
from essaim.jobs.enums import JobStatus, JobVisibility
from essaim.jobs.inputs import input_path
from essaim.jobs.models import Job
from tests.indicators import files
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

URL = "indicators:import"


@pytest.fixture
def region_admin(settings):
    settings.ESSAIM_IMPORT_JOB_KB = 0
    return MembershipFactory(organization=OrganizationFactory(region=True), role="admin")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_big_zip_is_imported_by_a_job_and_found_again(small_world, region_admin, tmp_path):
    rows = [{"CODGEO": "59350", "P22_POP1524": "150", "P22_ACT1524": "50", "P22_CHOM1524": "10"}]
    text = files.csv_text(files.RP_EMPLOYMENT_COLUMNS, rows, delimiter=";")
    archive = files.write_zip(tmp_path, "base-cc-emploi-pop-active-2022_csv.zip", {"base.CSV": text})
    upload = SimpleUploadedFile(archive.name, archive.read_bytes(), content_type="application/zip")
    client = _client(region_admin.user)
    response = client.post(reverse(URL), {"kind": "insee-rp-employment", "file": upload})
    assert response.status_code == 302 and response["Location"] == reverse(URL)
    job = Job.objects.get()
    assert (job.kind, job.status, job.visibility, job.organization) == (
        INDICATOR_IMPORT_KIND,
        JobStatus.SUCCEEDED,
        JobVisibility.ORGANIZATION,
        region_admin.organization,
    )
    assert job.parameters["suffix"] == ".zip"
    data_import = DataImport.objects.get()
    assert (data_import.imported_by, data_import.vintage, data_import.file_name) == (
        region_admin.user, "RP 2022", "base-cc-emploi-pop-active-2022_csv.zip"
    )  # fmt: skip
    assert IndicatorValue.objects.get(indicator__code="youths_15_24").value == 150
    assert not default_storage.exists(input_path(job.pk))
    page = client.get(reverse(URL)).content.decode()
    assert "Dernier import en arrière-plan" in page and "2 créée(s)" in page
    other = _client(MembershipFactory(organization=OrganizationFactory(bdt=True), role="admin").user)
    assert "Dernier import en arrière-plan" not in other.get(reverse(URL)).content.decode()
    assert other.get(reverse("jobs:detail", args=[job.pk])).status_code == 404


def test_a_failing_big_import_ends_in_failure_with_its_french_error(small_world, region_admin):
    client = _client(region_admin.user)
    content = b"CODGEO;P22_POP1524;P22_ACT1524;P22_CHOM1524\n59350;abc;1;1\n"
    upload = SimpleUploadedFile("base.CSV", content, content_type="text/csv")
    client.post(reverse(URL), {"kind": "insee-rp-employment", "file": upload})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.error == "base.CSV, ligne 2, colonne « P22_POP1524 » : nombre attendu, « abc » trouvé."
    assert not DataImport.objects.exists() and not IndicatorValue.objects.exists()
    assert not default_storage.exists(input_path(job.pk))
    page = client.get(reverse(URL)).content.decode()
    assert "Le fichier n&#x27;a pas été importé" in page or "Le fichier n'a pas été importé" in page
    assert "base.CSV, ligne 2, colonne « P22_POP1524 » : nombre attendu, « abc » trouvé." in page


def test_a_big_dry_run_records_nothing(small_world, region_admin):
    client = _client(region_admin.user)
    content = b"CODGEO;P22_POP1524;P22_ACT1524;P22_CHOM1524\n59350;10;1;1\n"
    upload = SimpleUploadedFile("base.CSV", content, content_type="text/csv")
    client.post(reverse(URL), {"kind": "insee-rp-employment", "file": upload, "dry_run": "on"})
    assert Job.objects.get().status == JobStatus.SUCCEEDED
    assert not DataImport.objects.exists() and not IndicatorValue.objects.exists()
    assert "Vérification seulement" in client.get(reverse(URL)).content.decode()


def test_the_permission_is_checked_again_when_the_job_runs(small_world, region_admin, monkeypatch):
    from essaim.www import imports

    real_submit = imports.job_submit

    def demoted_then_submitted(**kwargs):
        region_admin.role = "member"
        region_admin.save()
        return real_submit(**kwargs)

    monkeypatch.setattr(imports, "job_submit", demoted_then_submitted)
    content = b"CODGEO;P22_POP1524;P22_ACT1524;P22_CHOM1524\n59350;10;1;1\n"
    upload = SimpleUploadedFile("base.CSV", content, content_type="text/csv")
    _client(region_admin.user).post(reverse(URL), {"kind": "insee-rp-employment", "file": upload})
    job = Job.objects.get()
    assert (job.status, job.error) == (
        JobStatus.FAILED,
        "Vous n'avez plus le droit d'importer des fichiers d'indicateurs.",
    )
    assert not DataImport.objects.exists()


def test_a_bad_form_is_refused_before_anything_is_queued(small_world, region_admin):
    upload = SimpleUploadedFile("base.CSV", b"x\n", content_type="text/csv")
    response = _client(region_admin.user).post(reverse(URL), {"kind": "inconnu", "file": upload})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    assert not Job.objects.exists()
