"""The ``essaim indicators`` command: import, load-reference, kinds."""

import io

import pytest
from django.core.management import CommandError, call_command

from essaim.indicators.models import BmoBasin, IndicatorValue, TradeBmoCode
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


def test_load_reference_loads_every_file_once_and_keeps_trade_codes(small_world, tmp_path):
    """load-reference reads the five files of the folder; the trade codes are seeded only while there are none."""
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
    TradeBmoCode.objects.all().delete()
    TradeBmoCode.objects.create(
        trade_id=TradeBmoCode._meta.get_field("trade").related_model.objects.get(slug="usinage").pk, job_code="D0X33"
    )
    again = run("load-reference", "--data-dir", str(tmp_path))
    assert "déjà renseignés" in again and "déjà été importé" in again
    assert list(TradeBmoCode.objects.values_list("job_code", flat=True)) == ["D0X33"]


def test_kinds_lists_the_accepted_layouts(db):
    """``kinds`` prints every importer with its accepted layout."""
    output = run("kinds")
    assert "insee-rp-diplomas" in output and "txcho_ze" in output
