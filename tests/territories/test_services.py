from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings
from django.db.models import Sum

from essaim.territories.models import Commune, Department, EmploymentZone, Epci, Region
from essaim.territories.services import TerritoryDataError, territories_load
from tests.territories import dataset

pytestmark = pytest.mark.django_db


def _snapshot():
    """Every stored territory value, to compare the database before and after a failed load."""
    return {
        model.__name__: sorted(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))
        for model in (Region, Department, EmploymentZone, Epci, Commune)
    }


def _load_with(tmp_path, file, change):
    """Write the default dataset, apply ``change`` to the rows of ``file``, load it."""
    csv_rows = dataset.rows()
    change(csv_rows[file])
    dataset.write_dataset(tmp_path, csv_rows=csv_rows)
    return territories_load(data_dir=tmp_path)


def test_load_creates_every_territory_with_its_values(tmp_path):
    """A first load creates the région, départements, zones d'emploi, EPCI and communes."""
    report = territories_load(data_dir=dataset.write_dataset(tmp_path))

    assert [(r.created, r.updated, r.unchanged) for r in report] == [
        (1, 0, 0),
        (2, 0, 0),
        (2, 0, 0),
        (2, 0, 0),
        (3, 0, 0),
    ]
    lille = Commune.objects.select_related("department__region", "epci", "employment_zone").get(code="59350")
    assert lille.name == "Lille"
    assert lille.department.code == "59"
    assert lille.department.region.name == "Hauts-de-France"
    assert lille.epci.siren == "200093201"
    assert lille.employment_zone.code == "3214"
    assert lille.population == 235_000
    assert lille.postal_codes == "59000, 59160, 59260"
    assert lille.latitude == Decimal("50.63000")
    assert lille.contour == dataset.square(3.0, 50.6)
    arras = Epci.objects.get(siren="200033579")
    assert (arras.nature, arras.is_interregional, arras.population, arras.population_in_region) == (
        "CU",
        True,
        45_000,
        40_000,
    )
    assert arras.contour["type"] == "MultiPolygon"
    assert EmploymentZone.objects.get(code="3204").is_cross_regional is True
    assert Department.objects.get(code="59").prefecture_code == "59350"


def test_load_keeps_codes_as_text_with_leading_zeros(tmp_path):
    """An INSEE code such as 02001 keeps its leading zero."""
    csv_rows = dataset.rows()
    csv_rows["departements.csv"][1] |= {"code": "02", "nom": "Aisne"}
    csv_rows["communes.csv"][2] |= {"code_insee": "02001", "departement": "02"}
    geo = dataset.features()
    geo["geo/departements.geojson"][1]["properties"]["code"] = "02"
    geo["geo/communes.geojson"][1]["properties"]["code_insee"] = "02001"
    territories_load(data_dir=dataset.write_dataset(tmp_path, csv_rows=csv_rows, geo_features=geo))

    assert Commune.objects.get(code="02001").department.code == "02"


def test_commune_without_contour_is_loaded_and_reported(tmp_path):
    """A commune missing from communes.geojson is loaded without contour and counted in the report."""
    report = territories_load(data_dir=dataset.write_dataset(tmp_path))

    assert Commune.objects.get(code="59009").contour is None
    assert Commune.objects.get(code="59009").latitude is None
    assert report.communes.without_contour == 1
    assert "1 sans contour" in report.communes.summary()


def test_second_load_creates_and_updates_nothing(tmp_path):
    """Loading the same files twice is idempotent: 0 created, 0 updated."""
    dataset.write_dataset(tmp_path)
    territories_load(data_dir=tmp_path)

    report = territories_load(data_dir=tmp_path)

    assert (report.created, report.updated) == (0, 0)
    assert [r.unchanged for r in report] == [1, 2, 2, 2, 3]


def test_second_load_updates_only_what_changed(tmp_path):
    """A changed population or contour updates that row only; a new commune is created."""
    dataset.write_dataset(tmp_path)
    territories_load(data_dir=tmp_path)
    csv_rows, geo = dataset.rows(), dataset.features()
    csv_rows["communes.csv"][0]["pop_municipale_pl2023"] = "236000"
    csv_rows["communes.csv"].append(
        {"code_insee": "59017", "nom": "Armentières", "departement": "59", "epci_siren": "200093201",
         "pop_municipale_pl2023": "25000", "ze2020_code": "3214"}
    )  # fmt: skip
    geo["geo/epci.geojson"][0]["geometry"] = dataset.square(3.0, 50.5, 0.4)
    dataset.write_dataset(tmp_path, csv_rows=csv_rows, geo_features=geo)

    report = territories_load(data_dir=tmp_path)

    assert (report.communes.created, report.communes.updated, report.communes.unchanged) == (1, 1, 2)
    assert (report.epcis.updated, report.epcis.unchanged) == (1, 1)
    assert Commune.objects.get(code="59350").population == 236_000
    assert Epci.objects.get(siren="200093201").contour == dataset.square(3.0, 50.5, 0.4)


