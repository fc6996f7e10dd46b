"""A tiny reference dataset in the official layout (same files, same columns as ESSAIM_DATA_DIR).

``write_dataset(tmp_path)`` writes 2 départements, 2 zones d'emploi, 2 EPCI and 3 communes;
``rows`` returns the rows as dicts so that a test can alter one before writing.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.territories.factories import square_contour as square

HEADERS = {
    "departements.csv": [
        "code", "nom", "chef_lieu_code", "chef_lieu_nom", "nb_communes", "nb_epci", "nb_zones_emploi",
        "pop_municipale_pl2023",
    ],
    "zones_emploi.csv": [
        "ze2020_code", "libelle", "nb_communes_hdf", "departements", "pop_municipale_pl2023_hdf", "transregionale",
        "nb_communes_hors_hdf_2022", "partie_regionale",
    ],
    "epci.csv": [
        "siren", "nom", "nature", "mode_financement", "nb_communes", "nb_communes_hdf", "departements",
        "interregional", "pmun_dgcl_2025", "ptot_dgcl_2025", "pop_municipale_pl2023", "pop_municipale_pl2023_hdf",
        "centroide_lat", "centroide_lon",
    ],
    "communes.csv": [
        "code_insee", "nom", "departement", "arrondissement", "siren_commune", "epci_siren", "epci_nom",
        "epci_nature", "pop_municipale_pl2023", "pmun_dgcl_2025", "ptot_dgcl_2025", "codes_postaux", "ze2020_code",
        "ze2020_libelle", "ze2020_note", "centroide_lat", "centroide_lon",
    ],
}  # fmt: skip


def rows() -> dict[str, list[dict[str, str]]]:
    """Fresh, consistent rows for every CSV file (populations add up)."""
    return {
        "departements.csv": [
            {"code": "59", "nom": "Nord", "chef_lieu_code": "59350", "chef_lieu_nom": "Lille",
             "pop_municipale_pl2023": "240000"},
            {"code": "62", "nom": "Pas-de-Calais", "chef_lieu_code": "62041", "chef_lieu_nom": "Arras",
             "pop_municipale_pl2023": "40000"},
        ],
        "zones_emploi.csv": [
            {"ze2020_code": "3214", "libelle": "Lille", "pop_municipale_pl2023_hdf": "240000",
             "transregionale": "non"},
            {"ze2020_code": "3204", "libelle": "Arras", "pop_municipale_pl2023_hdf": "40000",
             "transregionale": "oui"},
        ],
        "epci.csv": [
            {"siren": "200093201", "nom": "Métropole Européenne de Lille", "nature": "METRO",
             "interregional": "non", "pop_municipale_pl2023": "240000", "pop_municipale_pl2023_hdf": "240000",
             "centroide_lat": "50.63", "centroide_lon": "3.05"},
            {"siren": "200033579", "nom": "CU d'Arras", "nature": "CU", "interregional": "oui",
             "pop_municipale_pl2023": "45000", "pop_municipale_pl2023_hdf": "40000",
             "centroide_lat": "50.29", "centroide_lon": "2.78"},
        ],
        "communes.csv": [
            {"code_insee": "59350", "nom": "Lille", "departement": "59", "siren_commune": "215903501",
             "epci_siren": "200093201", "pop_municipale_pl2023": "235000", "codes_postaux": "59000|59160|59260",
             "ze2020_code": "3214", "centroide_lat": "50.63", "centroide_lon": "3.05"},
            {"code_insee": "59009", "nom": "Villeneuve-d'Ascq", "departement": "59", "siren_commune": "",
             "epci_siren": "200093201", "pop_municipale_pl2023": "5000", "codes_postaux": "59491",
             "ze2020_code": "3214", "centroide_lat": "", "centroide_lon": ""},
            {"code_insee": "62041", "nom": "Arras", "departement": "62", "siren_commune": "216200410",
             "epci_siren": "200033579", "pop_municipale_pl2023": "40000", "codes_postaux": "62000",
             "ze2020_code": "3204", "centroide_lat": "50.29", "centroide_lon": "2.78"},
        ],
    }  # fmt: skip


def features() -> dict[str, list[dict]]:
    """Fresh GeoJSON features for every geo file (Villeneuve-d'Ascq has no contour)."""

    def feature(properties, geometry):
        return {"type": "Feature", "properties": properties, "geometry": geometry}

    return {
        "geo/departements.geojson": [
            feature({"code": "59"}, square(3.0, 50.5, 0.3)),
            feature({"code": "62"}, square(2.7, 50.2, 0.3)),
        ],
        "geo/zones_emploi.geojson": [
            feature({"ze2020_code": "3214"}, square(3.0, 50.5, 0.3)),
            feature({"ze2020_code": "3204"}, square(2.7, 50.2, 0.3)),
        ],
        "geo/epci.geojson": [
            feature({"siren": "200093201"}, square(3.0, 50.5, 0.3)),
            feature(
                {"siren": "200033579"}, {"type": "MultiPolygon", "coordinates": [square(2.7, 50.2)["coordinates"]]}
            ),
        ],
        "geo/communes.geojson": [
            feature({"code_insee": "59350"}, square(3.0, 50.6)),
            feature({"code_insee": "62041"}, square(2.7, 50.2)),
        ],
    }


def write_csv(data_dir: Path, name: str, file_rows: list[dict[str, str]]) -> None:
    with (data_dir / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADERS[name], restval="")
        writer.writeheader()
        writer.writerows(file_rows)


def write_geojson(data_dir: Path, name: str, file_features: list[dict]) -> None:
    (data_dir / "geo").mkdir(exist_ok=True)
    (data_dir / name).write_text(json.dumps({"type": "FeatureCollection", "features": file_features}))


def write_dataset(data_dir: Path, csv_rows: dict | None = None, geo_features: dict | None = None) -> Path:
    """Write the whole dataset into ``data_dir`` (default rows and features unless given)."""
    for name, file_rows in (csv_rows or rows()).items():
        write_csv(data_dir, name, file_rows)
    for name, file_features in (geo_features or features()).items():
        write_geojson(data_dir, name, file_features)
    return data_dir
