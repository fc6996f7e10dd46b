"""The selectors contract (essaim.indicators.selectors) on a small world, and on the real reference dataset."""

from pathlib import Path

import pytest
from django.conf import settings

from essaim.indicators.selectors import (
    IndicatorInfo,
    basin_recruitment_projects,
    commune_demand,
    demand_measures,
    indicator_catalogue,
    indicator_table,
)
from essaim.indicators.services import import_file
from tests.indicators import files
from tests.indicators.conftest import ARRAS_EPCI, LILLE_EPCI

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(small_world, tmp_path):
    """The small world with census, NEET, BMO (with secrets), Territoires d'industrie and unemployment."""
    diplomas = [
        {"CODGEO": code, "P22_POP1517": pop, "P22_POP1824": "10", "P22_SCOL1517": scol, "P22_SCOL1824": "5",
         "P22_NSCOL15P": "10", "P22_NSCOL15P_DIPLMIN": "1"}
        for code, pop, scol in [("59350", "1000", "100"), ("59009", "100", "30"), ("62041", "400", "200"),
                                ("59183", "500", "250")]
    ]  # fmt: skip
    import_file(kind="insee-rp-diplomas", path=files.rp_diplomas(tmp_path, diplomas))
    neet = [
        {"epci_siren": LILLE_EPCI, "part_neet_2022_pct": "20"},
        {"epci_siren": ARRAS_EPCI, "part_neet_2022_pct": "10"},
    ]
    import_file(kind="reference-neet", path=files.neet(tmp_path, neet))
    crosswalk = [
        {"code_insee": code, "bassin_bmo_code": basin, "bassin_bmo_libelle": f"BASSIN {basin}"}
        for code, basin in [("59350", "3211"), ("59009", "3211"), ("59183", "3211"), ("62041", "3222")]
    ]
    import_file(kind="reference-bmo-basins", path=files.basins(tmp_path, crosswalk))
    bmo = [
        files.bmo_row("3211", "D0X31", "40", "30", "4"),
        files.bmo_row("3211", "D0X30", "*", "*", "*"),
        files.bmo_row("3211", "G0B41", "16", "8", "0"),
        files.bmo_row("3222", "D0X31", "*", "*", "*"),
        files.bmo_row("3222", "D0X30", "*", "*", "*"),
    ]
    import_file(kind="reference-bmo", path=files.bmo(tmp_path, bmo))
    codes = [
        {"code_metier_bmo": "D0X31", "nom_metier_bmo": "Usinage qualifié", "filiere_projet": "metal_usinage_mecanique"},
        {"code_metier_bmo": "D0X30", "nom_metier_bmo": "Usinage", "filiere_projet": "metal_usinage_mecanique"},
        {"code_metier_bmo": "G0B41", "nom_metier_bmo": "Mécaniciens", "filiere_projet": "automobile"},
    ]
    import_file(kind="trade-bmo-codes", path=files.trade_codes(tmp_path, codes))
    ti = [{"id_ti": "TI-1", "lib_ti": "Métropole industrielle", "siren_epci": LILLE_EPCI}]
    import_file(kind="industry-territories", path=files.industry_territories(tmp_path, ti))
    unemployment = [["3214", "Lille", "32", "HdF", 10.0], ["3204", "Arras", "32", "HdF", 8.0]]
    import_file(kind="insee-unemployment-ze", path=files.unemployment_xlsx(tmp_path, unemployment, ["2025-T1"]))
    return small_world


def test_catalogue_lists_every_indicator_with_its_vintage_and_caveat(loaded):
    """Each indicator comes with source, latest vintage ('' if not imported) and French caveat."""
    catalogue = {info.code: info for info in indicator_catalogue()}
    assert isinstance(catalogue["neet_rate"], IndicatorInfo)
    assert catalogue["neet_rate"].vintage == "RP 2022" and catalogue["neet_rate"].kind == "rate"
    assert catalogue["bmo_projects"].is_trade_specific and "provisoire" in catalogue["bmo_projects"].caveat
    assert catalogue["bmo_projects_per_1000"].vintage == "BMO 2024"
    assert catalogue["cfa_count"].vintage == "" and not catalogue["cfa_count"].higher_means_more_need
    assert catalogue["unemployment_rate_ze"].vintage == "2025-T1"


