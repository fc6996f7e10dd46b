"""Export of a plan to an .xlsx workbook: typed inputs, every computed figure a live formula.

The workbook *is* the plan: payment calendars, EU reimbursements, loan schedules, the operating
budgets, the monthly cash and the loan covering the working-capital requirement are Excel
formulas of the yellow input cells, so editing any input in Excel or LibreOffice recomputes the
whole plan as the engine does (to the cent). Layout constants: :mod:`essaim.financing.xlsx.layout`;
documentation: ``docs/plan-workbook.md``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from essaim.common.formats import OUT_OF_RANGE, displayable
from essaim.financing.xlsx import layout as L
from essaim.financing.xlsx.layout import column_letter as _col
from essaim.financing.xlsx.layout import source_columns as _source_columns
from financing_engine import (
    Amortisation,
    DeferralKind,
    EuReimbursement,
    ExpenseKind,
    FlowCategory,
    OperatingTimings,
    Periodicity,
    PlanInput,
    RevenueKind,
    SourceKind,
    UseCategory,
)
from financing_engine.dates import add_months, month_label, school_year_label
from financing_engine.errors import PlanInputError
from financing_engine.projection import _PAID_EXPENSES
from financing_engine.scenarios import Scenario, evaluate_scenario
from financing_engine.validation import validate_plan

__all__ = ["XLSX_CONTENT_TYPE", "plan_to_xlsx"]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# =============================================================================== styles
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: typed by the user
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_TITLE_FONT = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_NOTE_FONT = Font(italic=True, color="595959", size=9)
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
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool) and displayable(value) is None:
        return OUT_OF_RANGE  # a stored figure no cell can hold (NaN, infinite, 10^15 or more): said as such
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
    # Styles are interned per workbook: copying the style array of the first cell styled this way is
    # much faster than setting border, format and font on each of the thousands of formula cells.
    cache = ws.parent.__dict__.setdefault("_essaim_formula_styles", {})
    style = cache.get((fmt, bold))
    if style is not None:
        cell._style = copy(style)
        return cell
    cell.border = _BORDER
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = _BOLD
        cell.fill = _TOTAL_FILL
    cache[(fmt, bold)] = copy(cell._style)
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


def _headers(ws: Worksheet, row: int, texts: Iterable[str], *, first_col: int = 1, height: float | None = None) -> None:
    """Header cells ``texts`` on ``row`` from column ``first_col``, the row ``height`` points high if given."""
    for col, text in enumerate(texts, start=first_col):
        _header(ws, row, col, text)
    if height is not None:
        ws.row_dimensions[row].height = height


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


# =============================================================================== positions
# Columns of the helper (formula) part of each table sheet. Inputs come first (see layout).
USE_COL_MONTH = len(L.USE_FIELDS) + 1  # I: month n°
USE_COL_PAID = USE_COL_MONTH + 1  # J: amount paid (0 for initial working capital)
USE_COL_LIFE = USE_COL_MONTH + 2  # K: depreciation period retained, in months

SRC_COL_DRAW_MONTH = len(L.source_columns()) + 1  # V
SRC_COL_DRAW_AMOUNT = SRC_COL_DRAW_MONTH + 1  # W
SRC_HELPERS = (  # (key, header) of the columns after W, in order
    ("tag", "Traitement"),
    ("amount", "Montant retenu (€)"),
    ("advance", "Avance (€)"),
    ("advance_month", "Mois de l'avance n°"),
    ("instalments", "Acomptes (€)"),
    ("balance", "Solde (€)"),
    ("balance_month", "Mois du solde n°"),
    ("duration", "Durée retenue (mois)"),
    ("deferral", "Différé retenu (mois)"),
    ("rate", "Taux retenu"),
    ("period", "Mois par période"),
    ("constant_instalment", "Échéances constantes (1) ou capital constant (0)"),
    ("total_deferral", "Différé total (1) ou partiel (0)"),
    ("eu_advance", "Avance UE (€)"),
    ("eu_threshold", "Seuil retenu"),
    ("eu_interval", "Intervalle retenu (mois)"),
    ("eu_delay", "Délai de paiement retenu (mois)"),
)
SRC_COL = {key: SRC_COL_DRAW_AMOUNT + 1 + i for i, (key, _h) in enumerate(SRC_HELPERS)}
TAG_GRANT, TAG_OWN, TAG_EU, TAG_LOAN = "subvention", "fonds propres", "fonds européens", "prêt"

EU_INPUTS = len(L.EU_GRANT_MAIN_FIELDS) + len(L.EU_FIELDS)  # A–K
EU_HELPERS = (
    ("amount", "Montant retenu (€)"),
    ("first_year", "Première année retenue"),
    ("last_year", "Dernière année retenue"),
    ("first_month", "Premier mois n°"),
    ("last_month", "Dernier mois n°"),
    ("advance", "Avance (€)"),
    ("threshold", "Seuil retenu"),
    ("interval", "Intervalle retenu (mois)"),
    ("delay", "Délai de paiement retenu (mois)"),
)
EU_COL = {key: EU_INPUTS + 1 + i for i, (key, _h) in enumerate(EU_HELPERS)}
EU_COL_FLAGS = EU_INPUTS + len(EU_HELPERS) + 1  # one 0/1 column per paid expense line

# « Fonctionnement »: payment calendars of the operating revenues, one column per school year.
OP_SCHEDULE_TITLE_ROW = 58
OP_FIRST_OPEN_ROW = 59
OP_SCHEDULED = (  # (timings key, revenue row key, label)
    ("state_subsidy", "state_subsidy", "Subvention de l'État"),
    ("region_grant", "region_grant", "Subvention de la Région"),
    ("department_grant", "department_grant", "Subvention du département"),
    ("epci_grant", "epci_grant", "Subvention de l'EPCI ou de la commune"),
    ("foundations", "foundations", "Fondations et mécènes"),
)
OP_SCHEDULE_PARTS = ("avance (€)", "mois de l'avance n°", "acomptes (€)", "solde (€)", "mois du solde n°")
OP_SCHEDULE_FIRST_ROW = OP_FIRST_OPEN_ROW + 1
OP_TAX_MONTH_ROW = OP_SCHEDULE_FIRST_ROW + len(OP_SCHEDULED) * len(OP_SCHEDULE_PARTS)

# « Calculs »: one row per month (same rows as « Trésorerie »).
CALC_TAG_ROW = 3
CALC_COLUMNS = (
    "Mois n°",
    "Année n°",
    "Premier mois ouvert de l'année",
    "Mois ouverts dans l'année",
    "Rang du mois ouvert",
    *(f"Dépense : {k.label}" for k in _PAID_EXPENSES),
    "Production du mois (ventes)",
    "Ventes encaissées",
    *(f"Encaissement : {label}" for _t, _r, label in OP_SCHEDULED),
    "Taxe d'apprentissage",
    "Dépense éligible FEDER du mois",
    "Dépense éligible FEDER cumulée",
    "Prêt de BFR : périodes payées",
    "Prêt de BFR : trésorerie cumulée apportée par 1 €",
    "Prêt de BFR : montant nécessaire ce mois",
    "Sous le plancher hors prêts (1/0)",
)
CALC = {name: i + 1 for i, name in enumerate(CALC_COLUMNS)}
CALC_EXPENSE = {kind: CALC[f"Dépense : {kind.label}"] for kind in _PAID_EXPENSES}
CALC_REVENUE = {key: CALC[f"Encaissement : {label}"] for key, _r, label in OP_SCHEDULED}
CALC_FIRST_BLOCK = len(CALC_COLUMNS) + 1

LOAN_BLOCK_COLS = ("Prêt", "Période", "Mois n°", "Mois", "Échéance payée (€)", "Intérêts (€)",
                   "dont intérêts capitalisés (€)", "Capital remboursé (€)", "Capital restant dû (€)")  # fmt: skip
LOAN_SUMMARY_COLS = (
    "Prêt", "Libellé", "Montant (€)", "Durée (mois)", "Différé (mois)", "Taux annuel", "Périodicité",
    "Total des intérêts (€)", "dont intérêts capitalisés (€)", "Capital remboursé (€)", "Total des échéances (€)",
    "Mois par période", "Nombre de périodes", "Périodes de différé", "Mois de déblocage n°",
    "Capital après le différé (€)", "Échéance constante ou capital constant (€)", "Échéances constantes (1/0)",
    "Différé total (1/0)", "Ligne de « Ressources »",
)  # fmt: skip


def _timing_defaults() -> dict[str, Any]:
    defaults = OperatingTimings()
    return {key: getattr(defaults, key) for key in L.TIMINGS_ROWS}


@dataclass
class _Refs:
    """Cell addresses shared between sheets while exporting."""

    months: int = 12
    horizon: int = 1
    uses_first: int = L.TABLE_FIRST_ROW
    uses_last: int = L.TABLE_FIRST_ROW
    uses_total: str = ""
    sources_first: int = L.TABLE_FIRST_ROW
    sources_last: int = L.TABLE_FIRST_ROW
    sources_total: str = ""
    grants_first: int = L.TABLE_FIRST_ROW
    grants_last: int = L.TABLE_FIRST_ROW
    gap: str = ""
    balanced: str = ""
    loan_sources: list[int] = field(default_factory=list)  # « Ressources » row of each schedule block
    loan_rows: tuple[int, int] = (0, 0)  # first and last row of the schedule blocks
    cash_first: int = L.CASH_FIRST_ROW
    cash_last: int = L.CASH_FIRST_ROW
    summary: dict[str, str] = field(default_factory=dict)

    @property
    def cash_rows(self) -> range:
        return range(self.cash_first, self.cash_last + 1)

    @property
    def year_cols(self) -> tuple[str, str]:
        """First and last column letters of the school years in « Fonctionnement »."""
        return _col(L.OP_FIRST_YEAR_COL), _col(L.OP_FIRST_YEAR_COL + self.horizon - 1)

    def op_row(self, row: int) -> str:
        """The school-year cells of row ``row`` of « Fonctionnement » (absolute)."""
        first, last = self.year_cols
        return f"{_quote(L.OPERATING)}!${first}${row}:${last}${row}"

    def use_col(self, col: int) -> str:
        return _range(col, self.uses_first, self.uses_last, L.USES)

    def src_col(self, col: int) -> str:
        return _range(col, self.sources_first, self.sources_last, L.SOURCES)

    def src(self, key: str, row: int) -> str:
        return _ref(SRC_COL[key], row, absolute=True, sheet=L.SOURCES)

    def eu(self, key: str, row: int) -> str:
        return _ref(EU_COL[key], row, absolute=True, sheet=L.EU_GRANTS)

    def calc_col(self, col: int) -> str:
        return _range(col, self.cash_first, self.cash_last, L.CALC)

    @property
    def source_block_cols(self) -> int:
        return 2 * (self.sources_last - self.sources_first + 1)

    @property
    def grant_block_first(self) -> int:
        return CALC_FIRST_BLOCK + self.source_block_cols

    @property
    def calc_last_col(self) -> int:
        return self.grant_block_first + 4 * (self.grants_last - self.grants_first + 1) - 1

    def param(self, row: int, col: int = L.PARAM_VALUE_COL) -> str:
        return _ref(col, row, absolute=True, sheet=L.PARAMETERS)


# =============================================================================== export
def plan_to_xlsx(plan: PlanInput, *, title: str = "", scenarios: Sequence[Scenario] = ()) -> bytes:
    """Export ``plan`` to an .xlsx workbook (bytes) in which every computed figure is a formula.

    Only the inputs are values (yellow cells); the payment calendars, EU reimbursements, loan
    schedules, budgets, monthly cash and the loan covering the working-capital requirement are
    formulas of those inputs (sheets « Calculs » and « Prêts » hold the intermediate steps), so the
    workbook recomputes the whole plan when an input changes. ``scenarios`` (named variants of the
    plan) are compared side by side with it in the sheet « Scénarios ». Raises
    :class:`financing_engine.PlanInputError` if the plan is invalid.
    """
    validate_plan(plan)
    doc_title = title or plan.name or "Plan de financement"
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {name: workbook.create_sheet(name) for name in L.SHEETS}
    refs = _Refs(months=plan.months, horizon=plan.horizon_years)
    refs.uses_last = refs.uses_first + len(plan.uses) + L.SPARE_ROWS - 1
    refs.sources_last = refs.sources_first + len(plan.sources) + L.SPARE_ROWS - 1
    refs.grants_last = refs.grants_first + len(plan.operating.eu_grants) + L.SPARE_ROWS - 1
    refs.cash_last = refs.cash_first + plan.months - 1
    loan_rows = [refs.sources_first + i for i, source in enumerate(plan.sources) if source.kind.is_loan]
    spare = [refs.sources_first + len(plan.sources) + i for i in range(L.SPARE_LOAN_BLOCKS)]
    refs.loan_sources = loan_rows + spare
    schedule_first = L.TABLE_FIRST_ROW + len(refs.loan_sources) + 2
    refs.loan_rows = (schedule_first, schedule_first + len(refs.loan_sources) * L.MAX_LOAN_PERIODS - 1)
    _define_names(workbook)
    _write_lists(sheets[L.LISTS])
    _write_parameters(sheets[L.PARAMETERS], plan, refs, doc_title)
    _write_uses(sheets[L.USES], plan, refs, doc_title)
    _write_sources(sheets[L.SOURCES], plan, refs, doc_title)
    _write_loans(sheets[L.LOANS], refs, doc_title)
    _write_operating(sheets[L.OPERATING], plan, refs, doc_title)
    _write_eu_grants(sheets[L.EU_GRANTS], plan, refs, doc_title)
    _write_calc(sheets[L.CALC], plan, refs, doc_title)
    _write_cash(sheets[L.CASH], plan, refs, doc_title)
    _write_summary(sheets[L.SUMMARY], plan, refs, doc_title)
    _write_scenarios(sheets[L.SCENARIOS], plan, scenarios, refs, doc_title)
    _write_readme(sheets[L.README], plan, doc_title)
    workbook.properties.title = doc_title
    workbook.properties.creator = "Essaim"
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _define_names(workbook: Workbook) -> None:
    """Named ranges for the parameters, so that formulas read ``Plancher`` rather than ``$B$9``."""
    for name, row in L.NAMES.items():
        ref = f"{_quote(L.PARAMETERS)}!${_col(L.PARAM_VALUE_COL)}${row}"
        workbook.defined_names[name] = DefinedName(name, attr_text=ref)


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


def _write_table_header(ws: Worksheet, items: Iterable[L.Field], first_col: int = 1) -> int:
    col = first_col
    for item in items:
        _header(ws, L.TABLE_HEADER_ROW, col, item.header)
        ws.column_dimensions[_col(col)].width = item.width
        col += 1
    ws.row_dimensions[L.TABLE_HEADER_ROW].height = 45
    return col


def _write_parameters(ws: Worksheet, plan: PlanInput, refs: _Refs, doc: str) -> None:
    _title(ws, "Paramètres du plan", "Cellules jaunes : saisies. Cellules blanches : formules.")
    _headers(ws, L.PARAM_HEADER_ROW, ("Paramètre", "Valeur", "Aide"))
    notes = {
        "start_date": "Le jour est ignoré : le plan compte en mois. Nom : Debut_plan.",
        "horizon_years": "Nom : Horizon.",
        "opening_month": "Dans la première année scolaire ; après le 1er mois, l'année 1 est incomplète.",
        "opening_cash": "Peut être négative. Nom : Tresorerie_initiale.",
        "cash_floor": "Sert à dimensionner le prêt de BFR. Nom : Plancher.",
        "sales_collection_delay_months": "Nom : Delai_ventes.",
        "apprenticeship_tax_calendar_month": "6 = juin. Nom : Mois_taxe.",
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
    eff = L.TIMINGS_EFFECTIVE_COL
    _label(ws, L.TIMINGS_TITLE_ROW, eff, "Conditions retenues (vide = calendrier par défaut)", bold=True)
    defaults = _timing_defaults()
    for offset, item in enumerate(L.PAYMENT_FIELDS):
        _header(ws, L.TIMINGS_HEADER_ROW, 2 + offset, item.header)
        _header(ws, L.TIMINGS_HEADER_ROW, eff + offset, item.header)
    for key, (row, text) in L.TIMINGS_ROWS.items():
        _label(ws, row, 1, text)
        terms = getattr(plan.operating.timings, key)
        for offset, item in enumerate(L.PAYMENT_FIELDS):
            _input(ws, row, 2 + offset, getattr(terms, item.name), item.kind)
            typed = _ref(2 + offset, row)
            default = _number(getattr(defaults[key], item.name))
            fmt = L.FMT_PERCENT if item.kind is L.Kind.SHARE else L.FMT_INT
            _formula(ws, row, eff + offset, f'IF({typed}="",{default},{typed})', fmt)

    _label(
        ws,
        L.WC_LOAN_TITLE_ROW,
        1,
        "Prêt de BFR (dimensionnement) — laisser vide pour reprendre le premier prêt du plan",
        bold=True,
    )
    _label(ws, L.WC_LOAN_TITLE_ROW, L.WC_EFFECTIVE_COL, "Conditions retenues", bold=True)
    loan = plan.working_capital_loan
    wc_first, wc_last = L.WC_LOAN_FIRST_ROW, L.WC_LOAN_FIRST_ROW + len(L.LOAN_FIELDS) - 1
    typed_any = f"COUNTA($B${wc_first}:$B${wc_last})>0"
    first_loan = f"$B${L.PARAM_WC_ROWS['first_loan']}"
    for offset, item in enumerate(L.LOAN_FIELDS):
        row = L.WC_LOAN_FIRST_ROW + offset
        _label(ws, row, 1, item.header)
        value = None if loan is None else getattr(loan, item.name)
        if item.kind is L.Kind.MONTH and value is not None:
            value = add_months(plan.start_date, value)
        cell = _input(ws, row, L.PARAM_VALUE_COL, value, item.kind, item.labels)
        _validation(ws, item, cell.coordinate)
        typed, from_loan, fallback, fmt = _wc_term(item.name, f"$B${row}", refs, first_loan)
        _formula(
            ws,
            row,
            L.WC_EFFECTIVE_COL,
            f"IF({typed_any},{typed},IF({first_loan}>0,{from_loan},{fallback}))",
            fmt,
        )

    _label(ws, L.PARAM_COMPUTED_TITLE_ROW, 1, "Valeurs calculées (formules)", bold=True)
    opening = _ref(2, L.PARAM_FIELDS_ROWS["opening_month"][0], absolute=True)
    invest_month = refs.use_col(len(L.USE_FIELDS) + 4 + refs.horizon + 1)
    eligible = refs.use_col(len(L.USE_FIELDS) + 4 + refs.horizon)
    computed = (
        (L.PARAM_MONTHS_ROW, "Nombre de mois du plan (Nb_mois)", "12*Horizon", L.FMT_INT),
        (
            L.PARAM_OPENING_INDEX_ROW,
            "N° du mois d'ouverture, 1 = premier mois du plan (Mois_ouverture)",
            f'IF({opening}="",1,(YEAR({opening})-YEAR(Debut_plan))*12+MONTH({opening})-MONTH(Debut_plan)+1)',
            L.FMT_INT,
        ),
        (L.PARAM_LAST_MONTH_ROW, "Dernier mois du plan", "EDATE(Debut_plan,Nb_mois-1)", L.FMT_MONTH),
        (
            L.PARAM_INVEST_FIRST_ROW,
            "Premier mois n° des dépenses d'investissement (Debut_invest)",
            f"IF(COUNT({invest_month})=0,1,MIN({invest_month}))",
            L.FMT_INT,
        ),
        (
            L.PARAM_INVEST_LAST_ROW,
            "Dernier mois n° des dépenses d'investissement (Fin_invest)",
            f"IF(COUNT({invest_month})=0,1,MAX({invest_month}))",
            L.FMT_INT,
        ),
        (
            L.PARAM_FEDER_ELIGIBLE_ROW,
            "Dépenses éligibles au FEDER, hors TVA récupérable (Eligible_FEDER)",
            f"ROUND(SUM({eligible}),2)",
            L.FMT_EUR,
        ),
    )
    for row, text, formula, fmt in computed:
        _label(ws, row, 1, text)
        _formula(ws, row, 2, formula, fmt)

    w = L.PARAM_WC_ROWS
    c = {name: f"$C${L.WC_LOAN_FIRST_ROW + i}" for i, name in enumerate(item.name for item in L.LOAN_FIELDS)}
    b = {key: f"$B${row}" for key, row in w.items()}
    tags = refs.src_col(SRC_COL["tag"])
    short = refs.calc_col(CALC["Sous le plancher hors prêts (1/0)"])
    needed = refs.calc_col(CALC["Prêt de BFR : montant nécessaire ce mois"])
    amortising = f"({b['periods']}-{b['deferral_periods']})"
    wc_rows = (
        ("first_loan", "Ligne du premier prêt dans « Ressources » (0 : aucun)",
         f'IFERROR(MATCH("{TAG_LOAN}",{tags},0),0)', L.FMT_INT),
        ("period", "Mois par période", c["periodicity"], L.FMT_INT),
        ("periods", "Nombre de périodes", f"INT({c['duration_months']}/{b['period']})", L.FMT_INT),
        ("deferral_periods", "Périodes de différé", f"INT({c['deferral_months']}/{b['period']})", L.FMT_INT),
        ("rate", "Taux périodique (taux annuel × mois par période / 12)",
         f"{c['annual_rate']}*{b['period']}/12", "0.000000 %"),
        ("base", "Capital dû après le différé, pour 1 € emprunté",
         f"IF({c['deferral_kind']}=1,(1+{b['rate']})^{b['deferral_periods']},1)", "0.000000"),
        ("instalment", "Échéance constante pour 1 € emprunté (non arrondie)",
         f"IF({c['amortisation']}=0,0,IF({b['rate']}=0,{b['base']}/{amortising},"
         f"{b['base']}*{b['rate']}/(1-(1+{b['rate']})^(-{amortising}))))", "0.000000"),
        ("first_short", "Premier mois n° sous le plancher hors prêts",
         f"IFERROR(MATCH(1,{short},0),Nb_mois+1)", L.FMT_INT),
        ("drawdown", "Mois de déblocage retenu n° (au plus tard le premier mois sous le plancher)",
         f"MIN({c['drawdown_month']},{b['first_short']})", L.FMT_INT),
        ("exact", "Prêt minimal exact : max (plancher − trésorerie hors prêts) / trésorerie apportée par 1 €",
         f"MAX({needed})", L.FMT_EUR),
    )  # fmt: skip
    _label(ws, L.PARAM_WC_TITLE_ROW, 1, "Dimensionnement du prêt de BFR (formules)", bold=True)
    for key, text, formula, fmt in wc_rows:
        _label(ws, w[key], 1, text)
        _formula(ws, w[key], 2, formula, fmt)

    _widths(ws, {1: 62, 2: 18, 3: 22, 4: 16, 5: 16, 6: 20, 7: 4, 8: 14, 9: 14, 10: 14, 11: 14, 12: 16})
    ws.freeze_panes = "B4"
    _print_setup(ws, 12, w["exact"], landscape=False, title_rows=None, doc=doc)


def _number(value: Any) -> str:
    """A constant in a formula (English syntax, as stored in the file)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _wc_term(name: str, typed: str, refs: _Refs, first_loan: str) -> tuple[str, str, str, str | None]:
    """For one term of the working-capital loan: (typed value or default, first loan's value, default, format).

    Typed terms take the ``LoanTerms`` defaults when blank; without any typed term the first loan of
    the plan is used, else 10 years with 3 years' deferral at 0 % drawn in month 1.
    """

    def of_loan(key: str) -> str:
        return f"INDEX({refs.src_col(SRC_COL[key])},{first_loan})"

    if name == "duration_months":
        return f'IF({typed}="",120,{typed})', of_loan("duration"), "120", L.FMT_INT
    if name == "deferral_months":
        return f'IF({typed}="",0,{typed})', of_loan("deferral"), "36", L.FMT_INT
    if name == "annual_rate":
        return f'IF({typed}="",0,{typed})', of_loan("rate"), "0", L.FMT_PERCENT
    if name == "periodicity":
        return _period_months(typed), of_loan("period"), "1", L.FMT_INT
    if name == "amortisation":
        label = L.AMORTISATION_LABELS[Amortisation.CONSTANT_PRINCIPAL]
        return f'IF({typed}="{label}",0,1)', of_loan("constant_instalment"), "1", L.FMT_INT
    if name == "deferral_kind":
        label = L.DEFERRAL_LABELS[DeferralKind.TOTAL]
        return f'IF({typed}="{label}",1,0)', of_loan("total_deferral"), "0", L.FMT_INT
    assert name == "drawdown_month"
    draw = f"INDEX({refs.src_col(SRC_COL_DRAW_MONTH)},{first_loan})"
    return f'IF({typed}="",1,{_month_formula(typed)})', draw, "1", L.FMT_INT