def test_territory_absent_from_files_is_kept_and_reported(tmp_path):
    """A commune that disappeared from the files is not deleted (projects may refer to it)."""
    dataset.write_dataset(tmp_path)
    territories_load(data_dir=tmp_path)
    csv_rows = dataset.rows()
    del csv_rows["communes.csv"][1]
    dataset.write_dataset(tmp_path, csv_rows=csv_rows)

    report = territories_load(data_dir=tmp_path)

    assert report.communes.not_in_files == 1
    assert Commune.objects.filter(code="59009").exists()


def test_bad_commune_line_names_file_and_line_and_writes_nothing(tmp_path):
    """A non-numeric population on line 4 of communes.csv aborts the load, database unchanged."""
    dataset.write_dataset(tmp_path)
    territories_load(data_dir=tmp_path)
    before = _snapshot()
    csv_rows = dataset.rows()
    csv_rows["departements.csv"][0]["pop_municipale_pl2023"] = "1"  # would be an update
    csv_rows["communes.csv"][2]["pop_municipale_pl2023"] = "12 000"
    dataset.write_dataset(tmp_path, csv_rows=csv_rows)

    with pytest.raises(TerritoryDataError) as error:
        territories_load(data_dir=tmp_path)

    assert str(error.value) == (
        "communes.csv, ligne 4, colonne « pop_municipale_pl2023 » : "
        "population non numérique « 12 000 » (entier positif attendu)."
    )
    assert (error.value.file, error.value.line) == ("communes.csv", 4)
    assert _snapshot() == before


def test_error_while_writing_rolls_everything_back(tmp_path):
    """A database error on the communes rolls back the départements already updated."""
    dataset.write_dataset(tmp_path)
    territories_load(data_dir=tmp_path)
    before = _snapshot()
    csv_rows = dataset.rows()
    csv_rows["departements.csv"][0]["pop_municipale_pl2023"] = "1"
    csv_rows["communes.csv"][0]["pop_municipale_pl2023"] = "2"
    dataset.write_dataset(tmp_path, csv_rows=csv_rows)

    with (
        mock.patch.object(Commune.objects, "bulk_update", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        territories_load(data_dir=tmp_path)

    assert _snapshot() == before


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        (
            "communes.csv",
            lambda rows: rows[1].update(code_insee=""),
            "communes.csv, ligne 3, colonne « code_insee » : code INSEE vide.",
        ),
        (
            "communes.csv",
            lambda rows: rows[1].update(epci_siren="999999999"),
            "communes.csv, ligne 3, colonne « epci_siren » : EPCI « 999999999 » inconnu(e) (absent(e) de epci.csv).",
        ),
        (
            "communes.csv",
            lambda rows: rows[2].update(departement="80"),
            "communes.csv, ligne 4, colonne « departement » : département « 80 » inconnu(e) "
            "(absent(e) de departements.csv).",
        ),
        (
            "communes.csv",
            lambda rows: rows[0].update(ze2020_code="0054"),
            "communes.csv, ligne 2, colonne « ze2020_code » : zone d'emploi « 0054 » inconnu(e) "
            "(absent(e) de zones_emploi.csv).",
        ),
        (
            "communes.csv",
            lambda rows: rows[2].update(code_insee="59350"),
            "communes.csv, ligne 4, colonne « code_insee » : code INSEE « 59350 » en double (déjà présent ligne 2).",
        ),
        (
            "communes.csv",
            lambda rows: rows[0].update(centroide_lat="nord"),
            "communes.csv, ligne 2, colonne « centroide_lat » : coordonnée invalide « nord ».",
        ),
        (
            "epci.csv",
            lambda rows: rows[0].update(pop_municipale_pl2023="-3"),
            "epci.csv, ligne 2, colonne « pop_municipale_pl2023 » : population non numérique « -3 » "
            "(entier positif attendu).",
        ),
        (
            "epci.csv",
            lambda rows: rows[1].update(nature="SIVOM"),
            "epci.csv, ligne 3, colonne « nature » : nature juridique « SIVOM » inconnue "
            "(attendu : CC, CA, CU, METRO).",
        ),
        (
            "zones_emploi.csv",
            lambda rows: rows[0].update(transregionale="peut-être"),
            "zones_emploi.csv, ligne 2, colonne « transregionale » : valeur « peut-être » inattendue "
            "(« oui » ou « non » attendu).",
        ),
        (
            "departements.csv",
            lambda rows: rows[1].update(nom=""),
            "departements.csv, ligne 3, colonne « nom » : nom vide.",
        ),
    ],
    ids=[
        "empty-code",
        "unknown-epci",
        "unknown-department",
        "unknown-employment-zone",
        "duplicate-code",
        "bad-coordinate",
        "negative-population",
        "unknown-nature",
        "bad-yes-no",
        "empty-name",
    ],
)
def test_bad_value_raises_french_error_naming_file_line_and_column(tmp_path, file, change, expected):
    """Each kind of bad value gives a French message with the file, line and column."""
    with pytest.raises(TerritoryDataError) as error:
        _load_with(tmp_path, file, change)

    assert str(error.value) == expected
    assert not Commune.objects.exists()


