"""The ``essaim indicators`` command: import, load-reference, kinds."""

import io

import pytest
from django.core.management import CommandError, call_command

from essaim.indicators.models import BmoBasin, IndicatorValue, IndustryTerritory, Qpv, TradeBmoCode
from tests.indicators import files
from tests.indicators.conftest import LILLE_EPCI

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_import_command_reports_in_french(small_world, tmp_path):
    """``essaim indicators import KIND FILE --vintage`` imports and prints the summary."""
    path = files.populations(tmp_path, [{"code_insee": "59350", "pop_municipale_pl2023": "1000"}])
    output = run("import", "reference-populations", str(path), "--vintage", "PL 2023")
    assert "1 créée(s)" in output and "millésime PL 2023" in output
    assert IndicatorValue.objects.get().vintage == "PL 2023"


def test_import_command_error_says_nothing_was_recorded(small_world, tmp_path):
    """A malformed file: CommandError with the French location, nothing written."""
    path = files.populations(tmp_path, [{"code_insee": "59350", "pop_municipale_pl2023": "mille"}])
    with pytest.raises(CommandError, match="Aucune modification enregistrée. communes.csv, ligne 2"):
        run("import", "reference-populations", str(path))
    assert not IndicatorValue.objects.exists()


def reference_layers(folder, *, qpv_communes="59350,59009"):
    """The two layers of the reference dataset, under their names there (``qpv_2024_hdf.geojson`` has no contours)."""
    feature = files.qpv_feature("QN05901M", "Lille Sud, Moulins", qpv_communes)
    feature["geometry"] = None
    path = files.qpv(folder, [feature])
    path.rename(folder / "qpv_2024_hdf.geojson")
    path = files.industry_territories(folder, [{"id_ti": "ti-3201", "lib_ti": "Lille", "siren_epci": LILLE_EPCI}])
    path.rename(folder / "territoires_industrie_hdf.csv")


def test_load_reference_loads_every_file_once_and_keeps_trade_codes(small_world, tmp_path):
    """load-reference reads the seven files of the folder; the trade codes are seeded only while there are none."""
    reference_layers(tmp_path)
    files.populations(tmp_path, [{"code_insee": "59350", "pop_municipale_pl2023": "1000"}])
    files.neet(tmp_path, [{"epci_siren": LILLE_EPCI, "part_neet_2022_pct": "20"}])
    files.basins(tmp_path, [{"code_insee": "59350", "bassin_bmo_code": "3211", "bassin_bmo_libelle": "LILLE"}])
    files.bmo(tmp_path, [files.bmo_row("3211", "D0X31", "4", "*", "0")])
    files.trade_codes(
        tmp_path, [{"code_metier_bmo": "D0X31", "nom_metier_bmo": "x", "filiere_projet": "metal_usinage_mecanique"}]
    )
    output = run("load-reference", "--data-dir", str(tmp_path))
    assert "Indicateurs de référence à jour." in output
    assert BmoBasin.objects.count() == 1 and TradeBmoCode.objects.count() == 1
    qpv = Qpv.objects.get()
    assert (qpv.code, qpv.name, qpv.contour) == ("QN05901M", "Lille Sud, Moulins", None)
    assert list(IndustryTerritory.objects.values_list("code", "epcis__siren")) == [("ti-3201", LILLE_EPCI)]
    assert IndicatorValue.objects.get(indicator__code="qpv_count", territory_code="59009").value == 1.0
    assert IndicatorValue.objects.get(indicator__code="industry_territory", territory_code=LILLE_EPCI).value == 1.0
    TradeBmoCode.objects.all().delete()
    TradeBmoCode.objects.create(
        trade_id=TradeBmoCode._meta.get_field("trade").related_model.objects.get(slug="usinage").pk, job_code="D0X33"
    )
    again = run("load-reference", "--data-dir", str(tmp_path))
    assert "déjà renseignés" in again and "déjà été importé" in again
    assert list(TradeBmoCode.objects.values_list("job_code", flat=True)) == ["D0X33"]
    assert Qpv.objects.count() == 1 and IndustryTerritory.objects.count() == 1


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ("qpv", "qpv_2024_hdf.geojson, ligne 1, colonne « insee_com » : code INSEE « 5935 » invalide."),
        ("ti", "territoires_industrie_hdf.csv, ligne 2, colonne « siren_epci » : SIREN « 2000 » invalide"),
    ],
)
def test_load_reference_refuses_a_malformed_layer_and_writes_nothing(small_world, tmp_path, broken, message):
    """A malformed QPV feature or Territoire d'industrie line: the French message names file, line and column,
    and nothing of the whole load is written (populations included)."""
    reference_layers(tmp_path, qpv_communes="5935" if broken == "qpv" else "59350")
    if broken == "ti":
        path = files.industry_territories(tmp_path, [{"id_ti": "ti-3201", "lib_ti": "Lille", "siren_epci": "2000"}])
        path.rename(tmp_path / "territoires_industrie_hdf.csv")
    files.populations(tmp_path, [{"code_insee": "59350", "pop_municipale_pl2023": "1000"}])
    files.neet(tmp_path, [{"epci_siren": LILLE_EPCI, "part_neet_2022_pct": "20"}])
    files.basins(tmp_path, [{"code_insee": "59350", "bassin_bmo_code": "3211", "bassin_bmo_libelle": "LILLE"}])
    files.bmo(tmp_path, [files.bmo_row("3211", "D0X31", "4", "*", "0")])
    files.trade_codes(
        tmp_path, [{"code_metier_bmo": "D0X31", "nom_metier_bmo": "x", "filiere_projet": "metal_usinage_mecanique"}]
    )
    with pytest.raises(CommandError) as error:
        run("load-reference", "--data-dir", str(tmp_path))
    assert "Aucune modification enregistrée." in str(error.value) and message in str(error.value)
    assert not IndicatorValue.objects.exists() and not Qpv.objects.exists() and not IndustryTerritory.objects.exists()


def test_kinds_lists_the_accepted_layouts(db):
    """``kinds`` prints every importer with its accepted layout."""
    output = run("kinds")
    assert "insee-rp-diplomas" in output and "txcho_ze" in output
