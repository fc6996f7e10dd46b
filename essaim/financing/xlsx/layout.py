"""Layout of the financing-plan workbook: sheet names, rows, columns and French labels.

Shared by the writer (:mod:`essaim.financing.xlsx.writer`) and the reader
(:mod:`essaim.financing.xlsx.reader`); the
documentation of this layout is ``docs/plan-workbook.md``. Pure Python (no
Django import). Rows and columns are 1-based, as in Excel.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from openpyxl.utils import get_column_letter

from financing_engine import (
    Amortisation,
    DeferralKind,
    EuFund,
    ExpenseKind,
    FlowCategory,
    FundingStatus,
    Periodicity,
    SourceKind,
    UseCategory,
)

# ---------------------------------------------------------------- sheet names
README = "Lisez-moi"
SUMMARY = "Synthèse"
SCENARIOS = "Scénarios"
PARAMETERS = "Paramètres"
USES = "Investissements"
SOURCES = "Ressources"
OPERATING = "Fonctionnement"
EU_GRANTS = "Fonds européens"
CASH = "Trésorerie"
LOANS = "Prêts"
CALC = "Calculs"
LISTS = "Listes"

SHEETS = (README, SUMMARY, SCENARIOS, PARAMETERS, USES, SOURCES, OPERATING, EU_GRANTS, CASH, LOANS, CALC, LISTS)
INPUT_SHEETS = (PARAMETERS, USES, SOURCES, OPERATING, EU_GRANTS)

# ---------------------------------------------------------------- number formats
FMT_EUR = '#,##0.00 "€"'
FMT_PERCENT = "0.00 %"
FMT_DATE = "dd/mm/yyyy"
FMT_MONTH = "mmm yyyy"
FMT_INT = "0"
FMT_DECIMAL = "#,##0.0#"


def rounded(expression: str) -> str:
    """Excel expression rounding ``expression`` to the cent, half up: ``ROUND(expression,2)``.

    Excel and LibreOffice round the decimal value of a number (15 significant digits), not its
    binary approximation: ``ROUND(150001.5*0.04/12,2)`` is 500,01 and ``ROUND(1.005,2)`` is 1,01,
    like the engine's ``ROUND_HALF_UP`` on exact decimals. No nudge is needed.
    """
    return f"ROUND({expression},2)"


# ---------------------------------------------------------------- named ranges (« Paramètres »)
NAMES = {  # defined name -> row of column B of « Paramètres »
    "Debut_plan": 5,
    "Horizon": 6,
    "Tresorerie_initiale": 8,
    "Plancher": 9,
    "Delai_ventes": 10,
    "Mois_taxe": 11,
    "Nb_mois": 31,
    "Mois_ouverture": 32,
    "Debut_invest": 34,
    "Fin_invest": 35,
    "Eligible_FEDER": 36,
}


# ---------------------------------------------------------------- French labels of enums
STATUS_LABELS = {
    FundingStatus.REQUESTED: "demandé",
    FundingStatus.COMMITTED: "accordé",
    FundingStatus.AGREEMENT_SIGNED: "convention signée",
    FundingStatus.CLAIMED: "versement demandé",
    FundingStatus.PAID: "versé",
}
AMORTISATION_LABELS = {
    Amortisation.CONSTANT_INSTALMENT: "échéances constantes",
    Amortisation.CONSTANT_PRINCIPAL: "amortissement constant du capital",
}
DEFERRAL_LABELS = {
    DeferralKind.INTEREST_ONLY: "différé partiel (intérêts payés)",
    DeferralKind.TOTAL: "différé total (intérêts capitalisés)",
}
PERIODICITY_LABELS = {p: p.label for p in Periodicity}
USE_LABELS = {c: c.label for c in UseCategory}
SOURCE_LABELS = {k: k.label for k in SourceKind}
FUND_LABELS = {f: f.label for f in EuFund}
EXPENSE_LABELS = {k: k.label for k in ExpenseKind}
YES, NO = "oui", "non"


# ---------------------------------------------------------------- cell kinds
class Kind(Enum):
    """How an input cell is typed, formatted and read back."""

    TEXT = "text"
    AMOUNT = "amount"  # euros, may be negative where the engine allows it
    NUMBER = "number"  # hours, FTE…
    SHARE = "share"  # fraction shown as a percentage
    INT = "int"
    MONTH = "month"  # a date (day ignored) standing for a month of the plan
    DATE = "date"
    BOOL = "bool"  # oui / non
    ENUM = "enum"
    YEAR = "year"  # school year number, 1-based
    EXPENSES = "expenses"  # list of expense labels separated by « ; »


FORMATS = {
    Kind.AMOUNT: FMT_EUR,
    Kind.NUMBER: FMT_DECIMAL,
    Kind.SHARE: FMT_PERCENT,
    Kind.INT: FMT_INT,
    Kind.MONTH: FMT_DATE,
    Kind.DATE: FMT_DATE,
    Kind.YEAR: FMT_INT,
}


@dataclass(frozen=True)
class Field:
    """An input cell: engine field name, French header, kind, column width, enum labels."""

    name: str
    header: str
    kind: Kind
    width: float = 14
    labels: dict | None = None


def consecutive_rows(first_row: int, *keys: str) -> dict[str, int]:
    """``{key: row}`` for keys laid out one per row from ``first_row`` down."""
    return {key: first_row + offset for offset, key in enumerate(keys)}


def rows_from(first_row: int, *fields: Field) -> dict[str, tuple[int, Field]]:
    """``{field name: (row, field)}`` for input fields laid out one per row from ``first_row`` down."""
    return {item.name: (first_row + offset, item) for offset, item in enumerate(fields)}


# ---------------------------------------------------------------- Paramètres
PARAM_HEADER_ROW = 3
PARAM_FIELDS_ROWS = rows_from(
    4,
    Field("name", "Nom du projet", Kind.TEXT),
    Field("start_date", "Date de début du plan (1er mois de l'année 1)", Kind.DATE),
    Field("horizon_years", "Horizon du plan (années scolaires, 3 à 7)", Kind.INT),
    Field("opening_month", "Mois d'arrivée de la première promotion", Kind.MONTH),
    Field("opening_cash", "Trésorerie au début du plan", Kind.AMOUNT),
    Field("cash_floor", "Plancher de trésorerie de sécurité", Kind.AMOUNT),
    Field("sales_collection_delay_months", "Délai d'encaissement des ventes (mois)", Kind.INT),
    Field("apprenticeship_tax_calendar_month", "Mois de versement de la taxe d'apprentissage (1 à 12)", Kind.INT),
)
PARAM_VALUE_COL = 2
PARAM_NOTE_COL = 3

TIMINGS_TITLE_ROW = 13
TIMINGS_HEADER_ROW = 14
TIMINGS_ROWS = {
    "state_subsidy": (15, "Subvention de l'État (par jeune)"),
    "region_grant": (16, "Subvention de fonctionnement de la Région"),
    "department_grant": (17, "Subvention de fonctionnement du département"),
    "epci_grant": (18, "Subvention de fonctionnement de l'EPCI ou de la commune"),
    "foundations": (19, "Fondations et mécènes"),
}
PAYMENT_FIELDS = (
    Field("advance_share", "Part versée à la signature", Kind.SHARE),
    Field("signature_offset_months", "Décalage de la signature (mois)", Kind.INT),
    Field("instalment_count", "Nombre d'acomptes", Kind.INT),
    Field("instalments_share", "Part versée en acomptes", Kind.SHARE),
    Field("balance_delay_months", "Délai du solde après la fin de la période (mois)", Kind.INT),
)

LOAN_FIELDS = (
    Field("duration_months", "Durée du prêt (mois, différé compris)", Kind.INT),
    Field("deferral_months", "Différé (mois)", Kind.INT),
    Field("annual_rate", "Taux annuel", Kind.SHARE),
    Field("periodicity", "Périodicité", Kind.ENUM, 14, PERIODICITY_LABELS),
    Field("amortisation", "Profil d'amortissement", Kind.ENUM, 24, AMORTISATION_LABELS),
    Field("deferral_kind", "Type de différé", Kind.ENUM, 26, DEFERRAL_LABELS),
    Field("drawdown_month", "Date de déblocage", Kind.MONTH),
)
WC_LOAN_TITLE_ROW = 21
WC_LOAN_FIRST_ROW = 22  # one row per LOAN_FIELDS item, value in column B

PARAM_COMPUTED_TITLE_ROW = 30
PARAM_MONTHS_ROW = 31  # B31 = 12 × horizon
PARAM_OPENING_INDEX_ROW = 32  # B32 = month number (1-based) of the opening
PARAM_LAST_MONTH_ROW = 33  # B33 = first day of the last month of the plan
PARAM_INVEST_FIRST_ROW = 34  # B34 = first month (n°) of investment spending
PARAM_INVEST_LAST_ROW = 35  # B35 = last month (n°) of investment spending
PARAM_FEDER_ELIGIBLE_ROW = 36  # B36 = FEDER-eligible spending, net of recoverable VAT
PARAM_WC_TITLE_ROW = 38  # working-capital loan sizing: terms retained and per-euro schedule
PARAM_WC_ROWS = {
    "first_loan": 39,  # row index (1-based) in the « Ressources » table of the first loan, 0 if none
    "period": 40,  # months per period
    "periods": 41,  # n
    "deferral_periods": 42,  # d
    "rate": 43,  # periodic rate r = annual × p / 12
    "base": 44,  # outstanding per euro after the deferral
    "instalment": 45,  # constant instalment per euro (exact, not rounded)
    "first_short": 46,  # first month (n°) below the floor without loans
    "drawdown": 47,  # drawdown month (n°) retained
    "exact": 48,  # exact minimum loan max (F − C_t) / u_t
}
WC_EFFECTIVE_COL = 3  # column C of rows 22–28: the terms retained (formulas)
TIMINGS_EFFECTIVE_COL = 8  # columns H–L of rows 15–19: the payment terms retained (formulas)

# ---------------------------------------------------------------- Investissements
TABLE_TITLE_ROW = 1
TABLE_GROUP_ROW = 3
TABLE_HEADER_ROW = 4
TABLE_FIRST_ROW = 5
SPARE_ROWS = 5  # empty input rows left for additions before the total row

USE_FIELDS = (
    Field("category", "Catégorie", Kind.ENUM, 30, USE_LABELS),
    Field("label", "Libellé", Kind.TEXT, 40),
    Field("workshop", "Atelier", Kind.TEXT, 16),
    Field("amount", "Montant TTC (€)", Kind.AMOUNT, 16),
    Field("month", "Mois de paiement", Kind.MONTH, 13),
    Field("depreciation_years", "Durée d'amortissement (ans, vide = défaut)", Kind.INT, 16),
    Field("recoverable_vat", "dont TVA récupérable (€)", Kind.AMOUNT, 15),
    Field("eu_eligible", "Cofinancé par le FEDER (oui/non)", Kind.BOOL, 13),
)
USES_TOTAL_LABEL = "Total des emplois"
USES_BY_CATEGORY_LABEL = "Emplois par catégorie"

# ---------------------------------------------------------------- Ressources
SOURCE_MAIN_FIELDS = (
    Field("kind", "Nature", Kind.ENUM, 34, SOURCE_LABELS),
    Field("label", "Libellé", Kind.TEXT, 36),
    Field("status", "Statut", Kind.ENUM, 16, STATUS_LABELS),
    Field("amount", "Montant (€)", Kind.AMOUNT, 16),
)
EU_FIELDS = (
    Field("co_financing_rate", "Taux de cofinancement UE", Kind.SHARE),
    Field("advance_share", "Avance UE", Kind.SHARE),
    Field("claim_threshold", "Seuil de la 1re demande de paiement", Kind.SHARE),
    Field("claim_interval_months", "Intervalle entre demandes (mois)", Kind.INT),
    Field("payment_delay_months", "Délai de paiement après la demande (mois)", Kind.INT),
)
SOURCE_GROUPS = (
    ("main", SOURCE_MAIN_FIELDS, "Ressource"),
    ("payment", PAYMENT_FIELDS, "Versement (subventions, mécénat, fonds propres)"),
    ("loan", LOAN_FIELDS, "Prêt (prêt BdT, emprunt bancaire)"),
    ("eu", EU_FIELDS, "Remboursement FEDER (vide = règles par défaut)"),
)
SOURCES_TOTAL_LABEL = "Total des ressources"
SOURCES_USES_LABEL = "Total des emplois"
SOURCES_GAP_LABEL = "Écart (ressources − emplois)"
SOURCES_BALANCED_LABEL = "Plan d'investissement équilibré"
SOURCES_BY_KIND_LABEL = "Ressources par nature"

# ---------------------------------------------------------------- Fonds européens (FSE+…)
EU_GRANT_MAIN_FIELDS = (
    Field("fund", "Fonds", Kind.ENUM, 10, FUND_LABELS),
    Field("label", "Libellé", Kind.TEXT, 32),
    Field("amount", "Montant (€)", Kind.AMOUNT, 15),
    Field("first_year", "Première année cofinancée (n°)", Kind.YEAR, 13),
    Field("last_year", "Dernière année cofinancée (n°)", Kind.YEAR, 13),
    Field("eligible_expenses", "Dépenses cofinancées (libellés séparés par « ; »)", Kind.EXPENSES, 44),
)
EU_GRANTS_TOTAL_LABEL = "Total des fonds européens de fonctionnement"

# ---------------------------------------------------------------- Fonctionnement
OP_HEADER_ROW = 4
OP_START_ROW = 5  # first month of each school year (formula)
OP_INPUT_TITLE_ROW = 6
OPERATING_FIELDS_ROWS = rows_from(
    7,
    Field("youths", "Jeunes accueillis", Kind.INT),
    Field("production_hours_per_youth", "Heures de production par jeune", Kind.NUMBER),
    Field("productivity_ratio", "Taux de productivité", Kind.SHARE),
    Field("hourly_price", "Prix de vente horaire (€)", Kind.AMOUNT),
    Field("sales_amount", "Ventes saisies directement (vide = calculées)", Kind.AMOUNT),
    Field("state_subsidy_per_youth", "Subvention de l'État par jeune", Kind.AMOUNT),
    Field("region_grant", "Subvention de fonctionnement de la Région", Kind.AMOUNT),
    Field("department_grant", "Subvention de fonctionnement du département", Kind.AMOUNT),
    Field("epci_grant", "Subvention de l'EPCI ou de la commune", Kind.AMOUNT),
    Field("apprenticeship_tax", "Taxe d'apprentissage", Kind.AMOUNT),
    Field("foundations", "Fondations et mécènes", Kind.AMOUNT),
    Field("master_trainers", "Maîtres professionnels (ETP)", Kind.NUMBER),
    Field("master_trainer_cost", "Coût annuel chargé d'un ETP de maître professionnel", Kind.AMOUNT),
    Field("teaching_staff", "Personnel enseignant", Kind.AMOUNT),
    Field("support_staff", "Personnel d'accompagnement et de direction", Kind.AMOUNT),
    Field("materials_share", "Part des matières dans les ventes", Kind.SHARE),
    Field("rent", "Loyer", Kind.AMOUNT),
    Field("energy", "Énergie", Kind.AMOUNT),
    Field("insurance", "Assurances", Kind.AMOUNT),
    Field("other_expenses", "Autres charges", Kind.AMOUNT),
)
OP_REVENUE_TITLE_ROW = 28
OP_FULL_YEAR_ROW = 29
OP_REVENUE_ROWS = consecutive_rows(  # RevenueKind value -> row
    30,
    "sales",
    "state_subsidy",
    "region_grant",
    "department_grant",
    "epci_grant",
    "apprenticeship_tax",
    "eu_grants",
    "foundations",
)
OP_TOTAL_REVENUES_ROW = 38
OP_EXPENSE_TITLE_ROW = 40
OP_EXPENSE_ROWS = consecutive_rows(  # ExpenseKind value -> row
    41,
    "master_trainers",
    "teaching_staff",
    "support_staff",
    "materials",
    "rent",
    "energy",
    "insurance",
    "other_expenses",
    "depreciation",
    "loan_interest",
)
OP_TOTAL_EXPENSES_ROW = 51
OP_RESULT_ROW = 53
OP_EXCLUDED_STATE_ROW = 54
OP_COST_PER_YOUTH_ROW = 55
OP_SALES_SHARE_ROW = 56
OP_FIRST_YEAR_COL = 2

# ---------------------------------------------------------------- Trésorerie
CASH_HEADER_ROW = 4
CASH_FIRST_ROW = 5
CASH_FLOW_CATEGORIES = tuple(FlowCategory)
CASH_COL_INDEX = 1
CASH_COL_DATE = 2
CASH_COL_OPENING = 3
CASH_COL_FIRST_FLOW = 4
CASH_COL_NET = CASH_COL_FIRST_FLOW + len(CASH_FLOW_CATEGORIES)
CASH_COL_CLOSING = CASH_COL_NET + 1
CASH_COL_LOANS = CASH_COL_CLOSING + 1
CASH_COL_WITHOUT_LOANS = CASH_COL_LOANS + 1

NO_LOAN_COVERS = "aucun prêt ne couvre le besoin"
MAX_LOAN_PERIODS = 360  # rows of a loan schedule block: 30 years of monthly periods
SPARE_LOAN_BLOCKS = 2  # schedules prepared for loans added in the first free rows of « Ressources »


def column_letter(index: int) -> str:
    """Excel column letter of a 1-based column index (1 → A)."""
    return get_column_letter(index)


def source_columns() -> list[tuple[str, Field]]:
    """(group, field) of every input column of the « Ressources » sheet, left to right."""
    return [(group, item) for group, items, _ in SOURCE_GROUPS for item in items]