def test_rate_at_epci_level_is_sum_of_numerators_over_sum_of_denominators(loaded):
    """10 % of 1 000 and 30 % of 100 give 130 / 1 100 = 11,8 % for the EPCI, not the 20 % of a plain mean."""
    epcis = indicator_table(level="epci")
    assert epcis[LILLE_EPCI]["enrolment_rate_15_17"] == pytest.approx(130 / 1100)
    assert epcis[LILLE_EPCI]["youths_15_17"] == 1100
    zones = indicator_table(level="employment_zone")
    assert zones["3214"]["enrolment_rate_15_17"] == pytest.approx(380 / 1600)  # crosses both EPCI
    departments = indicator_table(level="department")
    assert departments["62"]["enrolment_rate_15_17"] == pytest.approx(0.5)
    assert indicator_table(level="commune")["59009"]["enrolment_rate_15_17"] == pytest.approx(0.3)


def test_published_rates_are_exact_at_their_level_and_population_weighted_above(loaded):
    """NEET by EPCI: the published rate for the EPCI and its communes; for a zone, weighted by population."""
    assert indicator_table(level="epci")[LILLE_EPCI]["neet_rate"] == 0.2
    assert indicator_table(level="commune")["59183"]["neet_rate"] == pytest.approx(0.1)
    zone = indicator_table(level="employment_zone")["3214"]
    assert zone["neet_rate"] == pytest.approx((1000 * 0.2 + 100 * 0.2 + 500 * 0.1) / 1600)
    assert zone["unemployment_rate_ze"] == pytest.approx(0.1)
    assert indicator_table(level="epci")[ARRAS_EPCI]["unemployment_rate_ze"] == pytest.approx(
        (500 * 0.1 + 400 * 0.08) / 900
    )


def test_flag_reads_as_the_share_of_population_covered_above_its_level(loaded):
    """Territoire d'industrie: 1 / 0 for EPCI and communes, the population share for a zone d'emploi."""
    assert indicator_table(level="epci")[LILLE_EPCI]["industry_territory"] == 1.0
    assert indicator_table(level="commune")["59183"]["industry_territory"] == 0.0
    assert indicator_table(level="employment_zone")["3214"]["industry_territory"] == pytest.approx(1100 / 1600)


def test_bmo_for_a_trade_sums_its_codes_and_never_reads_secrets_as_zero(loaded):
    """Usinage = D0X31 + D0X30: bassin 3211 gives 40 (D0X30 secret), shared by population; 3222 all secret → None."""
    communes = indicator_table(level="commune", trade_slug="usinage")
    assert communes["59350"]["bmo_projects"] == pytest.approx(40 * 1000 / 1600)
    assert communes["62041"]["bmo_projects"] is None
    assert communes["62041"]["bmo_difficulty_rate"] is None
    assert communes["59350"]["bmo_difficulty_rate"] == pytest.approx(0.75)
    assert communes["59350"]["bmo_projects_per_1000"] == pytest.approx(25.0)
    epcis = indicator_table(level="epci", trade_slug="usinage")
    assert epcis[LILLE_EPCI]["bmo_projects"] == pytest.approx(40 * 1100 / 1600)
    everything = indicator_table(level="department")
    assert everything["59"]["bmo_projects"] == pytest.approx(56)
    assert everything["62"]["bmo_projects"] is None


def test_basin_recruitment_projects_are_the_whole_bassin_s_never_a_secret_as_zero(loaded):
    """Each commune gets its bassin's published projects for the trade (40 in 3211, not a population share);
    a bassin whose values are all secret is unknown (left out), a trade without code has none."""
    projects = basin_recruitment_projects(trade_slug="usinage")
    assert projects["59350"] == projects["59009"] == 40.0
    assert "62041" not in projects
    assert basin_recruitment_projects(trade_slug="textile") == {}