def _period_months(cell: str) -> str:
    quarterly = L.PERIODICITY_LABELS[Periodicity.QUARTERLY]
    yearly = L.PERIODICITY_LABELS[Periodicity.YEARLY]
    return f'IF({cell}="{quarterly}",3,IF({cell}="{yearly}",12,1))'


def _write_uses(ws: Worksheet, plan: PlanInput, refs: _Refs, doc: str) -> None:
    horizon = plan.horizon_years
    _title(
        ws,
        "Plan d'investissement — emplois",
        "Une ligne par dépense ; lignes vides ignorées. Colonnes blanches à droite : formules (amortissements).",
    )
    next_col = _write_table_header(ws, L.USE_FIELDS)
    col_month, col_paid, col_life = next_col, next_col + 1, next_col + 2
    col_eligible, col_invest = col_life + horizon + 1, col_life + horizon + 2
    _header(ws, L.TABLE_HEADER_ROW, col_month, "Mois n°")
    _header(ws, L.TABLE_HEADER_ROW, col_paid, "Montant décaissé (€)")
    _header(ws, L.TABLE_HEADER_ROW, col_life, "Durée retenue (mois)")
    for k in range(horizon):
        _header(ws, L.TABLE_HEADER_ROW, col_life + 1 + k, f"Amortissement cumulé fin année {k + 1}")
    _header(ws, L.TABLE_HEADER_ROW, col_eligible, "Dépense éligible FEDER hors TVA récupérable (€)")
    _header(ws, L.TABLE_HEADER_ROW, col_invest, "Mois n° si décaissé")
    _widths(
        ws,
        {col_month: 8, col_paid: 15, col_life: 10, col_eligible: 16, col_invest: 10}
        | {col_life + 1 + k: 15 for k in range(horizon)},
    )
    _label(ws, L.TABLE_GROUP_ROW, col_month, "Formules", bold=True)

    first, last = refs.uses_first, refs.uses_last
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
        a, d, e, f, g, h = (f"{c}{row}" for c in "ADEFGH")
        _formula(ws, row, col_month, f'IF({a}="","",IF({e}="",1,{_month_formula(e)}))', L.FMT_INT)
        _formula(ws, row, col_paid, f'IF(OR({a}="",{a}="{wc_label}",{d}=""),0,ROUND({d},2))')
        default = f"VLOOKUP({a},{lists}!$A$5:$B$10,2,FALSE)"
        _formula(ws, row, col_life, f'IF(OR({a}="",{a}="{wc_label}"),0,12*IF({f}="",{default},{f}))', L.FMT_INT)
        life, month, paid = _ref(col_life, row), _ref(col_month, row), _ref(col_paid, row)
        for k in range(1, horizon + 1):
            elapsed = f"MIN(MAX(0,{12 * k}-{month}+1),{life})"
            _formula(
                ws,
                row,
                col_life + k,
                f"IF(OR({life}=0,{paid}=0),0,{L.rounded(f'{paid}*{elapsed}/{life}')})",
            )
        _formula(ws, row, col_eligible, f'IF(AND({h}="{L.YES}",{paid}>0),{paid}-IF({g}="",0,{g}),0)')
        _formula(ws, row, col_invest, f'IF({paid}>0,{month},"")', L.FMT_INT)
    for col, item in enumerate(L.USE_FIELDS, start=1):
        _validation(ws, item, f"{_col(col)}{first}:{_col(col)}{last}")

    total = last + 1
    _label(ws, total, 1, L.USES_TOTAL_LABEL, bold=True)
    _formula(ws, total, 4, f"SUM({_range(4, first, last)})", bold=True)
    _formula(ws, total, 7, f"SUM({_range(7, first, last)})", bold=True)
    for col in range(col_paid, col_eligible + 1):
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
    last_row = by_cat + len(UseCategory)
    ws.freeze_panes = ws.cell(row=first, column=3).coordinate
    _print_setup(
        ws, col_invest, last_row, landscape=True, title_rows=f"{L.TABLE_HEADER_ROW}:{L.TABLE_HEADER_ROW}", doc=doc
    )


