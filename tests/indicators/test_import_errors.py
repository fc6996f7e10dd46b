"""Malformed files: a French error naming file, line and column, and nothing written (atomic imports)."""

import pytest

from essaim.indicators.importers import DataImportError
from essaim.indicators.importers import base as importers_base
from essaim.indicators.models import DataImport, IndicatorValue, Qpv
from essaim.indicators.services import import_file
from tests.indicators import files
from tests.indicators.conftest import LILLE_EPCI

pytestmark = pytest.mark.django_db

GOOD_DIPLOMAS = {"CODGEO": "59350", "P22_POP1517": "1000", "P22_POP1824": "2000", "P22_SCOL1517": "100",
                 "P22_SCOL1824": "500", "P22_NSCOL15P": "800", "P22_NSCOL15P_DIPLMIN": "200"}  # fmt: skip


def assert_nothing_written():
    assert not IndicatorValue.objects.exists()
    assert not DataImport.objects.exists()


def import_error(kind, path, **options) -> DataImportError:
    with pytest.raises(DataImportError) as caught:
        import_file(kind=kind, path=path, **options)
    return caught.value


def test_not_a_number_names_file_line_and_column_and_writes_nothing(small_world, tmp_path):
    """A text in a count column, on the last line, stops the import: the valid lines before are not written."""
    bad = dict(GOOD_DIPLOMAS, CODGEO="59009", P22_POP1824="abc")
    error = import_error("insee-rp-diplomas", files.rp_diplomas(tmp_path, [GOOD_DIPLOMAS, bad]))
    assert str(error) == (
        "base-cc-diplomes-formation-2022.CSV, ligne 3, colonne « P22_POP1824 » : nombre attendu, « abc » trouvé."
    )
    assert (error.line, error.column) == (3, "P22_POP1824")
    assert_nothing_written()


def test_missing_column_is_reported_on_the_header_line(small_world, tmp_path):
    """A base without P22_SCOL1824 is refused at line 1, column P22_SCOL1824."""
    path = tmp_path / "base.CSV"
    path.write_text("CODGEO;P22_POP1517;P22_POP1824;P22_SCOL1517\n59350;1;2;3\n", encoding="utf-8")
    error = import_error("insee-rp-diplomas", path)
    assert (error.line, error.column) == (1, "P22_SCOL1824")
    assert "colonne manquante" in str(error)


def test_wrong_separator_is_explained(small_world, tmp_path):
    """A comma-separated INSEE base does not have the official columns: the message says « ; » is expected."""
    path = files.write_csv(tmp_path, "base.csv", list(GOOD_DIPLOMAS), [GOOD_DIPLOMAS])
    error = import_error("insee-rp-diplomas", path)
    assert "séparateur « ; »" in str(error) and error.line == 1


def test_duplicate_commune_names_both_lines(small_world, tmp_path):
    """A commune twice: the error gives the second line and the first one."""
    error = import_error("insee-rp-diplomas", files.rp_diplomas(tmp_path, [GOOD_DIPLOMAS, GOOD_DIPLOMAS]))
    assert "ligne 3" in str(error) and "déjà présent ligne 2" in str(error) and error.column == "CODGEO"


def test_negative_count_is_refused(small_world, tmp_path):
    """Counts are ≥ 0."""
    error = import_error("insee-rp-diplomas", files.rp_diplomas(tmp_path, [dict(GOOD_DIPLOMAS, P22_POP1517="-3")]))
    assert "positif ou nul" in str(error) and error.column == "P22_POP1517"


def test_zip_without_a_single_data_csv_is_refused(small_world, tmp_path):
    """A zip with two data CSV (meta_ files aside) cannot be read unambiguously."""
    path = files.write_zip(tmp_path, "base.zip", {"a.csv": "CODGEO\n", "b.csv": "CODGEO\n", "meta_a.csv": ""})
    error = import_error("insee-rp-diplomas", path)
    assert "un seul fichier de données" in str(error) and error.file == "base.zip"


def test_missing_file(small_world, tmp_path):
    """A path that does not exist."""
    error = import_error("reference-populations", tmp_path / "absent.csv")
    assert str(error) == "absent.csv : fichier introuvable."


def test_percentage_above_100_in_neet(small_world, tmp_path):
    """A NEET share is a percentage."""
    path = files.neet(tmp_path, [{"epci_siren": LILLE_EPCI, "part_neet_2022_pct": "171"}])
    error = import_error("reference-neet", path)
    assert (error.line, error.column) == (2, "part_neet_2022_pct") and "pourcentage attendu" in str(error)


def test_bmo_needs_the_basins_first(small_world, tmp_path):
    """BMO values without the crosswalk loaded: the message says what to import first."""
    error = import_error("reference-bmo", files.bmo(tmp_path, [files.bmo_row("3211", "D0X31", "1", "1", "1")]))
    assert "reference-bmo-basins" in str(error)


def test_unknown_filiere_in_trade_codes(small_world, tmp_path):
    """A filière not in the documented mapping."""
    rows = [{"code_metier_bmo": "D0X31", "nom_metier_bmo": "x", "filiere_projet": "aeronautique"}]
    error = import_error("trade-bmo-codes", files.trade_codes(tmp_path, rows))
    assert (error.line, error.column) == (2, "filiere_projet") and "filière « aeronautique » inconnue" in str(error)