def test_a_trade_without_bmo_code_gets_none_everywhere(loaded):
    """Textile has no BMO code: its BMO indicators are unknown, its other indicators are there."""
    row = indicator_table(level="epci", trade_slug="textile")[LILLE_EPCI]
    assert row["bmo_projects"] is None and row["bmo_projects_per_1000"] is None
    assert row["neet_rate"] == 0.2


def test_every_indicator_is_a_key_even_without_data(loaded):
    """Indicators not imported are present with None (the score engine then reports them without data)."""
    row = indicator_table(level="commune")["59350"]
    assert row["cfa_count"] is None and row["qpv_count"] is None
    assert row["population"] is None  # the populations file was not imported in this world


def test_codes_restrict_the_territories_returned(loaded):
    """``codes`` keeps only the territories asked for."""
    assert set(indicator_table(level="commune", codes=["59350", "62041", "99999"])) == {"59350", "62041"}


def test_unknown_level_or_trade_is_refused(loaded):
    """A French ValueError for a level or trade that does not exist."""
    with pytest.raises(ValueError, match="Niveau « region » non pris en charge"):
        indicator_table(level="region")
    with pytest.raises(ValueError, match="Métier « aeronautique » inconnu"):
        indicator_table(level="epci", trade_slug="aeronautique")


def test_indicator_table_runs_a_fixed_number_of_queries(loaded, django_assert_max_num_queries):
    """Values are fetched in bulk: a handful of queries whatever the number of territories."""
    with django_assert_max_num_queries(8):
        indicator_table(level="commune", trade_slug="usinage")
    with django_assert_max_num_queries(6):
        indicator_table(level="department")


def test_commune_demand_youths_then_neet_estimate(small_world, tmp_path):
    """Without the census: population × EPCI NEET rate; with it: youths 15-24 from the census."""
    neet = [
        {"epci_siren": LILLE_EPCI, "part_neet_2022_pct": "20"},
        {"epci_siren": ARRAS_EPCI, "part_neet_2022_pct": "10"},
    ]
    import_file(kind="reference-neet", path=files.neet(tmp_path, neet))
    assert [code for code, _ in demand_measures()] == ["neet_estimate", "population"]
    fallback = commune_demand()
    assert fallback == commune_demand(measure="neet_estimate")
    assert fallback["59350"] == pytest.approx(200.0) and fallback["62041"] == pytest.approx(40.0)
    rows = [{"CODGEO": "59350", "P22_POP1524": "150", "P22_ACT1524": "50", "P22_CHOM1524": "10"}]
    import_file(kind="insee-rp-employment", path=files.rp_employment(tmp_path, rows))
    assert commune_demand() == {"59350": 150.0}
    assert commune_demand(measure="neet_youths") == {"59350": pytest.approx(30.0)}
    assert commune_demand(measure="population")["59009"] == 100.0
    assert [code for code, _ in demand_measures()] == ["youths_15_24", "neet_youths", "neet_estimate", "population"]
    with pytest.raises(ValueError, match="Mesure de la demande"):
        commune_demand(measure="inconnue")


REFERENCE_DIR = Path(settings.ESSAIM_DATA_DIR)


@pytest.mark.skipif(not (REFERENCE_DIR / "bmo_2024_hdf.csv").is_file(), reason="jeu de référence absent")
def test_selectors_on_the_real_reference_dataset(reference_territories):
    """On Hauts-de-France: 3 782 communes, NEET of every EPCI, BMO for the seeded trades, secrets kept unknown."""
    from essaim.indicators.services import reference_load

    reference_load(data_dir=REFERENCE_DIR)
    communes = indicator_table(level="commune", trade_slug="usinage")
    assert len(communes) == 3782
    assert all(row["population"] is not None and row["neet_rate"] is not None for row in communes.values())
    departments = indicator_table(level="department")
    assert sum(row["population"] for row in departments.values()) == 5_992_194
    assert sum(row["bmo_projects"] for row in indicator_table(level="department", trade_slug="usinage").values()) > 0
    assert all(row["bmo_projects"] is None for row in indicator_table(level="epci", trade_slug="textile").values())
    assert len(commune_demand()) == 3782
