"""Importers of the official files a user downloads: INSEE census bases, INSEE unemployment by zone d'emploi,
Territoires d'industrie, QPV, CFA, and the curated list of écoles de production."""

import datetime as dt

import pytest

from essaim.indicators.models import DataImport, IndicatorValue, IndustryTerritory, Qpv, TrainingProvider
from essaim.indicators.services import import_file
from essaim.schools.models import ProductionSchool
from tests.indicators import files
from tests.indicators.conftest import ARRAS_EPCI, LILLE_EPCI

pytestmark = pytest.mark.django_db


def values(indicator):
    return {
        row.territory_code: (row.value, row.numerator, row.denominator)
        for row in IndicatorValue.objects.filter(indicator__code=indicator)
    }


DIPLOMAS = [
    {"CODGEO": "59350", "P22_POP1517": "1000", "P22_POP1824": "2000.5", "P22_SCOL1517": "100", "P22_SCOL1824": "500",
     "P22_NSCOL15P": "800", "P22_NSCOL15P_DIPLMIN": "200"},
    {"CODGEO": "59009", "P22_POP1517": "100", "P22_POP1824": "0", "P22_SCOL1517": "30", "P22_SCOL1824": "0",
     "P22_NSCOL15P": "80", "P22_NSCOL15P_DIPLMIN": "10"},
    {"CODGEO": "75056", "P22_POP1517": "1", "P22_POP1824": "1", "P22_SCOL1517": "1", "P22_SCOL1824": "1",
     "P22_NSCOL15P": "1", "P22_NSCOL15P_DIPLMIN": "1"},
]  # fmt: skip


@pytest.mark.parametrize("zipped", [False, True], ids=["csv", "zip"])
def test_rp_diplomas_base_gives_youths_and_rates_with_numerators(small_world, tmp_path, zipped):
    """The diplomas base (CSV or zip as downloaded) gives youths 15-17 / 18-24 and rates with num/den; HdF only."""
    report = import_file(kind="insee-rp-diplomas", path=files.rp_diplomas(tmp_path, DIPLOMAS, zipped=zipped))
    assert (report.vintage, report.skipped, report.created) == ("RP 2022", 1, 10)
    assert values("youths_18_24")["59350"] == (2000.5, None, None)
    assert values("enrolment_rate_15_17")["59009"] == (0.3, 30.0, 100.0)
    assert values("enrolment_rate_18_24")["59009"] == (None, 0.0, 0.0)  # zero denominator: unknown rate
    assert values("no_diploma_rate_15p")["59350"] == (0.25, 200.0, 800.0)
    if zipped:
        assert report.file_name.endswith(".zip")


def test_rp_employment_base_gives_youths_15_24_and_unemployment(small_world, tmp_path):
    """P22_POP1524 → youths 15-24; P22_CHOM1524 / P22_ACT1524 → census unemployment rate of the 15-24."""
    rows = [{"CODGEO": "62041", "P22_POP1524": "450", "P22_ACT1524": "200", "P22_CHOM1524": "50"}]
    import_file(kind="insee-rp-employment", path=files.rp_employment(tmp_path, rows))
    assert values("youths_15_24") == {"62041": (450.0, None, None)}
    assert values("unemployment_rate_15_24") == {"62041": (0.25, 50.0, 200.0)}
    again = import_file(kind="insee-rp-employment", path=files.rp_employment(tmp_path, rows))
    assert (again.created, again.updated) == (0, 0)


def test_unemployment_by_zone_takes_the_last_quarter_or_the_one_asked(small_world, tmp_path):
    """Sheet txcho_ze after 5 title rows; the last quarter by default, ``--vintage`` picks another; % → fraction."""
    rows = [
        ["3214", "Lille", "32", "Hauts-de-France", 9.5, 10.1],
        ["3204", "Arras", "32", "Hauts-de-France", 7.0, None],
        ["1109", "Paris", "11", "Île-de-France", 6.1, 6.3],
    ]
    path = files.unemployment_xlsx(tmp_path, rows, ["2024-T4", "2025-T1"])
    report = import_file(kind="insee-unemployment-ze", path=path)
    assert (report.vintage, report.skipped, report.created) == ("2025-T1", 1, 1)
    assert values("unemployment_rate_ze") == {"3214": (pytest.approx(0.101), None, None)}
    older = import_file(kind="insee-unemployment-ze", path=path, vintage="2024-T4")
    assert older.created == 2
    assert IndicatorValue.objects.filter(indicator__code="unemployment_rate_ze", vintage="2024-T4").count() == 2


def test_industry_territories_link_epcis_and_flag_them(small_world, tmp_path):
    """One line per territory × EPCI; EPCI outside the région skipped; the flag is set to 1 / 0 for every EPCI."""
    rows = [
        {"id_ti": "TI-59-01", "lib_ti": "Flandre industrielle", "siren_epci": LILLE_EPCI},
        {"id_ti": "TI-59-01", "lib_ti": "Flandre industrielle", "siren_epci": "245900410"},
        {"id_ti": "TI-76-01", "lib_ti": "Vallée de la Bresle", "siren_epci": "200069722"},
    ]
    report = import_file(kind="industry-territories", path=files.industry_territories(tmp_path, rows))
    territory = IndustryTerritory.objects.get()
    assert [epci.siren for epci in territory.epcis.all()] == [LILLE_EPCI]
    assert report.skipped == 2
    assert values("industry_territory") == {LILLE_EPCI: (1.0, None, None), ARRAS_EPCI: (0.0, None, None)}
    assert import_file(kind="industry-territories", path=files.industry_territories(tmp_path, rows)).changed == 0
    moved = [{"id_ti": "TI-62-01", "lib_ti": "Artois", "siren_epci": ARRAS_EPCI}]
    report = import_file(kind="industry-territories", path=files.industry_territories(tmp_path, moved))
    assert report.deleted == 1 and list(IndustryTerritory.objects.values_list("code", flat=True)) == ["TI-62-01"]
    assert values("industry_territory")[LILLE_EPCI] == (0.0, None, None)