def test_unemployment_workbook_without_the_sheet(small_world, tmp_path):
    """The sheet txcho_ze is required; the message lists the sheets found."""
    path = files.unemployment_xlsx(tmp_path, [], ["2025-T1"], sheet="Feuil1")
    error = import_error("insee-unemployment-ze", path)
    assert "feuille « txcho_ze » absente" in str(error) and "« Feuil1 »" in str(error)


def test_unemployment_cell_not_a_number_names_sheet_row_and_column(small_world, tmp_path):
    """Row numbers are those of the worksheet (header on row 6)."""
    path = files.unemployment_xlsx(tmp_path, [["3214", "Lille", "32", "HdF", "n.d."]], ["2025-T1"])
    error = import_error("insee-unemployment-ze", path)
    assert str(error).startswith(
        "chomage-zone-t1-2003-t2-2025.xlsx, feuille « txcho_ze », ligne 7, colonne « 2025-T1 »"
    )


def test_not_a_workbook(small_world, tmp_path):
    """A CSV renamed .xlsx."""
    path = tmp_path / "chomage.xlsx"
    path.write_text("ZE2020;2025-T1\n", encoding="utf-8")
    assert "classeur illisible" in str(import_error("insee-unemployment-ze", path))


def test_qpv_feature_without_code_names_the_feature(small_world, tmp_path):
    """In a GeoJSON, « ligne » is the feature number and « colonne » the property."""
    features = [files.qpv_feature("QN05901M", "A", "59350"), files.qpv_feature("", "B", "59350")]
    error = import_error("qpv", files.qpv(tmp_path, features))
    assert (error.line, error.column) == (2, "code_qp")
    assert not Qpv.objects.exists()


def test_invalid_geojson(small_world, tmp_path):
    """Broken JSON: line and column of the parser."""
    path = tmp_path / "qpv.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [}', encoding="utf-8")
    error = import_error("qpv", path)
    assert error.line == 2 and "GeoJSON illisible" in str(error)


def test_cfa_with_invalid_uai(small_world, tmp_path):
    """UAI are 7 digits and a letter."""
    rows = [{"Numéro UAI": "12AB", "Numéro SIRET": "", "Raison sociale": "CFA", "Code commune INSEE": "59350"}]
    error = import_error("cfa", files.cfa(tmp_path, rows))
    assert (error.line, error.column) == (2, "Numéro UAI")


def test_school_with_unknown_trade(small_world, tmp_path):
    """Trades must exist on the platform."""
    rows = [{"nom": "École", "commune_insee": "59350", "metiers": "aéronautique", "source_url": "https://a.example"}]
    error = import_error("production-schools", files.schools(tmp_path, rows))
    assert (error.line, error.column) == (2, "metiers")


def test_territories_must_be_loaded_first(db, tmp_path):
    """Without reference communes, the import says to load the territories."""
    error = import_error("reference-populations", files.populations(tmp_path, [{"code_insee": "59350"}]))
    assert "essaim load_territories" in str(error)


def test_a_failure_while_writing_rolls_everything_back(small_world, tmp_path, monkeypatch):
    """If writing fails half-way (after the first values are created), the database is left unchanged."""
    real_sync = importers_base.sync_values
    calls = []

    def failing_sync(rows, **kwargs):
        real_sync(rows, **kwargs)
        calls.append(len(rows))
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(importers_base, "sync_values", failing_sync)
    with pytest.raises(RuntimeError):
        import_file(kind="insee-rp-diplomas", path=files.rp_diplomas(tmp_path, [GOOD_DIPLOMAS]))
    assert calls == [5]
    assert_nothing_written()


@pytest.mark.parametrize(
    "coordinates",
    ["oops", [], [["oops"]], [[[3.0, 50.6], [3.1, 50.6]]], [[[3.0, 50.6], [3.1, "x"], [3.1, 50.7], [3.0, 50.6]]],
     [[[3.0, 50.6], [3.1, 1e309], [3.1, 50.7], [3.0, 50.6]]], [[[300.0, 50.6], [3.1, 50.6], [3.1, 50.7], [3.0, 50.6]]]],
    ids=["text", "empty", "ring-text", "short-ring", "text-point", "infinite", "out-of-range"],
)  # fmt: skip
def test_qpv_with_unreadable_coordinates_is_refused(small_world, tmp_path, coordinates):
    """« "coordinates": "oops" » (or any shape no map can draw) is refused, naming the feature, not imported."""
    features = [files.qpv_feature("QN05901M", "A", "59350", geometry={"type": "Polygon", "coordinates": coordinates})]
    error = import_error("qpv", files.qpv(tmp_path, features))
    assert (error.line, error.column) == (1, "geometry")
    assert "coordonnées invalides" in str(error)
    assert not Qpv.objects.exists()


@pytest.mark.parametrize("value", ["1e13", "1E+999999", "99999999999999999999999999"])
def test_absurdly_large_counts_are_refused(small_world, tmp_path, value):
    """Counts are bounded (1 000 milliards): the error names file, line and column; nothing written."""
    bad = dict(GOOD_DIPLOMAS, P22_POP1824=value)
    error = import_error("insee-rp-diplomas", files.rp_diplomas(tmp_path, [bad]))
    assert (error.line, error.column) == (2, "P22_POP1824")
    assert "nombre trop grand" in str(error) or "valeur non finie" in str(error)
    assert_nothing_written()
