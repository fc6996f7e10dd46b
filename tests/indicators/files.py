"""Small files in the official layouts, written by the tests (one helper per source).

Each helper takes the folder and the rows (dicts by column name) and returns the path written.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from openpyxl import Workbook

RP_DIPLOMAS_COLUMNS = [
    "CODGEO", "P22_POP1517", "P22_POP1824", "P22_POP2529", "P22_SCOL1517", "P22_SCOL1824", "P22_NSCOL15P",
    "P22_NSCOL15P_DIPLMIN", "P22_NSCOL15P_BAC",
]  # fmt: skip
RP_EMPLOYMENT_COLUMNS = ["CODGEO", "P22_POP1524", "P22_ACT1524", "P22_ACTOCC1524", "P22_CHOM1524", "P22_POP1564"]
BMO_COLUMNS = [
    "annee", "Code métier BMO", "Nom métier BMO", "Famille_met", "Lbl_fam_met", "REG", "NOM_REG", "Dept", "NomDept",
    "BE24", "NOMBE24", "met", "xmet", "smet",
]  # fmt: skip
SCHOOL_COLUMNS = ["nom", "commune_insee", "siret", "uai", "metiers", "annee_ouverture", "source_url", "date_verif"]


def csv_text(columns: list[str], rows: list[dict], *, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(folder: Path, name: str, columns: list[str], rows: list[dict], *, delimiter: str = ",") -> Path:
    path = folder / name
    path.write_text(csv_text(columns, rows, delimiter=delimiter), encoding="utf-8")
    return path


def write_zip(folder: Path, name: str, members: dict[str, str]) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return path


def populations(folder: Path, rows: list[dict]) -> Path:
    return write_csv(folder, "communes.csv", ["code_insee", "nom", "departement", "pop_municipale_pl2023"], rows)


def neet(folder: Path, rows: list[dict]) -> Path:
    return write_csv(
        folder, "epci_neet_2022.csv", ["epci_siren", "epci_nom", "libelle_source", "part_neet_2022_pct", "note"], rows
    )


def neet_observatoire(folder: Path, rows: list[tuple[str, str, str]]) -> Path:
    """The Observatoire des territoires export: 2 title lines, then Code;Libellé;<label> <year>."""
    lines = [
        "Part des jeunes non insérés (ni en emploi, ni scolarisés - NEET)",
        "Référentiel géographique : EPCI / EPT (2025)",
        "Code;Libellé;Part des jeunes non insérés (ni en emploi, ni scolarisés - NEET) 2022",
        *(";".join(row) for row in rows),
    ]
    path = folder / "export_observatoire.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def basins(folder: Path, rows: list[dict]) -> Path:
    return write_csv(
        folder, "communes_bassins_bmo.csv", ["code_insee", "nom", "bassin_bmo_code", "bassin_bmo_libelle"], rows
    )


def bmo_row(basin: str, job: str, met: str, xmet: str, smet: str, *, reg: str = "32", year: str = "2024") -> dict:
    return {
        "annee": year, "Code métier BMO": job, "Nom métier BMO": f"Métier {job}", "Famille_met": "I",
        "Lbl_fam_met": "Ouvriers", "REG": reg, "NOM_REG": "Hauts-de-France", "Dept": "59", "NomDept": "Nord",
        "BE24": basin, "NOMBE24": f"BASSIN {basin}", "met": met, "xmet": xmet, "smet": smet,
    }  # fmt: skip


def bmo(folder: Path, rows: list[dict]) -> Path:
    return write_csv(folder, "bmo_2024_hdf.csv", BMO_COLUMNS, rows)


def trade_codes(folder: Path, rows: list[dict]) -> Path:
    columns = ["code_metier_bmo", "nom_metier_bmo", "famille_met", "libelle_famille", "filiere_projet"]
    return write_csv(folder, "bmo_metiers_cibles.csv", columns, rows)


def rp_diplomas(folder: Path, rows: list[dict], *, zipped: bool = False) -> Path:
    text = csv_text(RP_DIPLOMAS_COLUMNS, rows, delimiter=";")
    if zipped:
        return write_zip(
            folder,
            "base-cc-diplomes-formation-2022_csv.zip",
            {"base-cc-diplomes-formation-2022.CSV": text, "meta_base-cc-diplomes-formation-2022.CSV": "COD_VAR;LIB\n"},
        )
    path = folder / "base-cc-diplomes-formation-2022.CSV"
    path.write_text(text, encoding="utf-8")
    return path


def rp_employment(folder: Path, rows: list[dict]) -> Path:
    return write_csv(folder, "base-cc-emploi-pop-active-2022.CSV", RP_EMPLOYMENT_COLUMNS, rows, delimiter=";")


def unemployment_xlsx(folder: Path, rows: list[list], quarters: list[str], *, sheet: str = "txcho_ze") -> Path:
    """The INSEE workbook: 5 title rows, then ZE2020, LIBZE2020, REG, LIBREG and one column per quarter."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(["Taux de chômage localisés par zone d'emploi"])
    worksheet.append(["Données trimestrielles CVS, en %"])
    worksheet.append([])
    worksheet.append(["Source : Insee, taux de chômage localisés"])
    worksheet.append([])
    worksheet.append(["ZE2020", "LIBZE2020", "REG", "LIBREG", *quarters])
    for row in rows:
        worksheet.append(row)
    path = folder / "chomage-zone-t1-2003-t2-2025.xlsx"
    workbook.save(path)
    return path


def industry_territories(folder: Path, rows: list[dict]) -> Path:
    return write_csv(
        folder, "territoires-industrie.csv", ["id_ti", "lib_ti", "siren_epci", "lib_epci"], rows, delimiter=";"
    )


def qpv_feature(code: str, name: str, communes, *, geometry: dict | None = None) -> dict:
    ring = [[3.0, 50.6], [3.01, 50.6], [3.01, 50.61], [3.0, 50.61], [3.0, 50.6]]
    return {
        "type": "Feature",
        "properties": {"code_qp": code, "lib_qp": name, "insee_com": communes, "lib_com": "Commune"},
        "geometry": geometry if geometry is not None else {"type": "Polygon", "coordinates": [ring]},
    }


def qpv(folder: Path, features: list[dict], *, zipped: bool = False) -> Path:
    text = json.dumps({"type": "FeatureCollection", "features": features})
    if zipped:
        return write_zip(folder, "qpv.zip", {"QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson": text})
    path = folder / "QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson"
    path.write_text(text, encoding="utf-8")
    return path


def cfa(folder: Path, rows: list[dict]) -> Path:
    columns = ["Numéro UAI", "Numéro SIRET", "Raison sociale", "Code commune INSEE", "Latitude", "Longitude"]
    return write_csv(folder, "referentiel-ofa-cfa.csv", columns, rows, delimiter=";")


def schools(folder: Path, rows: list[dict]) -> Path:
    return write_csv(folder, "ecoles_de_production.csv", SCHOOL_COLUMNS, rows)
