"""What every importer shares: reading CSV / XLSX / GeoJSON with line and column tracking, typed cells
that raise French errors at the right place, the long-table writer, the report and the import log.

The contract of an importer (see ``Importer``):

1. ``parse`` reads and checks the whole file and returns what should be in the database; it writes
   nothing and raises ``DataImportError`` (« fichier, ligne, colonne : problème ») at the first problem;
2. ``write`` runs inside one ``transaction.atomic`` (``import_file``): it compares with what is stored
   and creates or updates only the differences, so importing the same content twice changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from essaim.common.archives import ArchiveRefused, checked_zip, read_member
from essaim.common.formats import format_number
from essaim.indicators.models import DataImport, Indicator, IndicatorValue

BATCH_SIZE = 1000
SECRET_MARKER = "*"


class DataImportError(Exception):
    """A file cannot be imported. ``str(error)`` is French and names the file, line and column, e.g.

    « base-cc-emploi-pop-active-2022.CSV, ligne 12, colonne « P22_POP1524 » : nombre attendu, « abc » trouvé. »
    """

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        column: str | None = None,
        sheet: str | None = None,
    ):
        self.file = file
        self.line = line
        self.column = column
        self.sheet = sheet
        self.detail = message
        location = [file]
        if sheet is not None:
            location.append(f"feuille « {sheet} »")
        if line is not None:
            location.append(f"ligne {line}")
        if column is not None:
            location.append(f"colonne « {column} »")
        super().__init__(f"{', '.join(location)} : {message}")


# --- Cells and rows -------------------------------------------------------------------------------


# Largest value an indicator file may hold: populations, jobs and counts of the région are far below;
# beyond, the file is not what it claims to be (and sums on the dashboard would stop being exact).
MAX_VALUE = 1e12


def _clean_number_text(text: str) -> str:
    return text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")


class Row:
    """One line of a table (CSV line or worksheet row) with typed accessors that fail at the right place."""

    def __init__(self, values: Mapping[str, Any], *, file: str, line: int, sheet: str | None = None):
        self.values = values
        self.file = file
        self.line = line
        self.sheet = sheet

    def error(self, message: str, column: str | None = None) -> DataImportError:
        return DataImportError(message, file=self.file, line=self.line, column=column, sheet=self.sheet)

    def text(self, column: str) -> str:
        value = self.values.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def required(self, column: str, what: str = "valeur") -> str:
        value = self.text(column)
        if not value:
            raise self.error(f"{what} vide.", column)
        return value

    def number(self, column: str, *, allow_empty: bool = False) -> float | None:
        """A finite number ≥ 0 (``12``, ``12.5`` or ``12,5``); ``None`` for an empty cell if allowed."""
        raw = self.values.get(column)
        if isinstance(raw, bool):
            raise self.error(f"nombre attendu, « {raw} » trouvé.", column)
        if isinstance(raw, int | float):
            number = float(raw)
        else:
            text = self.text(column)
            if not text:
                if allow_empty:
                    return None
                raise self.error("nombre attendu, cellule vide.", column)
            try:
                number = float(_clean_number_text(text))
            except ValueError:
                raise self.error(f"nombre attendu, « {text[:40]} » trouvé.", column) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise self.error("nombre attendu, valeur non finie trouvée.", column)
        if number < 0:
            raise self.error(f"nombre positif ou nul attendu, « {self.text(column)[:40]} » trouvé.", column)
        if number > MAX_VALUE:
            raise self.error(
                f"nombre trop grand (au plus 1 000 milliards), « {self.text(column)[:40]} » trouvé.", column
            )
        return number

    def number_or_secret(self, column: str) -> tuple[float | None, bool]:
        """``(value, is_secret)``: ``*`` (not published, statistical secrecy) is ``(None, True)``, never 0."""
        if self.text(column) == SECRET_MARKER:
            return None, True
        return self.number(column), False


@dataclass
class Table:
    """The header and rows of one sheet or CSV file."""

    file: str
    header: list[str]
    rows: list[Row]
    sheet: str | None = None
    delimiter: str | None = None

    def require(self, columns: Iterable[str], *, header_line: int = 1) -> None:
        for column in columns:
            if column not in self.header:
                message = "colonne manquante dans l'en-tête."
                other = {";": ",", ",": ";"}.get(self.delimiter or "")
                if other and len(self.header) == 1 and other in self.header[0]:
                    message = (
                        f"colonne manquante dans l'en-tête (séparateur « {self.delimiter} » attendu, "
                        f"« {other} » trouvé)."
                    )
                raise DataImportError(message, file=self.file, line=header_line, column=column, sheet=self.sheet)


# --- Reading files --------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _decode(data: bytes, *, file: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataImportError("encodage illisible (UTF-8 ou Windows-1252 attendu).", file=file)  # pragma: no cover


def read_bytes(path: Path, *, file: str, member_suffixes: Sequence[str]) -> tuple[bytes, str]:
    """The bytes of ``path``, or of the data member of a zip as downloaded (``meta_*`` files skipped).

    Returns ``(data, name)`` where ``name`` is the file name used in error messages (``archive.zip/member``).
    """
    path = Path(path)
    if not path.is_file():
        raise DataImportError("fichier introuvable.", file=file)
    if not zipfile.is_zipfile(path):
        return path.read_bytes(), file
    # Streamed within limits (entries, sizes, ratio; issue #12): a small zip may unpack to gigabytes.
    try:
        with checked_zip(path, name=file) as archive:
            members = [
                info
                for info in archive.infolist()
                if info.filename.lower().endswith(tuple(member_suffixes))
                and not Path(info.filename).name.lower().startswith("meta_")
            ]
            if len(members) != 1:
                expected = " ou ".join(member_suffixes)
                found = ", ".join(archive.namelist()[:20]) or "aucun fichier"
                raise DataImportError(
                    f"archive zip : un seul fichier de données {expected} attendu, trouvé : {found}.", file=file
                )
            return read_member(archive, members[0], name=file), f"{file}/{Path(members[0].filename).name}"
    except ArchiveRefused as error:
        raise DataImportError(f"archive refusée : {error}", file=file) from error
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as error:
        raise DataImportError("archive zip illisible.", file=file) from error


def read_csv(
    path: Path,
    *,
    file: str,
    delimiter: str | None = None,
    skip_lines: int = 0,
    strip_header: bool = True,
) -> Table:
    """Read a CSV (or the CSV inside a zip) into a ``Table``; ``delimiter=None`` guesses ``;`` or ``,``.

    Line numbers are those of the file (header = ``skip_lines + 1``), so that users find the line in
    a spreadsheet or a text editor.
    """
    data, name = read_bytes(path, file=file, member_suffixes=(".csv", ".txt"))
    text = _decode(data, file=name)
    # Lines end at \n, \r or \r\n only, as in a spreadsheet or a text editor (str.splitlines also breaks
    # at \x1c–\x1e, \x85, \u2028, \u2029, which may sit inside a cell).
    lines = io.StringIO(text, newline="").readlines()
    if len(lines) <= skip_lines:
        raise DataImportError("fichier vide : ligne d'en-tête attendue.", file=name, line=skip_lines + 1)
    body = lines[skip_lines:]
    if delimiter is None:
        first = body[0]
        delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(body, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:  # pragma: no cover - guarded above
        raise DataImportError("ligne d'en-tête absente.", file=name, line=skip_lines + 1) from None
    if strip_header:
        header = [column.strip().lstrip("\ufeff") for column in header]
    rows = []
    try:
        for values in reader:
            line = reader.line_num + skip_lines
            if not any(value.strip() for value in values):
                continue
            if len(values) > len(header):
                raise DataImportError(
                    f"{len(values)} valeurs pour {len(header)} colonnes (séparateur « {delimiter} » attendu).",
                    file=name,
                    line=line,
                )
            rows.append(Row(dict(zip(header, values, strict=False)), file=name, line=line))
    except csv.Error as error:
        raise DataImportError(f"CSV mal formé : {error}.", file=name, line=reader.line_num + skip_lines) from error
    return Table(file=name, header=header, rows=rows, delimiter=delimiter)


def read_xlsx(path: Path, *, file: str, sheet: str | None, header_contains: Sequence[str], max_header_row: int = 15):
    """Read a worksheet into a ``Table``, the header being the first row (among the first ``max_header_row``)
    that holds every name of ``header_contains``. Lines are the worksheet's row numbers.

    ``sheet=None`` takes the first sheet whose header matches.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    if not path.is_file():
        raise DataImportError("fichier introuvable.", file=file)
    try:
        # The workbook is a zip: checked within limits before openpyxl unpacks any part of it.
        checked_zip(path, name=file).close()
        workbook = load_workbook(path, read_only=True, data_only=True)
    except ArchiveRefused as error:
        raise DataImportError(f"classeur refusé : {error}", file=file) from error
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise DataImportError("classeur illisible : un fichier Excel (.xlsx) est attendu.", file=file) from error
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            available = ", ".join(f"« {name} »" for name in workbook.sheetnames)
            raise DataImportError(f"feuille « {sheet} » absente (feuilles trouvées : {available}).", file=file)
        names = [sheet] if sheet is not None else list(workbook.sheetnames)
        for name in names:
            rows = workbook[name].iter_rows(values_only=True)
            header: list[str] | None = None
            header_row = 0
            for number, values in enumerate(rows, start=1):
                cells = [str(value).strip() if value is not None else "" for value in values]
                if all(column in cells for column in header_contains):
                    header, header_row = cells, number
                    break
                if number >= max_header_row:
                    break
            if header is None:
                continue
            table_rows = []
            for number, values in enumerate(rows, start=header_row + 1):
                if all(value is None or str(value).strip() == "" for value in values):
                    continue
                table_rows.append(Row(dict(zip(header, values, strict=False)), file=file, line=number, sheet=name))
            return Table(file=file, header=header, rows=table_rows, sheet=name)
        expected = ", ".join(header_contains)
        where = f"la feuille « {sheet} »" if sheet else "aucune feuille"
        raise DataImportError(
            f"ligne d'en-tête introuvable dans {where} (colonnes attendues : {expected} "
            f"dans les {max_header_row} premières lignes).",
            file=file,
            sheet=sheet,
        )
    finally:
        workbook.close()


