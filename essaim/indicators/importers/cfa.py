"""CFA and apprenticeship training organisations (ONISEP « Référentiel national des OFA-CFA », CSV export).

Accepted: CSV, ``;`` or ``,``; header names are matched without accents nor case: UAI (``uai``,
``numero_uai``), SIRET (``siret``, ``numero_siret``), name (``raison_sociale``, ``enseigne``,
``denomination``, ``nom``), commune (``code_insee``, ``code_commune_insee``, ``commune_insee``,
``adresse_code_insee``, ``code_commune``), optional ``latitude`` / ``longitude`` (WGS84). One of UAI or
SIRET is required; the key is « UAI-SIRET ». Organisations outside the région are skipped; the file is
the whole list (others are deleted). Refreshes ``cfa_count`` for every reference commune (0 included).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
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
from essaim.indicators.models import TrainingProvider
from essaim.territories.models import Commune

_UAI = re.compile(r"\d{7}[A-Z]")
_SIRET = re.compile(r"\d{14}")


class CfaImporter(LayerImporter):
    kind = ImportKind.CFA
    label = ImportKind.CFA.label
    accepted = (
        "export CSV du référentiel ONISEP des OFA-CFA (séparateur « ; » ou « , ») : UAI (uai, numero_uai), SIRET "
        "(siret, numero_siret), nom (raison_sociale, enseigne, denomination, nom), code INSEE de la commune "
        "(code_insee, code_commune_insee, commune_insee, adresse_code_insee, code_commune), latitude et longitude "
        "facultatives. Millésime par défaut : « Référentiel AAAA » (année de l'import)."
    )

    model = TrainingProvider
    key_field = "key"

    def parse(self, path: Path, *, file_name: str, vintage: str | None) -> ParsedLayer:
        table = read_csv(path, file=file_name)
        uai_column = find_column(table, ["uai", "numero_uai"], required=False, what="UAI")
        siret_column = find_column(table, ["siret", "numero_siret"], required=False, what="SIRET")
        if uai_column is None and siret_column is None:
            find_column(table, ["uai", "numero_uai", "siret", "numero_siret"], required=True, what="UAI ou SIRET")
        name_column = find_column(
            table, ["raison_sociale", "enseigne", "denomination", "nom"], required=True, what="nom"
        )
        commune_column = find_column(
            table,
            ["code_insee", "code_commune_insee", "commune_insee", "adresse_code_insee", "code_commune"],
            required=True,
            what="code INSEE de la commune",
        )
        lat_column = find_column(table, ["latitude", "lat"], required=False, what="latitude")
        lon_column = find_column(table, ["longitude", "lon", "lng"], required=False, what="longitude")
        commune_ids = dict(Commune.objects.values_list("code", "pk"))
        if not commune_ids:
            reference_codes(Commune, "code", file=table.file, what="commune")
        items: dict[str, dict] = {}
        lines: dict[str, int] = {}
        skipped = 0
        for row in table.rows:
            uai = row.text(uai_column).upper() if uai_column else ""
            siret = "".join(row.text(siret_column).split()) if siret_column else ""
            if not uai and not siret:
                raise row.error("ni UAI ni SIRET : l'un des deux est nécessaire.", uai_column or siret_column)
            if uai and not _UAI.fullmatch(uai):
                raise row.error(f"UAI « {uai} » invalide (7 chiffres et une lettre attendus).", uai_column)
            if siret and not _SIRET.fullmatch(siret):
                raise row.error(f"SIRET « {siret} » invalide (14 chiffres attendus).", siret_column)
            name = row.required(name_column, "nom")
            commune = row.required(commune_column, "code INSEE")
            coordinates = {}
            for column, attribute, bound in ((lat_column, "latitude", 90), (lon_column, "longitude", 180)):
                number = None
                if column and row.text(column):
                    text = row.text(column).replace(",", ".")
                    try:
                        number = Decimal(text).quantize(Decimal("0.00001"))
                    except ArithmeticError:
                        raise row.error(f"coordonnée « {text} » invalide.", column) from None
                    if not number.is_finite() or abs(number) > bound:
                        raise row.error(f"coordonnée « {text} » invalide.", column)
                coordinates[attribute] = number
            key = f"{uai}-{siret}"
            if key in items or key in lines:
                raise row.error(f"organisme « {key} » en double (déjà présent ligne {lines[key]}).", uai_column)
            lines[key] = row.line
            if commune not in commune_ids:
                skipped += 1
                continue
            items[key] = {"name": name[:300], "uai": uai, "siret": siret, "commune_id": commune_ids[commune]}
            items[key].update(coordinates)
        vintage = vintage or f"Référentiel {dt.date.today().year}"
        per_commune = dict.fromkeys(commune_ids, 0)
        code_of = {pk: code for code, pk in commune_ids.items()}
        for item in items.values():
            per_commune[code_of[item["commune_id"]]] += 1
        counts = [
            ValueRow("cfa_count", TerritoryLevel.COMMUNE, code, vintage, float(count))
            for code, count in per_commune.items()
        ]
        return ParsedLayer(vintage, items, counts, skipped)
