"""Quartiers prioritaires de la politique de la ville (ANCT, list in force since 1 January 2024).

Accepted: the GeoJSON (or the zip holding it), properties ``code_qp``, ``lib_qp``, ``insee_com`` (one code,
or several separated by ``,`` ``;`` ``|`` or spaces, or a JSON list); ``lib_com`` is not needed; geometry
Polygon / MultiPolygon (optional) kept for the maps. In error messages « ligne N » is the N-th feature.
QPV without a commune in the région are skipped; the file is the whole list (others are deleted).
Refreshes ``qpv_count`` for every reference commune (0 included).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from essaim.indicators.enums import ImportKind, TerritoryLevel
from essaim.indicators.importers.base import (
    DataImportError,
    LayerImporter,
    ParsedLayer,
    ValueRow,
    read_geojson_features,
    reference_codes,
)
from essaim.indicators.models import Qpv
from essaim.territories.models import Commune

_GEOMETRY_TYPES = {"Polygon", "MultiPolygon"}
MAX_POSITIONS = 200_000  # points of one QPV's contour (the largest ANCT contours have a few thousand)


def geometry_problem(geometry: dict) -> str | None:
    """Why a Polygon or MultiPolygon cannot be drawn, in French, or None when it can.

    Coordinates must be lists of rings, each ring at least 4 positions ``[longitude, latitude]`` of
    finite numbers within −180…180 and −90…90 (WGS 84, as the ANCT publishes them).

    >>> geometry_problem({"type": "Polygon", "coordinates": "oops"})
    'coordonnées invalides (liste de contours attendue, « oops » trouvé).'
    >>> geometry_problem({"type": "Polygon", "coordinates": [[[2.3, 50.9], [2.4, 50.9], [2.4, 51.0], [2.3, 50.9]]]})
    """
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return f"coordonnées invalides (liste de contours attendue, « {str(coordinates)[:40]} » trouvé)."
    count = 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return f"coordonnées invalides (liste de contours attendue, « {str(polygon)[:40]} » trouvé)."
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                return "coordonnées invalides (un contour compte au moins 4 points [longitude, latitude])."
            for position in ring:
                count += 1
                if count > MAX_POSITIONS:
                    return f"contour trop détaillé (plus de {MAX_POSITIONS:,} points).".replace(",", "\u202f")
                if not (
                    isinstance(position, list)
                    and len(position) in (2, 3)
                    and all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
                    and all(math.isfinite(v) for v in position)
                    and -180 <= position[0] <= 180
                    and -90 <= position[1] <= 90
                ):
                    return (
                        "coordonnées invalides (point [longitude, latitude] en degrés attendu, "
                        f"« {str(position)[:40]} » trouvé)."
                    )
    return None


def _commune_codes(value) -> list[str]:
    if isinstance(value, list):
        return [str(code).strip() for code in value if str(code).strip()]
    return [code for code in re.split(r"[\s,;|]+", str(value or "").strip()) if code]


class QpvImporter(LayerImporter):
    kind = ImportKind.QPV
    label = ImportKind.QPV.label
    accepted = (
        "GeoJSON des QPV de l'ANCT (ou le zip qui le contient) : propriétés code_qp, lib_qp, insee_com (un ou "
        "plusieurs codes INSEE), géométrie Polygon ou MultiPolygon (facultative). Millésime par défaut : QPV 2024."
    )
    default_vintage = "QPV 2024"

    model = Qpv

    def parse(self, path: Path, *, file_name: str, vintage: str | None) -> ParsedLayer:
        features, name = read_geojson_features(path, file=file_name)
        commune_ids = dict(Commune.objects.values_list("code", "pk"))
        if not commune_ids:
            reference_codes(Commune, "code", file=name, what="commune")
        items: dict[str, dict] = {}
        skipped = 0
        for number, feature in enumerate(features, start=1):
            properties = feature.get("properties") if isinstance(feature, dict) else None
            if not isinstance(properties, dict):
                raise DataImportError("entité sans « properties ».", file=name, line=number)
            code = str(properties.get("code_qp") or "").strip()
            label = str(properties.get("lib_qp") or "").strip()
            if not code:
                raise DataImportError("propriété vide ou absente.", file=name, line=number, column="code_qp")
            if not label:
                raise DataImportError("propriété vide ou absente.", file=name, line=number, column="lib_qp")
            if len(code) > Qpv._meta.get_field("code").max_length:
                raise DataImportError(
                    f"code « {code[:40]} » trop long (20 caractères au plus).", file=name, line=number, column="code_qp"
                )
            if len(label) > Qpv._meta.get_field("name").max_length:
                raise DataImportError(
                    "nom trop long (200 caractères au plus).", file=name, line=number, column="lib_qp"
                )
            if code in items:
                raise DataImportError(f"QPV « {code} » en double.", file=name, line=number, column="code_qp")
            codes = _commune_codes(properties.get("insee_com"))
            if not codes:
                raise DataImportError("propriété vide ou absente.", file=name, line=number, column="insee_com")
            for commune in codes:
                if not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", commune):
                    raise DataImportError(
                        f"code INSEE « {commune} » invalide.", file=name, line=number, column="insee_com"
                    )
            local = [commune for commune in codes if commune in commune_ids]
            if not local:
                skipped += 1
                continue
            geometry = feature.get("geometry")
            if geometry is not None and (not isinstance(geometry, dict) or geometry.get("type") not in _GEOMETRY_TYPES):
                raise DataImportError(
                    "géométrie non prise en charge (Polygon ou MultiPolygon attendu).",
                    file=name,
                    line=number,
                    column="geometry",
                )
            if geometry is not None and (problem := geometry_problem(geometry)):
                raise DataImportError(problem, file=name, line=number, column="geometry")
            items[code] = {
                "name": label,
                "commune_id": commune_ids[local[0]],
                "commune_codes": local,
                "contour": {"type": geometry["type"], "coordinates": geometry.get("coordinates")} if geometry else None,
            }
            # ``line`` for GeoJSON is the feature number (« entité n° »), said so in the docs.
        vintage = vintage or self.default_vintage
        per_commune = dict.fromkeys(commune_ids, 0)
        for item in items.values():
            for commune in item["commune_codes"]:
                per_commune[commune] += 1
        counts = [
            ValueRow("qpv_count", TerritoryLevel.COMMUNE, code, vintage, float(count))
            for code, count in per_commune.items()
        ]
        return ParsedLayer(vintage, items, counts, skipped)
