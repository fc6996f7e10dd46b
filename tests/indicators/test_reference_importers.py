"""Importers of the reference dataset's files: populations, NEET, bassins BMO, BMO values, trades' BMO codes."""

import pytest

from essaim.indicators.models import BmoBasin, CommuneBmoBasin, DataImport, IndicatorValue, TradeBmoCode
from essaim.indicators.services import import_file
from tests.indicators import files
from tests.indicators.conftest import ARRAS_EPCI, LILLE_EPCI

pytestmark = pytest.mark.django_db


def values(indicator):
    return {
        (row.territory_code, row.job_code): (row.value, row.numerator, row.denominator, row.is_secret)
        for row in IndicatorValue.objects.filter(indicator__code=indicator)
    }


def load_basins(tmp_path):
    path = files.basins(
        tmp_path,
        [
            {"code_insee": "59350", "nom": "Lille", "bassin_bmo_code": "3211", "bassin_bmo_libelle": "LILLE"},
            {"code_insee": "59009", "nom": "V.", "bassin_bmo_code": "3211", "bassin_bmo_libelle": "LILLE"},
            {"code_insee": "59183", "nom": "D.", "bassin_bmo_code": "3211", "bassin_bmo_libelle": "LILLE"},
            {"code_insee": "62041", "nom": "Arras", "bassin_bmo_code": "3222", "bassin_bmo_libelle": "ARRAS"},
            {"code_insee": "75056", "nom": "Paris", "bassin_bmo_code": "1101", "bassin_bmo_libelle": "PARIS"},
        ],
    )
    return import_file(kind="reference-bmo-basins", path=path)


def test_populations_are_stored_per_commune_with_the_vintage_of_the_column(small_world, tmp_path):
    """communes.csv gives one population per reference commune, vintage « PL 2023 »; other codes are skipped."""
    rows = [
        {"code_insee": code, "pop_municipale_pl2023": str(c.population)} for code, c in small_world["communes"].items()
    ]
    path = files.populations(tmp_path, [*rows, {"code_insee": "75056", "pop_municipale_pl2023": "2100000"}])
    report = import_file(kind="reference-populations", path=path)
    assert (report.created, report.updated, report.skipped, report.vintage) == (4, 0, 1, "PL 2023")
    assert values("population")[("59350", "")] == (1000.0, None, None, False)
    assert DataImport.objects.get().rows_created == 4


def test_importing_the_same_file_twice_changes_nothing(small_world, tmp_path):
    """The second import of the same content creates and updates nothing and adds no log line."""
    path = files.populations(tmp_path, [{"code_insee": "59350", "pop_municipale_pl2023": "1000"}])
    import_file(kind="reference-populations", path=path)
    again = import_file(kind="reference-populations", path=path)
    assert (again.created, again.updated, again.unchanged, again.already_imported) == (0, 0, 1, True)
    assert DataImport.objects.count() == 1
    assert "déjà été importé" in again.summary()


def test_a_changed_value_is_updated_and_logged(small_world, tmp_path):
    """A new file with one changed population updates that value only, and points it to the new import."""
    small = {"code_insee": "59009", "pop_municipale_pl2023": "100"}
    first = [{"code_insee": "59350", "pop_municipale_pl2023": "1000"}, small]
    import_file(kind="reference-populations", path=files.populations(tmp_path, first))
    second = [{"code_insee": "59350", "pop_municipale_pl2023": "1001"}, small]
    report = import_file(kind="reference-populations", path=files.populations(tmp_path, second))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    changed = IndicatorValue.objects.get(territory_code="59350")
    assert changed.value == 1001 and changed.source_import == report.data_import


def test_dry_run_writes_nothing(small_world, tmp_path):
    """« Vérifier seulement » counts what would change and rolls everything back."""
    path = files.populations(tmp_path, [{"code_insee": "59350", "pop_municipale_pl2023": "1000"}])
    report = import_file(kind="reference-populations", path=path, dry_run=True)
    assert report.created == 1 and report.dry_run
    assert not IndicatorValue.objects.exists() and not DataImport.objects.exists()