def read_geojson_features(path: Path, *, file: str) -> tuple[list[dict], str]:
    """The features of a GeoJSON FeatureCollection (or of the ``.geojson`` inside a zip)."""
    data, name = read_bytes(path, file=file, member_suffixes=(".geojson", ".json"))
    try:
        collection = json.loads(_decode(data, file=name))
    except json.JSONDecodeError as error:
        raise DataImportError(
            f"GeoJSON illisible, colonne {error.colno} : {error.msg}.", file=name, line=error.lineno
        ) from error
    except RecursionError:
        raise DataImportError("GeoJSON mal formé : imbrication trop profonde.", file=name) from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise DataImportError(
            "GeoJSON mal formé : « FeatureCollection » avec une liste « features » attendue.", file=name
        )
    return features, name


def normalise_column(name: str) -> str:
    """« Numéro UAI » → « numero_uai » (to accept the variants of a header)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def find_column(table: Table, aliases: Sequence[str], *, required: bool, what: str) -> str | None:
    """The header column whose normalised name is one of ``aliases``."""
    by_normalised = {normalise_column(column): column for column in table.header}
    for alias in aliases:
        if alias in by_normalised:
            return by_normalised[alias]
    if required:
        raise DataImportError(
            f"colonne {what} manquante dans l'en-tête (noms acceptés : {', '.join(aliases)}).",
            file=table.file,
            line=1,
            sheet=table.sheet,
        )
    return None


# --- Report ---------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did. ``summary()`` is the French sentence shown to the user."""

    kind: str
    label: str
    file_name: str
    sha256: str = ""
    vintage: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    already_imported: bool = False
    data_import: DataImport | None = None

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted

    def summary(self) -> str:
        counts = (
            f"{format_number(self.created)} créée(s), {format_number(self.updated)} mise(s) à jour, "
            f"{format_number(self.unchanged)} inchangée(s)"
        )
        if self.deleted:
            counts += f", {format_number(self.deleted)} supprimée(s)"
        text = f"{self.label} ({self.file_name}"
        text += f", millésime {self.vintage}) : " if self.vintage else ") : "
        text += counts
        if self.skipped:
            text += f" ; {format_number(self.skipped)} ligne(s) hors Hauts-de-France ignorée(s)"
        text += "."
        if self.already_imported:
            text += " Ce fichier avait déjà été importé : rien n'a changé."
        if self.dry_run:
            text += " Vérification seulement : rien n'a été enregistré."
        for note in self.notes:
            text += f" {note}"
        return text


