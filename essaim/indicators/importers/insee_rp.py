"""INSEE census (recensement de la population) bases by commune, as downloaded from insee.fr.

Accepted: the zip as downloaded (its single data CSV is read, ``meta_*`` dictionaries skipped) or
the CSV itself. Layout of INSEE: ``;`` separator, UTF-8, key column ``CODGEO`` (text), variables
prefixed with the census year (``P22_`` for RP 2022 → vintage « RP 2022 »). Only the communes of
the reference table (Hauts-de-France) are kept; the other rows are counted as skipped. An empty
cell is unknown (no value), never 0.

* « Diplômes – formation » (``base-cc-diplomes-formation-AAAA.CSV``): ``PAA_POP1517``,
  ``PAA_POP1824``, ``PAA_SCOL1517``, ``PAA_SCOL1824``, ``PAA_NSCOL15P``, ``PAA_NSCOL15P_DIPLMIN``;
* « Emploi – population active » (``base-cc-emploi-pop-active-AAAA``): ``PAA_POP1524``,
  ``PAA_ACT1524``, ``PAA_CHOM1524``.
"""

from __future__ import annotations

import re
from pathlib import Path

from essaim.indicators.enums import ImportKind, TerritoryLevel
from essaim.indicators.importers.base import (
    DataImportError,
    ParsedValues,
    ValueRow,
    ValuesImporter,
    check_unique,
    rate_row,
    read_csv,
    reference_codes,
)
from essaim.territories.models import Commune


class _RpImporter(ValuesImporter):
    # Variables without their year prefix, the first one is used to find the prefix.
    variables: tuple[str, ...] = ()

    def parse(self, path: Path, *, file_name: str, vintage: str | None) -> ParsedValues:
        table = read_csv(path, file=file_name, delimiter=";")
        table.require(["CODGEO"])
        prefixes = [m.group(1) for c in table.header if (m := re.fullmatch(rf"P(\d\d)_{self.variables[0]}", c))]
        if not prefixes:
            raise DataImportError(
                "colonne manquante dans l'en-tête (fichier INSEE attendu, séparateur « ; »).",
                file=table.file,
                line=1,
                column=f"PAA_{self.variables[0]}",
            )
        year = prefixes[0]
        columns = {variable: f"P{year}_{variable}" for variable in self.variables}
        table.require(columns.values())
        vintage = vintage or f"RP 20{year}"
        communes = reference_codes(Commune, "code", file=table.file, what="commune")
        check_unique(((row.required("CODGEO", "code commune"), row, "CODGEO") for row in table.rows), "commune")
        values, skipped = [], 0
        for row in table.rows:
            code = row.text("CODGEO")
            cells = {variable: row.number(column, allow_empty=True) for variable, column in columns.items()}
            if code not in communes:
                skipped += 1
                continue
            values.extend(self.values_for(code, vintage, cells))
        return ParsedValues(vintage, values, skipped)

    def values_for(self, code: str, vintage: str, cells: dict[str, float | None]) -> list[ValueRow]:
        raise NotImplementedError


def _count(indicator: str, code: str, vintage: str, value: float | None) -> ValueRow:
    return ValueRow(indicator, TerritoryLevel.COMMUNE, code, vintage, value)


def _rate(indicator: str, code: str, vintage: str, numerator: float | None, denominator: float | None) -> ValueRow:
    return rate_row(indicator, TerritoryLevel.COMMUNE, code, vintage, numerator, denominator)


class RpDiplomasImporter(_RpImporter):
    kind = ImportKind.INSEE_RP_DIPLOMAS
    label = ImportKind.INSEE_RP_DIPLOMAS.label
    accepted = (
        "base-cc-diplomes-formation-AAAA (zip téléchargé ou CSV) : séparateur « ; », colonnes CODGEO, PAA_POP1517, "
        "PAA_POP1824, PAA_SCOL1517, PAA_SCOL1824, PAA_NSCOL15P, PAA_NSCOL15P_DIPLMIN."
    )
    variables = ("POP1517", "POP1824", "SCOL1517", "SCOL1824", "NSCOL15P", "NSCOL15P_DIPLMIN")

    def values_for(self, code, vintage, cells):
        return [
            _count("youths_15_17", code, vintage, cells["POP1517"]),
            _count("youths_18_24", code, vintage, cells["POP1824"]),
            _rate("enrolment_rate_15_17", code, vintage, cells["SCOL1517"], cells["POP1517"]),
            _rate("enrolment_rate_18_24", code, vintage, cells["SCOL1824"], cells["POP1824"]),
            _rate("no_diploma_rate_15p", code, vintage, cells["NSCOL15P_DIPLMIN"], cells["NSCOL15P"]),
        ]


class RpEmploymentImporter(_RpImporter):
    kind = ImportKind.INSEE_RP_EMPLOYMENT
    label = ImportKind.INSEE_RP_EMPLOYMENT.label
    accepted = (
        "base-cc-emploi-pop-active-AAAA (zip téléchargé ou CSV) : séparateur « ; », colonnes CODGEO, PAA_POP1524, "
        "PAA_ACT1524, PAA_CHOM1524."
    )
    variables = ("POP1524", "ACT1524", "CHOM1524")

    def values_for(self, code, vintage, cells):
        return [
            _count("youths_15_24", code, vintage, cells["POP1524"]),
            _rate("unemployment_rate_15_24", code, vintage, cells["CHOM1524"], cells["ACT1524"]),
        ]
