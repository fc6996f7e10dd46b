"""Plan evaluation: the engine's main entry point."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from financing_engine.inputs import Funder, LoanTerms, PlanInput
from financing_engine.money import ZERO
from financing_engine.projection import Projection, project
from financing_engine.results import CashPlan, FlowCategory, MonthCash, PlanResult, WorkingCapitalRequirement
from financing_engine.rules import RuleThresholds, check_rules
from financing_engine.validation import validate_plan
from financing_engine.working_capital import size_loan

__all__ = ["DEFAULT_WORKING_CAPITAL_LOAN", "evaluate_plan", "working_capital_loan_terms"]

DEFAULT_WORKING_CAPITAL_LOAN = LoanTerms(duration_months=120, deferral_months=36)
_CATEGORIES = tuple(FlowCategory)


def working_capital_loan_terms(plan: PlanInput) -> LoanTerms:
    """Terms used to size the loan covering the working-capital requirement.

    ``plan.working_capital_loan`` if given, else the terms of the plan's first
    loan, else 10 years with 3 years' interest-only deferral at 0 %, drawn in
    month 0.
    """
    if plan.working_capital_loan is not None:
        return plan.working_capital_loan
    for source in plan.sources:
        if source.kind.is_loan and source.loan is not None:
            return source.loan
    return DEFAULT_WORKING_CAPITAL_LOAN


def _cash_plan(projection: Projection) -> tuple[CashPlan, list[Decimal]]:
    """Monthly cash table, and the closing cash without any loan flow."""
    n = projection.months
    flows = {category: [ZERO] * n for category in _CATEGORIES}
    after = dict.fromkeys(_CATEGORIES, ZERO)
    for stream in projection.streams:
        column = flows[stream.category]
        for month, amount in stream.payments:
            if month < n:
                column[month] += amount
            else:
                after[stream.category] += amount
    opening_cash = Decimal(projection.plan.opening_cash)
    months: list[MonthCash] = []
    closing_without_loans: list[Decimal] = []
    balance = opening_cash
    balance_without_loans = opening_cash
    lowest = None
    lowest_month = 0
    first_negative: int | None = None
    loan_columns = [flows[c] for c in _CATEGORIES if c.is_loan]
    for m in range(n):
        month_flows = {category: flows[category][m] for category in _CATEGORIES}
        net = sum(month_flows.values(), ZERO)
        loan_net = sum((column[m] for column in loan_columns), ZERO)
        opening = balance
        balance = opening + net
        balance_without_loans += net - loan_net
        closing_without_loans.append(balance_without_loans)
        months.append(MonthCash(m, projection.month_dates[m], opening, month_flows, balance))
        if lowest is None or balance < lowest:
            lowest, lowest_month = balance, m
        if first_negative is None and balance < 0:
            first_negative = m
    cash = CashPlan(
        months=tuple(months),
        after_horizon=after,
        lowest_closing=lowest if lowest is not None else opening_cash,
        lowest_closing_month=lowest_month,
        first_negative_month=first_negative,
    )
    return cash, closing_without_loans


def _working_capital(projection: Projection, closing_without_loans: list[Decimal]) -> WorkingCapitalRequirement:
    plan = projection.plan
    floor = Decimal(plan.cash_floor)
    trough = min(closing_without_loans)
    trough_month = closing_without_loans.index(trough)
    terms = working_capital_loan_terms(plan)
    short = next((t for t, cash in enumerate(closing_without_loans) if cash < floor), None)
    if short is not None and short < terms.drawdown_month:
        terms = replace(terms, drawdown_month=short)
    return WorkingCapitalRequirement(
        trough_amount=trough,
        trough_month=trough_month,
        trough_date=projection.month_dates[trough_month],
        requirement=max(ZERO, floor - trough),
        cash_floor=floor,
        loan_needed=size_loan(closing_without_loans, floor, terms),
        loan_terms=terms,
        closing_without_loans=tuple(closing_without_loans),
    )


def evaluate_plan(
    plan: PlanInput, *, rules: RuleThresholds | None = None, payment_delays: Mapping[Funder, int] | None = None
) -> PlanResult:
    """Evaluate a financing plan: balance, budgets, monthly cash, BFR, loans, rules.

    Parameters
    ----------
    plan : PlanInput
        The plan (see :mod:`financing_engine.inputs`).
    rules : RuleThresholds, optional
        Thresholds of the validation rules; defaults to ``RuleThresholds()``.
    payment_delays : Mapping[Funder, int], optional
        Extra months before every payment of these funders (a scenario's delays).

    Returns
    -------
    PlanResult
        ``investment`` (uses, sources, gap = sources − uses), ``years`` (one
        operating budget and result per school year), ``cash`` (monthly table:
        opening, each flow category, closing), ``working_capital`` (trough
        without loans, its month, requirement and loan needed), ``loans`` (full
        schedules) and ``rules`` (findings with code, severity, French message).

    Raises
    ------
    PlanInputError
        With every input error (field path and French message).

    Notes
    -----
    Every amount is exact in cents, so for every month
    ``closing = opening + Σ flows`` and ``opening(t+1) = closing(t)``; for the
    investment plan ``gap = total_sources − total_uses``; for each loan
    ``Σ principal = amount + Σ capitalised interest`` and the outstanding
    reaches 0 at maturity.

    Examples
    --------
    The synthetic demo project of domain.md §7.3 (24 youths, 450 k€ of
    investment, 130 k€ BdT loan, 80 k€ of FSE+ paid after spending):

    >>> from financing_engine.demo import demo_plan
    >>> result = evaluate_plan(demo_plan())
    >>> result.investment.total_uses, result.investment.gap
    (Decimal('450000.00'), Decimal('0.00'))
    >>> year3 = result.years[2]
    >>> year3.label, year3.youths, year3.total_expenses
    ('année 3 (2028-2029)', 24, Decimal('410023.77'))
    >>> wcr = result.working_capital
    >>> wcr.trough_amount, wcr.trough_date, wcr.loan_needed
    (Decimal('-274800.00'), datetime.date(2027, 2, 1), Decimal('296033.48'))
    >>> [rule.code for rule in result.rules]  # doctest: +NORMALIZE_WHITESPACE
    ['cost_per_youth_out_of_range', 'operating_result_negative', 'negative_cash',
     'cash_below_floor']
    """
    validate_plan(plan)
    projection = project(plan, payment_delays=payment_delays)
    cash, closing_without_loans = _cash_plan(projection)
    working_capital = _working_capital(projection, closing_without_loans)
    findings = check_rules(plan, projection, cash, working_capital, rules or RuleThresholds())
    return PlanResult(
        investment=projection.investment,
        years=tuple(projection.years),
        cash=cash,
        working_capital=working_capital,
        loans=tuple(projection.loans),
        rules=findings,
    )