def _write_sources(ws: Worksheet, plan: PlanInput, refs: _Refs, doc: str) -> None:
    _title(
        ws,
        "Plan d'investissement — ressources",
        "Versement : subventions, mécénat, fonds propres, sur la période des investissements (Debut_invest à "
        "Fin_invest). Prêt : prêt BdT et emprunt bancaire. FEDER : vide = règles par défaut.",
    )
    columns = _source_columns()
    col = 1
    for _group, items, text in L.SOURCE_GROUPS:
        _label(ws, L.TABLE_GROUP_ROW, col, text, bold=True)
        col += len(items)
    _write_table_header(ws, [item for _, item in columns])
    _header(ws, L.TABLE_HEADER_ROW, SRC_COL_DRAW_MONTH, "Mois de déblocage n°")
    _header(ws, L.TABLE_HEADER_ROW, SRC_COL_DRAW_AMOUNT, "Montant débloqué (€)")
    for key, text in SRC_HELPERS:
        _header(ws, L.TABLE_HEADER_ROW, SRC_COL[key], text)
    _label(ws, L.TABLE_GROUP_ROW, SRC_COL_DRAW_MONTH, "Formules", bold=True)
    _widths(ws, {SRC_COL_DRAW_MONTH: 11, SRC_COL_DRAW_AMOUNT: 15} | dict.fromkeys(SRC_COL.values(), 13))

    first, last = refs.sources_first, refs.sources_last
    loan_labels = [k.label for k in SourceKind if k.is_loan]
    positions = {name: 1 + i for i, (g, item) in enumerate(columns) for name in [f"{g}.{item.name}"]}
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

        def cell(name: str, row: int = row) -> str:
            return f"{_col(positions[name])}{row}"

        def h(key: str, row: int = row) -> str:
            return f"{_col(SRC_COL[key])}{row}"

        a = f"A{row}"
        is_loan = "OR(" + ",".join(f'{a}="{label}"' for label in loan_labels) + ")"
        draw = cell("loan.drawdown_month")
        _formula(ws, row, SRC_COL_DRAW_MONTH, f'IF({is_loan},IF({draw}="",1,{_month_formula(draw)}),"")', L.FMT_INT)
        _formula(ws, row, SRC_COL_DRAW_AMOUNT, f'IF({h("tag")}="{TAG_LOAN}",{h("amount")},0)')
        feder, own = L.SOURCE_LABELS[SourceKind.FEDER], L.SOURCE_LABELS[SourceKind.OWN_FUNDS]
        tag = (
            f'IF({a}="","",IF({is_loan},"{TAG_LOAN}",IF({a}="{feder}","{TAG_EU}",'
            f'IF({a}="{own}","{TAG_OWN}","{TAG_GRANT}"))))'
        )
        count, share = cell("payment.instalment_count"), cell("payment.instalments_share")
        amount = h("amount")
        helpers = {
            "tag": (tag, None),
            "amount": (f'IF(OR({a}="",D{row}=""),0,ROUND(D{row},2))', L.FMT_EUR),
            "advance": (L.rounded(f"{amount}*{cell('payment.advance_share')}"), L.FMT_EUR),
            "advance_month": (f"Debut_invest+{cell('payment.signature_offset_months')}", L.FMT_INT),
            "instalments": (f"IF(AND({count}>0,{share}>0),{L.rounded(f'{amount}*{share}')},0)", L.FMT_EUR),
            "balance": (f"{amount}-{h('advance')}-{h('instalments')}", L.FMT_EUR),
            "balance_month": (f"Fin_invest+{cell('payment.balance_delay_months')}", L.FMT_INT),
            "duration": (_blank_or(cell("loan.duration_months"), "120"), L.FMT_INT),
            "deferral": (_blank_or(cell("loan.deferral_months"), "0"), L.FMT_INT),
            "rate": (_blank_or(cell("loan.annual_rate"), "0"), L.FMT_PERCENT),
            "period": (_period_months(cell("loan.periodicity")), L.FMT_INT),
            "constant_instalment": (
                f'IF({cell("loan.amortisation")}="{L.AMORTISATION_LABELS[Amortisation.CONSTANT_PRINCIPAL]}",0,1)',
                L.FMT_INT,
            ),
            "total_deferral": (
                f'IF({cell("loan.deferral_kind")}="{L.DEFERRAL_LABELS[DeferralKind.TOTAL]}",1,0)',
                L.FMT_INT,
            ),
            **_eu_terms_retained(cell, amount, prefix="eu_"),
        }
        for key, (formula, fmt) in helpers.items():
            _formula(ws, row, SRC_COL[key], formula, fmt)
    for col, (_group, item) in enumerate(columns, start=1):
        _validation(ws, item, f"{_col(col)}{first}:{_col(col)}{last}")

    total = last + 1
    _label(ws, total, 1, L.SOURCES_TOTAL_LABEL, bold=True)
    _formula(ws, total, 4, f"SUM({_range(4, first, last)})", bold=True)
    _formula(ws, total, SRC_COL_DRAW_AMOUNT, f"SUM({_range(SRC_COL_DRAW_AMOUNT, first, last)})", bold=True)
    _label(ws, total + 1, 1, L.SOURCES_USES_LABEL)
    _formula(ws, total + 1, 4, refs.uses_total)
    _label(ws, total + 2, 1, L.SOURCES_GAP_LABEL, bold=True)
    _formula(ws, total + 2, 4, f"D{total}-D{total + 1}", bold=True)
    _label(ws, total + 3, 1, L.SOURCES_BALANCED_LABEL)
    _formula(ws, total + 3, 4, f'IF(ROUND(D{total + 2},2)=0,"{L.YES}","{L.NO}")', None)
    refs.sources_total = _ref(4, total, absolute=True, sheet=L.SOURCES)
    refs.gap = _ref(4, total + 2, absolute=True, sheet=L.SOURCES)
    refs.balanced = _ref(4, total + 3, absolute=True, sheet=L.SOURCES)

    by_kind = total + 5
    _label(ws, by_kind, 1, L.SOURCES_BY_KIND_LABEL, bold=True)
    for i, kind in enumerate(SourceKind):
        row = by_kind + 1 + i
        _label(ws, row, 1, kind.label)
        _formula(ws, row, 4, f'SUMIF({_range(1, first, last)},"{kind.label}",{_range(4, first, last)})')
    ws.freeze_panes = ws.cell(row=first, column=3).coordinate
    _print_setup(
        ws,
        SRC_COL["eu_delay"],
        by_kind + len(SourceKind),
        landscape=True,
        title_rows=f"{L.TABLE_GROUP_ROW}:{L.TABLE_HEADER_ROW}",
        doc=doc,
    )


