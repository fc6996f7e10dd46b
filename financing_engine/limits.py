"""Domain limits of every number of a plan: the bounds the engine accepts, in one place.

A plan is a handful of amounts, counts, rates, durations and months. Each has a
range that makes sense for an école de production, wide enough for any real
plan and narrow enough that every computation stays exact and finite (no
``1e30`` €, no ``NaN``, no 26-digit amount, no date in year 9999). The
validation (:mod:`financing_engine.validation`), the JSON schema
(:func:`financing_engine.schema.plan_json_schema`, ``docs/plan-schema.json``),
the plan editor's forms and the workbook import all read their bounds here.

=========================================  =====================================  ==========
Number                                     Range                                  Decimals
=========================================  =====================================  ==========
amounts (€): uses, sources, budget lines   0 to 1 000 000 000 €                   2
cash at the start of the plan (€)          −1 000 000 000 to 1 000 000 000 €      2
shares and co-financing rates              0 to 100 %                             6 (4 in %)
loan annual rate                           0 to 20 %                              6 (4 in %)
production hours per youth and year        0 to 8 760 h (hours in a year)         2
master trainers (FTE)                      0 to 1 000 FTE                         2
youths per school year                     0 to 10 000                            —
months in the plan (payment, drawdown)     0 to the last month of the horizon     —
delays, intervals, instalments (months)    0 to 120                               —
loan duration and deferral                 up to 360 months (30 years)            —
scenario headcount and sales factors       0 to 200 % of the plan                 4 (2 in %)
depreciation                               0 to 50 years                          —
start of the plan                          years 2000 to 2100                     —
lines                                      100 uses, 100 sources, 20 EU grants    —
texts (name, labels)                       200 characters (workshop: 100)         —
=========================================  =====================================  ==========

With these bounds the largest figure the engine can compute (10 000 youths ×
8 760 h × 1 000 000 000 € a year, over 84 months) stays below 10¹⁸ €, far
inside the 28 significant digits of :mod:`decimal`'s default context, so no
rounding to the cent can fail.

Examples
--------
>>> MAX_AMOUNT
Decimal('1000000000')
>>> AMOUNT.contains(Decimal("130000.00")), AMOUNT.contains(Decimal("1E+30"))
(True, False)
>>> AMOUNT.has_valid_precision(Decimal("12.345"))
False
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "AMOUNT",
    "DECIMAL_FIELDS",
    "INTEGER_FIELDS",
    "LIST_FIELDS",
    "TEXT_FIELDS",
    "FTE",
    "HOURS",
    "LOAN_RATE",
    "MAX_AMOUNT",
    "MAX_DELAY_MONTHS",
    "MAX_DEPRECIATION_YEARS",
    "MAX_EU_GRANTS",
    "MAX_FTE",
    "MAX_HORIZON_YEARS",
    "MAX_HOURS_PER_YOUTH",
    "MAX_INSTALMENTS",
    "MAX_LINES",
    "MAX_LOAN_MONTHS",
    "MAX_LOAN_RATE",
    "MAX_START_YEAR",
    "MAX_TEXT_LENGTH",
    "MAX_WORKSHOP_LENGTH",
    "MAX_YOUTHS",
    "MIN_HORIZON_YEARS",
    "MIN_START_YEAR",
    "SCENARIO_FACTOR",
    "SHARE",
    "SIGNED_AMOUNT",
    "NumberRange",
]

MAX_AMOUNT = Decimal("1000000000")  # one billion euros: a school's plan is a few hundred thousand
MAX_LOAN_RATE = Decimal("0.20")
MAX_HOURS_PER_YOUTH = Decimal(8760)  # hours in a year
MAX_FTE = Decimal(1000)
MAX_YOUTHS = 10_000
MIN_HORIZON_YEARS = 3
MAX_HORIZON_YEARS = 7
MAX_LOAN_MONTHS = 360
MAX_DELAY_MONTHS = 120
MAX_INSTALMENTS = 120
MAX_DEPRECIATION_YEARS = 50
MIN_START_YEAR = 2000
MAX_START_YEAR = 2100
MAX_LINES = 100
MAX_EU_GRANTS = 20
MAX_TEXT_LENGTH = 200
MAX_WORKSHOP_LENGTH = 100


@dataclass(frozen=True, slots=True)
class NumberRange:
    """Closed range ``[low, high]`` of a decimal number and its number of decimals.

    ``unit`` is how users read the number (``€``, ``%``, ``h``, ``ETP``); shares
    and rates are stored as fractions and shown in percent.
    """

    low: Decimal
    high: Decimal
    decimals: int
    unit: str

    def contains(self, value: Decimal) -> bool:
        """``low ≤ value ≤ high`` (``value`` must be finite)."""
        return self.low <= value <= self.high

    def has_valid_precision(self, value: Decimal) -> bool:
        """At most ``decimals`` digits after the decimal point (``value`` must be in range)."""
        return value == value.quantize(Decimal(1).scaleb(-self.decimals))


AMOUNT = NumberRange(Decimal(0), MAX_AMOUNT, 2, "€")
SIGNED_AMOUNT = NumberRange(-MAX_AMOUNT, MAX_AMOUNT, 2, "€")
SHARE = NumberRange(Decimal(0), Decimal(1), 6, "%")
LOAN_RATE = NumberRange(Decimal(0), MAX_LOAN_RATE, 6, "%")
HOURS = NumberRange(Decimal(0), MAX_HOURS_PER_YOUTH, 2, "h")
FTE = NumberRange(Decimal(0), MAX_FTE, 2, "ETP")
# A scenario's headcount and sales factors (financing_engine.scenarios): 0 to 200 % of the plan.
SCENARIO_FACTOR = NumberRange(Decimal(0), Decimal(2), 4, "%")


# ---------------------------------------------------------------- every bounded field, by (input class, field)
# The JSON schema (docs/plan-schema.json) states the same bounds; a test keeps them in step.
YEAR_AMOUNT_FIELDS = (  # the amounts entered for a school year (OperatingYear)
    "hourly_price",
    "sales_amount",
    "state_subsidy_per_youth",
    "region_grant",
    "department_grant",
    "epci_grant",
    "apprenticeship_tax",
    "foundations",
    "master_trainer_cost",
    "teaching_staff",
    "support_staff",
    "rent",
    "energy",
    "insurance",
    "other_expenses",
)
DECIMAL_FIELDS: dict[tuple[str, str], NumberRange] = {
    ("PlanInput", "opening_cash"): SIGNED_AMOUNT,
    ("PlanInput", "cash_floor"): AMOUNT,
    ("UseLine", "amount"): AMOUNT,
    ("UseLine", "recoverable_vat"): AMOUNT,
    ("SourceLine", "amount"): AMOUNT,
    ("EuOperatingGrant", "amount"): AMOUNT,
    ("PaymentTerms", "advance_share"): SHARE,
    ("PaymentTerms", "instalments_share"): SHARE,
    ("EuReimbursement", "co_financing_rate"): SHARE,
    ("EuReimbursement", "advance_share"): SHARE,
    ("EuReimbursement", "claim_threshold"): SHARE,
    ("LoanTerms", "annual_rate"): LOAN_RATE,
    ("OperatingYear", "production_hours_per_youth"): HOURS,
    ("OperatingYear", "productivity_ratio"): SHARE,
    ("OperatingYear", "master_trainers"): FTE,
    ("OperatingYear", "materials_share"): SHARE,
    **{("OperatingYear", name): AMOUNT for name in YEAR_AMOUNT_FIELDS},
}
_LAST_MONTH = 12 * MAX_HORIZON_YEARS - 1
INTEGER_FIELDS: dict[tuple[str, str], tuple[int, int]] = {
    ("PlanInput", "horizon_years"): (MIN_HORIZON_YEARS, MAX_HORIZON_YEARS),
    ("PlanInput", "opening_month"): (0, 11),
    ("UseLine", "month"): (0, _LAST_MONTH),
    ("UseLine", "depreciation_years"): (0, MAX_DEPRECIATION_YEARS),
    ("PaymentTerms", "signature_offset_months"): (0, MAX_DELAY_MONTHS),
    ("PaymentTerms", "instalment_count"): (0, MAX_INSTALMENTS),
    ("PaymentTerms", "balance_delay_months"): (0, MAX_DELAY_MONTHS),
    ("EuReimbursement", "claim_interval_months"): (1, MAX_DELAY_MONTHS),
    ("EuReimbursement", "payment_delay_months"): (0, MAX_DELAY_MONTHS),
    ("LoanTerms", "duration_months"): (1, MAX_LOAN_MONTHS),
    ("LoanTerms", "deferral_months"): (0, MAX_LOAN_MONTHS - 1),
    ("LoanTerms", "drawdown_month"): (0, _LAST_MONTH),
    ("OperatingYear", "youths"): (0, MAX_YOUTHS),
    ("OperatingTimings", "sales_collection_delay_months"): (0, MAX_DELAY_MONTHS),
    ("OperatingTimings", "apprenticeship_tax_calendar_month"): (1, 12),
    ("EuOperatingGrant", "first_year"): (0, MAX_HORIZON_YEARS - 1),
    ("EuOperatingGrant", "last_year"): (0, MAX_HORIZON_YEARS - 1),
}
TEXT_FIELDS: dict[tuple[str, str], int] = {
    ("PlanInput", "name"): MAX_TEXT_LENGTH,
    ("UseLine", "label"): MAX_TEXT_LENGTH,
    ("UseLine", "workshop"): MAX_WORKSHOP_LENGTH,
    ("SourceLine", "label"): MAX_TEXT_LENGTH,
    ("EuOperatingGrant", "label"): MAX_TEXT_LENGTH,
}
LIST_FIELDS: dict[tuple[str, str], int] = {
    ("PlanInput", "uses"): MAX_LINES,
    ("PlanInput", "sources"): MAX_LINES,
    ("OperatingPlan", "years"): MAX_HORIZON_YEARS,
    ("OperatingPlan", "eu_grants"): MAX_EU_GRANTS,
}
