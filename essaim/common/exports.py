"""Declared exports (les-emplois style): an ordered column spec, written to CSV or XLSX the same way.

CSV is for Excel in France: ``;`` separator, UTF-8 with a BOM, dates as 26/11/2026, numbers with a
decimal comma and no thousands separator (so that Excel reads them as numbers), an empty cell for a
missing value. XLSX keeps real types (dates, numbers) with French display formats, a bold frozen
header, a filter, and optionally a second sheet listing the parameters and sources of the export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from essaim.common.formats import format_date

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One exported column. ``value`` reads the cell from a row object; without it, rows are
    sequences and the column reads its own position."""

    header: str  # French, as shown on the page
    value: Callable[[Any], Any] | None = None
    kind: str = "text"  # text | number | date | datetime | bool
    decimals: int = 0  # for numbers
    width: int = 18  # XLSX column width (characters)


def _cells(rows: Iterable[Any], columns: Sequence[Column]) -> Iterable[list[Any]]:
    for row in rows:
        yield [column.value(row) if column.value is not None else row[index] for index, column in enumerate(columns)]


def _csv_text(value: Any, column: Column) -> str:
    if value is None or value == "":
        return ""
    if column.kind == "number":
        return f"{float(value):.{column.decimals}f}".replace(".", ",")
    if column.kind == "date":
        return format_date(value)
    if column.kind == "datetime":
        return format_date(timezone.localtime(value).date())
    if column.kind == "bool":
        return "Oui" if value else "Non"
    return str(value)


def _xlsx_value(value: Any, column: Column) -> Any:
    if value is None or value == "":
        return None
    if column.kind == "datetime":
        return timezone.localtime(value).replace(tzinfo=None).date()
    if column.kind == "bool":
        return "Oui" if value else "Non"
    return value


def _number_format(column: Column) -> str | None:
    if column.kind in ("date", "datetime"):
        return "DD/MM/YYYY"
    if column.kind == "number":
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
    parameters: Sequence[tuple[str, str]] = (),
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([column.header for column in columns])
    _bold_header(sheet)
    for cells in _cells(rows, columns):
        sheet.append([_xlsx_value(value, column) for value, column in zip(cells, columns, strict=True)])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
        if number_format := _number_format(column):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    if parameters:
        info = workbook.create_sheet("Paramètres")
        info.append(["Paramètre", "Valeur"])
        _bold_header(info)
        for key, value in parameters:
            info.append([key, value])
        info.column_dimensions["A"].width = 40
        info.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(buffer.getvalue(), XLSX_CONTENT_TYPE, filename_stem, "xlsx")