@pytest.mark.parametrize("zipped", [False, True], ids=["geojson", "zip"])
def test_qpv_layer_and_count_per_commune(small_world, tmp_path, zipped):
    """QPV with their communes (several codes accepted) and contour; qpv_count for every commune, 0 included."""
    features = [
        files.qpv_feature("QN05901M", "Lille Sud", "59350"),
        files.qpv_feature("QN05902M", "Entre deux", "59350, 59009"),
        files.qpv_feature("QN07501M", "Paris", ["75056"]),
    ]
    report = import_file(kind="qpv", path=files.qpv(tmp_path, features, zipped=zipped))
    assert report.skipped == 1
    assert Qpv.objects.get(code="QN05902M").commune_codes == ["59350", "59009"]
    assert Qpv.objects.get(code="QN05901M").contour["type"] == "Polygon"
    counts = {code: value[0] for code, value in values("qpv_count").items()}
    assert counts == {"59350": 2.0, "59009": 1.0, "62041": 0.0, "59183": 0.0}
    assert import_file(kind="qpv", path=files.qpv(tmp_path, features, zipped=zipped)).changed == 0


def test_cfa_referential_with_accepted_header_variants(small_world, tmp_path):
    """ONISEP columns « Numéro UAI », « Numéro SIRET », « Raison sociale », « Code commune INSEE »; cfa_count."""
    rows = [
        {"Numéro UAI": "0597654A", "Numéro SIRET": "19590000100011", "Raison sociale": "CFA de Lille",
         "Code commune INSEE": "59350", "Latitude": "50.63", "Longitude": "3.05"},
        {"Numéro UAI": "", "Numéro SIRET": "19620000100012", "Raison sociale": "CFA BTP Arras",
         "Code commune INSEE": "62041", "Latitude": "", "Longitude": ""},
        {"Numéro UAI": "0751234B", "Numéro SIRET": "", "Raison sociale": "CFA de Paris",
         "Code commune INSEE": "75056", "Latitude": "", "Longitude": ""},
    ]  # fmt: skip
    report = import_file(kind="cfa", path=files.cfa(tmp_path, rows), vintage="Référentiel 2026")
    assert (report.skipped, TrainingProvider.objects.count()) == (1, 2)
    lille = TrainingProvider.objects.get(uai="0597654A")
    assert (lille.key, str(lille.latitude), lille.commune.code) == ("0597654A-19590000100011", "50.63000", "59350")
    assert values("cfa_count")["62041"] == (1.0, None, None)
    assert import_file(kind="cfa", path=files.cfa(tmp_path, rows), vintage="Référentiel 2026").changed == 0


def test_production_schools_curated_list_creates_and_updates_keeping_other_fields(small_world, tmp_path):
    """The curated CSV updates a school by name (sigle kept, source added), creates new ones, keeps others."""
    existing = ProductionSchool.objects.create(
        name="EPAL", short_name="EPAL", commune=small_world["communes"]["62041"], sources="https://a.example/epal"
    )
    other = ProductionSchool.objects.create(name="Autre école", commune=existing.commune, sources="https://b.example")
    rows = [
        {"nom": "EPAL", "commune_insee": "62041", "siret": "123 456 789 00012", "uai": "0623456x",
         "metiers": "automobile", "annee_ouverture": "2017", "source_url": "https://fnep.example/epal",
         "date_verif": "26/11/2026"},
        {"nom": "École de production du bois", "commune_insee": "59350", "siret": "", "uai": "",
         "metiers": "bois-menuiserie|Usinage", "annee_ouverture": "", "source_url": "https://c.example",
         "date_verif": "2026-11-20"},
    ]  # fmt: skip
    report = import_file(kind="production-schools", path=files.schools(tmp_path, rows))
    assert (report.created, report.updated) == (1, 1)
    existing.refresh_from_db()
    assert (existing.short_name, existing.siret, existing.uai, existing.opening_year) == (
        "EPAL",
        "12345678900012",
        "0623456X",
        2017,
    )
    assert existing.verified_date == dt.date(2026, 11, 26)
    assert existing.source_list() == ["https://a.example/epal", "https://fnep.example/epal"]
    assert [t.slug for t in existing.trades.all()] == ["automobile"]
    created = ProductionSchool.objects.get(name="École de production du bois")
    assert sorted(t.slug for t in created.trades.all()) == ["bois-menuiserie", "usinage"]
    assert ProductionSchool.objects.filter(pk=other.pk).exists()
    again = import_file(kind="production-schools", path=files.schools(tmp_path, rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert DataImport.objects.count() == 1
    assert existing.history.count() == 2