# --- Writing the long table -----------------------------------------------------------------------


@dataclass(frozen=True)
class ValueRow:
    """One value to store in the long table (keyed by indicator, level, code, vintage, job code)."""

    indicator: str
    level: str
    code: str
    vintage: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    is_secret: bool = False
    job_code: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.indicator, self.level, self.code, self.vintage, self.job_code)


def rate_row(indicator: str, level: str, code: str, vintage: str, numerator, denominator, **extra) -> ValueRow:
    """A rate with its numerator and denominator; unknown (None) when either is unknown or the denominator is 0."""
    if numerator is None or denominator is None:
        return ValueRow(indicator, level, code, vintage, None, numerator, denominator, **extra)
    value = numerator / denominator if denominator > 0 else None
    return ValueRow(indicator, level, code, vintage, value, numerator, denominator, **extra)


def sync_values(rows: Sequence[ValueRow], *, data_import: DataImport, report: ImportReport) -> None:
    """Create the values that are new and update those that differ; count the unchanged ones.

    Only the (indicator, vintage) pairs present in ``rows`` are read for comparison, in one query.
    Values not in ``rows`` are kept (an import never deletes another file's values).
    """
    indicators = {
        indicator.code: indicator for indicator in Indicator.objects.filter(code__in={r.indicator for r in rows})
    }
    pairs = {(row.indicator, row.vintage) for row in rows}
    # Plain tuples rather than model instances: several times faster on the 15 000 BMO values.
    existing: dict[tuple, tuple] = {}
    for indicator_code, vintage in sorted(pairs):
        stored_rows = IndicatorValue.objects.filter(indicator__code=indicator_code, vintage=vintage).values_list(
            "pk", "level", "territory_code", "job_code", "value", "numerator", "denominator", "is_secret"
        )
        for pk, level, code, job_code, *fields in stored_rows:
            existing[(indicator_code, level, code, vintage, job_code)] = (pk, tuple(fields))
    to_create, to_update = [], []
    for row in rows:
        fields = (None if row.is_secret else row.value, row.numerator, row.denominator, row.is_secret)
        stored = existing.get(row.key)
        if stored is not None and stored[1] == fields:
            continue
        value = IndicatorValue(
            pk=stored[0] if stored else None,
            indicator=indicators[row.indicator],
            level=row.level,
            territory_code=row.code,
            vintage=row.vintage,
            job_code=row.job_code,
            value=fields[0],
            numerator=row.numerator,
            denominator=row.denominator,
            is_secret=row.is_secret,
            source_import=data_import,
        )
        (to_update if stored else to_create).append(value)
    IndicatorValue.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        IndicatorValue.objects.bulk_update(
            to_update, ["value", "numerator", "denominator", "is_secret", "source_import"], batch_size=BATCH_SIZE
        )
    report.created += len(to_create)
    report.updated += len(to_update)
    report.unchanged += len(rows) - len(to_create) - len(to_update)