def _blank_or(cell: str, default: str) -> str:
    return f'IF({cell}="",{default},{cell})'


def _eu_terms_retained(cell: Callable[[str], str], amount: str, *, prefix: str = "") -> dict[str, tuple[str, str]]:
    """Formulas of the EU reimbursement terms retained for one line (a FEDER source, an FSE+ grant):
    the typed term, or the engine's default when the cell is blank; keys ``{prefix}advance`` etc."""
    default = EuReimbursement()
    share = _blank_or(cell("eu.advance_share"), _number(default.advance_share))
    return {
        f"{prefix}advance": (L.rounded(f"{amount}*{share}"), L.FMT_EUR),
        f"{prefix}threshold": (_blank_or(cell("eu.claim_threshold"), _number(default.claim_threshold)), L.FMT_PERCENT),
        f"{prefix}interval": (_blank_or(cell("eu.claim_interval_months"), _number(default.claim_interval_months)),
                              L.FMT_INT),
        f"{prefix}delay": (_blank_or(cell("eu.payment_delay_months"), _number(default.payment_delay_months)),
                           L.FMT_INT),
    }  # fmt: skip


def _write_loans(ws: Worksheet, refs: _Refs, doc: str) -> None:
    """One summary row and one schedule block (formulas) per loan row of « Ressources » and 2 free rows."""
    _title(
        ws,
        "Prêts — échéanciers",
        "Échéanciers en formules à partir des conditions saisies dans « Ressources ». Intérêts de chaque période "
        "arrondis au centime ; la dernière échéance rembourse tout le capital restant dû. Mois n° 1 = premier "
        "mois du plan.",
    )
    _headers(ws, L.TABLE_HEADER_ROW, LOAN_SUMMARY_COLS, height=60)
    schedule_header = L.TABLE_FIRST_ROW + len(refs.loan_sources) + 1
    _headers(ws, schedule_header, LOAN_BLOCK_COLS)
    first_all, last_all = refs.loan_rows
    keys = _range(1, first_all, last_all)
    for b, source_row in enumerate(refs.loan_sources):
        row = L.TABLE_FIRST_ROW + b
        key = f"Prêt {b + 1}"
        first = first_all + b * L.MAX_LOAN_PERIODS
        last = first + L.MAX_LOAN_PERIODS - 1
        _label(ws, row, 1, key)

        def s(key: str, source_row: int = source_row) -> str:
            return refs.src(key, source_row)

        src_label = _ref(2, source_row, absolute=True, sheet=L.SOURCES)
        src_kind = _ref(1, source_row, absolute=True, sheet=L.SOURCES)
        src_period = _ref(
            1 + [i for i, (g, it) in enumerate(_source_columns()) if (g, it.name) == ("loan", "periodicity")][0],
            source_row,
            absolute=True,
            sheet=L.SOURCES,
        )
        is_loan = f'{s("tag")}="{TAG_LOAN}"'
        summary = (
            (2, f'IF({is_loan},IF({src_label}="",{src_kind},{src_label}),"(ligne {source_row} de Ressources : '
                f'pas un prêt)")', None),
            (3, f"IF({is_loan},{s('amount')},0)", L.FMT_EUR),
            (4, s("duration"), L.FMT_INT),
            (5, s("deferral"), L.FMT_INT),
            (6, s("rate"), L.FMT_PERCENT),
            (7, f'IF({src_period}="","{L.PERIODICITY_LABELS[Periodicity.MONTHLY]}",{src_period})', None),
            (12, s("period"), L.FMT_INT),
            (13, f"IF(C{row}=0,0,INT(D{row}/L{row}))", L.FMT_INT),
            (14, f"INT(E{row}/L{row})", L.FMT_INT),
            (15, f"IF({is_loan},{_ref(SRC_COL_DRAW_MONTH, source_row, absolute=True, sheet=L.SOURCES)},1)", L.FMT_INT),
            (16, f"IF(N{row}=0,C{row},INDEX($I${first}:$I${last},N{row}))", L.FMT_EUR),
            (17, f"IF(M{row}<=N{row},0,IF(AND(R{row}=1,F{row}>0),"
                 f"{L.rounded(f'P{row}*(F{row}*L{row}/12)/(1-(1+F{row}*L{row}/12)^(-(M{row}-N{row})))')},"
                 f"{L.rounded(f'P{row}/(M{row}-N{row})')}))", L.FMT_EUR),
            (18, s("constant_instalment"), L.FMT_INT),
            (19, s("total_deferral"), L.FMT_INT),
            (20, str(source_row), L.FMT_INT),
        )  # fmt: skip
        for col, formula, fmt in summary:
            _formula(ws, row, col, formula, fmt)
        for col, source_col in ((8, 6), (9, 7), (10, 8), (11, 5)):
            _formula(ws, row, col, f'SUMIF({keys},"{key}",{_range(source_col, first_all, last_all)})')

        p = {name: f"${letter}${row}" for name, letter in (
            ("amount", "C"), ("rate", "F"), ("period", "L"), ("n", "M"), ("d", "N"), ("draw", "O"),
            ("instalment", "Q"), ("constant", "R"), ("total", "S"))}  # fmt: skip
        for k in range(1, L.MAX_LOAN_PERIODS + 1):
            r = first + k - 1
            prev = p["amount"] if k == 1 else f"I{r - 1}"
            _label(ws, r, 1, key)
            cells = (
                (2, f'IF({k}<={p["n"]},{k},"")', L.FMT_INT),
                (3, f'IF(B{r}="","",{p["draw"]}+{k}*{p["period"]})', L.FMT_INT),
                (4, f'IF(B{r}="","",EDATE(Debut_plan,C{r}-1))', L.FMT_MONTH),
                (6, f'IF(B{r}="","",{L.rounded(prev + "*" + p["rate"] + "*" + p["period"] + "/12")})', L.FMT_EUR),
                (7, f'IF(B{r}="","",IF(AND({k}<={p["d"]},{p["total"]}=1),F{r},0))', L.FMT_EUR),
                (8, f'IF(B{r}="","",IF({k}<={p["d"]},0,IF({k}={p["n"]},{prev},'
                    f'IF({p["constant"]}=1,MIN({p["instalment"]}-F{r},{prev}),MIN({p["instalment"]},{prev})))))',
                 L.FMT_EUR),
                (5, f'IF(B{r}="","",F{r}-G{r}+H{r})', L.FMT_EUR),
                (9, f'IF(B{r}="","",ROUND({prev}+G{r}-H{r},2))', L.FMT_EUR),
            )  # fmt: skip
            for col, formula, fmt in cells:
                _formula(ws, r, col, formula, fmt)
    _widths(ws, {1: 9, 2: 34, 3: 15, 4: 10, 5: 15, 6: 13, 7: 16, 8: 15, 9: 15, 10: 15, 11: 15}
            | dict.fromkeys(range(12, 21), 12))  # fmt: skip
    ws.freeze_panes = ws.cell(row=schedule_header + 1, column=1).coordinate
    _print_setup(
        ws, len(LOAN_SUMMARY_COLS), last_all, landscape=True, title_rows=f"{schedule_header}:{schedule_header}", doc=doc
    )