def test_neet_rate_is_stored_as_a_fraction_without_numerator(small_world, tmp_path):
    """part_neet_2022_pct = 17,1 gives 0.171 for the EPCI, vintage « RP 2022 », no numerator nor denominator."""
    path = files.neet(tmp_path, [
        {"epci_siren": LILLE_EPCI, "part_neet_2022_pct": "17.1"},
        {"epci_siren": ARRAS_EPCI, "part_neet_2022_pct": "25"},
        {"epci_siren": "200000172", "part_neet_2022_pct": "12"},
    ])  # fmt: skip
    report = import_file(kind="reference-neet", path=path)
    assert (report.created, report.skipped, report.vintage) == (2, 1, "RP 2022")
    assert values("neet_rate")[(LILLE_EPCI, "")] == (pytest.approx(0.171), None, None, False)
    assert "sans numérateur ni dénominateur" in report.summary()


def test_neet_accepts_the_observatoire_export(small_world, tmp_path):
    """The Observatoire des territoires export (2 title lines, « ; », N/A) is read too; N/A stays unknown."""
    path = files.neet_observatoire(
        tmp_path, [(LILLE_EPCI, "MEL", "17,1"), (ARRAS_EPCI, "CU d'Arras", "N/A - résultat non disponible")]
    )
    report = import_file(kind="reference-neet", path=path)
    assert report.created == 1
    assert values("neet_rate") == {(LILLE_EPCI, ""): (pytest.approx(0.171), None, None, False)}


def test_bmo_basins_and_the_provisional_crosswalk(small_world, tmp_path):
    """Bassins are created from the crosswalk; every link is flagged provisional; communes outside are skipped."""
    report = load_basins(tmp_path)
    assert BmoBasin.objects.get(code="3211").departments == "59"
    assert BmoBasin.objects.count() == 3  # the bassin of the skipped commune is still a bassin
    assert CommuneBmoBasin.objects.filter(is_provisional=True).count() == 4
    assert report.skipped == 1
    assert load_basins(tmp_path).changed == 0


def test_bmo_values_keep_secrets_unknown(small_world, tmp_path):
    """« * » is stored as a secret without value (never 0); the difficulty rate carries xmet / met."""
    load_basins(tmp_path)
    path = files.bmo(tmp_path, [
        files.bmo_row("3211", "D0X31", "40", "30", "*"),
        files.bmo_row("3211", "G0B41", "*", "*", "*"),
        files.bmo_row("3222", "D0X31", "10", "0", "0"),
        files.bmo_row("1101", "D0X31", "99", "9", "9", reg="11"),
    ])  # fmt: skip
    report = import_file(kind="reference-bmo", path=path)
    assert (report.vintage, report.skipped, report.created) == ("BMO 2024", 1, 12)
    assert values("bmo_projects")[("3211", "D0X31")] == (40.0, None, None, False)
    assert values("bmo_seasonal_projects")[("3211", "D0X31")] == (None, None, None, True)
    assert values("bmo_projects")[("3211", "G0B41")] == (None, None, None, True)
    assert values("bmo_difficulty_rate")[("3211", "D0X31")] == (0.75, 30.0, 40.0, False)
    assert values("bmo_difficulty_rate")[("3211", "G0B41")][3] is True
    assert import_file(kind="reference-bmo", path=path).changed == 0


def test_trade_bmo_codes_map_the_filieres_to_the_trades(small_world, tmp_path):
    """Each filière goes to its trades (charpente to wood and metal); existing pairs are kept as they are."""
    rows = [
        {"code_metier_bmo": "G0B41", "nom_metier_bmo": "Mécaniciens", "filiere_projet": "automobile"},
        {"code_metier_bmo": "B1X33", "nom_metier_bmo": "Charpentiers", "filiere_projet": "bois_et_metal_charpente"},
        {"code_metier_bmo": "D0X31", "nom_metier_bmo": "Usineurs", "filiere_projet": "metal_usinage_mecanique"},
    ]
    report = import_file(kind="trade-bmo-codes", path=files.trade_codes(tmp_path, rows))
    pairs = set(TradeBmoCode.objects.values_list("trade__slug", "job_code"))
    expected = {("automobile", "G0B41"), ("bois-menuiserie", "B1X33"), ("usinage", "D0X31")}
    assert pairs == expected | {("metallerie-chaudronnerie", "B1X33")}
    assert report.created == 4
    TradeBmoCode.objects.filter(job_code="G0B41").update(job_label="Libellé corrigé à la main")
    again = import_file(kind="trade-bmo-codes", path=files.trade_codes(tmp_path, rows))
    assert again.changed == 0
    assert TradeBmoCode.objects.get(job_code="G0B41").job_label == "Libellé corrigé à la main"
    assert TradeBmoCode.history.count() == 4