def check_unique(keys: Iterator[tuple[Any, Row, str]], what: str) -> None:
    """Raise on the second occurrence of a key: ``keys`` yields (key, row, column)."""
    seen: dict[Any, int] = {}
    for key, row, column in keys:
        if key in seen:
            shown = " × ".join(key) if isinstance(key, tuple) else key
            raise row.error(f"{what} « {shown} » en double (déjà présent ligne {seen[key]}).", column or None)
        seen[key] = row.line


# --- The importer contract ------------------------------------------------------------------------


class Importer:
    """Base class: subclasses set ``kind``, ``label``, ``accepted`` and implement ``parse`` and ``write``."""

    kind: str = ""
    label: str = ""
    accepted: str = ""  # French description of the accepted layout, shown on the upload page

    def parse(self, path: Path, *, file_name: str, vintage: str | None) -> Any:
        raise NotImplementedError

    def vintage_of(self, parsed: Any) -> str:
        return getattr(parsed, "vintage", "")

    def write(self, parsed: Any, *, data_import: DataImport, report: ImportReport) -> None:
        raise NotImplementedError


def reference_codes(model, field_name: str, *, file: str, what: str) -> set[str]:
    """Codes of the reference territories (communes, EPCI…); an empty table is an error (load them first)."""
    codes = set(model.objects.values_list(field_name, flat=True))
    if not codes:
        raise DataImportError(
            f"aucun(e) {what} de référence en base : chargez d'abord les territoires (essaim load_territories).",
            file=file,
        )
    return codes


