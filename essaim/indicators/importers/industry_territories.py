"""Territoires d'industrie (ANCT, data.gouv.fr « programme-territoires-dindustrie »).

Accepted: CSV, ``;`` or ``,``, one line per (territoire, EPCI): ``id_ti``, ``lib_ti`` and the EPCI SIREN in
one of ``siren_epci``, ``epci_siren``, ``siren``, ``code_epci``, ``epci``. EPCI outside the région are
skipped; a territory without EPCI in the région is not kept. The file is the whole list: territories
missing from a new file are deleted. Refreshes ``industry_territory`` (1 / 0) for every reference EPCI.
"""

from __future__ import annotations

import re
from pathlib import Path

from essaim.indicators.enums import ImportKind, TerritoryLevel
from essaim.indicators.importers.base import (
    LayerImporter,
    ParsedLayer,
    ValueRow,
    find_column,
    read_csv,
    reference_codes,
)
from essaim.indicators.models import IndustryTerritory
from essaim.territories.models import Epci


class IndustryTerritoriesImporter(LayerImporter):
    kind = ImportKind.INDUSTRY_TERRITORIES
    label = ImportKind.INDUSTRY_TERRITORIES.label
    accepted = (
        "CSV de l'ANCT (séparateur « ; » ou « , ») : une ligne par couple territoire × EPCI, colonnes id_ti, lib_ti et "
        "le SIREN de l'EPCI (siren_epci, epci_siren, siren, code_epci ou epci). Millésime par défaut : 2023-2027."
    )
    default_vintage = "2023-2027"

    model = IndustryTerritory
    m2m = "epcis"

    def parse(self, path: Path, *, file_name: str, vintage: str | None) -> ParsedLayer:
        table = read_csv(path, file=file_name)
        table.require(["id_ti", "lib_ti"])
        epci_column = find_column(
            table, ["siren_epci", "epci_siren", "siren", "code_epci", "epci"], required=True, what="SIREN de l'EPCI"
        )
        epci_ids = dict(Epci.objects.values_list("siren", "pk"))
        if not epci_ids:
            reference_codes(Epci, "siren", file=table.file, what="EPCI")
        territories: dict[str, dict] = {}
        seen: dict[tuple[str, str], int] = {}
        skipped = 0
        for row in table.rows:
            code = row.required("id_ti", "identifiant du territoire")
            name = row.required("lib_ti", "nom du territoire")
            siren = row.required(epci_column, "SIREN de l'EPCI")
            if not re.fullmatch(r"\d{9}", siren):
                raise row.error(f"SIREN « {siren} » invalide (9 chiffres attendus).", epci_column)
            if (code, siren) in seen:
                raise row.error(f"couple « {code} » × EPCI « {siren} » en double (ligne {seen[(code, siren)]}).")
            seen[(code, siren)] = row.line
            if siren not in epci_ids:
                skipped += 1
                continue
            entry = territories.setdefault(code, {"name": name, "epcis": []})
            entry["epcis"].append(epci_ids[siren])
        vintage = vintage or self.default_vintage
        members = {epci_id for entry in territories.values() for epci_id in entry["epcis"]}
        counts = [
            ValueRow("industry_territory", TerritoryLevel.EPCI, siren, vintage, 1.0 if pk in members else 0.0)
            for siren, pk in epci_ids.items()
        ]
        return ParsedLayer(vintage, territories, counts, skipped)