def _write_operating(ws: Worksheet, plan: PlanInput, refs: _Refs, doc: str) -> None:
    horizon = plan.horizon_years
    _title(
        ws,
        "Budget de fonctionnement par année scolaire",
        "Saisies en jaune ; produits, charges, résultat et calendriers de versement en formules ; "
        "fonds européens répartis au prorata des dépenses éligibles (feuille « Fonds européens »).",
    )
    _header(ws, L.OP_HEADER_ROW, 1, "Ligne")
    total_col = L.OP_FIRST_YEAR_COL + horizon
    _label(ws, L.OP_START_ROW, 1, "Premier mois de l'année")
    _label(ws, L.OP_INPUT_TITLE_ROW, 1, "Saisies", bold=True)
    for _key, (row, item) in L.OPERATING_FIELDS_ROWS.items():
        _label(ws, row, 1, item.header)
    _label(ws, L.OP_REVENUE_TITLE_ROW, 1, "Produits", bold=True)
    _label(ws, L.OP_FULL_YEAR_ROW, 1, "Année scolaire complète (subvention de l'État comptée)")
    for kind in RevenueKind:
        _label(ws, L.OP_REVENUE_ROWS[kind.value], 1, kind.label[0].upper() + kind.label[1:])
    _label(ws, L.OP_TOTAL_REVENUES_ROW, 1, "Total des produits", bold=True)
    _label(ws, L.OP_EXPENSE_TITLE_ROW, 1, "Charges", bold=True)
    for expense in ExpenseKind:
        _label(ws, L.OP_EXPENSE_ROWS[expense.value], 1, expense.label[0].upper() + expense.label[1:])
    _label(ws, L.OP_TOTAL_EXPENSES_ROW, 1, "Total des charges", bold=True)
    _label(ws, L.OP_RESULT_ROW, 1, "Résultat de l'année (produits − charges)", bold=True)
    _label(ws, L.OP_EXCLUDED_STATE_ROW, 1, "Subvention de l'État non comptée (année incomplète)")
    _label(ws, L.OP_COST_PER_YOUTH_ROW, 1, "Coût par jeune (charges / jeunes)")
    _label(ws, L.OP_SALES_SHARE_ROW, 1, "Part des ventes dans les charges")
    _label(ws, OP_SCHEDULE_TITLE_ROW, 1, "Calendrier de versement des produits (formules)", bold=True)
    _label(ws, OP_FIRST_OPEN_ROW, 1, "Premier mois ouvert de l'année n°")
    for i, (_key, _row, text) in enumerate(OP_SCHEDULED):
        for j, part in enumerate(OP_SCHEDULE_PARTS):
            _label(ws, OP_SCHEDULE_FIRST_ROW + i * len(OP_SCHEDULE_PARTS) + j, 1, f"{text} : {part}")
    _label(ws, OP_TAX_MONTH_ROW, 1, "Taxe d'apprentissage : mois du versement n°")

    dep_first_col = int(refs.summary["uses_depreciation_col"])
    loan_first, loan_last = refs.loan_rows
    interest = _range(6, loan_first, loan_last, L.LOANS)
    loan_month = _range(3, loan_first, loan_last, L.LOANS)
    rows = {**L.OP_REVENUE_ROWS}
    expense_rows = L.OP_EXPENSE_ROWS
    share_first = EU_COL_FLAGS + len(_PAID_EXPENSES) + horizon
    for k, year in enumerate(plan.operating.years):
        col = L.OP_FIRST_YEAR_COL + k
        c = _col(col)
        _header(ws, L.OP_HEADER_ROW, col, school_year_label(plan.start_date, k))
        ws.column_dimensions[c].width = 16
        _formula(ws, L.OP_START_ROW, col, f"EDATE(Debut_plan,{12 * k})", L.FMT_MONTH)
        for key, (row, item) in L.OPERATING_FIELDS_ROWS.items():
            _input(ws, row, col, getattr(year, key), item.kind, item.labels)

        def r(key: str, column: str = c) -> str:
            return f"{column}{L.OPERATING_FIELDS_ROWS[key][0]}"

        full = f"{c}{L.OP_FULL_YEAR_ROW}"
        _formula(ws, L.OP_FULL_YEAR_ROW, col, f'IF(Mois_ouverture<={12 * k + 1},"{L.YES}","{L.NO}")', None)
        product = f"{r('youths')}*{r('production_hours_per_youth')}*{r('productivity_ratio')}*{r('hourly_price')}"
        typed_sales = r("sales_amount")
        sales_formula = f'IF({typed_sales}="",{L.rounded(product)},{L.rounded(typed_sales)})'
        _formula(ws, rows["sales"], col, sales_formula)
        state = L.rounded(f"{r('youths')}*{r('state_subsidy_per_youth')}")
        _formula(ws, rows["state_subsidy"], col, f'IF({full}="{L.YES}",{state},0)')
        for name in ("region_grant", "department_grant", "epci_grant", "apprenticeship_tax", "foundations"):
            _formula(ws, rows[name], col, L.rounded(r(name)))
        shares = _range(share_first + k, refs.grants_first, refs.grants_last, L.EU_GRANTS)
        _formula(ws, rows["eu_grants"], col, f"SUM({shares})")
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

        # Payment calendar of each operating revenue over the open months of the year.
        first_open = f"{c}{OP_FIRST_OPEN_ROW}"
        _formula(ws, OP_FIRST_OPEN_ROW, col, f"MAX({12 * k + 1},Mois_ouverture)", L.FMT_INT)
        for i, (key, revenue, _text) in enumerate(OP_SCHEDULED):
            base = OP_SCHEDULE_FIRST_ROW + i * len(OP_SCHEDULE_PARTS)
            term_row = L.TIMINGS_ROWS[key][0]
            adv_share, offset, count, share, delay = (
                refs.param(term_row, L.TIMINGS_EFFECTIVE_COL + j) for j in range(len(L.PAYMENT_FIELDS))
            )
            amount = f"{c}{rows[revenue]}"
            schedule = (
                (L.rounded(f"{amount}*{adv_share}"), L.FMT_EUR),
                (f"{first_open}+{offset}", L.FMT_INT),
                (f"IF(AND({count}>0,{share}>0),{L.rounded(f'{amount}*{share}')},0)", L.FMT_EUR),
                (f"{amount}-{c}{base}-{c}{base + 2}", L.FMT_EUR),
                (f"{12 * k + 12}+{delay}", L.FMT_INT),
            )
            for j, (formula, fmt) in enumerate(schedule):
                _formula(ws, base + j, col, formula, fmt)
        _formula(ws, OP_TAX_MONTH_ROW, col, f"{12 * k}+MOD(Mois_taxe-MONTH(Debut_plan),12)+1", L.FMT_INT)

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
    _print_setup(ws, total_col, OP_TAX_MONTH_ROW, landscape=True, title_rows=None, doc=doc)
    ws.print_title_cols = "A:A"


def _write_eu_grants(ws: Worksheet, plan: PlanInput, refs: _Refs, doc: str) -> None:
    horizon = plan.horizon_years
    _title(
        ws,
        "Fonds européens de fonctionnement (FSE+…)",
        "Une ligne par aide. Années numérotées à partir de 1. Dépenses : libellés de la feuille « Listes ». "
        "À droite, en formules : conditions retenues, dépenses éligibles et répartition par année.",
    )
    columns = [("main", item) for item in L.EU_GRANT_MAIN_FIELDS] + [("reimbursement", item) for item in L.EU_FIELDS]
    _label(ws, L.TABLE_GROUP_ROW, 1, "Aide", bold=True)
    _label(ws, L.TABLE_GROUP_ROW, len(L.EU_GRANT_MAIN_FIELDS) + 1, "Remboursement (après dépenses)", bold=True)
    _label(ws, L.TABLE_GROUP_ROW, EU_INPUTS + 1, "Formules", bold=True)
    _write_table_header(ws, [item for _, item in columns])
    for key, text in EU_HELPERS:
        _header(ws, L.TABLE_HEADER_ROW, EU_COL[key], text)
    for j, kind in enumerate(_PAID_EXPENSES):
        _header(ws, L.TABLE_HEADER_ROW, EU_COL_FLAGS + j, f"Cofinance : {kind.label} (1/0)")
    weight_first = EU_COL_FLAGS + len(_PAID_EXPENSES)
    share_first = weight_first + horizon
    for k in range(horizon):
        _header(ws, L.TABLE_HEADER_ROW, weight_first + k, f"Dépenses éligibles année {k + 1} (€)")
        _header(ws, L.TABLE_HEADER_ROW, share_first + k, f"Part affectée à l'année {k + 1} (€)")
    _widths(ws, dict.fromkeys(range(EU_INPUTS + 1, share_first + horizon), 13))
    first, last = refs.grants_first, refs.grants_last
    grants = plan.operating.eu_grants
    input_col = {item.name if group == "main" else f"eu.{item.name}": i for i, (group, item) in
                 enumerate(columns, start=1)}  # fmt: skip
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

        def cell(name: str, row: int = row) -> str:
            return f"{_col(input_col[name])}{row}"

        def h(key: str, row: int = row) -> str:
            return f"{_col(EU_COL[key])}{row}"

        a, expenses = cell("fund"), cell("eligible_expenses")
        helpers = {
            "amount": (f'IF(OR({a}="",{cell("amount")}=""),0,ROUND({cell("amount")},2))', L.FMT_EUR),
            "first_year": (_blank_or(cell("first_year"), "1"), L.FMT_INT),
            "last_year": (f'IF({cell("last_year")}="",{h("first_year")},{cell("last_year")})', L.FMT_INT),
            "first_month": (f"MAX(12*({h('first_year')}-1)+1,Mois_ouverture)", L.FMT_INT),
            "last_month": (f"12*{h('last_year')}", L.FMT_INT),
            **_eu_terms_retained(cell, h("amount")),
        }
        for key, (formula, fmt) in helpers.items():
            _formula(ws, row, EU_COL[key], formula, fmt)
        for j, kind in enumerate(_PAID_EXPENSES):
            default = "1" if kind in SALARY_KINDS else "0"
            search = f'IF(ISNUMBER(SEARCH("{L.EXPENSE_LABELS[kind]}",{expenses})),1,0)'
            _formula(ws, row, EU_COL_FLAGS + j, f'IF({a}="",0,IF({expenses}="",{default},{search}))', L.FMT_INT)
        flags = [_ref(EU_COL_FLAGS + j, row) for j in range(len(_PAID_EXPENSES))]
        in_years = f"AND({{k}}>={h('first_year')},{{k}}<={h('last_year')})"
        weights = _ref(weight_first, row) + ":" + _ref(weight_first + horizon - 1, row)
        count = f"({h('last_year')}-{h('first_year')}+1)"
        amount = h("amount")
        for k in range(1, horizon + 1):
            year_col = _col(L.OP_FIRST_YEAR_COL + k - 1)
            lines = "+".join(
                f"{flag}*{_quote(L.OPERATING)}!${year_col}${L.OP_EXPENSE_ROWS[kind.value]}"
                for flag, kind in zip(flags, _PAID_EXPENSES, strict=True)
            )
            cond = in_years.format(k=k)
            _formula(ws, row, weight_first + k - 1, f"IF({cond},{lines},0)")
            upto = _ref(weight_first, row) + ":" + _ref(weight_first + k - 1, row)
            before = f"SUM({_ref(weight_first, row)}:{_ref(weight_first + k - 2, row)})" if k > 1 else "0"
            fy = h("first_year")
            even = (f"{L.rounded(f'{amount}*({k}-{fy}+1)/{count}')}"
                    f"-{L.rounded(f'{amount}*({k}-{fy})/{count}')}")  # fmt: skip
            pro_rata = (f"{L.rounded(f'{amount}*SUM({upto})/SUM({weights})')}"
                        f"-{L.rounded(f'{amount}*{before}/SUM({weights})')}")  # fmt: skip
            _formula(ws, row, share_first + k - 1, f"IF({cond},IF(SUM({weights})=0,{even},{pro_rata}),0)")
    for col, (_group, item) in enumerate(columns, start=1):
        _validation(ws, item, f"{_col(col)}{first}:{_col(col)}{last}")
    _label(ws, last + 1, 1, L.EU_GRANTS_TOTAL_LABEL, bold=True)
    _formula(ws, last + 1, 3, f"SUM({_range(3, first, last)})", bold=True)
    for col in [EU_COL["amount"], *range(weight_first, share_first + horizon)]:
        _formula(ws, last + 1, col, f"SUM({_range(col, first, last)})", bold=True)
    ws.freeze_panes = ws.cell(row=first, column=3).coordinate
    _print_setup(
        ws, share_first + horizon - 1, last + 1, landscape=True,
        title_rows=f"{L.TABLE_GROUP_ROW}:{L.TABLE_HEADER_ROW}", doc=doc,
    )  # fmt: skip


