"""CSV and XLSX exports of the analysis tables, with exactly the rows and columns shown on the page.

CSV is for Excel in France: ``;`` separator, UTF-8 with a BOM, decimal comma and no thousands
separator (so that Excel reads numbers as numbers), empty cell for a missing value. XLSX keeps real
numbers with a French display format, a bold frozen header, a filter, and a second sheet with the
parameters and sources of the analysis.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    decimals: int | None = None  # None: text; 0: integer; n: number with n decimals
    width: int = 14


def _csv_cell(value, column: Column) -> str:
    if value is None or value == "":
        return ""
    if column.decimals is None:
        return str(value)
    return f"{float(value):.{column.decimals}f}".replace(".", ",")


def _filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_response(columns: list[Column], rows: list[list], *, filename_stem: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow([_csv_cell(value, column) for value, column in zip(row, columns, strict=True)])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(filename_stem, "csv")}"'
    return response


def _number_format(decimals: int) -> str:
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


def xlsx_response(
    columns: list[Column], rows: list[list], *, filename_stem: str, title: str, parameters: list[tuple[str, str]]
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.decimals is not None:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = _number_format(column.decimals)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    info = workbook.create_sheet("Paramètres")
    info.append(["Paramètre", "Valeur"])
    for cell in info[1]:
        cell.font = Font(bold=True)
    for key, value in parameters:
        info.append([key, value])
    info.column_dimensions["A"].width = 40
    info.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(filename_stem, "xlsx")}"'
    return response
