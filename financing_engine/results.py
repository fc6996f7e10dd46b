"""Results: frozen dataclasses returned by the engine.

Every amount is a :class:`~decimal.Decimal` rounded to the cent. Months are
indexed from the plan's start month and carry their date (first of the month).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from financing_engine.inputs import ExpenseKind, LoanTerms, SourceKind, UseCategory

__all__ = [
    "CashPlan",
    "FlowCategory",
    "InvestmentBalance",
    "LoanRow",
    "LoanSchedule",
    "MonthCash",
    "PlanResult",
    "RevenueKind",
    "RuleResult",
    "Severity",
    "WorkingCapitalRequirement",
    "YearBudget",
]


class FlowCategory(StrEnum):
    """Columns of the monthly cash table (inflows positive, outflows negative)."""

    INVESTMENT_SPENDING = "investment_spending"
    INVESTMENT_GRANTS = "investment_grants"
    OWN_FUNDS = "own_funds"
    EU_FUNDS = "eu_funds"
    LOAN_DRAWDOWNS = "loan_drawdowns"
    LOAN_PRINCIPAL = "loan_principal"
    LOAN_INTEREST = "loan_interest"
    SALES_RECEIPTS = "sales_receipts"
    STATE_SUBSIDY = "state_subsidy"
    OPERATING_GRANTS = "operating_grants"
    APPRENTICESHIP_TAX = "apprenticeship_tax"
    FOUNDATIONS = "foundations"
    SALARIES = "salaries"
    MATERIALS = "materials"
    OTHER_EXPENSES = "other_expenses"

    @property
    def label(self) -> str:
        """French column header."""
        return _FLOW_LABELS[self]

    @property
    def is_loan(self) -> bool:
        """True for loan drawdowns and debt service."""
        return self in (FlowCategory.LOAN_DRAWDOWNS, FlowCategory.LOAN_PRINCIPAL, FlowCategory.LOAN_INTEREST)


_FLOW_LABELS = {
    FlowCategory.INVESTMENT_SPENDING: "dépenses d'investissement",
    FlowCategory.INVESTMENT_GRANTS: "subventions et mécénat d'investissement",
    FlowCategory.OWN_FUNDS: "fonds propres",
    FlowCategory.EU_FUNDS: "fonds européens",
    FlowCategory.LOAN_DRAWDOWNS: "déblocage des prêts",
    FlowCategory.LOAN_PRINCIPAL: "remboursement du capital",
    FlowCategory.LOAN_INTEREST: "intérêts d'emprunt",
    FlowCategory.SALES_RECEIPTS: "encaissement des ventes",
    FlowCategory.STATE_SUBSIDY: "subvention de l'État",
    FlowCategory.OPERATING_GRANTS: "subventions de fonctionnement",
    FlowCategory.APPRENTICESHIP_TAX: "taxe d'apprentissage",
    FlowCategory.FOUNDATIONS: "fondations et mécènes",
    FlowCategory.SALARIES: "salaires",
    FlowCategory.MATERIALS: "matières et fournitures",
    FlowCategory.OTHER_EXPENSES: "loyer, énergie, assurances et autres",
}


class RevenueKind(StrEnum):
    """Operating revenue lines of a school year."""

    SALES = "sales"
    STATE_SUBSIDY = "state_subsidy"
    REGION_GRANT = "region_grant"
    DEPARTMENT_GRANT = "department_grant"
    EPCI_GRANT = "epci_grant"
    APPRENTICESHIP_TAX = "apprenticeship_tax"
    EU_GRANTS = "eu_grants"
    FOUNDATIONS = "foundations"

    @property
    def label(self) -> str:
        """French label."""
        return _REVENUE_LABELS[self]


_REVENUE_LABELS = {
    RevenueKind.SALES: "ventes de la production",
    RevenueKind.STATE_SUBSIDY: "subvention de l'État",
    RevenueKind.REGION_GRANT: "subvention de fonctionnement de la Région",
    RevenueKind.DEPARTMENT_GRANT: "subvention de fonctionnement du département",
    RevenueKind.EPCI_GRANT: "subvention de fonctionnement de l'EPCI ou de la commune",
    RevenueKind.APPRENTICESHIP_TAX: "taxe d'apprentissage",
    RevenueKind.EU_GRANTS: "fonds européens (FSE+)",
    RevenueKind.FOUNDATIONS: "fondations et mécènes",
}


class Severity(StrEnum):
    """Severity of a rule: ``bloquant`` prevents submission, ``alerte`` warns."""

    BLOCKING = "bloquant"
    WARNING = "alerte"


@dataclass(frozen=True, slots=True)
class LoanRow:
    """One period of a loan schedule.

    ``instalment`` is the cash paid (interest paid + principal). During a total
    deferral nothing is paid and the interest is capitalised:
    ``outstanding = previous outstanding + capitalised_interest − principal``.
    """

    period: int
    month_index: int
    date: date | None
    instalment: Decimal
    interest: Decimal
    capitalised_interest: Decimal
    principal: Decimal
    outstanding: Decimal


@dataclass(frozen=True, slots=True)
class LoanSchedule:
    """Full amortisation schedule of a loan."""

    label: str
    amount: Decimal
    terms: LoanTerms
    rows: tuple[LoanRow, ...]
    source_index: int | None = None

    @property
    def total_interest(self) -> Decimal:
        """Interest over the life of the loan (paid and capitalised)."""
        return sum((row.interest for row in self.rows), Decimal("0.00"))

    @property
    def total_capitalised_interest(self) -> Decimal:
        """Interest added to the principal during a total deferral."""
        return sum((row.capitalised_interest for row in self.rows), Decimal("0.00"))

    @property
    def total_principal(self) -> Decimal:
        """Principal repaid: amount + capitalised interest."""
        return sum((row.principal for row in self.rows), Decimal("0.00"))

    @property
    def total_instalments(self) -> Decimal:
        """Cash paid over the life of the loan."""
        return sum((row.instalment for row in self.rows), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class InvestmentBalance:
    """Investment plan: uses, sources and the gap ``sources − uses``."""

    uses_by_category: Mapping[UseCategory, Decimal]
    sources_by_kind: Mapping[SourceKind, Decimal]
    total_uses: Decimal
    total_sources: Decimal
    gap: Decimal

    @property
    def is_balanced(self) -> bool:
        """True when sources equal uses to the cent."""
        return self.gap == 0


@dataclass(frozen=True, slots=True)
class YearBudget:
    """Operating budget of one school year and its result.

    ``excluded_state_subsidy`` is the State subsidy entered for an incomplete
    school year and not counted. ``cost_per_youth`` is total expenses / youths
    and ``sales_share`` is sales / total expenses (``None`` when undefined).
    """

    index: int
    label: str
    start_date: date
    end_date: date
    open_months: int
    is_full_school_year: bool
    youths: int
    revenues: Mapping[RevenueKind, Decimal]
    expenses: Mapping[ExpenseKind, Decimal]
    total_revenues: Decimal
    total_expenses: Decimal
    result: Decimal
    excluded_state_subsidy: Decimal
    cost_per_youth: Decimal | None
    sales_share: Decimal | None


@dataclass(frozen=True, slots=True)
class MonthCash:
    """One row of the monthly cash table: ``closing = opening + Σ flows``."""

    index: int
    date: date
    opening: Decimal
    flows: Mapping[FlowCategory, Decimal]
    closing: Decimal

    @property
    def net_flow(self) -> Decimal:
        """Sum of the month's flows."""
        return sum(self.flows.values(), Decimal("0.00"))