@pytest.mark.parametrize("name", ["communes.csv", "epci.csv", "geo/communes.geojson", "geo/departements.geojson"])
def test_missing_file_raises_french_error(tmp_path, name):
    """A missing file is named in the error."""
    dataset.write_dataset(tmp_path)
    (tmp_path / name).unlink()

    with pytest.raises(TerritoryDataError, match=f"^{name} : fichier introuvable"):
        territories_load(data_dir=tmp_path)


def test_missing_column_raises_french_error(tmp_path):
    """A column missing from the header is named with the file and line 1."""
    dataset.write_dataset(tmp_path)
    path = tmp_path / "communes.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("pop_municipale_pl2023", "population", 1), encoding="utf-8"
    )

    with pytest.raises(TerritoryDataError) as error:
        territories_load(data_dir=tmp_path)

    assert (
        str(error.value)
        == "communes.csv, ligne 1, colonne « pop_municipale_pl2023 » : colonne manquante dans l'en-tête."
    )


def test_unreadable_geojson_raises_french_error_with_position(tmp_path):
    """A GeoJSON file that is not JSON is reported with its line and column."""
    dataset.write_dataset(tmp_path)
    (tmp_path / "geo/epci.geojson").write_text('{"type": "FeatureCollection",\n "features": [}')

    with pytest.raises(TerritoryDataError, match=r"^geo/epci\.geojson, ligne 2 : GeoJSON illisible, colonne 15"):
        territories_load(data_dir=tmp_path)


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [3.0, 50.0]}, "géométrie de type « Point » non prise en charge"),
        ({"type": "Polygon", "coordinates": [[[3.0, 50.0], [3.1, 50.0], [3.0, 50.0]]]}, "anneau de moins de 4"),
        ({"type": "Polygon", "coordinates": [[[3.0, "50"], [3.1, 50], [3.1, 50.1], [3.0, 50.0]]]}, "position invalide"),
        (None, "géométrie de type « NoneType » non prise en charge"),
    ],
    ids=["point", "short-ring", "text-coordinate", "no-geometry"],
)
def test_malformed_geometry_raises_french_error_naming_the_feature(tmp_path, geometry, message):
    """A malformed geometry names the file and the feature (number and code)."""
    geo = dataset.features()
    geo["geo/communes.geojson"][1]["geometry"] = geometry
    dataset.write_dataset(tmp_path, geo_features=geo)

    with pytest.raises(TerritoryDataError) as error:
        territories_load(data_dir=tmp_path)

    assert str(error.value).startswith("geo/communes.geojson : entité n° 2 (code_insee 62041) : " + message)


def test_geojson_feature_with_unknown_code_is_refused(tmp_path):
    """A contour whose code is in no CSV file means the files do not match."""
    geo = dataset.features()
    geo["geo/epci.geojson"][0]["properties"]["siren"] = "123456789"
    dataset.write_dataset(tmp_path, geo_features=geo)

    with pytest.raises(TerritoryDataError, match=r"entité n° 1 \(siren 123456789\) : code inconnu des fichiers CSV"):
        territories_load(data_dir=tmp_path)


def test_load_writes_a_summary_to_stdout(tmp_path):
    """With ``stdout``, one French line per model is written."""
    lines = []

    class Output:
        def write(self, text):
            lines.append(text)

    territories_load(data_dir=dataset.write_dataset(tmp_path), stdout=Output())

    assert lines[-1] == "Communes : 3 créé(s), 0 mis à jour, 0 inchangé(s) ; 1 sans contour\n"


@pytest.mark.skipif(not (settings.ESSAIM_DATA_DIR / "communes.csv").is_file(), reason="jeu de données absent")
def test_real_dataset_loads_every_territory():
    """The reference dataset: 3 782 communes, 92 EPCI, 24 ZE, 5 départements, Nord = sum of its communes."""
    report = territories_load(data_dir=settings.ESSAIM_DATA_DIR)

    assert (report.communes.created, report.epcis.created) == (3782, 92)
    assert Commune.objects.count() == 3782
    assert Epci.objects.count() == 92
    assert EmploymentZone.objects.count() == 24
    assert Department.objects.count() == 5
    nord = Department.objects.get(code="59")
    assert nord.population == Commune.objects.filter(department=nord).aggregate(total=Sum("population"))["total"]
    assert Commune.objects.filter(shape__isnull=True).count() == 0
    second = territories_load(data_dir=settings.ESSAIM_DATA_DIR)
    assert (second.created, second.updated) == (0, 0)
