"""Indicators pages: catalogue, upload, trades' BMO codes; query counts (permissions: matrix/indicators.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essaim.indicators.models import DataImport, IndicatorValue, TradeBmoCode
from essaim.indicators.services import import_file
from tests.accounts.factories import UserFactory
from tests.indicators import files
from tests.indicators.conftest import LILLE_EPCI
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_admin():
    return MembershipFactory(organization=OrganizationFactory(region=True), role="admin").user


def test_catalogue_shows_sources_vintages_coverage_and_the_crosswalk_warning(small_world, client, tmp_path):
    """The catalogue lists each indicator with vintage and coverage, and warns about the provisional crosswalk."""
    import_file(
        kind="reference-neet", path=files.neet(tmp_path, [{"epci_siren": LILLE_EPCI, "part_neet_2022_pct": "17"}])
    )
    client.force_login(UserFactory())
    response = client.get(reverse("indicators:catalogue"))
    content = response.content.decode()
    assert "table de passage provisoire" in content
    assert "RP 2022" in content and "1 sur 2 EPCI" in content.replace("\u202f", " ")
    assert "non importé" in content


def test_catalogue_query_count_does_not_grow_with_indicators(small_world, client, django_assert_max_num_queries):
    """A constant number of queries (sessions, user, membership, catalogue, coverage, totals)."""
    client.force_login(UserFactory())
    with django_assert_max_num_queries(16):
        assert client.get(reverse("indicators:catalogue")).status_code == 200


def test_upload_imports_the_file_and_lists_it_in_the_history(small_world, client, region_admin, tmp_path):
    """A Région administrateur uploads an INSEE zip as downloaded; the history shows who and what."""
    client.force_login(region_admin)
    rows = [{"CODGEO": "59350", "P22_POP1524": "150", "P22_ACT1524": "50", "P22_CHOM1524": "10"}]
    text = files.csv_text(files.RP_EMPLOYMENT_COLUMNS, rows, delimiter=";")
    archive = files.write_zip(tmp_path, "base-cc-emploi-pop-active-2022_csv.zip", {"base.CSV": text})
    upload = SimpleUploadedFile(archive.name, archive.read_bytes(), content_type="application/zip")
    response = client.post(reverse("indicators:import"), {"kind": "insee-rp-employment", "file": upload}, follow=True)
    assert "2 créée(s)" in response.content.decode()
    data_import = DataImport.objects.get()
    assert (data_import.imported_by, data_import.vintage, data_import.file_name) == (
        region_admin, "RP 2022", "base-cc-emploi-pop-active-2022_csv.zip"
    )  # fmt: skip
    assert IndicatorValue.objects.get(indicator__code="youths_15_24").value == 150


def test_upload_with_an_error_shows_it_and_writes_nothing(small_world, client, region_admin):
    """The French message with line and column is shown; nothing is recorded."""
    client.force_login(region_admin)
    content = b"CODGEO;P22_POP1524;P22_ACT1524;P22_CHOM1524\n59350;abc;1;1\n"
    upload = SimpleUploadedFile("base.CSV", content, content_type="text/csv")
    response = client.post(reverse("indicators:import"), {"kind": "insee-rp-employment", "file": upload})
    assert response.status_code == 200
    assert "base.CSV, ligne 2, colonne « P22_POP1524 » : nombre attendu, « abc » trouvé." in response.content.decode()
    assert not DataImport.objects.exists() and not IndicatorValue.objects.exists()


def test_upload_dry_run_records_nothing(small_world, client, region_admin):
    """« Vérifier seulement » shows the counts and records nothing."""
    client.force_login(region_admin)
    content = b"CODGEO;P22_POP1524;P22_ACT1524;P22_CHOM1524\n59350;10;1;1\n"
    upload = SimpleUploadedFile("base.CSV", content, content_type="text/csv")
    response = client.post(
        reverse("indicators:import"), {"kind": "insee-rp-employment", "file": upload, "dry_run": "on"}
    )
    assert "Vérification seulement" in response.content.decode()
    assert not DataImport.objects.exists()


def test_import_page_query_count_is_constant(
    small_world, client, region_admin, tmp_path, django_assert_max_num_queries
):
    """The history (50 lines, with their authors) is read in one query."""
    for number in range(5):
        path = files.populations(tmp_path, [{"code_insee": "59350", "pop_municipale_pl2023": str(1000 + number)}])
        import_file(kind="reference-populations", path=path, user=region_admin)
    client.force_login(region_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("indicators:import"))
    assert response.content.decode().count("<td>communes.csv<br>") == 5


def test_trade_codes_page_and_duplicate_refused(small_world, client, region_admin, django_assert_max_num_queries):
    """The codes by trade in a constant number of queries; adding an existing pair is refused in French."""
    TradeBmoCode.objects.create(trade_id=small_world_trade("usinage"), job_code="D0X31")
    client.force_login(region_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("indicators:trade_codes"))
    assert "D0X31" in response.content.decode() and "Aucun code" in response.content.decode()
    data = {"trade": small_world_trade("usinage"), "job_code": "d0x31", "job_label": "", "note": ""}
    response = client.post(reverse("indicators:trade_code_add"), data, follow=True)
    assert "déjà associé à ce métier" in response.content.decode()
    assert TradeBmoCode.objects.count() == 1


def small_world_trade(slug):
    from essaim.trades.models import Trade

    return Trade.objects.get(slug=slug).pk
