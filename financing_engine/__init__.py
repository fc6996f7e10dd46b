"""Financing engine of Essaim: pure-Python financing plans for écoles de production.

Investment plan (uses = sources), yearly operating budgets, monthly cash plan
with each funder's payment timing, working-capital requirement, loan
schedules, validation rules and a vectorised Monte Carlo risk analysis.
No Django, no platform import: stdlib and numpy only.

Money is :class:`~decimal.Decimal` at every boundary, rounded to the cent
half up (see :mod:`financing_engine.money`). Months are indexed from the
plan's start month (month 0 = first month of school year 1).

Examples
--------
>>> from financing_engine import demo_plan, evaluate_plan
>>> result = evaluate_plan(demo_plan())
>>> result.investment.is_balanced, len(result.cash.months)
(True, 84)
"""

from typing import TYPE_CHECKING, Any

from financing_engine.demo import demo_plan
from financing_engine.errors import AmountOutOfRange, FinancingEngineError, InputError, PlanInputError
from financing_engine.evaluate import evaluate_plan
from financing_engine.inputs import (
    Amortisation,
    DeferralKind,
    EuFund,
    EuOperatingGrant,
    EuReimbursement,
    ExpenseKind,
    Funder,
    FundingStatus,
    LoanTerms,
    OperatingPlan,
    OperatingTimings,
    OperatingYear,
    PaymentTerms,
    Periodicity,
    PlanInput,
    SourceKind,
    SourceLine,
    UseCategory,
    UseLine,
)
from financing_engine.loans import loan_schedule
from financing_engine.money import format_eur, round_cents, to_decimal
from financing_engine.results import (
    CashPlan,
    FlowCategory,
    InvestmentBalance,
    LoanRow,
    LoanSchedule,
    MonthCash,
    PlanResult,
    RevenueKind,
    RuleResult,
    Severity,
    WorkingCapitalRequirement,
    YearBudget,
)
from financing_engine.rules import RULES, RuleDefinition, RuleThresholds
from financing_engine.serialization import plan_from_dict, plan_to_dict, result_to_dict, risk_result_to_dict

# The risk analysis needs numpy (≈ 0,4 s to import): its names are imported on first use, so that a process
# that never runs it (a command, a job worker, the web's start-up) does not pay for it (PEP 562).
_RISK_NAMES = frozenset(
    {"Distribution", "Fixed", "Normal", "RiskParameters", "RiskResult", "Triangular", "Uniform", "run_risk_analysis"}
)


if TYPE_CHECKING:  # the type checker sees the names as if imported
    from financing_engine.risk import (
        Distribution,
        Fixed,
        Normal,
        RiskParameters,
        RiskResult,
        Triangular,
        Uniform,
        run_risk_analysis,
    )


def __getattr__(name: str) -> Any:
    if name in _RISK_NAMES:
        from financing_engine import risk

        return getattr(risk, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "RULES",
    "Amortisation",
    "AmountOutOfRange",
    "CashPlan",
    "DeferralKind",
    "Distribution",
    "EuFund",
    "EuOperatingGrant",
    "EuReimbursement",
    "ExpenseKind",
    "FinancingEngineError",
    "Fixed",
    "FlowCategory",
    "Funder",
    "FundingStatus",
    "InputError",
    "InvestmentBalance",
    "LoanRow",
    "LoanSchedule",
    "LoanTerms",
    "MonthCash",
    "Normal",
    "OperatingPlan",
    "OperatingTimings",
    "OperatingYear",
    "PaymentTerms",
    "Periodicity",
    "PlanInput",
    "PlanInputError",
    "PlanResult",
    "RevenueKind",
    "RiskParameters",
    "RiskResult",
    "RuleDefinition",
    "RuleResult",
    "RuleThresholds",
    "Severity",
    "SourceKind",
    "SourceLine",
    "Triangular",
    "Uniform",
    "UseCategory",
    "UseLine",
    "WorkingCapitalRequirement",
    "YearBudget",
    "demo_plan",
    "evaluate_plan",
    "format_eur",
    "loan_schedule",
    "plan_from_dict",
    "plan_to_dict",
    "result_to_dict",
    "risk_result_to_dict",
    "round_cents",
    "run_risk_analysis",
    "to_decimal",
]