@dataclass
class ParsedValues:
    """What a values importer found: rows of the long table, and the rows skipped (outside the région)."""

    vintage: str
    values: list[ValueRow]
    skipped: int = 0
    notes: tuple[str, ...] = ()


class ValuesImporter(Importer):
    """An importer whose whole output is rows of the long table."""

    def write(self, parsed: ParsedValues, *, data_import: DataImport, report: ImportReport) -> None:
        sync_values(parsed.values, data_import=data_import, report=report)
        report.skipped += parsed.skipped
        report.notes.extend(parsed.notes)


@dataclass
class ParsedLayer:
    """What a layer importer found: the items (key -> field values) and the count/flag per territory."""

    vintage: str
    items: dict[str, dict]
    counts: list[ValueRow] = field(default_factory=list)
    skipped: int = 0


def sync_items(model, items: Mapping[str, dict], *, key_field: str, report: ImportReport, m2m: str | None = None):
    """Make the rows of ``model`` exactly ``items`` (key -> field values; ``m2m`` names a many-to-many
    field whose value is a set of ids): create, update the differing ones, delete the others."""
    existing = {getattr(obj, key_field): obj for obj in model.objects.all()}
    current_links: dict[int, set] = {}
    if m2m:
        relation = getattr(model, m2m)
        source = relation.field.m2m_field_name() + "_id"
        target = relation.field.m2m_reverse_field_name() + "_id"
        for source_id, target_id in relation.through.objects.values_list(source, target):
            current_links.setdefault(source_id, set()).add(target_id)
    for key, item in items.items():
        values = dict(item)
        links = set(values.pop(m2m)) if m2m else set()
        obj = existing.get(key)
        if obj is None:
            obj = model.objects.create(**{key_field: key}, **values)
            if m2m:
                getattr(obj, m2m).set(links)
            report.created += 1
            continue
        changed = False
        if any(getattr(obj, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save()
            changed = True
        if m2m and current_links.get(obj.pk, set()) != links:
            getattr(obj, m2m).set(links)
            changed = True
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    stale = [obj.pk for key, obj in existing.items() if key not in items]
    if stale:
        model.objects.filter(pk__in=stale).delete()
        report.deleted += len(stale)


class LayerImporter(Importer):
    """An importer of a whole layer (model ``model`` keyed on ``key_field``) plus its count per territory."""

    model: Any = None
    key_field = "code"
    m2m: str | None = None

    def write(self, parsed: ParsedLayer, *, data_import: DataImport, report: ImportReport) -> None:
        sync_items(self.model, parsed.items, key_field=self.key_field, report=report, m2m=self.m2m)
        sync_values(parsed.counts, data_import=data_import, report=report)
        report.skipped += parsed.skipped
