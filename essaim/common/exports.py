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
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from essaim.common.formats import format_date, round_half_up

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
        return f"{_rounded(value, column):f}".replace(".", ",")
    if column.kind == "date":
        return format_date(value)
    if column.kind == "datetime":
        return format_date(timezone.localtime(value).date())
    if column.kind == "bool":
        return "Oui" if value else "Non"
    text = str(value)
    # A CSV cell starting like a formula is read as one by spreadsheets: a leading apostrophe keeps it text.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _xlsx_value(value: Any, column: Column) -> Any:
    if value is None or value == "":
        return None
    if column.kind == "datetime":
        return timezone.localtime(value).replace(tzinfo=None).date()
    if column.kind == "bool":
        return "Oui" if value else "Non"
    if column.kind in ("number", "percent") and _is_number(value):
        rounded = _rounded(value, column)
        return int(rounded) if column.decimals == 0 else float(rounded)
    return value


def _as_text(row) -> None:
    """Text cells stay text: openpyxl would store a string starting with « = » as a formula."""
    for cell in row:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _parameter_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "Oui" if value else "Non"
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for cells in _cells(rows, columns):
        writer.writerow([_csv_text(value, column) for value, column in zip(cells, columns, strict=True)])
    return _attachment(("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8", filename_stem, "csv")


def _bold_header(sheet) -> None:
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
    workbook = Workbook()
    _data_sheet(workbook.active, title, rows, columns)
    for extra_title, extra_rows, extra_columns in sheets:
        _data_sheet(workbook.create_sheet(), extra_title, extra_rows, extra_columns)
    if parameters:
        info = workbook.create_sheet("Paramètres")
        info.append(["Paramètre", "Valeur"])
        _bold_header(info)
        for key, value in parameters:
            info.append([key, _parameter_cell(value)])
            _as_text(info[info.max_row])
            if isinstance(value, float) and not value.is_integer():
                info.cell(row=info.max_row, column=2).number_format = "#,##0.00"
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                info.cell(row=info.max_row, column=2).number_format = "#,##0"
        info.column_dimensions["A"].width = 40
        info.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(buffer.getvalue(), XLSX_CONTENT_TYPE, filename_stem, "xlsx")


def _data_sheet(sheet, title: str, rows: Iterable[Any], columns: Sequence[Column]) -> None:
    sheet.title = title[:31]
    sheet.append([column.header for column in columns])
    _bold_header(sheet)
    for cells in _cells(rows, columns):
        sheet.append([_xlsx_value(value, column) for value, column in zip(cells, columns, strict=True)])
        _as_text(sheet[sheet.max_row])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        if number_format := _number_format(column):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
