"""The declared exports: one rounding with the pages, units in headers, numbers as numbers, no formula."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from essaim.common.exports import Column, csv_response, xlsx_response
from essaim.common.formats import format_number, format_percent, round_half_up

COLUMNS = [
    Column("Nom"),
    Column("Population (habitants)", kind="number", decimals=0),
    Column("Part des NEET (%)", kind="percent", decimals=1),
    Column("Score (points)", kind="number", decimals=2),
]
ROWS = [['=HYPERLINK("x")', 523342.0, 0.2333, 0.125], ["Arras", 41_000, 0.0665, 2.675], ["Vide", "", None, ""]]


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff")), delimiter=";"))


def test_half_way_values_round_like_the_page():
    """0.125 → 0,13 and 2.675 → 2,68 everywhere (float formatting would give 0,12 and 2,67)."""
    assert round_half_up(0.125, 2) == Decimal("0.13") and format_number(2.675, 2) == "2,68"
    assert format_percent(0.0665) == "6,7\u00a0%"
    rows = csv_rows(csv_response(ROWS, COLUMNS, filename_stem="t"))
    assert rows[1][1:] == ["523342", "23,3", "0,13"]
    assert rows[2][1:] == ["41000", "6,7", "2,68"]
    assert rows[3][1:] == ["", "", ""]


def test_csv_never_writes_a_formula():
    assert csv_rows(csv_response(ROWS, COLUMNS, filename_stem="t"))[1][0] == '\'=HYPERLINK("x")'


def test_xlsx_numbers_are_numbers_rounded_like_the_page_and_parameters_too():
    response = xlsx_response(
        ROWS, COLUMNS, filename_stem="t", title="Données", parameters=[("Territoires", 92), ("Facteur", 1.3)]
    )
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Données"]
    assert [cell.value for cell in sheet[2]] == ['=HYPERLINK("x")', 523342, 23.3, 0.13]
    assert sheet["A2"].data_type == "s"  # text, not a formula
    assert isinstance(sheet["B2"].value, int) and sheet["B2"].number_format == "#,##0"
    assert sheet["C3"].value == 6.7 and sheet["D3"].value == 2.68
    parameters = {row[0].value: row[1].value for row in workbook["Paramètres"].iter_rows(min_row=2)}
    assert parameters == {"Territoires": 92, "Facteur": 1.3}