SALARY_KINDS = (ExpenseKind.MASTER_TRAINERS, ExpenseKind.TEACHING_STAFF, ExpenseKind.SUPPORT_STAFF)


def _write_calc(ws: Worksheet, plan: PlanInput, refs: _Refs, doc: str) -> None:
    """Monthly intermediate steps: spending and receipts by line, FEDER and FSE+ claims, loan sizing."""
    _title(
        ws,
        "Calculs mensuels (formules)",
        "Étapes intermédiaires du plan de trésorerie, une ligne par mois : répartition des charges et des "
        "ventes sur les mois ouverts, calendriers de versement, demandes de paiement des fonds européens, "
        "dimensionnement du prêt de BFR. Rien à saisir ici.",
    )
    _headers(ws, L.TABLE_HEADER_ROW, CALC_COLUMNS, height=75)
    first, last = refs.cash_first, refs.cash_last
    cash_without = L.CASH_COL_WITHOUT_LOANS
    w = {key: refs.param(row) for key, row in L.PARAM_WC_ROWS.items()}
    c = {item.name: refs.param(L.WC_LOAN_FIRST_ROW + i, L.WC_EFFECTIVE_COL) for i, item in enumerate(L.LOAN_FIELDS)}
    feder_cum = _range(CALC["Dépense éligible FEDER cumulée"], first, last)
    uses_month, uses_paid = refs.use_col(USE_COL_MONTH), refs.use_col(USE_COL_PAID)
    uses_eligible = refs.use_col(USE_COL_LIFE + refs.horizon + 1)
    paid_expenses = [_col(CALC_EXPENSE[kind]) for kind in _PAID_EXPENSES]

    def spread(row: int, amount_row: int) -> str:
        """Month ``row``'s part of a yearly amount split evenly over the open months (exact cumulative split)."""
        total = f"INDEX({refs.op_row(amount_row)},1,$B{row})"
        return (f"IF($E{row}=0,0,{L.rounded(f'{total}*$E{row}/$D{row}')}"
                f"-{L.rounded(f'{total}*($E{row}-1)/$D{row}')})")  # fmt: skip

    # Blocks: two columns per « Ressources » row, four per « Fonds européens » row.
    for i, source_row in enumerate(range(refs.sources_first, refs.sources_last + 1)):
        col = CALC_FIRST_BLOCK + 2 * i
        _header(ws, L.TABLE_HEADER_ROW, col, f"Ressources ligne {source_row} : FEDER dû cumulé")
        _header(ws, L.TABLE_HEADER_ROW, col + 1, f"Ressources ligne {source_row} : encaissé cumulé")
        _formula(ws, CALC_TAG_ROW, col + 1, refs.src("tag", source_row), None)
    for i, grant_row in enumerate(range(refs.grants_first, refs.grants_last + 1)):
        col = refs.grant_block_first + 4 * i
        for j, text in enumerate(("dépense éligible cumulée", "profil retenu cumulé", "dû cumulé",
                                  "encaissé cumulé")):  # fmt: skip
            _header(ws, L.TABLE_HEADER_ROW, col + j, f"Fonds européens ligne {grant_row} : {text}")
        _label(ws, CALC_TAG_ROW, col + 3, TAG_EU)
    _label(ws, CALC_TAG_ROW, 1, "Traitement")

    for m in range(plan.months):
        row = first + m
        a = f"$A{row}"
        ws.cell(row=row, column=1, value=m + 1).number_format = L.FMT_INT
        basics = (
            (2, f"INT(({a}-1)/12)+1"),
            (3, f"MAX(12*($B{row}-1)+1,Mois_ouverture)"),
            (4, f"12*$B{row}-$C{row}+1"),
            (5, f"IF({a}>=$C{row},{a}-$C{row}+1,0)"),
        )
        for col, formula in basics:
            _formula(ws, row, col, formula, L.FMT_INT)
        for kind in _PAID_EXPENSES:
            _formula(ws, row, CALC_EXPENSE[kind], spread(row, L.OP_EXPENSE_ROWS[kind.value]))
        production = CALC["Production du mois (ventes)"]
        _formula(ws, row, production, spread(row, L.OP_REVENUE_ROWS["sales"]))
        production_range = _range(production, first, last)
        _formula(
            ws, row, CALC["Ventes encaissées"],
            f"IF({a}-Delai_ventes>=1,INDEX({production_range},{a}-Delai_ventes),0)",
        )  # fmt: skip
        for i, (key, _revenue, _text) in enumerate(OP_SCHEDULED):
            base = OP_SCHEDULE_FIRST_ROW + i * len(OP_SCHEDULE_PARTS)
            term_row = L.TIMINGS_ROWS[key][0]
            count = refs.param(term_row, L.TIMINGS_EFFECTIVE_COL + 2)
            total = f"INDEX({refs.op_row(base + 2)},1,$B{row})"
            paid_by = f"MIN({count},INT($E{row}*{count}/$D{row}))"
            paid_before = f"MIN({count},INT(($E{row}-1)*{count}/$D{row}))"
            instalment = (f"IF(OR({count}=0,$E{row}=0),0,{L.rounded(f'{total}*{paid_by}/{count}')}"
                          f"-{L.rounded(f'{total}*{paid_before}/{count}')})")  # fmt: skip
            formula = (
                f"SUMIF({refs.op_row(base + 1)},{a},{refs.op_row(base)})"
                f"+SUMIF({refs.op_row(base + 4)},{a},{refs.op_row(base + 3)})+{instalment}"
            )
            _formula(ws, row, CALC_REVENUE[key], formula)
        _formula(
            ws, row, CALC["Taxe d'apprentissage"],
            f"SUMIF({refs.op_row(OP_TAX_MONTH_ROW)},{a},{refs.op_row(L.OP_REVENUE_ROWS['apprenticeship_tax'])})",
        )  # fmt: skip
        feder_month = CALC["Dépense éligible FEDER du mois"]
        _formula(
            ws, row, feder_month,
            f"IF(Eligible_FEDER>0,SUMIF({uses_month},{a},{uses_eligible}),SUMIF({uses_month},{a},{uses_paid}))",
        )  # fmt: skip
        previous = f"{_col(CALC['Dépense éligible FEDER cumulée'])}{row - 1}+" if m else ""
        _formula(ws, row, feder_month + 1, L.rounded(f"{previous}{_col(feder_month)}{row}"))

        # Working-capital loan: cumulative cash brought by 1 € borrowed (exact, not rounded).
        periods_col = CALC["Prêt de BFR : périodes payées"]
        _formula(
            ws, row, periods_col,
            f"IF({a}<{w['drawdown']},0,MIN({w['periods']},INT(({a}-{w['drawdown']})/{w['period']})))", L.FMT_INT,
        )  # fmt: skip
        k = f"${_col(periods_col)}{row}"
        j = f"MAX(0,{k}-{w['deferral_periods']})"
        m_ = f"({w['periods']}-{w['deferral_periods']})"
        deferral_paid = f"IF({c['deferral_kind']}=1,0,MIN({k},{w['deferral_periods']})*{w['rate']})"
        amortised = (
            f"IF({c['amortisation']}=1,{j}*{w['instalment']},"
            f"{j}*{w['base']}/{m_}+{w['rate']}*{w['base']}*({j}-{j}*({j}-1)/(2*{m_})))"
        )
        unit_col = CALC["Prêt de BFR : trésorerie cumulée apportée par 1 €"]
        _formula(ws, row, unit_col, f"IF({a}<{w['drawdown']},0,1-{deferral_paid}-{amortised})", "0.000000")
        without = _ref(cash_without, row, sheet=L.CASH)
        unit = f"{_col(unit_col)}{row}"
        _formula(
            ws, row, CALC["Prêt de BFR : montant nécessaire ce mois"],
            f"IF({without}<Plancher,IF({unit}>0,(Plancher-{without})/{unit},1E+300),0)",
        )  # fmt: skip
        _formula(ws, row, CALC["Sous le plancher hors prêts (1/0)"], f"IF({without}<Plancher,1,0)", L.FMT_INT)

        for i, source_row in enumerate(range(refs.sources_first, refs.sources_last + 1)):
            col = CALC_FIRST_BLOCK + 2 * i
            _source_block(ws, row, m, col, source_row, refs, feder_cum)
        for i, grant_row in enumerate(range(refs.grants_first, refs.grants_last + 1)):
            col = refs.grant_block_first + 4 * i
            _grant_block(ws, row, m, col, grant_row, refs, paid_expenses)

    _widths(ws, {1: 7} | dict.fromkeys(range(2, refs.calc_last_col + 1), 13))
    ws.freeze_panes = ws.cell(row=first, column=2).coordinate
    _print_setup(ws, refs.calc_last_col, last, landscape=True, title_rows=f"{L.TABLE_HEADER_ROW}:{L.TABLE_HEADER_ROW}",
                 doc=doc)  # fmt: skip


def _source_block(ws: Worksheet, row: int, m: int, col: int, source_row: int, refs: _Refs, feder_cum: str) -> None:
    """Cumulative FEDER claims and cumulative receipts of one investment source, month ``row``."""
    a = f"$A{row}"

    def s(key: str) -> str:
        return refs.src(key, source_row)

    due, received = f"{_col(col)}{row}", f"{_col(col + 1)}{row}"
    due_range = _range(col, refs.cash_first, refs.cash_last)
    prev_due = s("eu_advance") if m == 0 else f"{_col(col)}{row - 1}"
    total = f"INDEX({feder_cum},Fin_invest)"
    spent = f"${_col(CALC['Dépense éligible FEDER cumulée'])}{row}"
    amount = s("amount")
    claim = (
        f"IF({a}=Fin_invest,{amount},IF(AND({a}<Fin_invest,MOD({a}-Debut_invest+1,{s('eu_interval')})=0,"
        f"{total}>0,{spent}>={s('eu_threshold')}*{total}),{L.rounded(f'{amount}*{spent}/{total}')},0))"
    )
    _formula(
        ws, row, col,
        f'IF({s("tag")}<>"{TAG_EU}",0,IF({a}<Debut_invest,{s("eu_advance")},MAX({prev_due},{claim})))',
    )  # fmt: skip
    del due
    length = "(Fin_invest-Debut_invest+1)"
    count = _ref(1 + _source_field("payment", "instalment_count"), source_row, absolute=True, sheet=L.SOURCES)
    paid = f"MIN({count},INT(MIN(MAX({a}-Debut_invest+1,0),{length})*{count}/{length}))"
    instalments_total = s("instalments")
    instalments = f"IF({instalments_total}=0,0,{L.rounded(f'{instalments_total}*{paid}/{count}')})"
    eu = (
        f"IF({a}>=Debut_invest,{s('eu_advance')},0)"
        f"+IF({a}-{s('eu_delay')}>=1,INDEX({due_range},{a}-{s('eu_delay')})-{s('eu_advance')},0)"
    )
    grant = (
        f"IF({a}>={s('advance_month')},{s('advance')},0)+{instalments}+IF({a}>={s('balance_month')},{s('balance')},0)"
    )
    _formula(
        ws, row, col + 1,
        f'IF({s("tag")}="{TAG_EU}",{eu},IF(OR({s("tag")}="{TAG_GRANT}",{s("tag")}="{TAG_OWN}"),{grant},0))',
    )  # fmt: skip
    del received


