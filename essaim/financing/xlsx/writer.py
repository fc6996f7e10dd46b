"""Export of a plan to an .xlsx workbook: typed inputs, computed figures as live formulas.

Layout constants: :mod:`essaim.financing.xlsx.layout`; documentation: ``docs/plan-workbook.md``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from essaim.financing.xlsx import layout as L
from essaim.financing.xlsx.layout import column_letter as _col
from essaim.financing.xlsx.layout import source_columns as _source_columns
from financing_engine import (
    ExpenseKind,
    FlowCategory,
    PlanInput,
    PlanResult,
    RevenueKind,
    SourceKind,
    UseCategory,
    evaluate_plan,
)
from financing_engine.dates import add_months, school_year_label

__all__ = ["XLSX_CONTENT_TYPE", "plan_to_xlsx"]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# =============================================================================== styles
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: typed by the user
_COMPUTED_FILL = PatternFill("solid", fgColor="E7E6E6")  # grey: calculé par Essaim
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_NOTE_FONT = Font(italic=True, color="595959", size=9)
_COMPUTED_FONT = Font(italic=True, color="404040")
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _ref(col: int, row: int, *, absolute: bool = False, sheet: str | None = None) -> str:
    letter = _col(col)
    ref = f"${letter}${row}" if absolute else f"{letter}{row}"
    return f"{_quote(sheet)}!{ref}" if sheet else ref


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _range(col: int, first: int, last: int, sheet: str | None = None) -> str:
    ref = f"${_col(col)}${first}:${_col(col)}${last}"
    return f"{_quote(sheet)}!{ref}" if sheet else ref


def _excel_value(value: Any, kind: L.Kind, labels: dict | None = None) -> Any:
    """Python value → cell value for an input cell."""
    if value is None:
        return None
    if kind is L.Kind.ENUM:
        assert labels is not None
        return labels[value]
    if kind is L.Kind.BOOL:
        return L.YES if value else L.NO
    if kind is L.Kind.EXPENSES:
        return " ; ".join(L.EXPENSE_LABELS[k] for k in value)
    if isinstance(value, Decimal):
        return float(value)  # the shortest repr of the float reads back as the same Decimal
    return value


def _set_text(cell: Cell, value: str) -> None:
    cell.value = value
    if value.startswith("="):  # a label is never a formula
        cell.data_type = "s"


def _input(ws: Worksheet, row: int, col: int, value: Any, kind: L.Kind, labels: dict | None = None) -> Cell:
    cell = ws.cell(row=row, column=col)
    converted = _excel_value(value, kind, labels)
    if isinstance(converted, str):
        _set_text(cell, converted)
    else:
        cell.value = converted
    cell.fill = _INPUT_FILL
    cell.border = _BORDER
    if kind in L.FORMATS:
        cell.number_format = L.FORMATS[kind]
    if kind in (L.Kind.TEXT, L.Kind.EXPENSES):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _formula(ws: Worksheet, row: int, col: int, formula: str, fmt: str | None = L.FMT_EUR, *, bold: bool = False):
    cell = ws.cell(row=row, column=col, value=f"={formula}")
    cell.border = _BORDER
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = _BOLD
        cell.fill = _TOTAL_FILL
    return cell


def _computed(ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = L.FMT_EUR) -> Cell:
    cell = ws.cell(row=row, column=col, value=float(value) if isinstance(value, Decimal) else value)
    cell.fill = _COMPUTED_FILL
    cell.font = _COMPUTED_FONT
    cell.border = _BORDER
    if fmt:
        cell.number_format = fmt
    return cell


def _label(ws: Worksheet, row: int, col: int, text: str, *, bold: bool = False) -> Cell:
    cell = ws.cell(row=row, column=col)
    _set_text(cell, text)
    if bold:
        cell.font = _BOLD
    return cell


def _header(ws: Worksheet, row: int, col: int, text: str) -> Cell:
    cell = _label(ws, row, col, text, bold=True)
    cell.fill = _HEADER_FILL
    cell.border = _BORDER
    cell.alignment = _HEADER_ALIGN
    return cell


def _title(ws: Worksheet, text: str, note: str = "") -> None:
    _label(ws, 1, 1, text).font = _TITLE_FONT
    if note:
        _label(ws, 2, 1, note).font = _NOTE_FONT


def _print_setup(ws: Worksheet, last_col: int, last_row: int, *, landscape: bool, title_rows: str | None, doc: str):
    ws.print_area = f"A1:{_col(last_col)}{max(last_row, 1)}"
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddHeader.center.text = doc
    ws.oddFooter.center.text = "&A – page &P / &N"


def _widths(ws: Worksheet, widths: dict[int, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[_col(col)].width = width


def _month_formula(date_ref: str) -> str:
    """1-based month number of the plan for the date in ``date_ref``."""
    start = _ref(L.PARAM_VALUE_COL, L.PARAM_FIELDS_ROWS["start_date"][0], absolute=True, sheet=L.PARAMETERS)
    return f"(YEAR({date_ref})-YEAR({start}))*12+MONTH({date_ref})-MONTH({start})+1"


# =============================================================================== export
@dataclass
class _Refs:
    """Cell addresses shared between sheets while exporting."""

    uses_first: int = L.TABLE_FIRST_ROW
    uses_last: int = L.TABLE_FIRST_ROW
    uses_total: str = ""
    sources_first: int = L.TABLE_FIRST_ROW
    sources_last: int = L.TABLE_FIRST_ROW
    sources_total: str = ""
    gap: str = ""
    balanced: str = ""
    loan_rows: tuple[int, int] = (0, 0)  # first and last row of the loan schedule table
    cash_first: int = L.CASH_FIRST_ROW
    cash_last: int = L.CASH_FIRST_ROW
    summary: dict[str, str] = field(default_factory=dict)


def plan_to_xlsx(plan: PlanInput, *, title: str = "") -> bytes:
    """Export ``plan`` to an .xlsx workbook (bytes) with live formulas.

    The plan is evaluated with :func:`financing_engine.evaluate_plan` to fill
    the cells marked « calculé par Essaim » (monthly flows with intricate
    timing, loan schedules, FSE+ allocation); everything else that is
    computed is an Excel formula. Raises :class:`financing_engine.PlanInputError`
    if the plan is invalid.
    """
    result = evaluate_plan(plan)
    doc_title = title or plan.name or "Plan de financement"
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {name: workbook.create_sheet(name) for name in L.SHEETS}
    refs = _Refs()
    _write_lists(sheets[L.LISTS])
    _write_parameters(sheets[L.PARAMETERS], plan, doc_title)
    _write_uses(sheets[L.USES], plan, refs, doc_title)
    _write_sources(sheets[L.SOURCES], plan, refs, doc_title)
    _write_loans(sheets[L.LOANS], result, refs, doc_title)
    _write_operating(sheets[L.OPERATING], plan, result, refs, doc_title)
    _write_eu_grants(sheets[L.EU_GRANTS], plan, doc_title)
    _write_cash(sheets[L.CASH], plan, result, refs, doc_title)
    _write_summary(sheets[L.SUMMARY], plan, result, refs, doc_title)
    _write_readme(sheets[L.README], plan, doc_title)
    workbook.properties.title = doc_title
    workbook.properties.creator = "Essaim"
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_lists(ws: Worksheet) -> None:
    columns = (
        ("Catégories d'emplois", list(L.USE_LABELS.values())),
        ("Durée d'amortissement par défaut (ans)", [c.default_depreciation_years for c in UseCategory]),
        ("Natures de ressources", list(L.SOURCE_LABELS.values())),
        ("Statuts", list(L.STATUS_LABELS.values())),
        ("Périodicités", list(L.PERIODICITY_LABELS.values())),
        ("Profils d'amortissement", list(L.AMORTISATION_LABELS.values())),
        ("Types de différé", list(L.DEFERRAL_LABELS.values())),
        ("Fonds européens", list(L.FUND_LABELS.values())),
        ("Dépenses cofinançables", list(L.EXPENSE_LABELS.values())),
        ("Oui / non", [L.YES, L.NO]),
    )
    _title(ws, "Listes de valeurs", "Libellés acceptés dans les cellules de saisie (listes déroulantes).")
    for col, (header, values) in enumerate(columns, start=1):
        _header(ws, 4, col, header)
        for row, value in enumerate(values, start=5):
            if isinstance(value, str):
                _label(ws, row, col, value)
            else:
                ws.cell(row=row, column=col, value=value)
        ws.column_dimensions[_col(col)].width = 30 if col != 2 else 16
    ws.freeze_panes = "A5"
    _print_setup(ws, len(columns), 16, landscape=True, title_rows="4:4", doc="Listes")


_LIST_COLUMNS = {  # labels dict id -> column of the Listes sheet
    id(L.USE_LABELS): 1,
    id(L.SOURCE_LABELS): 3,
    id(L.STATUS_LABELS): 4,
    id(L.PERIODICITY_LABELS): 5,
    id(L.AMORTISATION_LABELS): 6,
    id(L.DEFERRAL_LABELS): 7,
    id(L.FUND_LABELS): 8,
}


def _validation(ws: Worksheet, item: L.Field, cells: str) -> None:
    """Drop-down list (enums, oui/non) on ``cells``; values are still checked on import."""
    if item.kind is L.Kind.BOOL:
        formula = f"{_quote(L.LISTS)}!$J$5:$J$6"
    elif item.kind is L.Kind.ENUM and item.labels is not None:
        col = _col(_LIST_COLUMNS[id(item.labels)])
        formula = f"{_quote(L.LISTS)}!${col}$5:${col}${4 + len(item.labels)}"
    else:
        return
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.error = "Choisissez une valeur de la liste (feuille « Listes »)."
    validation.errorTitle = "Valeur inconnue"
    ws.add_data_validation(validation)
    validation.add(cells)


def _write_parameters(ws: Worksheet, plan: PlanInput, doc: str) -> None:
    _title(ws, "Paramètres du plan", "Cellules jaunes : saisies. Cellules blanches : formules.")
    for col, text in enumerate(("Paramètre", "Valeur", "Aide"), start=1):
        _header(ws, L.PARAM_HEADER_ROW, col, text)
    notes = {
        "start_date": "Le jour est ignoré : le plan compte en mois.",
        "opening_month": "Dans la première année scolaire ; après le 1er mois, l'année 1 est incomplète.",
        "opening_cash": "Peut être négative.",
        "cash_floor": "Sert à dimensionner le prêt de BFR.",
        "apprenticeship_tax_calendar_month": "6 = juin.",
    }
    values = {
        "name": plan.name,
        "start_date": plan.start_date,
        "horizon_years": plan.horizon_years,
        "opening_month": add_months(plan.start_date, plan.opening_month),
        "opening_cash": plan.opening_cash,
        "cash_floor": plan.cash_floor,
        "sales_collection_delay_months": plan.operating.timings.sales_collection_delay_months,
        "apprenticeship_tax_calendar_month": plan.operating.timings.apprenticeship_tax_calendar_month,
    }
    for key, (row, item) in L.PARAM_FIELDS_ROWS.items():
        _label(ws, row, 1, item.header)
        _input(ws, row, L.PARAM_VALUE_COL, values[key], item.kind, item.labels)
        if key in notes:
            _label(ws, row, L.PARAM_NOTE_COL, notes[key]).font = _NOTE_FONT

    _label(ws, L.TIMINGS_TITLE_ROW, 1, "Calendrier de versement des produits de fonctionnement", bold=True)
    _header(ws, L.TIMINGS_HEADER_ROW, 1, "Produit")
    for offset, item in enumerate(L.PAYMENT_FIELDS):
        _header(ws, L.TIMINGS_HEADER_ROW, 2 + offset, item.header)
    for key, (row, text) in L.TIMINGS_ROWS.items():
        _label(ws, row, 1, text)
        terms = getattr(plan.operating.timings, key)
        for offset, item in enumerate(L.PAYMENT_FIELDS):
            _input(ws, row, 2 + offset, getattr(terms, item.name), item.kind)

    _label(
        ws,
        L.WC_LOAN_TITLE_ROW,
        1,
        "Prêt de BFR (dimensionnement) — laisser vide pour reprendre le premier prêt du plan",
        bold=True,
    )
    loan = plan.working_capital_loan
    for offset, item in enumerate(L.LOAN_FIELDS):
        row = L.WC_LOAN_FIRST_ROW + offset
        _label(ws, row, 1, item.header)
        value = None if loan is None else getattr(loan, item.name)
        if item.kind is L.Kind.MONTH and value is not None:
            value = add_months(plan.start_date, value)
        cell = _input(ws, row, L.PARAM_VALUE_COL, value, item.kind, item.labels)
        _validation(ws, item, cell.coordinate)

    _label(ws, L.PARAM_COMPUTED_TITLE_ROW, 1, "Valeurs calculées (formules)", bold=True)
    horizon = _ref(2, L.PARAM_FIELDS_ROWS["horizon_years"][0], absolute=True)
    start = _ref(2, L.PARAM_FIELDS_ROWS["start_date"][0], absolute=True)
    opening = _ref(2, L.PARAM_FIELDS_ROWS["opening_month"][0], absolute=True)
    _label(ws, L.PARAM_MONTHS_ROW, 1, "Nombre de mois du plan")
    _formula(ws, L.PARAM_MONTHS_ROW, 2, f"12*{horizon}", L.FMT_INT)
    _label(ws, L.PARAM_OPENING_INDEX_ROW, 1, "N° du mois d'ouverture (1 = premier mois du plan)")
    _formula(
        ws,
        L.PARAM_OPENING_INDEX_ROW,
        2,
        f"(YEAR({opening})-YEAR({start}))*12+MONTH({opening})-MONTH({start})+1",
        L.FMT_INT,
    )
    _label(ws, L.PARAM_LAST_MONTH_ROW, 1, "Dernier mois du plan")
    _formula(ws, L.PARAM_LAST_MONTH_ROW, 2, f"EDATE({start},12*{horizon}-1)", L.FMT_MONTH)

    _widths(ws, {1: 58, 2: 18, 3: 16, 4: 16, 5: 16, 6: 20, 7: 8})
    ws.freeze_panes = "B4"
    _print_setup(ws, 6, L.PARAM_LAST_MONTH_ROW, landscape=False, title_rows=None, doc=doc)


def _write_table_header(ws: Worksheet, items: Iterable[L.Field], first_col: int = 1) -> int:
    col = first_col
    for item in items:
        _header(ws, L.TABLE_HEADER_ROW, col, item.header)
        ws.column_dimensions[_col(col)].width = item.width
        col += 1
    ws.row_dimensions[L.TABLE_HEADER_ROW].height = 45
    return col


def _write_uses(ws: Worksheet, plan: PlanInput, refs: _Refs, doc: str) -> None:
    horizon = plan.horizon_years
    _title(
        ws,
        "Plan d'investissement — emplois",
        "Une ligne par dépense ; lignes vides ignorées. Colonnes blanches à droite : formules (amortissements).",
    )
    next_col = _write_table_header(ws, L.USE_FIELDS)
    col_month, col_paid, col_life = next_col, next_col + 1, next_col + 2
    _header(ws, L.TABLE_HEADER_ROW, col_month, "Mois n°")
    _header(ws, L.TABLE_HEADER_ROW, col_paid, "Montant décaissé (€)")
    _header(ws, L.TABLE_HEADER_ROW, col_life, "Durée retenue (mois)")
    for k in range(horizon):
        _header(ws, L.TABLE_HEADER_ROW, col_life + 1 + k, f"Amortissement cumulé fin année {k + 1}")
    _widths(ws, {col_month: 8, col_paid: 15, col_life: 10} | {col_life + 1 + k: 15 for k in range(horizon)})
    _label(ws, L.TABLE_GROUP_ROW, col_month, "Formules", bold=True)

    first = L.TABLE_FIRST_ROW
    last = first + len(plan.uses) + L.SPARE_ROWS - 1
    refs.uses_first, refs.uses_last = first, last
    wc_label = L.USE_LABELS[UseCategory.WORKING_CAPITAL]
    lists = _quote(L.LISTS)
    for i in range(len(plan.uses) + L.SPARE_ROWS):
        row = first + i
        use = plan.uses[i] if i < len(plan.uses) else None
        for col, item in enumerate(L.USE_FIELDS, start=1):
            value = None if use is None else getattr(use, item.name)
            if use is not None and item.kind is L.Kind.MONTH:
                value = add_months(plan.start_date, value)
            _input(ws, row, col, value, item.kind, item.labels)
        a, d, e, f = (f"{c}{row}" for c in "ADEF")
        _formula(ws, row, col_month, f'IF({e}="","",{_month_formula(e)})', L.FMT_INT)
        _formula(ws, row, col_paid, f'IF(OR({a}="",{a}="{wc_label}",{d}=""),0,{d})')
        default = f"VLOOKUP({a},{lists}!$A$5:$B$10,2,FALSE)"
        _formula(ws, row, col_life, f'IF(OR({a}="",{a}="{wc_label}"),0,12*IF({f}="",{default},{f}))', L.FMT_INT)
        life, month = _ref(col_life, row), _ref(col_month, row)
        for k in range(1, horizon + 1):
            elapsed = f"MIN(MAX(0,{12 * k}-{month}+1),{life})"
            _formula(
                ws,
                row,
                col_life + k,
                f'IF(OR({life}=0,{d}="",{month}=""),0,{L.rounded(f"{d}*{elapsed}/{life}")})',
            )
    for col, item in enumerate(L.USE_FIELDS, start=1):
        _validation(ws, item, f"{_col(col)}{first}:{_col(col)}{last}")

    total = last + 1
    _label(ws, total, 1, L.USES_TOTAL_LABEL, bold=True)
    _formula(ws, total, 4, f"SUM({_range(4, first, last)})", bold=True)
    _formula(ws, total, 7, f"SUM({_range(7, first, last)})", bold=True)
    for col in range(col_paid, col_life + horizon + 1):
        if col != col_life:
            _formula(ws, total, col, f"SUM({_range(col, first, last)})", bold=True)
    refs.uses_total = _ref(4, total, absolute=True, sheet=L.USES)
    refs.summary["uses_depreciation_col"] = str(col_life + 1)

    by_cat = total + 2
    _label(ws, by_cat, 1, L.USES_BY_CATEGORY_LABEL, bold=True)
    for i, category in enumerate(UseCategory):
        row = by_cat + 1 + i
        _label(ws, row, 1, category.label)
        _formula(ws, row, 4, f'SUMIF({_range(1, first, last)},"{category.label}",{_range(4, first, last)})')
    refs.summary["uses_by_category_row"] = str(by_cat + 1)
    last_row = by_cat + len(UseCategory)
    ws.freeze_panes = ws.cell(row=first, column=3).coordinate
    _print_setup(
        ws,
        col_life + horizon,
        last_row,
        landscape=True,
        title_rows=f"{L.TABLE_HEADER_ROW}:{L.TABLE_HEADER_ROW}",
        doc=doc,
    )


def _write_sources(ws: Worksheet, plan: PlanInput, refs: _Refs, doc: str) -> None:
    _title(
        ws,
        "Plan d'investissement — ressources",
        "Versement : ignoré pour un prêt. Prêt : pour le prêt BdT et l'emprunt bancaire. "
        "FEDER : vide = règles par défaut.",
    )
    columns = _source_columns()
    col = 1
    for _group, items, text in L.SOURCE_GROUPS:
        _label(ws, L.TABLE_GROUP_ROW, col, text, bold=True)
        col += len(items)
    next_col = _write_table_header(ws, [item for _, item in columns])
    col_draw_month, col_draw_amount = next_col, next_col + 1
    _header(ws, L.TABLE_HEADER_ROW, col_draw_month, "Mois de déblocage n°")
    _header(ws, L.TABLE_HEADER_ROW, col_draw_amount, "Montant débloqué (€)")
    _label(ws, L.TABLE_GROUP_ROW, col_draw_month, "Formules", bold=True)
    _widths(ws, {col_draw_month: 11, col_draw_amount: 15})

    first = L.TABLE_FIRST_ROW
    last = first + len(plan.sources) + L.SPARE_ROWS - 1
    refs.sources_first, refs.sources_last = first, last
    loan_labels = [k.label for k in SourceKind if k.is_loan]
    date_col = 1 + next(i for i, (g, item) in enumerate(columns) if g == "loan" and item.name == "drawdown_month")
    for i in range(len(plan.sources) + L.SPARE_ROWS):
        row = first + i
        source = plan.sources[i] if i < len(plan.sources) else None
        for col, (group, item) in enumerate(columns, start=1):
            value = None
            if source is not None:
                holder = source if group == "main" else getattr(source, group)
                value = None if holder is None else getattr(holder, item.name)
                if item.kind is L.Kind.MONTH and value is not None:
                    value = add_months(plan.start_date, value)
            _input(ws, row, col, value, item.kind, item.labels)
        a, p = f"A{row}", f"{_col(date_col)}{row}"
        is_loan = "OR(" + ",".join(f'{a}="{label}"' for label in loan_labels) + ")"
        _formula(ws, row, col_draw_month, f'IF({is_loan},IF({p}="",1,{_month_formula(p)}),"")', L.FMT_INT)
        _formula(ws, row, col_draw_amount, f'IF(AND({is_loan},D{row}<>""),D{row},0)')
    for col, (_group, item) in enumerate(columns, start=1):
        _validation(ws, item, f"{_col(col)}{first}:{_col(col)}{last}")

    total = last + 1
    _label(ws, total, 1, L.SOURCES_TOTAL_LABEL, bold=True)
    _formula(ws, total, 4, f"SUM({_range(4, first, last)})", bold=True)
    _formula(ws, total, col_draw_amount, f"SUM({_range(col_draw_amount, first, last)})", bold=True)
    _label(ws, total + 1, 1, L.SOURCES_USES_LABEL)
    _formula(ws, total + 1, 4, refs.uses_total)
    _label(ws, total + 2, 1, L.SOURCES_GAP_LABEL, bold=True)
    _formula(ws, total + 2, 4, f"D{total}-D{total + 1}", bold=True)
    _label(ws, total + 3, 1, L.SOURCES_BALANCED_LABEL)
    _formula(ws, total + 3, 4, f'IF(ROUND(D{total + 2},2)=0,"{L.YES}","{L.NO}")', None)
    refs.sources_total = _ref(4, total, absolute=True, sheet=L.SOURCES)
    refs.gap = _ref(4, total + 2, absolute=True, sheet=L.SOURCES)
    refs.balanced = _ref(4, total + 3, absolute=True, sheet=L.SOURCES)
    refs.summary["draw_month"] = _range(col_draw_month, first, last, L.SOURCES)
    refs.summary["draw_amount"] = _range(col_draw_amount, first, last, L.SOURCES)

    by_kind = total + 5
    _label(ws, by_kind, 1, L.SOURCES_BY_KIND_LABEL, bold=True)
    for i, kind in enumerate(SourceKind):
        row = by_kind + 1 + i
        _label(ws, row, 1, kind.label)
        _formula(ws, row, 4, f'SUMIF({_range(1, first, last)},"{kind.label}",{_range(4, first, last)})')
    refs.summary["sources_by_kind_row"] = str(by_kind + 1)
    ws.freeze_panes = ws.cell(row=first, column=3).coordinate
    _print_setup(
        ws,
        col_draw_amount,
        by_kind + len(SourceKind),
        landscape=True,
        title_rows=f"{L.TABLE_GROUP_ROW}:{L.TABLE_HEADER_ROW}",
        doc=doc,
    )


def _write_loans(ws: Worksheet, result: PlanResult, refs: _Refs, doc: str) -> None:
    _title(
        ws,
        "Prêts — échéanciers",
        f"Échéanciers {L.COMPUTED_BY_ESSAIM} (cellules grises) ; totaux en formules. Mois n° 1 = premier mois du plan.",
    )
    headers = (
        "Prêt", "Libellé", "Montant (€)", "Durée (mois)", "Différé (mois)", "Taux annuel", "Périodicité",
        "Total des intérêts (€)", "dont intérêts capitalisés (€)", "Capital remboursé (€)", "Total des échéances (€)",
    )  # fmt: skip
    for col, text in enumerate(headers, start=1):
        _header(ws, L.TABLE_HEADER_ROW, col, text)
    ws.row_dimensions[L.TABLE_HEADER_ROW].height = 45
    schedule_header = L.TABLE_FIRST_ROW + len(result.loans) + 2
    first = schedule_header + 1
    n_rows = sum(len(loan.rows) for loan in result.loans)
    last = first + max(n_rows, 1) - 1
    refs.loan_rows = (first, last)
    for i, loan in enumerate(result.loans):
        row = L.TABLE_FIRST_ROW + i
        key = f"Prêt {i + 1}"
        _label(ws, row, 1, key)
        _label(ws, row, 2, loan.label)
        terms = loan.terms
        _computed(ws, row, 3, loan.amount)
        _computed(ws, row, 4, terms.duration_months, L.FMT_INT)
        _computed(ws, row, 5, terms.deferral_months, L.FMT_INT)
        _computed(ws, row, 6, terms.annual_rate, L.FMT_PERCENT)
        _computed(ws, row, 7, terms.periodicity.label, None)
        for col, source_col in ((8, 6), (9, 7), (10, 8), (11, 5)):
            _formula(ws, row, col, f'SUMIF({_range(1, first, last)},"{key}",{_range(source_col, first, last)})')
    if not result.loans:
        _label(ws, L.TABLE_FIRST_ROW, 1, "Aucun prêt dans le plan.").font = _NOTE_FONT

    schedule_headers = (
        "Prêt", "Période", "Mois n°", "Mois", "Échéance payée (€)", "Intérêts (€)",
        "dont intérêts capitalisés (€)", "Capital remboursé (€)", "Capital restant dû (€)",
    )  # fmt: skip
    for col, text in enumerate(schedule_headers, start=1):
        _header(ws, schedule_header, col, text)
    ws.row_dimensions[schedule_header].height = 45
    row = first
    for i, loan in enumerate(result.loans):
        for item in loan.rows:
            _label(ws, row, 1, f"Prêt {i + 1}")
            _computed(ws, row, 2, item.period, L.FMT_INT)
            _computed(ws, row, 3, item.month_index + 1, L.FMT_INT)
            _computed(ws, row, 4, item.date, L.FMT_MONTH)
            _computed(ws, row, 5, item.instalment)
            _computed(ws, row, 6, item.interest)
            _computed(ws, row, 7, item.capitalised_interest)
            _computed(ws, row, 8, item.principal)
            _computed(ws, row, 9, item.outstanding)
            row += 1
    _widths(ws, {1: 9, 2: 34, 3: 15, 4: 10, 5: 15, 6: 13, 7: 16, 8: 15, 9: 15, 10: 15, 11: 15})
    ws.freeze_panes = ws.cell(row=first, column=1).coordinate if result.loans else "A5"
    _print_setup(ws, 11, last, landscape=True, title_rows=f"{schedule_header}:{schedule_header}", doc=doc)


def _write_operating(ws: Worksheet, plan: PlanInput, result: PlanResult, refs: _Refs, doc: str) -> None:
    horizon = plan.horizon_years
    _title(
        ws,
        "Budget de fonctionnement par année scolaire",
        "Saisies en jaune ; produits, charges et résultat en formules ; "
        f"fonds européens {L.COMPUTED_BY_ESSAIM} (répartition au prorata des dépenses éligibles).",
    )
    _header(ws, L.OP_HEADER_ROW, 1, "Ligne")
    total_col = L.OP_FIRST_YEAR_COL + horizon
    start = _ref(L.PARAM_VALUE_COL, L.PARAM_FIELDS_ROWS["start_date"][0], absolute=True, sheet=L.PARAMETERS)
    opening_index = _ref(L.PARAM_VALUE_COL, L.PARAM_OPENING_INDEX_ROW, absolute=True, sheet=L.PARAMETERS)
    _label(ws, L.OP_START_ROW, 1, "Premier mois de l'année")
    _label(ws, L.OP_INPUT_TITLE_ROW, 1, "Saisies", bold=True)
    for _key, (row, item) in L.OPERATING_FIELDS_ROWS.items():
        _label(ws, row, 1, item.header)
    _label(ws, L.OP_REVENUE_TITLE_ROW, 1, "Produits", bold=True)
    _label(ws, L.OP_FULL_YEAR_ROW, 1, "Année scolaire complète (subvention de l'État comptée)")
    for kind in RevenueKind:
        text = kind.label[0].upper() + kind.label[1:]
        if kind is RevenueKind.EU_GRANTS:
            text += f" — {L.COMPUTED_BY_ESSAIM}"
        _label(ws, L.OP_REVENUE_ROWS[kind.value], 1, text)
    _label(ws, L.OP_TOTAL_REVENUES_ROW, 1, "Total des produits", bold=True)
    _label(ws, L.OP_EXPENSE_TITLE_ROW, 1, "Charges", bold=True)
    for expense in ExpenseKind:
        _label(ws, L.OP_EXPENSE_ROWS[expense.value], 1, expense.label[0].upper() + expense.label[1:])
    _label(ws, L.OP_TOTAL_EXPENSES_ROW, 1, "Total des charges", bold=True)
    _label(ws, L.OP_RESULT_ROW, 1, "Résultat de l'année (produits − charges)", bold=True)
    _label(ws, L.OP_EXCLUDED_STATE_ROW, 1, "Subvention de l'État non comptée (année incomplète)")
    _label(ws, L.OP_COST_PER_YOUTH_ROW, 1, "Coût par jeune (charges / jeunes)")
    _label(ws, L.OP_SALES_SHARE_ROW, 1, "Part des ventes dans les charges")

    dep_first_col = int(refs.summary["uses_depreciation_col"])
    loan_first, loan_last = refs.loan_rows
    interest = _range(6, loan_first, loan_last, L.LOANS)
    loan_month = _range(3, loan_first, loan_last, L.LOANS)
    rows = {**L.OP_REVENUE_ROWS}
    expense_rows = L.OP_EXPENSE_ROWS
    for k, year in enumerate(plan.operating.years):
        col = L.OP_FIRST_YEAR_COL + k
        c = _col(col)
        _header(ws, L.OP_HEADER_ROW, col, school_year_label(plan.start_date, k))
        ws.column_dimensions[c].width = 16
        _formula(ws, L.OP_START_ROW, col, f"EDATE({start},{12 * k})", L.FMT_MONTH)
        for key, (row, item) in L.OPERATING_FIELDS_ROWS.items():
            _input(ws, row, col, getattr(year, key), item.kind, item.labels)

        def r(key: str, column: str = c) -> str:
            return f"{column}{L.OPERATING_FIELDS_ROWS[key][0]}"

        full = f"{c}{L.OP_FULL_YEAR_ROW}"
        _formula(ws, L.OP_FULL_YEAR_ROW, col, f'IF({opening_index}<={12 * k + 1},"{L.YES}","{L.NO}")', None)
        product = f"{r('youths')}*{r('production_hours_per_youth')}*{r('productivity_ratio')}*{r('hourly_price')}"
        typed_sales = r("sales_amount")
        sales_formula = f'IF({typed_sales}="",{L.rounded(product)},{L.rounded(typed_sales)})'
        _formula(ws, rows["sales"], col, sales_formula)
        state = L.rounded(f"{r('youths')}*{r('state_subsidy_per_youth')}")
        _formula(ws, rows["state_subsidy"], col, f'IF({full}="{L.YES}",{state},0)')
        for name in ("region_grant", "department_grant", "epci_grant", "apprenticeship_tax", "foundations"):
            _formula(ws, rows[name], col, L.rounded(r(name)))
        _computed(ws, rows["eu_grants"], col, result.years[k].revenues[RevenueKind.EU_GRANTS])
        _formula(
            ws,
            L.OP_TOTAL_REVENUES_ROW,
            col,
            f"SUM({c}{min(rows.values())}:{c}{max(rows.values())})",
            bold=True,
        )
        sales = f"{c}{rows['sales']}"
        _formula(
            ws, expense_rows["master_trainers"], col, L.rounded(f"{r('master_trainers')}*{r('master_trainer_cost')}")
        )
        for name in ("teaching_staff", "support_staff", "rent", "energy", "insurance", "other_expenses"):
            _formula(ws, expense_rows[name], col, L.rounded(r(name)))
        _formula(ws, expense_rows["materials"], col, L.rounded(f"{sales}*{r('materials_share')}"))
        dep_col = dep_first_col + k
        dep = f"SUM({_range(dep_col, refs.uses_first, refs.uses_last, L.USES)})"
        if k:
            dep += f"-SUM({_range(dep_col - 1, refs.uses_first, refs.uses_last, L.USES)})"
        _formula(ws, expense_rows["depreciation"], col, dep)
        _formula(
            ws,
            expense_rows["loan_interest"],
            col,
            f'SUMIFS({interest},{loan_month},">={12 * k + 1}",{loan_month},"<={12 * k + 12}")',
        )
        _formula(
            ws,
            L.OP_TOTAL_EXPENSES_ROW,
            col,
            f"SUM({c}{min(expense_rows.values())}:{c}{max(expense_rows.values())})",
            bold=True,
        )
        _formula(ws, L.OP_RESULT_ROW, col, f"{c}{L.OP_TOTAL_REVENUES_ROW}-{c}{L.OP_TOTAL_EXPENSES_ROW}", bold=True)
        _formula(ws, L.OP_EXCLUDED_STATE_ROW, col, f'IF({full}="{L.YES}",0,{state})')
        charges = f"{c}{L.OP_TOTAL_EXPENSES_ROW}"
        youths = r("youths")
        per_youth = L.rounded(f"{charges}/{youths}")
        _formula(ws, L.OP_COST_PER_YOUTH_ROW, col, f'IF({youths}>0,{per_youth},"")')
        _formula(ws, L.OP_SALES_SHARE_ROW, col, f'IF({charges}>0,{sales}/{charges},"")', L.FMT_PERCENT)

    _header(ws, L.OP_HEADER_ROW, total_col, "Total")
    ws.column_dimensions[_col(total_col)].width = 16
    first_c, last_c = _col(L.OP_FIRST_YEAR_COL), _col(total_col - 1)
    for row in (
        *rows.values(),
        L.OP_TOTAL_REVENUES_ROW,
        *expense_rows.values(),
        L.OP_TOTAL_EXPENSES_ROW,
        L.OP_RESULT_ROW,
        L.OP_EXCLUDED_STATE_ROW,
    ):
        bold = row in (L.OP_TOTAL_REVENUES_ROW, L.OP_TOTAL_EXPENSES_ROW, L.OP_RESULT_ROW)
        _formula(ws, row, total_col, f"SUM({first_c}{row}:{last_c}{row})", bold=bold)
    ws.column_dimensions["A"].width = 56
    ws.freeze_panes = ws.cell(row=L.OP_HEADER_ROW + 1, column=2).coordinate
    _print_setup(ws, total_col, L.OP_SALES_SHARE_ROW, landscape=True, title_rows=None, doc=doc)
    ws.print_title_cols = "A:A"


def _write_eu_grants(ws: Worksheet, plan: PlanInput, doc: str) -> None:
    _title(
        ws,
        "Fonds européens de fonctionnement (FSE+…)",
        "Une ligne par aide. Années numérotées à partir de 1. Dépenses : libellés de la feuille « Listes ».",
    )
    columns = [("main", item) for item in L.EU_GRANT_MAIN_FIELDS] + [("reimbursement", item) for item in L.EU_FIELDS]
    _label(ws, L.TABLE_GROUP_ROW, 1, "Aide", bold=True)
    _label(ws, L.TABLE_GROUP_ROW, len(L.EU_GRANT_MAIN_FIELDS) + 1, "Remboursement (après dépenses)", bold=True)
    _write_table_header(ws, [item for _, item in columns])
    first = L.TABLE_FIRST_ROW
    grants = plan.operating.eu_grants
    last = first + len(grants) + L.SPARE_ROWS - 1
    for i in range(len(grants) + L.SPARE_ROWS):
        row = first + i
        grant = grants[i] if i < len(grants) else None
        for col, (group, item) in enumerate(columns, start=1):
            value = None
            if grant is not None:
                holder = grant if group == "main" else grant.reimbursement
                value = getattr(holder, item.name)
                if item.kind is L.Kind.YEAR:
                    value += 1
            _input(ws, row, col, value, item.kind, item.labels)
    for col, (_group, item) in enumerate(columns, start=1):
        _validation(ws, item, f"{_col(col)}{first}:{_col(col)}{last}")
    _label(ws, last + 1, 1, L.EU_GRANTS_TOTAL_LABEL, bold=True)
    _formula(ws, last + 1, 3, f"SUM({_range(3, first, last)})", bold=True)
    ws.freeze_panes = ws.cell(row=first, column=3).coordinate
    _print_setup(
        ws, len(columns), last + 1, landscape=True, title_rows=f"{L.TABLE_GROUP_ROW}:{L.TABLE_HEADER_ROW}", doc=doc
    )


def _write_cash(ws: Worksheet, plan: PlanInput, result: PlanResult, refs: _Refs, doc: str) -> None:
    _title(
        ws,
        "Plan de trésorerie mensuel",
        f"Colonnes grises : flux {L.COMPUTED_BY_ESSAIM} (calendriers de versement, fonds européens, prêts). "
        "Dépenses d'investissement, déblocages, sommes et soldes : formules. "
        "Encaissements +, décaissements −.",
    )
    headers = ["Mois n°", "Mois", "Trésorerie d'ouverture"]
    headers += [c.label[0].upper() + c.label[1:] for c in L.CASH_FLOW_CATEGORIES]
    headers += ["Total des flux", "Trésorerie de clôture", "dont flux des prêts", "Clôture hors prêts"]
    for col, text in enumerate(headers, start=1):
        _header(ws, L.CASH_HEADER_ROW, col, text)
        ws.column_dimensions[_col(col)].width = 14
    ws.column_dimensions["A"].width = 7
    ws.column_dimensions["B"].width = 10
    ws.row_dimensions[L.CASH_HEADER_ROW].height = 60
    _label(ws, L.TABLE_GROUP_ROW, L.CASH_COL_FIRST_FLOW, "Flux du mois", bold=True)
    first = L.CASH_FIRST_ROW
    last = first + plan.months - 1
    refs.cash_first, refs.cash_last = first, last
    opening_cash = _ref(L.PARAM_VALUE_COL, L.PARAM_FIELDS_ROWS["opening_cash"][0], absolute=True, sheet=L.PARAMETERS)
    start = _ref(L.PARAM_VALUE_COL, L.PARAM_FIELDS_ROWS["start_date"][0], absolute=True, sheet=L.PARAMETERS)
    uses_month = _range(len(L.USE_FIELDS) + 1, refs.uses_first, refs.uses_last, L.USES)
    uses_paid = _range(len(L.USE_FIELDS) + 2, refs.uses_first, refs.uses_last, L.USES)
    loan_cols = [L.CASH_COL_FIRST_FLOW + i for i, c in enumerate(L.CASH_FLOW_CATEGORIES) if c.is_loan]
    flow_first, flow_last = _col(L.CASH_COL_FIRST_FLOW), _col(L.CASH_COL_NET - 1)
    for m, month in enumerate(result.cash.months):
        row = first + m
        ws.cell(row=row, column=L.CASH_COL_INDEX, value=m + 1).number_format = L.FMT_INT
        _formula(ws, row, L.CASH_COL_DATE, f"EDATE({start},{m})", L.FMT_MONTH)
        closing_col = _col(L.CASH_COL_CLOSING)
        opening = opening_cash if m == 0 else f"{closing_col}{row - 1}"
        _formula(ws, row, L.CASH_COL_OPENING, opening)
        for i, category in enumerate(L.CASH_FLOW_CATEGORIES):
            col = L.CASH_COL_FIRST_FLOW + i
            if category is FlowCategory.INVESTMENT_SPENDING:
                _formula(ws, row, col, f"-SUMIF({uses_month},$A{row},{uses_paid})")
            elif category is FlowCategory.LOAN_DRAWDOWNS:
                _formula(ws, row, col, f"SUMIF({refs.summary['draw_month']},$A{row},{refs.summary['draw_amount']})")
            else:
                _computed(ws, row, col, month.flows[category])
        net = f"{_col(L.CASH_COL_NET)}{row}"
        loans = f"{_col(L.CASH_COL_LOANS)}{row}"
        _formula(ws, row, L.CASH_COL_NET, f"SUM({flow_first}{row}:{flow_last}{row})")
        _formula(ws, row, L.CASH_COL_CLOSING, f"{_col(L.CASH_COL_OPENING)}{row}+{net}", bold=True)
        _formula(ws, row, L.CASH_COL_LOANS, "+".join(f"{_col(c)}{row}" for c in loan_cols))
        previous = opening_cash if m == 0 else f"{_col(L.CASH_COL_WITHOUT_LOANS)}{row - 1}"
        _formula(ws, row, L.CASH_COL_WITHOUT_LOANS, f"{previous}+{net}-{loans}")

    total, after, budgeted = last + 1, last + 2, last + 3
    _label(ws, total, 1, "Total sur l'horizon", bold=True)
    _label(ws, after, 1, f"Après l'horizon ({L.COMPUTED_BY_ESSAIM})")
    _label(ws, budgeted, 1, "Total budgété (horizon + après)", bold=True)
    for i, category in enumerate(L.CASH_FLOW_CATEGORIES):
        col = L.CASH_COL_FIRST_FLOW + i
        c = _col(col)
        _formula(ws, total, col, f"SUM({c}{first}:{c}{last})", bold=True)
        _computed(ws, after, col, result.cash.after_horizon[category])
        _formula(ws, budgeted, col, f"{c}{total}+{c}{after}", bold=True)
    for col in (L.CASH_COL_NET, L.CASH_COL_LOANS):
        c = _col(col)
        _formula(ws, total, col, f"SUM({c}{first}:{c}{last})", bold=True)
    ws.freeze_panes = ws.cell(row=first, column=L.CASH_COL_OPENING).coordinate
    _print_setup(
        ws,
        L.CASH_COL_WITHOUT_LOANS,
        budgeted,
        landscape=True,
        title_rows=f"{L.CASH_HEADER_ROW}:{L.CASH_HEADER_ROW}",
        doc=doc,
    )
    ws.print_title_cols = "A:B"


def _write_summary(ws: Worksheet, plan: PlanInput, result: PlanResult, refs: _Refs, doc: str) -> None:
    _title(ws, f"Synthèse — {doc}", "Toutes les valeurs sont des formules, sauf mention « calculé par Essaim ».")
    closing = _range(L.CASH_COL_CLOSING, refs.cash_first, refs.cash_last, L.CASH)
    without = _range(L.CASH_COL_WITHOUT_LOANS, refs.cash_first, refs.cash_last, L.CASH)
    dates = _range(L.CASH_COL_DATE, refs.cash_first, refs.cash_last, L.CASH)
    floor = _ref(L.PARAM_VALUE_COL, L.PARAM_FIELDS_ROWS["cash_floor"][0], absolute=True, sheet=L.PARAMETERS)
    row = 3
    _header(ws, row, 1, "Plan d'investissement")
    _header(ws, row, 2, "Montant")
    items: list[tuple[str | None, str, str | None, Any]] = [
        ("total_uses", "Total des emplois", L.FMT_EUR, refs.uses_total),
        ("total_sources", "Total des ressources", L.FMT_EUR, refs.sources_total),
        ("gap", "Écart (ressources − emplois)", L.FMT_EUR, refs.gap),
        ("balanced", "Plan d'investissement équilibré", None, refs.balanced),
        (None, "Trésorerie", None, None),
        ("lowest_closing", "Trésorerie de clôture la plus basse", L.FMT_EUR, f"MIN({closing})"),
        ("lowest_month", "Mois de la trésorerie la plus basse", L.FMT_MONTH, None),
        ("negative_months", "Nombre de mois de trésorerie négative", L.FMT_INT, f'COUNTIF({closing},"<0")'),
        ("trough", "Creux de trésorerie hors prêts", L.FMT_EUR, f"MIN({without})"),
        ("trough_month", "Mois du creux hors prêts", L.FMT_MONTH, None),
        ("floor", "Plancher de trésorerie", L.FMT_EUR, floor),
        ("requirement", "Besoin en fonds de roulement (plancher − creux, au moins 0)", L.FMT_EUR, None),
        ("loan_needed", f"Prêt couvrant le besoin ({L.COMPUTED_BY_ESSAIM})", L.FMT_EUR, "computed"),
    ]
    for key, text, fmt, formula in items:
        row += 1
        if key is None:
            row += 1
            _header(ws, row, 1, text)
            _header(ws, row, 2, "Montant")
            continue
        _label(ws, row, 1, text)
        refs.summary[key] = _ref(2, row, absolute=True, sheet=L.SUMMARY)
        if key == "lowest_month":
            formula = f"INDEX({dates},MATCH(B{row - 1},{closing},0))"
        elif key == "trough_month":
            formula = f"INDEX({dates},MATCH(B{row - 1},{without},0))"
        elif key == "requirement":
            formula = f"MAX(0,B{row - 1}-B{row - 3})"
        if formula == "computed":
            loan = result.working_capital.loan_needed
            _computed(ws, row, 2, loan if loan is not None else "aucun prêt ne couvre le besoin", fmt)
        else:
            _formula(ws, row, 2, formula, fmt, bold=key in ("gap", "lowest_closing", "requirement"))
    row += 2
    _header(ws, row, 1, "Fonctionnement")
    for j, text in enumerate(("Produits", "Charges", "Résultat"), start=2):
        _header(ws, row, j, text)
    refs.summary["years_first_row"] = str(row + 1)
    for k in range(plan.horizon_years):
        row += 1
        col = _col(L.OP_FIRST_YEAR_COL + k)
        _label(ws, row, 1, school_year_label(plan.start_date, k))
        for j, source_row in enumerate((L.OP_TOTAL_REVENUES_ROW, L.OP_TOTAL_EXPENSES_ROW, L.OP_RESULT_ROW), start=2):
            _formula(ws, row, j, f"{_quote(L.OPERATING)}!{col}{source_row}", bold=j == 4)
    _widths(ws, {1: 58, 2: 18, 3: 18, 4: 18})
    ws.freeze_panes = "A4"
    _print_setup(ws, 4, row, landscape=False, title_rows=None, doc=doc)


def _write_readme(ws: Worksheet, plan: PlanInput, doc: str) -> None:
    lines = [
        (doc, _TITLE_FONT),
        (f"Plan de financement exporté par Essaim — {plan.name}", _BOLD),
        ("", None),
        ("Comment lire ce classeur", _BOLD),
        ("• Cellules jaunes : saisies. Vous pouvez les modifier puis réimporter le classeur dans Essaim.", None),
        ("• Cellules blanches : formules Excel (totaux, écart, budgets, résultats, soldes de trésorerie).", None),
        (
            f"• Cellules grises « {L.COMPUTED_BY_ESSAIM} » : valeurs calculées par Essaim à l'export "
            "(calendriers de versement, fonds européens, échéanciers de prêts). Elles ne se recalculent pas "
            "si vous modifiez les saisies : réimportez le classeur dans Essaim pour les mettre à jour.",
            None,
        ),
        ("• Montants en euros, parts et taux en pourcentage, dates au format jj/mm/aaaa ; "
         "« Mois n° » 1 = premier mois du plan.", None),
        ("• À l'import, seules les cellules jaunes sont lues ; les formules sont ignorées.", None),
        ("", None),
        ("Feuilles", _BOLD),
        (f"• {L.SUMMARY} : chiffres clés (équilibre, trésorerie, besoin en fonds de roulement, résultats).", None),
        (f"• {L.PARAMETERS} : dates, horizon, trésorerie initiale, calendriers de versement, prêt de BFR.", None),
        (f"• {L.USES} : les emplois du plan d'investissement et leurs amortissements.", None),
        (f"• {L.SOURCES} : les ressources (subventions, prêts, FEDER…), total et écart.", None),
        (f"• {L.OPERATING} : une colonne par année scolaire ; produits, charges, résultat.", None),
        (f"• {L.EU_GRANTS} : aides européennes de fonctionnement (FSE+…).", None),
        (f"• {L.CASH} : une ligne par mois : ouverture, flux par catégorie, clôture.", None),
        (f"• {L.LOANS} : échéanciers des prêts.", None),
        (f"• {L.LISTS} : libellés acceptés dans les listes déroulantes.", None),
        ("", None),
        ("Texte saisi à la place d'un nombre : « 1 200,50 », « 1200.50 », « 1 200,50 € » "
         "et « 12 % » sont acceptés.", None),
    ]  # fmt: skip
    for row, (text, font) in enumerate(lines, start=1):
        cell = _label(ws, row, 1, text)
        cell.alignment = _WRAP
        if font is not None:
            cell.font = font
    ws.column_dimensions["A"].width = 110
    _print_setup(ws, 1, len(lines), landscape=False, title_rows=None, doc=doc)