@dataclass(frozen=True, slots=True)
class CashPlan:
    """Monthly cash plan over the horizon.

    ``after_horizon`` holds the flows scheduled after the last month (balances
    of grants, last sales, loan instalments), per category.
    """

    months: tuple[MonthCash, ...]
    after_horizon: Mapping[FlowCategory, Decimal]
    lowest_closing: Decimal
    lowest_closing_month: int
    first_negative_month: int | None


@dataclass(frozen=True, slots=True)
class WorkingCapitalRequirement:
    """Working-capital requirement (besoin en fonds de roulement).

    ``trough_amount`` is the lowest closing cash of the plan *without any loan*
    (drawdowns and debt service removed), reached in ``trough_month``.
    ``requirement = max(0, cash_floor − trough_amount)``. ``loan_needed`` is
    the smallest loan on ``loan_terms``, drawn in its drawdown month, that keeps
    the cash at or above ``cash_floor`` every month once its own debt service
    is paid; ``None`` if no loan can (the shortfall comes before the drawdown).
    """

    trough_amount: Decimal
    trough_month: int
    trough_date: date
    requirement: Decimal
    cash_floor: Decimal
    loan_needed: Decimal | None
    loan_terms: LoanTerms
    closing_without_loans: tuple[Decimal, ...]


@dataclass(frozen=True, slots=True)
class RuleResult:
    """A validation finding: stable code, severity, French message, source."""

    code: str
    severity: Severity
    message: str
    source: str
    field: str | None = None
    year_index: int | None = None
    month_index: int | None = None


@dataclass(frozen=True, slots=True)
class PlanResult:
    """Everything :func:`financing_engine.evaluate_plan` computes."""

    investment: InvestmentBalance
    years: tuple[YearBudget, ...]
    cash: CashPlan
    working_capital: WorkingCapitalRequirement
    loans: tuple[LoanSchedule, ...]
    rules: tuple[RuleResult, ...]

    @property
    def is_blocked(self) -> bool:
        """True if at least one ``bloquant`` rule fails."""
        return any(rule.severity is Severity.BLOCKING for rule in self.rules)
