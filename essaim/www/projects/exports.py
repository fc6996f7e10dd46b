"""Declared exports (les-emplois style): an ordered column spec, written to CSV or XLSX the same way.

CSV is for Excel in France: ``;`` separator, UTF-8 with a BOM, French formats (26/11/2026, 1 234,5).
XLSX keeps real types (dates, numbers) with French display formats, a bold frozen header and a filter.
The generic part (``Column``, ``csv_response``, ``xlsx_response``) does not know projects; it could
move to ``essaim.common`` when a second area needs it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from essaim.common.formats import format_date, format_number

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str  # French, as shown in the list
    value: Callable[[Any], Any]
    kind: str = "text"  # text | int | date | datetime | bool
    width: int = 18  # XLSX column width (characters)


def _csv_text(value, kind: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "int":
        return format_number(value)
    if kind == "date":
        return format_date(value)
    if kind == "datetime":
        return format_date(timezone.localtime(value).date())
    if kind == "bool":
        return "Oui" if value else "Non"
    return str(value)


def _xlsx_value(value, kind: str):
    if value is None or value == "":
        return None
    if kind == "datetime":
        return timezone.localtime(value).replace(tzinfo=None).date()
    if kind == "bool":
        return "Oui" if value else "Non"
    return value


def _filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate():%Y-%m-%d}.{extension}"


def csv_response(rows: Iterable[Any], columns: list[Column], *, filename_stem: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow([_csv_text(column.value(row), column.kind) for column in columns])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(filename_stem, "csv")}"'
    return response


def xlsx_response(rows: Iterable[Any], columns: list[Column], *, filename_stem: str, title: str) -> HttpResponse:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_xlsx_value(column.value(row), column.kind) for column in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.kind in ("date", "datetime"):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "DD/MM/YYYY"
        elif column.kind == "int":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "#,##0"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(filename_stem, "xlsx")}"'
    return response


def _trades(project) -> str:
    return ", ".join(line.trade.name for line in project.trade_lines.all())


def _late_reasons(project) -> str:
    return " ".join(project.late_reasons(entered_at=project.stage_entered_at))


# The pipeline list, column by column (same rows and order as the page, all pages).
PROJECT_COLUMNS = [
    Column("Projet", lambda p: p.name, width=40),
    Column("Porteur", lambda p: p.holder.name, width=30),
    Column("Commune", lambda p: p.commune.name, width=22),
    Column("Code commune (INSEE)", lambda p: p.commune.code, width=12),
    Column("EPCI", lambda p: p.commune.epci.name, width=30),
    Column("Département", lambda p: p.commune.department.name, width=16),
    Column("Métiers", _trades, width=30),
    Column("Places", lambda p: p.places, kind="int", width=8),
    Column("Étape", lambda p: p.get_stage_display(), width=24),
    Column("Dans l'étape depuis le", lambda p: p.stage_entered_at, kind="datetime", width=14),
    Column("En retard", lambda p: p.is_late, kind="bool", width=10),
    Column("Motif du retard", _late_reasons, width=50),
    Column("Ouverture visée", lambda p: p.target_opening_date, kind="date", width=14),
    Column("Projet fictif (démonstration)", lambda p: p.is_demo, kind="bool", width=12),
]
