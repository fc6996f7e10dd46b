"""Load the reference territories from the dataset folder (``ESSAIM_DATA_DIR``).

``territories_load`` reads ``departements.csv``, ``zones_emploi.csv``, ``epci.csv``,
``communes.csv`` and their contours in ``geo/*.geojson`` (layout and columns: the dataset's
README.md), checks everything, then writes the differences in one transaction:

* **validated before written**: every file is parsed and checked first; a problem raises
  ``TerritoryDataError`` whose French message names the file, the line and the column;
* **atomic**: the writes run in ``transaction.atomic``; any error leaves the database unchanged;
* **idempotent**: rows are matched on their official code and compared field by field; only new
  rows are created and only rows whose values changed are updated (``bulk_create`` /
  ``bulk_update`` in batches);
* territories that are no longer in the files are **kept** (projects refer to them through
  protected foreign keys); the report counts them so that an operator can look into it.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TextIO

from django.db import models, transaction

from essaim.common.formats import format_number
from essaim.territories import svg
from essaim.territories.models import (
    Commune,
    CommuneShape,
    Department,
    DepartmentShape,
    EmploymentZone,
    EmploymentZoneShape,
    Epci,
    EpciShape,
    Region,
)

REGION_CODE = "32"
REGION_NAME = "Hauts-de-France"
EMPLOYMENT_ZONE_VINTAGE = "ZE2020"
BATCH_SIZE = 500

DEPARTMENTS_FILE = "departements.csv"
EMPLOYMENT_ZONES_FILE = "zones_emploi.csv"
EPCIS_FILE = "epci.csv"
COMMUNES_FILE = "communes.csv"
DEPARTMENTS_GEO_FILE = "geo/departements.geojson"
EMPLOYMENT_ZONES_GEO_FILE = "geo/zones_emploi.geojson"
EPCIS_GEO_FILE = "geo/epci.geojson"
COMMUNES_GEO_FILE = "geo/communes.geojson"

_YES_NO = {"oui": True, "non": False, "": False}
_GEOMETRY_TYPES = {"Polygon", "MultiPolygon"}
_NUMBER_TYPES = (int, float)  # JSON numbers; bool excluded on purpose


class TerritoryDataError(Exception):
    """A reference file is missing or holds a value that cannot be loaded.

    ``str(error)`` is a French message for the operator, e.g.
    « communes.csv, ligne 12, colonne « pop_municipale_pl2023 » : population non numérique « abc ». »
    """

    def __init__(self, message: str, *, file: str, line: int | None = None, column: str | None = None):
        self.file = file
        self.line = line
        self.column = column
        self.detail = message
        location = [file]
        if line is not None:
            location.append(f"ligne {line}")
        if column is not None:
            location.append(f"colonne « {column} »")
        super().__init__(f"{', '.join(location)} : {message}")


@dataclass
class ModelReport:
    """What the load did to one model."""

    label: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_files: int = 0
    without_contour: int = 0

    def summary(self) -> str:
        """« Communes : 3 782 créé(s), 0 mis à jour, 0 inchangé(s) »."""
        created, updated, unchanged = (format_number(n) for n in (self.created, self.updated, self.unchanged))
        text = f"{self.label} : {created} créé(s), {updated} mis à jour, {unchanged} inchangé(s)"
        if self.not_in_files:
            text += f" ; {format_number(self.not_in_files)} absent(s) des fichiers, conservé(s)"
        if self.without_contour:
            text += f" ; {format_number(self.without_contour)} sans contour"
        return text


@dataclass
class LoadReport:
    """Counts per model, in loading order, and the duration of the load."""

    regions: ModelReport = field(default_factory=lambda: ModelReport("Régions"))
    departments: ModelReport = field(default_factory=lambda: ModelReport("Départements"))
    employment_zones: ModelReport = field(default_factory=lambda: ModelReport("Zones d'emploi"))
    epcis: ModelReport = field(default_factory=lambda: ModelReport("EPCI"))
    communes: ModelReport = field(default_factory=lambda: ModelReport("Communes"))
    duration_seconds: float = 0.0

    def __iter__(self) -> Iterator[ModelReport]:
        return iter((self.regions, self.departments, self.employment_zones, self.epcis, self.communes))

    @property
    def created(self) -> int:
        return sum(report.created for report in self)

    @property
    def updated(self) -> int:
        return sum(report.updated for report in self)


# --- Reading and checking the files -------------------------------------------------------------


class _CsvRow:
    """One CSV line with typed accessors that raise ``TerritoryDataError`` at the right place."""

    def __init__(self, values: Mapping[str, str], *, file: str, line: int):
        self.values = values
        self.file = file
        self.line = line

    def error(self, message: str, column: str | None = None) -> TerritoryDataError:
        return TerritoryDataError(message, file=self.file, line=self.line, column=column)

    def text(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def required(self, column: str, what: str = "valeur") -> str:
        value = self.text(column)
        if not value:
            raise self.error(f"{what} vide.", column)
        return value

    def population(self, column: str) -> int:
        value = self.text(column)
        if not (value.isascii() and value.isdigit()):
            raise self.error(f"population non numérique « {value} » (entier positif attendu).", column)
        return int(value)

    def coordinate(self, column: str) -> Decimal | None:
        value = self.text(column)
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or abs(number) > 180:
            raise self.error(f"coordonnée invalide « {value} ».", column)
        return number.quantize(Decimal("0.00001"))

    def yes_no(self, column: str) -> bool:
        value = self.text(column).lower()
        if value not in _YES_NO:
            raise self.error(f"valeur « {value} » inattendue (« oui » ou « non » attendu).", column)
        return _YES_NO[value]


def _read_csv(data_dir: Path, name: str, columns: tuple[str, ...]) -> Iterator[_CsvRow]:
    """Yield the rows of ``data_dir/name`` after checking that the file and its columns exist."""
    path = data_dir / name
    if not path.is_file():
        raise TerritoryDataError(f"fichier introuvable (attendu dans {data_dir}).", file=name)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for column in columns:
            if column not in header:
                raise TerritoryDataError("colonne manquante dans l'en-tête.", file=name, line=1, column=column)
        for values in reader:
            yield _CsvRow(values, file=name, line=reader.line_num)


def _read_keyed_rows(
    data_dir: Path, name: str, key_column: str, columns: tuple[str, ...], what: str
) -> Iterator[tuple[str, _CsvRow]]:
    """Yield ``(code, row)``, refusing empty and duplicate codes."""
    seen: dict[str, int] = {}
    for row in _read_csv(data_dir, name, (key_column, *columns)):
        code = row.required(key_column, what)
        if code in seen:
            raise row.error(f"{what} « {code} » en double (déjà présent ligne {seen[code]}).", key_column)
        seen[code] = row.line
        yield code, row


def _check_geometry(geometry: Any, *, file: str, feature: str) -> dict[str, Any]:
    """Return ``{"type", "coordinates"}`` if ``geometry`` is a well-formed (Multi)Polygon."""

    def fail(message: str) -> TerritoryDataError:
        return TerritoryDataError(f"{feature} : {message}", file=file)

    if not isinstance(geometry, dict) or geometry.get("type") not in _GEOMETRY_TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise fail(f"géométrie de type « {kind} » non prise en charge (Polygon ou MultiPolygon attendu).")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise fail("coordonnées absentes.")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise fail("polygone sans anneau.")
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                raise fail("anneau de moins de 4 positions.")
            for position in ring:  # a plain loop: this runs for every point of every contour
                if (
                    type(position) is not list
                    or len(position) < 2
                    or type(position[0]) not in _NUMBER_TYPES
                    or type(position[1]) not in _NUMBER_TYPES
                ):
                    raise fail(f"position invalide {json.dumps(position)[:40]} (longitude, latitude attendues).")
    return {"type": geometry["type"], "coordinates": coordinates}


def _read_contours(data_dir: Path, name: str, key: str, known_codes: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Map each code of ``known_codes`` found in the GeoJSON file ``name`` to its checked geometry."""
    path = data_dir / name
    if not path.is_file():
        raise TerritoryDataError(f"fichier introuvable (attendu dans {data_dir}).", file=name)
    try:
        with path.open(encoding="utf-8") as handle:
            collection = json.load(handle)
    except json.JSONDecodeError as error:
        raise TerritoryDataError(
            f"GeoJSON illisible, colonne {error.colno} : {error.msg}.", file=name, line=error.lineno
        ) from error
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise TerritoryDataError(
            "GeoJSON mal formé : « FeatureCollection » avec une liste « features » attendue.", file=name
        )
    contours: dict[str, dict[str, Any]] = {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = str(properties.get(key) or "").strip() if isinstance(properties, dict) else ""
        label = f"entité n° {number}" + (f" ({key} {code})" if code else "")
        if not code:
            raise TerritoryDataError(f"{label} : propriété « {key} » absente.", file=name)
        if code not in known_codes:
            raise TerritoryDataError(f"{label} : code inconnu des fichiers CSV.", file=name)
        contours[code] = _check_geometry(feature.get("geometry"), file=name, feature=label)
    return contours


def _read_departments(data_dir: Path) -> dict[str, dict[str, Any]]:
    rows = {
        code: {
            "name": row.required("nom", "nom"),
            "prefecture_code": row.text("chef_lieu_code"),
            "population": row.population("pop_municipale_pl2023"),
        }
        for code, row in _read_keyed_rows(
            data_dir, DEPARTMENTS_FILE, "code", ("nom", "chef_lieu_code", "pop_municipale_pl2023"), "code département"
        )
    }
    return _with_contours(rows, _read_contours(data_dir, DEPARTMENTS_GEO_FILE, "code", rows))


def _read_employment_zones(data_dir: Path) -> dict[str, dict[str, Any]]:
    rows = {
        code: {
            "name": row.required("libelle", "libellé"),
            "vintage": EMPLOYMENT_ZONE_VINTAGE,
            "population": row.population("pop_municipale_pl2023_hdf"),
            "is_cross_regional": row.yes_no("transregionale"),
        }
        for code, row in _read_keyed_rows(
            data_dir,
            EMPLOYMENT_ZONES_FILE,
            "ze2020_code",
            ("libelle", "pop_municipale_pl2023_hdf", "transregionale"),
            "code de zone d'emploi",
        )
    }
    return _with_contours(rows, _read_contours(data_dir, EMPLOYMENT_ZONES_GEO_FILE, "ze2020_code", rows))


def _read_epcis(data_dir: Path) -> dict[str, dict[str, Any]]:
    columns = (
        "nom",
        "nature",
        "interregional",
        "pop_municipale_pl2023",
        "pop_municipale_pl2023_hdf",
        "centroide_lat",
        "centroide_lon",
    )
    rows = {}
    for siren, row in _read_keyed_rows(data_dir, EPCIS_FILE, "siren", columns, "SIREN"):
        nature = row.required("nature", "nature juridique")
        if nature not in Epci.Nature.values:
            expected = ", ".join(Epci.Nature.values)
            raise row.error(f"nature juridique « {nature} » inconnue (attendu : {expected}).", "nature")
        rows[siren] = {
            "name": row.required("nom", "nom"),
            "nature": nature,
            "population": row.population("pop_municipale_pl2023"),
            "population_in_region": row.population("pop_municipale_pl2023_hdf"),
            "is_interregional": row.yes_no("interregional"),
            "latitude": row.coordinate("centroide_lat"),
            "longitude": row.coordinate("centroide_lon"),
        }
    return _with_contours(rows, _read_contours(data_dir, EPCIS_GEO_FILE, "siren", rows))


def _read_communes(
    data_dir: Path, *, departments: Mapping[str, Any], epcis: Mapping[str, Any], employment_zones: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """Commune rows, with the codes of their département, EPCI and zone d'emploi (checked to exist)."""
    columns = (
        "nom",
        "departement",
        "siren_commune",
        "epci_siren",
        "pop_municipale_pl2023",
        "codes_postaux",
        "ze2020_code",
        "centroide_lat",
        "centroide_lon",
    )
    references = (
        ("departement", departments, "département", DEPARTMENTS_FILE),
        ("epci_siren", epcis, "EPCI", EPCIS_FILE),
        ("ze2020_code", employment_zones, "zone d'emploi", EMPLOYMENT_ZONES_FILE),
    )
    rows = {}
    for code, row in _read_keyed_rows(data_dir, COMMUNES_FILE, "code_insee", columns, "code INSEE"):
        for column, known, what, file in references:
            value = row.required(column, f"code {what}")
            if value not in known:
                raise row.error(f"{what} « {value} » inconnu(e) (absent(e) de {file}).", column)
        rows[code] = {
            "name": row.required("nom", "nom"),
            "department": row.text("departement"),
            "epci": row.text("epci_siren"),
            "employment_zone": row.text("ze2020_code"),
            "siren": row.text("siren_commune"),
            "population": row.population("pop_municipale_pl2023"),
            "postal_codes": ", ".join(part.strip() for part in row.text("codes_postaux").split("|") if part.strip()),
            "latitude": row.coordinate("centroide_lat"),
            "longitude": row.coordinate("centroide_lon"),
        }
    return _with_contours(rows, _read_contours(data_dir, COMMUNES_GEO_FILE, "code_insee", rows))


def _with_contours(rows: dict[str, dict[str, Any]], contours: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    for code, values in rows.items():
        values["contour"] = contours.get(code)
    return rows


# --- Writing the differences --------------------------------------------------------------------


def _sync(
    model: type[models.Model],
    key_field: str,
    rows: Mapping[str, dict[str, Any]],
    report: ModelReport,
    shape: tuple[type[models.Model], str] | None = None,
) -> None:
    """Create the rows of ``rows`` missing from the table and update those whose values differ.

    ``rows`` maps each official code to the values of the other fields (by attribute name,
    ``department_id`` for a foreign key). Values are compared with the stored ones, so a second
    run with the same files writes nothing. With ``shape`` (shape model, its one-to-one field), the
    ``contour`` of each row goes to the territory's shape row (kept apart from the territory's row),
    with its simplified copy for small-scale maps; a territory whose contour changed counts as updated.
    """
    contours = {code: values.pop("contour", None) for code, values in rows.items()} if shape else {}
    fields = sorted({name for values in rows.values() for name in values})
    loaded = [key_field, *(model._meta.get_field(name).name for name in fields)]
    existing = {getattr(obj, key_field): obj for obj in model._default_manager.only(*loaded)}
    to_create, to_update = [], []
    updated_codes = set()
    for code, values in rows.items():
        obj = existing.get(code)
        if obj is None:
            to_create.append(model(**{key_field: code}, **values))
        elif any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            to_update.append(obj)
            updated_codes.add(code)
    model._default_manager.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        model._default_manager.bulk_update(to_update, fields, batch_size=BATCH_SIZE)
    if shape:
        updated_codes |= _sync_shapes(model, key_field, contours, shape, existing_codes=existing.keys())
        report.without_contour = sum(1 for contour in contours.values() if contour is None)
    report.created = len(to_create)
    report.updated = len(updated_codes)
    report.unchanged = len(rows) - len(to_create) - len(updated_codes)
    report.not_in_files = len(existing.keys() - rows.keys())


def _sync_shapes(
    model: type[models.Model],
    key_field: str,
    contours: Mapping[str, Any],
    shape: tuple[type[models.Model], str],
    *,
    existing_codes,
) -> set[str]:
    """Write the contours of ``contours`` (code → GeoJSON or None) to the shape table; the codes of the
    territories that already existed and whose contour changed."""
    shape_model, field = shape
    ids = _ids_by_code(model, key_field)
    stored = dict(shape_model._default_manager.values_list(f"{field}_id", "geometry"))
    to_create, to_update, to_delete, changed = [], [], [], set()
    for code, geometry in contours.items():
        pk = ids[code]
        if geometry is None:
            if pk in stored:
                to_delete.append(pk)
                changed.add(code)
        elif pk not in stored:
            to_create.append(shape_model(**{f"{field}_id": pk}, geometry=geometry, simplified=svg.simplify(geometry)))
            changed.add(code)
        elif stored[pk] != geometry:
            to_update.append(shape_model(**{f"{field}_id": pk}, geometry=geometry, simplified=svg.simplify(geometry)))
            changed.add(code)
    shape_model._default_manager.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        shape_model._default_manager.bulk_update(to_update, ["geometry", "simplified"], batch_size=BATCH_SIZE)
    if to_delete:
        shape_model._default_manager.filter(**{f"{field}_id__in": to_delete}).delete()
    return changed & set(existing_codes)


def _ids_by_code(model: type[models.Model], key_field: str) -> dict[str, int]:
    return dict(model._default_manager.values_list(key_field, "pk"))


def _resolve(rows: Mapping[str, dict[str, Any]], name: str, ids: Mapping[str, int]) -> Mapping[str, dict[str, Any]]:
    """Replace the code in ``rows[...][name]`` by the primary key, under ``<name>_id``."""
    for values in rows.values():
        values[f"{name}_id"] = ids[values.pop(name)]
    return rows


def territories_load(*, data_dir: Path, stdout: TextIO | None = None) -> LoadReport:
    """Load (or refresh) the Région, départements, zones d'emploi, EPCI and communes from ``data_dir``.

    Raises ``TerritoryDataError`` (French message naming file, line and column) before anything is
    written when a file is missing or wrong. Writes ``stdout`` one line per model if given.
    """
    started = time.perf_counter()
    say: Callable[[str], object] = stdout.write if stdout is not None else (lambda text: None)
    data_dir = Path(data_dir)

    departments = _read_departments(data_dir)
    employment_zones = _read_employment_zones(data_dir)
    epcis = _read_epcis(data_dir)
    communes = _read_communes(data_dir, departments=departments, epcis=epcis, employment_zones=employment_zones)

    report = LoadReport()
    with transaction.atomic():
        _sync(Region, "code", {REGION_CODE: {"name": REGION_NAME}}, report.regions)
        region_id = _ids_by_code(Region, "code")[REGION_CODE]
        for values in departments.values():
            values["region_id"] = region_id
        _sync(Department, "code", departments, report.departments, shape=(DepartmentShape, "department"))
        _sync(
            EmploymentZone,
            "code",
            employment_zones,
            report.employment_zones,
            shape=(EmploymentZoneShape, "employment_zone"),
        )
        _sync(Epci, "siren", epcis, report.epcis, shape=(EpciShape, "epci"))
        _resolve(communes, "department", _ids_by_code(Department, "code"))
        _resolve(communes, "epci", _ids_by_code(Epci, "siren"))
        _resolve(communes, "employment_zone", _ids_by_code(EmploymentZone, "code"))
        _sync(Commune, "code", communes, report.communes, shape=(CommuneShape, "commune"))

    report.duration_seconds = time.perf_counter() - started
    for model_report in report:
        say(model_report.summary() + "\n")
    return report