def _source_field(group: str, name: str) -> int:
    """0-based index of an input column of « Ressources »."""
    return next(i for i, (g, item) in enumerate(_source_columns()) if (g, item.name) == (group, name))


def _grant_block(
    ws: Worksheet, row: int, m: int, col: int, grant_row: int, refs: _Refs, paid_expenses: list[str]
) -> None:
    """Eligible spending, cumulative claims and cumulative receipts of one EU operating grant, month ``row``."""
    a = f"$A{row}"

    def g(key: str) -> str:
        return refs.eu(key, grant_row)

    flags = [_ref(EU_COL_FLAGS + j, grant_row, absolute=True, sheet=L.EU_GRANTS) for j in range(len(_PAID_EXPENSES))]
    spend = "+".join(f"{flag}*${letter}{row}" for flag, letter in zip(flags, paid_expenses, strict=True))
    c0, c1, c2, c3 = (_col(col + j) for j in range(4))
    ranges = [_range(col + j, refs.cash_first, refs.cash_last) for j in range(4)]
    previous = f"{c0}{row - 1}+" if m else ""
    last_month, amount = g("last_month"), g("amount")
    _formula(
        ws, row, col,
        f"IF(OR({a}<{g('first_month')},{g('amount')}=0),0,"
        f"{L.rounded(f'{previous}IF({a}<={last_month},{spend},0)')})",
    )  # fmt: skip
    _formula(
        ws, row, col + 1,
        f"IF({g('amount')}=0,0,IF(INDEX({ranges[0]},{g('last_month')})=0,"
        f"MAX(0,MIN({a},{g('last_month')})-{g('first_month')}+1),{c0}{row}))",
    )  # fmt: skip
    total = f"INDEX({ranges[1]},{g('last_month')})"
    prev_due = g("advance") if m == 0 else f"{c2}{row - 1}"
    claim = (
        f"IF({a}={g('last_month')},{g('amount')},IF(AND({a}<{g('last_month')},"
        f"MOD({a}-{g('first_month')}+1,{g('interval')})=0,{total}>0,{c1}{row}>={g('threshold')}*{total}),"
        f"{L.rounded(f'{amount}*{c1}{row}/{total}')},0))"
    )
    _formula(
        ws, row, col + 2,
        f"IF({g('amount')}=0,0,IF({a}<{g('first_month')},{g('advance')},MAX({prev_due},{claim})))",
    )  # fmt: skip
    _formula(
        ws, row, col + 3,
        f"IF({g('amount')}=0,0,IF({a}>={g('first_month')},{g('advance')},0)"
        f"+IF({a}-{g('delay')}>=1,INDEX({ranges[2]},{a}-{g('delay')})-{g('advance')},0))",
    )  # fmt: skip
    del c3


