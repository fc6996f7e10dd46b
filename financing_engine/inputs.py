"""Plan input: frozen dataclasses describing a financing plan.

Conventions
-----------
* Amounts are :class:`~decimal.Decimal` euros (convert with
  :func:`financing_engine.money.to_decimal`); shares and rates are Decimal
  fractions (``Decimal("0.60")`` for 60 %).
* Months are indexed ``0 .. N-1`` from :attr:`PlanInput.start_date`, the first
  month of school year 1 (usually September). ``N = 12 × horizon_years``.
* School years are indexed ``0 .. horizon_years-1`` (``operating.years[0]`` is
  "année 1" for users).

The engine never mutates inputs; build a new plan with
:func:`dataclasses.replace` to change a value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "Amortisation",
    "DeferralKind",
    "EuFund",
    "EuOperatingGrant",
    "EuReimbursement",
    "ExpenseKind",
    "Funder",
    "FundingStatus",
    "LoanTerms",
    "OperatingPlan",
    "OperatingTimings",
    "OperatingYear",
    "PaymentTerms",
    "Periodicity",
    "PlanInput",
    "SourceKind",
    "SourceLine",
    "UseCategory",
    "UseLine",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)


class UseCategory(StrEnum):
    """Kind of use (emploi) in the investment plan."""

    TOOLING = "tooling"
    PREMISES_WORKS = "premises_works"
    VEHICLES = "vehicles"
    IT = "it"
    START_UP_COSTS = "start_up_costs"
    WORKING_CAPITAL = "working_capital"

    @property
    def label(self) -> str:
        """French label."""
        return _USE_LABELS[self]

    @property
    def default_depreciation_years(self) -> int:
        """Straight-line depreciation period used when a line gives none (0: not depreciated)."""
        return _USE_DEPRECIATION[self]


_USE_LABELS = {
    UseCategory.TOOLING: "outillage et équipements",
    UseCategory.PREMISES_WORKS: "travaux d'aménagement des locaux",
    UseCategory.VEHICLES: "véhicules",
    UseCategory.IT: "informatique",
    UseCategory.START_UP_COSTS: "frais de démarrage",
    UseCategory.WORKING_CAPITAL: "fonds de roulement initial",
}
_USE_DEPRECIATION = {
    UseCategory.TOOLING: 7,
    UseCategory.PREMISES_WORKS: 10,
    UseCategory.VEHICLES: 5,
    UseCategory.IT: 3,
    UseCategory.START_UP_COSTS: 3,
    UseCategory.WORKING_CAPITAL: 0,
}


class Funder(StrEnum):
    """Who pays a flow; the risk analysis draws one payment delay per funder."""

    REGION = "region"
    DEPARTMENT = "department"
    EPCI = "epci"
    COMMUNE = "commune"
    STATE = "state"
    EU = "eu"
    BDT = "bdt"
    FOUNDATIONS = "foundations"
    OWN = "own"
    BANK = "bank"
    CUSTOMERS = "customers"
    APPRENTICESHIP_TAX = "apprenticeship_tax"

    @property
    def label(self) -> str:
        """French label."""
        return _FUNDER_LABELS[self]


_FUNDER_LABELS = {
    Funder.REGION: "Région",
    Funder.DEPARTMENT: "département",
    Funder.EPCI: "EPCI",
    Funder.COMMUNE: "commune",
    Funder.STATE: "État",
    Funder.EU: "Union européenne",
    Funder.BDT: "Banque des Territoires",
    Funder.FOUNDATIONS: "fondations et mécènes",
    Funder.OWN: "fonds propres",
    Funder.BANK: "banque",
    Funder.CUSTOMERS: "clients",
    Funder.APPRENTICESHIP_TAX: "taxe d'apprentissage",
}


class SourceKind(StrEnum):
    """Kind of source (ressource) in the investment plan."""

    REGION_GRANT = "region_grant"
    DEPARTMENT_GRANT = "department_grant"
    EPCI_GRANT = "epci_grant"
    COMMUNE_GRANT = "commune_grant"
    STATE_GRANT = "state_grant"
    FEDER = "feder"
    BDT_SUBORDINATED_LOAN = "bdt_subordinated_loan"
    BDT_ENGINEERING_GRANT = "bdt_engineering_grant"
    SPONSORSHIP = "sponsorship"
    FOUNDATION = "foundation"
    OWN_FUNDS = "own_funds"
    BANK_LOAN = "bank_loan"

    @property
    def label(self) -> str:
        """French label."""
        return _SOURCE_LABELS[self]

    @property
    def is_loan(self) -> bool:
        """True for the BdT subordinated loan and bank loans."""
        return self in (SourceKind.BDT_SUBORDINATED_LOAN, SourceKind.BANK_LOAN)

    @property
    def is_local_authority_grant(self) -> bool:
        """True for investment grants of the Région, département, EPCI or commune."""
        return self in (
            SourceKind.REGION_GRANT,
            SourceKind.DEPARTMENT_GRANT,
            SourceKind.EPCI_GRANT,
            SourceKind.COMMUNE_GRANT,
        )

    @property
    def funder(self) -> Funder:
        """The funder paying this source."""
        return _SOURCE_FUNDERS[self]


_SOURCE_LABELS = {
    SourceKind.REGION_GRANT: "subvention d'investissement de la Région",
    SourceKind.DEPARTMENT_GRANT: "subvention d'investissement du département",
    SourceKind.EPCI_GRANT: "subvention d'investissement de l'EPCI",
    SourceKind.COMMUNE_GRANT: "subvention d'investissement de la commune",
    SourceKind.STATE_GRANT: "subvention d'investissement de l'État (AMI, France Relance)",
    SourceKind.FEDER: "FEDER",
    SourceKind.BDT_SUBORDINATED_LOAN: "prêt subordonné de la Banque des Territoires",
    SourceKind.BDT_ENGINEERING_GRANT: "subvention d'ingénierie de la Banque des Territoires",
    SourceKind.SPONSORSHIP: "mécénat d'entreprises",
    SourceKind.FOUNDATION: "fondations",
    SourceKind.OWN_FUNDS: "fonds propres",
    SourceKind.BANK_LOAN: "emprunt bancaire",
}
_SOURCE_FUNDERS = {
    SourceKind.REGION_GRANT: Funder.REGION,
    SourceKind.DEPARTMENT_GRANT: Funder.DEPARTMENT,
    SourceKind.EPCI_GRANT: Funder.EPCI,
    SourceKind.COMMUNE_GRANT: Funder.COMMUNE,
    SourceKind.STATE_GRANT: Funder.STATE,
    SourceKind.FEDER: Funder.EU,
    SourceKind.BDT_SUBORDINATED_LOAN: Funder.BDT,
    SourceKind.BDT_ENGINEERING_GRANT: Funder.BDT,
    SourceKind.SPONSORSHIP: Funder.FOUNDATIONS,
    SourceKind.FOUNDATION: Funder.FOUNDATIONS,
    SourceKind.OWN_FUNDS: Funder.OWN,
    SourceKind.BANK_LOAN: Funder.BANK,
}


class FundingStatus(StrEnum):
    """Progress of a funding line, from request to payment."""

    REQUESTED = "requested"
    COMMITTED = "committed"
    AGREEMENT_SIGNED = "agreement_signed"
    CLAIMED = "claimed"
    PAID = "paid"

    @property
    def is_committed(self) -> bool:
        """True from ``committed`` onwards."""
        return self is not FundingStatus.REQUESTED


class Periodicity(StrEnum):
    """Loan repayment periodicity."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        """Length of one period in months (1, 3 or 12)."""
        return {"monthly": 1, "quarterly": 3, "yearly": 12}[self.value]

    @property
    def label(self) -> str:
        """French label."""
        return {"monthly": "mensuelle", "quarterly": "trimestrielle", "yearly": "annuelle"}[self.value]


class Amortisation(StrEnum):
    """Loan amortisation profile after the deferral."""

    CONSTANT_INSTALMENT = "constant_instalment"
    CONSTANT_PRINCIPAL = "constant_principal"


class DeferralKind(StrEnum):
    """What happens during the deferral (différé).

    ``interest_only``: interest is paid, no principal (différé partiel).
    ``total``: nothing is paid, interest is capitalised (différé total).
    """

    INTEREST_ONLY = "interest_only"
    TOTAL = "total"


class EuFund(StrEnum):
    """European fund: FEDER (ERDF), FSE+ (ESF+) or FTJ (JTF)."""

    FEDER = "feder"
    FSE_PLUS = "fse_plus"
    FTJ = "ftj"

    @property
    def label(self) -> str:
        """French label."""
        return {"feder": "FEDER", "fse_plus": "FSE+", "ftj": "FTJ"}[self.value]


class ExpenseKind(StrEnum):
    """Operating expense lines of a school year."""

    MASTER_TRAINERS = "master_trainers"
    TEACHING_STAFF = "teaching_staff"
    SUPPORT_STAFF = "support_staff"
    MATERIALS = "materials"
    RENT = "rent"
    ENERGY = "energy"
    INSURANCE = "insurance"
    OTHER_EXPENSES = "other_expenses"
    DEPRECIATION = "depreciation"
    LOAN_INTEREST = "loan_interest"

    @property
    def label(self) -> str:
        """French label."""
        return _EXPENSE_LABELS[self]


_EXPENSE_LABELS = {
    ExpenseKind.MASTER_TRAINERS: "maîtres professionnels",
    ExpenseKind.TEACHING_STAFF: "personnel enseignant",
    ExpenseKind.SUPPORT_STAFF: "personnel d'accompagnement et de direction",
    ExpenseKind.MATERIALS: "matières et fournitures",
    ExpenseKind.RENT: "loyer",
    ExpenseKind.ENERGY: "énergie",
    ExpenseKind.INSURANCE: "assurances",
    ExpenseKind.OTHER_EXPENSES: "autres charges",
    ExpenseKind.DEPRECIATION: "dotations aux amortissements",
    ExpenseKind.LOAN_INTEREST: "intérêts d'emprunt",
}

SALARY_EXPENSES = (ExpenseKind.MASTER_TRAINERS, ExpenseKind.TEACHING_STAFF, ExpenseKind.SUPPORT_STAFF)


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """When a grant is paid, relative to the period it funds.

    The period is the school year (operating grants) or the span of the
    investment months (investment grants). Three parts:

    * advance: ``advance_share × amount`` at signature, ``signature_offset_months``
      after the start of the period;
    * instalments: ``instalments_share × amount`` split into ``instalment_count``
      equal payments at the end of equal sub-periods;
    * balance: the rest, ``balance_delay_months`` after the end of the period.

    The default pays everything at the end of the period.

    Examples
    --------
    An operating grant paid 50 % at the start of the school year and the
    balance 6 months after its end:

    >>> PaymentTerms(advance_share=Decimal("0.5"), balance_delay_months=6).advance_share
    Decimal('0.5')
    """

    advance_share: Decimal = _ZERO
    signature_offset_months: int = 0
    instalment_count: int = 0
    instalments_share: Decimal = _ZERO
    balance_delay_months: int = 0


@dataclass(frozen=True, slots=True)
class EuReimbursement:
    """How an EU grant is paid: only after the co-financed expenses are paid.

    An optional advance is paid at the start of the operation. Every
    ``claim_interval_months`` months a payment claim is made for
    ``amount × spent / total eligible spending`` minus what was already paid,
    but only once ``claim_threshold`` of the spending is done; the balance is
    claimed at the end of the operation. Each claim is paid
    ``payment_delay_months`` later.
    """

    co_financing_rate: Decimal = Decimal("0.60")
    advance_share: Decimal = _ZERO
    claim_threshold: Decimal = Decimal("0.30")
    claim_interval_months: int = 6
    payment_delay_months: int = 12


@dataclass(frozen=True, slots=True)
class LoanTerms:
    """Terms of a loan (the amount is given separately).

    ``duration_months`` includes the deferral. Payments fall at the end of each
    period: period ``k`` (1-based) is paid in month ``drawdown_month + k × p``
    where ``p`` is the period length in months. The periodic rate is the
    proportional rate ``annual_rate × p / 12``.
    """

    duration_months: int = 120
    deferral_months: int = 0
    annual_rate: Decimal = _ZERO
    periodicity: Periodicity = Periodicity.MONTHLY
    amortisation: Amortisation = Amortisation.CONSTANT_INSTALMENT
    deferral_kind: DeferralKind = DeferralKind.INTEREST_ONLY
    drawdown_month: int = 0


@dataclass(frozen=True, slots=True)
class UseLine:
    """A use (emploi) of the investment plan, paid in ``month``.

    ``recoverable_vat`` is the VAT included in ``amount`` that the school
    recovers; it is excluded from EU-eligible costs. ``eu_eligible`` marks the
    lines co-financed by the FEDER sources. ``depreciation_years`` defaults to
    the category's period (0 = not depreciated). Initial working capital is
    kept as cash, so it is neither spent nor depreciated.
    """

    category: UseCategory
    label: str
    amount: Decimal
    month: int = 0
    workshop: str = ""
    depreciation_years: int | None = None
    recoverable_vat: Decimal = _ZERO
    eu_eligible: bool = False

    @property
    def effective_depreciation_years(self) -> int:
        """Depreciation period actually used."""
        if self.category is UseCategory.WORKING_CAPITAL:
            return 0
        if self.depreciation_years is None:
            return self.category.default_depreciation_years
        return self.depreciation_years


@dataclass(frozen=True, slots=True)
class SourceLine:
    """A source (ressource) of the investment plan.

    Loans (``kind.is_loan``) need ``loan`` terms; they are drawn in
    ``loan.drawdown_month``. FEDER lines are reimbursed on the EU-eligible uses
    following ``eu`` (default :class:`EuReimbursement`). Other sources are paid
    following ``payment`` over the investment period.
    """

    kind: SourceKind
    label: str
    amount: Decimal
    status: FundingStatus = FundingStatus.REQUESTED
    payment: PaymentTerms = field(default_factory=PaymentTerms)
    loan: LoanTerms | None = None
    eu: EuReimbursement | None = None


@dataclass(frozen=True, slots=True)
class OperatingYear:
    """Operating budget inputs of one school year (annual amounts).

    Sales are ``youths × production_hours_per_youth × productivity_ratio ×
    hourly_price`` unless ``sales_amount`` gives them directly. The State
    subsidy is ``youths × state_subsidy_per_youth`` and is counted only for a
    full school year. Master trainers cost ``master_trainers`` (FTE) ×
    ``master_trainer_cost`` (annual loaded cost of one FTE). Materials are
    ``materials_share × sales``. Depreciation and loan interest are computed.
    """

    youths: int
    production_hours_per_youth: Decimal = _ZERO
    productivity_ratio: Decimal = _ZERO
    hourly_price: Decimal = _ZERO
    sales_amount: Decimal | None = None
    state_subsidy_per_youth: Decimal = _ZERO
    region_grant: Decimal = _ZERO
    department_grant: Decimal = _ZERO
    epci_grant: Decimal = _ZERO
    apprenticeship_tax: Decimal = _ZERO
    foundations: Decimal = _ZERO
    master_trainers: Decimal = _ZERO
    master_trainer_cost: Decimal = _ZERO
    teaching_staff: Decimal = _ZERO
    support_staff: Decimal = _ZERO
    materials_share: Decimal = _ZERO
    rent: Decimal = _ZERO
    energy: Decimal = _ZERO
    insurance: Decimal = _ZERO
    other_expenses: Decimal = _ZERO


@dataclass(frozen=True, slots=True)
class EuOperatingGrant:
    """An EU operating grant (typically FSE+) co-financing school-year expenses.

    It covers the expense lines ``eligible_expenses`` of school years
    ``first_year`` to ``last_year`` (0-based, inclusive). In the budget it is
    allocated to those years pro rata to their eligible expenses; in cash it is
    paid after the expenses following ``reimbursement``.
    """

    fund: EuFund
    label: str
    amount: Decimal
    first_year: int = 0
    last_year: int = 0
    eligible_expenses: tuple[ExpenseKind, ...] = SALARY_EXPENSES
    reimbursement: EuReimbursement = field(default_factory=EuReimbursement)


def _state_terms() -> PaymentTerms:
    return PaymentTerms(advance_share=Decimal("0.5"), balance_delay_months=3)


def _region_terms() -> PaymentTerms:
    return PaymentTerms(advance_share=Decimal("0.5"), balance_delay_months=6)


def _local_terms() -> PaymentTerms:
    return PaymentTerms(balance_delay_months=3)


def _upfront_terms() -> PaymentTerms:
    return PaymentTerms(advance_share=_ONE)


@dataclass(frozen=True, slots=True)
class OperatingTimings:
    """Payment timing of operating revenues (all overridable).

    Defaults are assumptions (no official calendar was found): customers pay
    2 months after production; the State (FNEP convention) pays 50 % at the
    start of the school year and the balance 3 months after its end; the
    Région 50 % then the balance 6 months after; département and EPCI at the
    end of the year + 3 months; foundations at the start of the year; the
    taxe d'apprentissage arrives in June (calendar month 6). Salaries and other
    expenses are paid monthly over the months the school is open.
    """

    sales_collection_delay_months: int = 2
    state_subsidy: PaymentTerms = field(default_factory=_state_terms)
    region_grant: PaymentTerms = field(default_factory=_region_terms)
    department_grant: PaymentTerms = field(default_factory=_local_terms)
    epci_grant: PaymentTerms = field(default_factory=_local_terms)
    foundations: PaymentTerms = field(default_factory=_upfront_terms)
    apprenticeship_tax_calendar_month: int = 6


@dataclass(frozen=True, slots=True)
class OperatingPlan:
    """Operating side of the plan: one :class:`OperatingYear` per school year."""

    years: tuple[OperatingYear, ...]
    timings: OperatingTimings = field(default_factory=OperatingTimings)
    eu_grants: tuple[EuOperatingGrant, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanInput:
    """A complete financing plan.

    Parameters
    ----------
    name : str
        Project name (for messages and exports).
    start_date : date
        First month of school year 1 (the day is ignored); month 0 of the plan.
    horizon_years : int
        Number of school years, 3 to 7; the cash plan has ``12 × horizon_years`` months.
    uses, sources : tuple
        The investment plan.
    operating : OperatingPlan
        The operating budgets, one per school year.
    opening_month : int
        Month the first cohort arrives (0 to 11). After 0 the first school year
        is incomplete: no State subsidy that year, flows spread over open months.
    opening_cash : Decimal
        Cash at the start of month 0.
    cash_floor : Decimal
        Safety floor the cash must stay above (used for the loan sizing).
    working_capital_loan : LoanTerms or None
        Terms of the loan sized to cover the working-capital requirement;
        ``None`` uses the first loan of the plan, or 10 years with 3 years'
        deferral at 0 % if the plan has none.
    """

    name: str
    start_date: date
    horizon_years: int
    uses: tuple[UseLine, ...]
    sources: tuple[SourceLine, ...]
    operating: OperatingPlan
    opening_month: int = 0
    opening_cash: Decimal = _ZERO
    cash_floor: Decimal = _ZERO
    working_capital_loan: LoanTerms | None = None

    @property
    def months(self) -> int:
        """Number of months of the cash plan."""
        return 12 * self.horizon_years
