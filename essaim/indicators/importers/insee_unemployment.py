"""INSEE « Taux de chômage localisés par zone d'emploi » (quarterly), the workbook as downloaded.

``chomage-zone-t1-2003-tN-AAAA.xlsx``, sheet ``txcho_ze``: title rows (5 in the published file; the
header is looked for in the first 15 rows), then the header ``ZE2020``, ``LIBZE2020``, ``REG``,
``LIBREG`` and one column per quarter (``2003-T1`` … ``2025-T2``), rates in %. One quarter is stored
(``--vintage 2024-T4``; by default the last column), divided by 100, at the level of the zones d'emploi
of the reference table; other zones are skipped. An empty cell is unknown.
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
    read_xlsx,
    reference_codes,
)
from essaim.territories.models import EmploymentZone

SHEET = "txcho_ze"
COLUMNS = ("ZE2020", "LIBZE2020", "REG", "LIBREG")
QUARTER = re.compile(r"\d{4}-T[1-4]")


class UnemploymentZeImporter(ValuesImporter):
    kind = ImportKind.INSEE_UNEMPLOYMENT_ZE
    label = ImportKind.INSEE_UNEMPLOYMENT_ZE.label
    accepted = (
        "chomage-zone-t1-2003-tN-AAAA.xlsx de l'INSEE : feuille txcho_ze, lignes de titre, ZE2020, LIBZE2020, REG, "
        "LIBREG et une colonne par trimestre (AAAA-T1…) en %. Millésime = le trimestre retenu (par défaut le dernier)."
    )

    def parse(self, path: Path, *, file_name: str, vintage: str | None) -> ParsedValues:
        table = read_xlsx(path, file=file_name, sheet=SHEET, header_contains=COLUMNS)
        quarters = [column for column in table.header if QUARTER.fullmatch(column)]
        if not quarters:
            raise DataImportError(
                "aucune colonne de trimestre (AAAA-T1 … AAAA-T4) dans l'en-tête.", file=file_name, sheet=SHEET
            )
        if vintage is None:
            column = max(quarters)
        elif vintage in quarters:
            column = vintage
        else:
            raise DataImportError(
                f"trimestre « {vintage} » absent (de {min(quarters)} à {max(quarters)}).", file=file_name, sheet=SHEET
            )
        zones = reference_codes(EmploymentZone, "code", file=file_name, what="zone d'emploi")
        check_unique(((row.required("ZE2020", "code de zone d'emploi"), row, "ZE2020") for row in table.rows), "zone")
        values, skipped = [], 0
        for row in table.rows:
            code = row.text("ZE2020").zfill(4)
            rate = row.number(column, allow_empty=True)
            if rate is not None and rate > 100:
                raise row.error(f"taux en % attendu (0 à 100), « {row.text(column)} » trouvé.", column)
            if code not in zones:
                skipped += 1
                continue
            if rate is not None:
                values.append(
                    ValueRow("unemployment_rate_ze", TerritoryLevel.EMPLOYMENT_ZONE, code, column, rate / 100)
                )
        return ParsedValues(column, values, skipped)