def _write_cash(ws: Worksheet, plan: PlanInput, refs: _Refs, doc: str) -> None:
    _title(
        ws,
        "Plan de trésorerie mensuel",
        "Toutes les colonnes sont des formules : calendriers de versement (« Fonctionnement », « Ressources »), "
        "fonds européens et répartitions mensuelles (« Calculs »), échéanciers (« Prêts »). "
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
    first, last = refs.cash_first, refs.cash_last
    uses_month, uses_paid = refs.use_col(USE_COL_MONTH), refs.use_col(USE_COL_PAID)
    draw_month, draw_amount = refs.src_col(SRC_COL_DRAW_MONTH), refs.src_col(SRC_COL_DRAW_AMOUNT)
    loan_first, loan_last = refs.loan_rows
    loan_month, principal, interest, capitalised = (_range(col, loan_first, loan_last, L.LOANS) for col in (3, 8, 6, 7))
    block_first, block_last = _col(CALC_FIRST_BLOCK), _col(refs.calc_last_col)
    tags = f"{_quote(L.CALC)}!${block_first}${CALC_TAG_ROW}:${block_last}${CALC_TAG_ROW}"
    loan_cols = [L.CASH_COL_FIRST_FLOW + i for i, c in enumerate(L.CASH_FLOW_CATEGORIES) if c.is_loan]
    flow_first, flow_last = _col(L.CASH_COL_FIRST_FLOW), _col(L.CASH_COL_NET - 1)

    def calc(name: str, row: int) -> str:
        return f"{_quote(L.CALC)}!{_col(CALC[name])}{row}"

    def cumulative(tag: str, row: int) -> str:
        now = f'SUMIF({tags},"{tag}",{_quote(L.CALC)}!${block_first}{row}:${block_last}{row})'
        if row == first:
            return now
        return f'{now}-SUMIF({tags},"{tag}",{_quote(L.CALC)}!${block_first}{row - 1}:${block_last}{row - 1})'

    for m in range(plan.months):
        row = first + m
        a = f"$A{row}"
        ws.cell(row=row, column=L.CASH_COL_INDEX, value=m + 1).number_format = L.FMT_INT
        _formula(ws, row, L.CASH_COL_DATE, f"EDATE(Debut_plan,{a}-1)", L.FMT_MONTH)
        closing_col = _col(L.CASH_COL_CLOSING)
        opening = "Tresorerie_initiale" if m == 0 else f"{closing_col}{row - 1}"
        _formula(ws, row, L.CASH_COL_OPENING, opening)
        expenses = {kind: calc(f"Dépense : {kind.label}", row) for kind in _PAID_EXPENSES}
        flows = {
            FlowCategory.INVESTMENT_SPENDING: f"-SUMIF({uses_month},{a},{uses_paid})",
            FlowCategory.INVESTMENT_GRANTS: cumulative(TAG_GRANT, row),
            FlowCategory.OWN_FUNDS: cumulative(TAG_OWN, row),
            FlowCategory.EU_FUNDS: cumulative(TAG_EU, row),
            FlowCategory.LOAN_DRAWDOWNS: f"SUMIF({draw_month},{a},{draw_amount})",
            FlowCategory.LOAN_PRINCIPAL: f"-SUMIF({loan_month},{a},{principal})",
            FlowCategory.LOAN_INTEREST: f"SUMIF({loan_month},{a},{capitalised})-SUMIF({loan_month},{a},{interest})",
            FlowCategory.SALES_RECEIPTS: calc("Ventes encaissées", row),
            FlowCategory.STATE_SUBSIDY: calc("Encaissement : Subvention de l'État", row),
            FlowCategory.OPERATING_GRANTS: "+".join(
                calc(f"Encaissement : {label}", row) for key, _r, label in OP_SCHEDULED
                if key in ("region_grant", "department_grant", "epci_grant")
            ),
            FlowCategory.APPRENTICESHIP_TAX: calc("Taxe d'apprentissage", row),
            FlowCategory.FOUNDATIONS: calc("Encaissement : Fondations et mécènes", row),
            FlowCategory.SALARIES: "-(" + "+".join(expenses[k] for k in SALARY_KINDS) + ")",
            FlowCategory.MATERIALS: f"-{expenses[ExpenseKind.MATERIALS]}",
            FlowCategory.OTHER_EXPENSES: "-(" + "+".join(
                expenses[k] for k in (ExpenseKind.RENT, ExpenseKind.ENERGY, ExpenseKind.INSURANCE,
                                      ExpenseKind.OTHER_EXPENSES)) + ")",
        }  # fmt: skip
        for i, category in enumerate(L.CASH_FLOW_CATEGORIES):
            _formula(ws, row, L.CASH_COL_FIRST_FLOW + i, flows[category])
        net = f"{_col(L.CASH_COL_NET)}{row}"
        loans = f"{_col(L.CASH_COL_LOANS)}{row}"
        _formula(ws, row, L.CASH_COL_NET, f"ROUND(SUM({flow_first}{row}:{flow_last}{row}),2)")
        _formula(ws, row, L.CASH_COL_CLOSING, L.rounded(f"{_col(L.CASH_COL_OPENING)}{row}+{net}"), bold=True)
        _formula(ws, row, L.CASH_COL_LOANS, L.rounded("+".join(f"{_col(c)}{row}" for c in loan_cols)))
        previous = "Tresorerie_initiale" if m == 0 else f"{_col(L.CASH_COL_WITHOUT_LOANS)}{row - 1}"
        _formula(ws, row, L.CASH_COL_WITHOUT_LOANS, L.rounded(f"{previous}+{net}-{loans}"))

    total, after, budgeted = last + 1, last + 2, last + 3
    _label(ws, total, 1, "Total sur l'horizon", bold=True)
    _label(ws, after, 1, "Après l'horizon (total budgété − total sur l'horizon)")
    _label(ws, budgeted, 1, "Total budgété (horizon + après)", bold=True)
    tag_col = refs.src_col(SRC_COL["tag"])
    amounts = refs.src_col(SRC_COL["amount"])
    schedule = (
        _range(8, loan_first, loan_last, L.LOANS),
        _range(6, loan_first, loan_last, L.LOANS),
        _range(7, loan_first, loan_last, L.LOANS),
    )
    eu_amounts = _range(EU_COL["amount"], refs.grants_first, refs.grants_last, L.EU_GRANTS)

    def op_total(*keys: str) -> str:
        return "+".join(f"SUM({refs.op_row(L.OP_REVENUE_ROWS[key])})" for key in keys)

    def expense_total(*kinds: ExpenseKind) -> str:
        return "-(" + "+".join(f"SUM({refs.op_row(L.OP_EXPENSE_ROWS[k.value])})" for k in kinds) + ")"

    budgets = {
        FlowCategory.INVESTMENT_SPENDING: f"-SUM({uses_paid})",
        FlowCategory.INVESTMENT_GRANTS: f'SUMIF({tag_col},"{TAG_GRANT}",{amounts})',
        FlowCategory.OWN_FUNDS: f'SUMIF({tag_col},"{TAG_OWN}",{amounts})',
        FlowCategory.EU_FUNDS: f'SUMIF({tag_col},"{TAG_EU}",{amounts})+SUM({eu_amounts})',
        FlowCategory.LOAN_DRAWDOWNS: f"SUM({draw_amount})",
        FlowCategory.LOAN_PRINCIPAL: f"-SUM({schedule[0]})",
        FlowCategory.LOAN_INTEREST: f"SUM({schedule[2]})-SUM({schedule[1]})",
        FlowCategory.SALES_RECEIPTS: op_total("sales"),
        FlowCategory.STATE_SUBSIDY: op_total("state_subsidy"),
        FlowCategory.OPERATING_GRANTS: op_total("region_grant", "department_grant", "epci_grant"),
        FlowCategory.APPRENTICESHIP_TAX: op_total("apprenticeship_tax"),
        FlowCategory.FOUNDATIONS: op_total("foundations"),
        FlowCategory.SALARIES: expense_total(*SALARY_KINDS),
        FlowCategory.MATERIALS: expense_total(ExpenseKind.MATERIALS),
        FlowCategory.OTHER_EXPENSES: expense_total(
            ExpenseKind.RENT, ExpenseKind.ENERGY, ExpenseKind.INSURANCE, ExpenseKind.OTHER_EXPENSES
        ),
    }
    for i, category in enumerate(L.CASH_FLOW_CATEGORIES):
        col = L.CASH_COL_FIRST_FLOW + i
        c = _col(col)
        _formula(ws, total, col, f"ROUND(SUM({c}{first}:{c}{last}),2)", bold=True)
        _formula(ws, budgeted, col, L.rounded(budgets[category]), bold=True)
        _formula(ws, after, col, f"{c}{budgeted}-{c}{total}")
    for col in (L.CASH_COL_NET, L.CASH_COL_LOANS):
        c = _col(col)
        _formula(ws, total, col, f"ROUND(SUM({c}{first}:{c}{last}),2)", bold=True)
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


def _write_summary(ws: Worksheet, plan: PlanInput, refs: _Refs, doc: str) -> None:
    _title(ws, f"Synthèse — {doc}", "Toutes les valeurs sont des formules.")
    closing = _range(L.CASH_COL_CLOSING, refs.cash_first, refs.cash_last, L.CASH)
    without = _range(L.CASH_COL_WITHOUT_LOANS, refs.cash_first, refs.cash_last, L.CASH)
    dates = _range(L.CASH_COL_DATE, refs.cash_first, refs.cash_last, L.CASH)
    exact = refs.param(L.PARAM_WC_ROWS["exact"])
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
        ("floor", "Plancher de trésorerie", L.FMT_EUR, "Plancher"),
        ("requirement", "Besoin en fonds de roulement (plancher − creux, au moins 0)", L.FMT_EUR, None),
        (
            "loan_needed",
            "Prêt couvrant le besoin (plus petit montant au centime supérieur, conditions du prêt de BFR)",
            L.FMT_EUR,
            f'IF({exact}>1E+15,"{L.NO_LOAN_COVERS}",ROUNDUP({exact},2))',
        ),
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
        _formula(ws, row, 2, formula, fmt, bold=key in ("gap", "lowest_closing", "requirement", "loan_needed"))
    row += 2
    _header(ws, row, 1, "Fonctionnement")
    _headers(ws, row, ("Produits", "Charges", "Résultat"), first_col=2)
    refs.summary["years_first_row"] = str(row + 1)
    for k in range(plan.horizon_years):
        row += 1
        col = _col(L.OP_FIRST_YEAR_COL + k)
        _label(ws, row, 1, school_year_label(plan.start_date, k))
        for j, source_row in enumerate((L.OP_TOTAL_REVENUES_ROW, L.OP_TOTAL_EXPENSES_ROW, L.OP_RESULT_ROW), start=2):
            _formula(ws, row, j, f"{_quote(L.OPERATING)}!{col}{source_row}", bold=j == 4)
    _widths(ws, {1: 70, 2: 18, 3: 18, 4: 18})
    ws.freeze_panes = "A4"
    _print_setup(ws, 4, row, landscape=False, title_rows=None, doc=doc)


SCENARIO_FUNDER_LABELS = {  # the funders a scenario may delay, in French
    "eu": "Union européenne",
    "region": "Région",
    "state": "État",
    "department": "département",
    "epci": "EPCI",
    "commune": "commune",
    "foundations": "fondations",
    "customers": "clients",
}


def _write_scenarios(ws: Worksheet, plan: PlanInput, scenarios: Sequence[Scenario], refs: _Refs, doc: str) -> None:
    """The plan and its named variants side by side: result, trough, requirement and loan.

    The plan's column is formulas of this workbook; each variant is another plan (headcount, sales,
    payment delays), so its column holds the figures of the variant at export time.
    """
    _title(
        ws,
        "Scénarios — variantes comparées",
        "Colonne « Plan » : formules du classeur. Colonnes des variantes : chiffres de chaque variante à la "
        "date de l'export (une variante est un autre plan : effectif, ventes, retards de paiement).",
    )
    rows = (
        ("headcount", "Effectif (part du plan)", L.FMT_PERCENT),
        ("sales", "Ventes (part du plan)", L.FMT_PERCENT),
        ("delays", "Retards de paiement", None),
        ("total_result", "Résultat cumulé sur l'horizon", L.FMT_EUR),
        ("last_result", "Résultat de la dernière année", L.FMT_EUR),
        ("trough", "Creux de trésorerie hors prêts", L.FMT_EUR),
        ("trough_month", "Mois du creux", None),
        ("requirement", "Besoin en fonds de roulement", L.FMT_EUR),
        ("loan", "Prêt couvrant le besoin", L.FMT_EUR),
        ("lowest", "Trésorerie la plus basse avec les prêts prévus", L.FMT_EUR),
        ("lowest_month", "Mois de la trésorerie la plus basse", None),
    )
    _header(ws, L.TABLE_HEADER_ROW, 1, "Indicateur")
    for i, (_key, text, _fmt) in enumerate(rows):
        _label(ws, L.TABLE_FIRST_ROW + i, 1, text)
    row_of = {key: L.TABLE_FIRST_ROW + i for i, (key, _t, _f) in enumerate(rows)}
    _header(ws, L.TABLE_HEADER_ROW, 2, "Plan")
    operating = _quote(L.OPERATING)
    total_col = _col(L.OP_FIRST_YEAR_COL + refs.horizon)
    last_col = _col(L.OP_FIRST_YEAR_COL + refs.horizon - 1)
    plan_formulas = {
        "headcount": ("1", L.FMT_PERCENT),
        "sales": ("1", L.FMT_PERCENT),
        "delays": ('"aucun"', None),
        "total_result": (f"{operating}!{total_col}{L.OP_RESULT_ROW}", L.FMT_EUR),
        "last_result": (f"{operating}!{last_col}{L.OP_RESULT_ROW}", L.FMT_EUR),
        "trough": (refs.summary["trough"], L.FMT_EUR),
        "trough_month": (refs.summary["trough_month"], L.FMT_MONTH),
        "requirement": (refs.summary["requirement"], L.FMT_EUR),
        "loan": (refs.summary["loan_needed"], L.FMT_EUR),
        "lowest": (refs.summary["lowest_closing"], L.FMT_EUR),
        "lowest_month": (refs.summary["lowest_month"], L.FMT_MONTH),
    }
    for key, (formula, fmt) in plan_formulas.items():
        _formula(ws, row_of[key], 2, formula, fmt)
    for j, scenario in enumerate(scenarios):
        col = 3 + j
        _header(ws, L.TABLE_HEADER_ROW, col, scenario.name)
        try:
            result = evaluate_scenario(plan, scenario)
        except PlanInputError:
            _label(ws, row_of["total_result"], col, "variante impossible à calculer")
            continue
        except (
            ArithmeticError,
            ValueError,
        ):  # a stored figure out of any real range (NaN, 1E+30…): the workbook still opens
            _label(ws, row_of["total_result"], col, OUT_OF_RANGE)
            continue
        wcr, cash = result.working_capital, result.cash
        delays = ", ".join(
            f"{SCENARIO_FUNDER_LABELS.get(funder.value, funder.label)} +{months} mois"
            for funder, months in scenario.payment_delays.items()
        )
        values: dict[str, Any] = {
            "headcount": scenario.headcount_factor,
            "sales": scenario.sales_factor,
            "delays": delays or "aucun",
            "total_result": sum((year.result for year in result.years), Decimal(0)),
            "last_result": result.years[-1].result,
            "trough": wcr.trough_amount,
            "trough_month": month_label(wcr.trough_date),
            "requirement": wcr.requirement,
            "loan": wcr.loan_needed if wcr.loan_needed is not None else L.NO_LOAN_COVERS,
            "lowest": cash.lowest_closing,
            "lowest_month": month_label(cash.months[cash.lowest_closing_month].date),
        }
        for key, text, fmt in rows:
            value = values[key]
            cell = ws.cell(row=row_of[key], column=col)
            if isinstance(value, str) or displayable(value) is None:
                _set_text(cell, value if isinstance(value, str) else OUT_OF_RANGE)
            else:
                cell.value = float(value)
                if fmt:
                    cell.number_format = fmt
            cell.border = _BORDER
            del text
    if not scenarios:
        _label(ws, L.TABLE_FIRST_ROW + len(rows) + 1, 1, "Aucun scénario pour cette version.").font = _NOTE_FONT
    _widths(ws, {1: 48} | {2 + j: 22 for j in range(len(scenarios) + 1)})
    ws.freeze_panes = ws.cell(row=L.TABLE_FIRST_ROW, column=2).coordinate
    _print_setup(ws, 2 + len(scenarios), L.TABLE_FIRST_ROW + len(rows), landscape=True, title_rows=None, doc=doc)


def _write_readme(ws: Worksheet, plan: PlanInput, doc: str) -> None:
    lines = [
        (doc, _TITLE_FONT),
        (f"Plan de financement exporté par Essaim — {plan.name}", _BOLD),
        ("", None),
        ("Comment lire ce classeur", _BOLD),
        ("• Cellules jaunes : saisies. Vous pouvez les modifier puis réimporter le classeur dans Essaim.", None),
        ("• Cellules blanches : formules.", None),
        (
            "• Le classeur est le plan : calendriers de versement, remboursements européens, échéanciers de "
            "prêts, budgets, trésorerie et prêt de BFR sont des formules. Modifiez une saisie, tout se recalcule.",
            None,
        ),
        ("• Paramètres nommés : Debut_plan, Horizon, Nb_mois, Mois_ouverture, Tresorerie_initiale, Plancher, "
         "Delai_ventes, Mois_taxe, Debut_invest, Fin_invest, Eligible_FEDER.", None),
        ("• Montants en euros, parts et taux en pourcentage, dates au format jj/mm/aaaa ; "
         "« Mois n° » 1 = premier mois du plan.", None),
        ("• À l'import, seules les cellules jaunes sont lues ; les formules sont ignorées.", None),
        ("", None),
        ("Feuilles", _BOLD),
        (f"• {L.SUMMARY} : chiffres clés (équilibre, trésorerie, besoin en fonds de roulement, résultats).", None),
        (f"• {L.SCENARIOS} : le plan et ses variantes (scénarios) côte à côte.", None),
        (f"• {L.PARAMETERS} : dates, horizon, trésorerie initiale, calendriers de versement, prêt de BFR.", None),
        (f"• {L.USES} : les emplois du plan d'investissement et leurs amortissements.", None),
        (f"• {L.SOURCES} : les ressources (subventions, prêts, FEDER…), total et écart.", None),
        (f"• {L.OPERATING} : une colonne par année scolaire ; produits, charges, résultat.", None),
        (f"• {L.EU_GRANTS} : aides européennes de fonctionnement (FSE+…).", None),
        (f"• {L.CASH} : une ligne par mois : ouverture, flux par catégorie, clôture.", None),
        (f"• {L.LOANS} : échéanciers des prêts (formules).", None),
        (f"• {L.CALC} : étapes mensuelles (répartitions, demandes de paiement européennes, prêt de BFR).", None),
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
