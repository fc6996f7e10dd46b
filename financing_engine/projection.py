"""Deterministic projection: investment balance, yearly budgets and cash streams.

The projection turns a validated :class:`~financing_engine.inputs.PlanInput`
into *streams*: dated payments of one cash category, one funder and one
driver. :func:`financing_engine.evaluate_plan` sums them into the monthly cash
table; :func:`financing_engine.run_risk_analysis` scales and delays them per
scenario. Everything here is exact Decimal arithmetic in cents.

Timing rules
------------
* Investment uses are paid in their month; initial working capital stays in
  the bank (neither spent nor depreciated).
* Grants follow :class:`~financing_engine.inputs.PaymentTerms` over their
  period (the school year's open months, or the span of investment months).
* EU funds follow :class:`~financing_engine.inputs.EuReimbursement`: paid after
  the co-financed expenses, by claims, with a delay.
* Production is spread evenly over the open months of the school year and
  collected ``sales_collection_delay_months`` later; materials are paid as
  production happens; salaries and other expenses monthly over the open months.
* The taxe d'apprentissage arrives in its calendar month of each school year.
* Loans: drawdown in ``drawdown_month``, instalments at the end of each period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from financing_engine.dates import add_months, school_year_label
from financing_engine.inputs import (
    EuReimbursement,
    ExpenseKind,
    Funder,
    OperatingYear,
    PaymentTerms,
    PlanInput,
    SourceKind,
    UseCategory,
)
from financing_engine.loans import _rows, loan_cash_flows
from financing_engine.money import ZERO, allocate, round_cents, split_evenly
from financing_engine.results import (
    FlowCategory,
    InvestmentBalance,
    LoanSchedule,
    RevenueKind,
    YearBudget,
)

__all__ = ["Driver", "Projection", "Stream", "eu_claims", "project", "schedule_payment"]


class Driver(StrEnum):
    """What scales a stream in the risk analysis."""

    NONE = "none"
    SALES = "sales"
    HEADCOUNT = "headcount"


@dataclass(slots=True)
class Stream:
    """Signed payments ``(month, amount)`` of one category, funder and driver.

    Months may fall after the horizon (kept for the ``after_horizon`` totals).
    """

    category: FlowCategory
    funder: Funder | None = None
    driver: Driver = Driver.NONE
    year: int | None = None
    payments: list[tuple[int, Decimal]] = field(default_factory=list)


@dataclass(slots=True)
class Projection:
    """Intermediate results shared by the plan evaluation and the risk analysis."""

    plan: PlanInput
    months: int
    month_dates: list[date]
    investment: InvestmentBalance
    loans: list[LoanSchedule]
    years: list[YearBudget]
    streams: list[Stream]
    eu_eligible_costs: dict[str, Decimal]


def schedule_payment(
    amount: Decimal, terms: PaymentTerms, period_start: int, period_end: int
) -> list[tuple[int, Decimal]]:
    """Payments of a grant over the period ``[period_start, period_end]`` (months).

    advance = round(amount × advance_share) at ``period_start + signature_offset``;
    instalments = round(amount × instalments_share) split evenly at the end of
    ``instalment_count`` equal sub-periods; balance = the rest, at
    ``period_end + balance_delay_months``. The parts add up to ``amount``.

    Examples
    --------
    >>> terms = PaymentTerms(advance_share=Decimal("0.3"), instalment_count=2,
    ...                      instalments_share=Decimal("0.5"), balance_delay_months=6)
    >>> schedule_payment(Decimal("100000"), terms, 0, 11)
    [(0, Decimal('30000.00')), (5, Decimal('25000.00')), (11, Decimal('25000.00')), (17, Decimal('20000.00'))]
    """
    if amount == 0:
        return []
    payments: list[tuple[int, Decimal]] = []
    advance = round_cents(amount * terms.advance_share)
    if advance:
        payments.append((period_start + terms.signature_offset_months, advance))
    instalments_total = ZERO
    if terms.instalment_count > 0 and terms.instalments_share > 0:
        instalments_total = round_cents(amount * terms.instalments_share)
        length = period_end - period_start + 1
        parts = split_evenly(instalments_total, terms.instalment_count)
        for i, part in enumerate(parts):
            month = period_start + -(-(i + 1) * length // terms.instalment_count) - 1
            payments.append((month, part))
    balance = amount - advance - instalments_total
    if balance:
        payments.append((period_end + terms.balance_delay_months, balance))
    return payments


def eu_claims(
    amount: Decimal, terms: EuReimbursement, spending: list[Decimal], period_start: int, period_end: int
) -> list[tuple[int, Decimal]]:
    """Payments of an EU grant reimbursing ``spending`` (monthly eligible expenses).

    Advance ``round(amount × advance_share)`` at ``period_start``. At each claim
    month (every ``claim_interval_months`` from ``period_start``, and
    ``period_end``) once the cumulative spending reaches ``claim_threshold`` of
    the total: claim ``round(amount × spent / total) − already paid``, paid
    ``payment_delay_months`` later. The final claim pays the balance, so the
    payments add up to ``amount``.

    Examples
    --------
    80,000 € reimbursing 12 equal months of spending, claims every 6 months,
    paid 12 months after each claim:

    >>> spend = [Decimal("10000")] * 12
    >>> eu_claims(Decimal("80000"), EuReimbursement(), spend, 0, 11)
    [(17, Decimal('40000.00')), (23, Decimal('40000.00'))]
    """
    if amount == 0:
        return []
    payments: list[tuple[int, Decimal]] = []
    paid = round_cents(amount * terms.advance_share)
    if paid:
        payments.append((period_start, paid))
    total = sum(spending[period_start : period_end + 1], Decimal(0))
    spent = Decimal(0)
    for month in range(period_start, period_end + 1):
        spent += spending[month]
        final = month == period_end
        if not final and (month - period_start + 1) % terms.claim_interval_months:
            continue
        if final:
            due = amount
        elif total == 0 or spent < terms.claim_threshold * total:
            continue
        else:
            due = round_cents(amount * spent / total)
        claim = due - paid
        if claim > 0:
            payments.append((month + terms.payment_delay_months, claim))
            paid += claim
    return payments


def _sales(year: OperatingYear) -> Decimal:
    if year.sales_amount is not None:
        return round_cents(Decimal(year.sales_amount))
    return round_cents(year.youths * year.production_hours_per_youth * year.productivity_ratio * year.hourly_price)


def _depreciation_by_year(plan: PlanInput) -> list[Decimal]:
    """Straight-line monthly depreciation from the month of purchase, per school year.

    Each year's charge is the difference of rounded cumulative depreciation, so
    the yearly charges of a line add up to its cumulative depreciation exactly.
    """
    result = [ZERO] * plan.horizon_years
    for use in plan.uses:
        life = use.effective_depreciation_years * 12
        if life == 0 or use.amount == 0:
            continue
        previous = ZERO
        for k in range(plan.horizon_years):
            elapsed = min(max(0, 12 * (k + 1) - use.month), life)
            cumulative = round_cents(use.amount * elapsed / life)
            result[k] += cumulative - previous
            previous = cumulative
    return result


def _spread(total: Decimal, months: list[int]) -> list[tuple[int, Decimal]]:
    if total == 0 or not months:
        return []
    return list(zip(months, split_evenly(total, len(months)), strict=True))


_PAID_EXPENSES = (
    ExpenseKind.MASTER_TRAINERS,
    ExpenseKind.TEACHING_STAFF,
    ExpenseKind.SUPPORT_STAFF,
    ExpenseKind.MATERIALS,
    ExpenseKind.RENT,
    ExpenseKind.ENERGY,
    ExpenseKind.INSURANCE,
    ExpenseKind.OTHER_EXPENSES,
)
_SALARIES = (ExpenseKind.MASTER_TRAINERS, ExpenseKind.TEACHING_STAFF, ExpenseKind.SUPPORT_STAFF)


@dataclass(slots=True)
class _Uses:
    """The investment uses: totals by category, the spending stream and the monthly spending profiles."""

    by_category: dict[UseCategory, Decimal]
    stream: Stream
    eu_spending: list[Decimal]  # EU-eligible spending net of recoverable VAT, per month
    all_spending: list[Decimal]
    period_start: int  # first and last month of investment spending
    period_end: int

    @property
    def feder_eligible(self) -> Decimal:
        return round_cents(sum(self.eu_spending, Decimal(0)))


@dataclass(slots=True)
class _Year:
    """One school year's budget lines and the months the school is open."""

    revenues: dict[RevenueKind, Decimal]
    expenses: dict[ExpenseKind, Decimal]
    open_months: list[int]
    excluded_state_subsidy: Decimal


def _project_uses(plan: PlanInput) -> _Uses:
    """Uses are paid in their month; initial working capital stays in the bank."""
    months = plan.months
    uses = _Uses(
        by_category=dict.fromkeys(UseCategory, ZERO),
        stream=Stream(FlowCategory.INVESTMENT_SPENDING),
        eu_spending=[Decimal(0)] * months,
        all_spending=[Decimal(0)] * months,
        period_start=0,
        period_end=0,
    )
    investment_months: list[int] = []
    for use in plan.uses:
        amount = round_cents(Decimal(use.amount))
        uses.by_category[use.category] += amount
        if use.category is UseCategory.WORKING_CAPITAL or amount == 0:
            continue
        investment_months.append(use.month)
        uses.stream.payments.append((use.month, -amount))
        uses.all_spending[use.month] += amount
        if use.eu_eligible:
            uses.eu_spending[use.month] += amount - use.recoverable_vat
    uses.period_start = min(investment_months, default=0)
    uses.period_end = max(investment_months, default=0)
    return uses


def _loan_streams(schedule: LoanSchedule, drawdown_month: int) -> list[Stream]:
    """Drawdown, interest paid and principal repaid of a loan, as three streams."""
    interest = Stream(FlowCategory.LOAN_INTEREST)
    principal = Stream(FlowCategory.LOAN_PRINCIPAL)
    for month, paid_interest, repaid in loan_cash_flows(schedule):
        if paid_interest:
            interest.payments.append((month, -paid_interest))
        if repaid:
            principal.payments.append((month, -repaid))
    return [Stream(FlowCategory.LOAN_DRAWDOWNS, payments=[(drawdown_month, schedule.amount)]), interest, principal]


def _project_sources(
    plan: PlanInput, start: date, uses: _Uses
) -> tuple[dict[SourceKind, Decimal], list[LoanSchedule], list[Stream]]:
    """Sources by kind, loan schedules, and the cash streams of every source.

    Loans are drawn in their drawdown month and repaid on their schedule; the FEDER reimburses the
    EU-eligible spending (all spending if none is marked); other sources follow their payment terms
    over the investment period.
    """
    by_kind = dict.fromkeys(SourceKind, ZERO)
    loans: list[LoanSchedule] = []
    streams: list[Stream] = []
    for index, source in enumerate(plan.sources):
        amount = round_cents(Decimal(source.amount))
        by_kind[source.kind] += amount
        if source.kind.is_loan:
            assert source.loan is not None
            schedule = LoanSchedule(
                label=source.label,
                amount=amount,
                terms=source.loan,
                rows=tuple(_rows(amount, source.loan, start)),
                source_index=index,
            )
            loans.append(schedule)
            streams.extend(_loan_streams(schedule, source.loan.drawdown_month))
        elif source.kind is SourceKind.FEDER:
            terms = source.eu or EuReimbursement()
            profile = uses.eu_spending if uses.feder_eligible > 0 else uses.all_spending
            payments = eu_claims(amount, terms, profile, uses.period_start, uses.period_end)
            streams.append(Stream(FlowCategory.EU_FUNDS, source.kind.funder, payments=payments))
        else:
            own = source.kind is SourceKind.OWN_FUNDS
            payments = schedule_payment(amount, source.payment, uses.period_start, uses.period_end)
            streams.append(
                Stream(
                    FlowCategory.OWN_FUNDS if own else FlowCategory.INVESTMENT_GRANTS,
                    None if own else source.kind.funder,
                    payments=payments,
                )
            )
    return by_kind, loans, streams


def _interest_by_year(plan: PlanInput, loans: list[LoanSchedule]) -> list[Decimal]:
    """Loan interest of the periods paid in each school year (capitalised interest included)."""
    result = [ZERO] * plan.horizon_years
    for schedule in loans:
        for row in schedule.rows:
            if row.month_index < plan.months:
                result[row.month_index // 12] += row.interest
    return result


def _year_lines(plan: PlanInput, k: int, year: OperatingYear, depreciation: Decimal, interest: Decimal) -> _Year:
    """Revenues and expenses of school year ``k`` (EU operating grants are allocated later)."""
    open_months = [m for m in range(12 * k, 12 * k + 12) if m >= plan.opening_month]
    full = plan.opening_month <= 12 * k
    sales = _sales(year)
    state_entered = round_cents(year.youths * Decimal(year.state_subsidy_per_youth))
    state = state_entered if full else ZERO
    revenues = {
        RevenueKind.SALES: sales,
        RevenueKind.STATE_SUBSIDY: state,
        RevenueKind.REGION_GRANT: round_cents(Decimal(year.region_grant)),
        RevenueKind.DEPARTMENT_GRANT: round_cents(Decimal(year.department_grant)),
        RevenueKind.EPCI_GRANT: round_cents(Decimal(year.epci_grant)),
        RevenueKind.APPRENTICESHIP_TAX: round_cents(Decimal(year.apprenticeship_tax)),
        RevenueKind.EU_GRANTS: ZERO,
        RevenueKind.FOUNDATIONS: round_cents(Decimal(year.foundations)),
    }
    expenses = {
        ExpenseKind.MASTER_TRAINERS: round_cents(year.master_trainers * Decimal(year.master_trainer_cost)),
        ExpenseKind.TEACHING_STAFF: round_cents(Decimal(year.teaching_staff)),
        ExpenseKind.SUPPORT_STAFF: round_cents(Decimal(year.support_staff)),
        ExpenseKind.MATERIALS: round_cents(sales * year.materials_share),
        ExpenseKind.RENT: round_cents(Decimal(year.rent)),
        ExpenseKind.ENERGY: round_cents(Decimal(year.energy)),
        ExpenseKind.INSURANCE: round_cents(Decimal(year.insurance)),
        ExpenseKind.OTHER_EXPENSES: round_cents(Decimal(year.other_expenses)),
        ExpenseKind.DEPRECIATION: depreciation,
        ExpenseKind.LOAN_INTEREST: interest,
    }
    return _Year(revenues, expenses, open_months, state_entered - state)


def _year_streams(plan: PlanInput, k: int, budget: _Year, start: date) -> list[Stream]:
    """Cash streams of school year ``k``'s revenues, materials and sales receipts.

    Salaries and other expenses are gathered by :func:`_expense_streams`.
    """
    timings = plan.operating.timings
    revenues, months = budget.revenues, budget.open_months
    first, last = months[0], months[-1]
    materials = [(month, -part) for month, part in _spread(budget.expenses[ExpenseKind.MATERIALS], months)]
    delay = timings.sales_collection_delay_months
    receipts = [(month + delay, part) for month, part in _spread(revenues[RevenueKind.SALES], months)]
    streams = [
        Stream(FlowCategory.MATERIALS, None, Driver.SALES, k, materials),
        Stream(FlowCategory.SALES_RECEIPTS, Funder.CUSTOMERS, Driver.SALES, k, receipts),
        Stream(
            FlowCategory.STATE_SUBSIDY,
            Funder.STATE,
            Driver.HEADCOUNT,
            k,
            schedule_payment(revenues[RevenueKind.STATE_SUBSIDY], timings.state_subsidy, first, last),
        ),
    ]
    for revenue, funder, terms in (
        (RevenueKind.REGION_GRANT, Funder.REGION, timings.region_grant),
        (RevenueKind.DEPARTMENT_GRANT, Funder.DEPARTMENT, timings.department_grant),
        (RevenueKind.EPCI_GRANT, Funder.EPCI, timings.epci_grant),
    ):
        payments = schedule_payment(revenues[revenue], terms, first, last)
        streams.append(Stream(FlowCategory.OPERATING_GRANTS, funder, year=k, payments=payments))
    foundations = schedule_payment(revenues[RevenueKind.FOUNDATIONS], timings.foundations, first, last)
    streams.append(Stream(FlowCategory.FOUNDATIONS, Funder.FOUNDATIONS, year=k, payments=foundations))
    tax = revenues[RevenueKind.APPRENTICESHIP_TAX]
    if tax:
        month = 12 * k + (timings.apprenticeship_tax_calendar_month - start.month) % 12
        streams.append(
            Stream(FlowCategory.APPRENTICESHIP_TAX, Funder.APPRENTICESHIP_TAX, year=k, payments=[(month, tax)])
        )
    return streams


def _expense_spending(plan: PlanInput, budgets: list[_Year]) -> dict[ExpenseKind, list[Decimal]]:
    """Monthly spending of each paid expense line: the yearly amount split over the open months."""
    spending = {kind: [Decimal(0)] * plan.months for kind in _PAID_EXPENSES}
    for budget in budgets:
        for kind, months in spending.items():
            for month, part in _spread(budget.expenses[kind], budget.open_months):
                months[month] += part
    return spending


def _expense_streams(plan: PlanInput, budgets: list[_Year]) -> list[Stream]:
    """Salaries and other expenses (rent, energy, insurance, other), paid monthly over the open months."""
    salaries = Stream(FlowCategory.SALARIES)
    others = Stream(FlowCategory.OTHER_EXPENSES)
    for budget in budgets:
        for kind in _PAID_EXPENSES:
            if kind is ExpenseKind.MATERIALS:
                continue
            target = salaries if kind in _SALARIES else others
            target.payments.extend((month, -part) for month, part in _spread(budget.expenses[kind], budget.open_months))
    return [salaries, others]


def _eu_operating_grants(
    plan: PlanInput, budgets: list[_Year], spending: dict[ExpenseKind, list[Decimal]]
) -> tuple[dict[str, Decimal], list[Stream]]:
    """EU operating grants: budget share pro rata to the eligible expenses, cash after the spending.

    Adds each grant's share to the years' ``EU_GRANTS`` revenue; returns the eligible costs of each
    grant and its payment stream.
    """
    eligible_costs: dict[str, Decimal] = {}
    streams: list[Stream] = []
    for i, grant in enumerate(plan.operating.eu_grants):
        years = range(grant.first_year, grant.last_year + 1)
        eligible = [kind for kind in grant.eligible_expenses if kind in spending]
        weights = [sum((budgets[k].expenses[kind] for kind in eligible), Decimal(0)) for k in years]
        eligible_costs[f"operating.eu_grants[{i}]"] = sum(weights, ZERO)
        amount = round_cents(Decimal(grant.amount))
        for k, share in zip(years, allocate(amount, weights), strict=True):
            budgets[k].revenues[RevenueKind.EU_GRANTS] += share
        profile = [sum(column, Decimal(0)) for column in zip(*(spending[kind] for kind in eligible), strict=True)]
        first_month = budgets[grant.first_year].open_months[0]
        last_month = budgets[grant.last_year].open_months[-1]
        if sum(profile[first_month : last_month + 1], Decimal(0)) == 0:
            profile = [Decimal(1) if first_month <= m <= last_month else Decimal(0) for m in range(plan.months)]
        payments = eu_claims(amount, grant.reimbursement, profile, first_month, last_month)
        streams.append(Stream(FlowCategory.EU_FUNDS, Funder.EU, payments=payments))
    return eligible_costs, streams


def _year_budget(plan: PlanInput, k: int, budget: _Year, month_dates: list[date], start: date) -> YearBudget:
    """The result of school year ``k``: totals, result, cost per youth and sales share."""
    youths = plan.operating.years[k].youths
    total_revenues = sum(budget.revenues.values(), ZERO)
    total_expenses = sum(budget.expenses.values(), ZERO)
    return YearBudget(
        index=k,
        label=school_year_label(start, k),
        start_date=month_dates[12 * k],
        end_date=month_dates[12 * k + 11],
        open_months=len(budget.open_months),
        is_full_school_year=plan.opening_month <= 12 * k,
        youths=youths,
        revenues=budget.revenues,
        expenses=budget.expenses,
        total_revenues=total_revenues,
        total_expenses=total_expenses,
        result=total_revenues - total_expenses,
        excluded_state_subsidy=budget.excluded_state_subsidy,
        cost_per_youth=round_cents(total_expenses / youths) if youths else None,
        sales_share=(budget.revenues[RevenueKind.SALES] / total_expenses) if total_expenses else None,
    )


def _delayed(streams: list[Stream], payment_delays: Mapping[Funder, int]) -> list[Stream]:
    """Every payment of a delayed funder moved ``payment_delays[funder]`` months later."""
    for stream in streams:
        delay = payment_delays.get(stream.funder, 0) if stream.funder is not None else 0
        if delay:
            stream.payments = [(month + delay, amount) for month, amount in stream.payments]
    return streams


def project(plan: PlanInput, *, payment_delays: Mapping[Funder, int] | None = None) -> Projection:
    """Compute the deterministic projection of a *validated* plan.

    ``payment_delays`` (a scenario, :mod:`financing_engine.scenarios`) postpones every payment of
    the given funders by that many months (budgets are unchanged: only the cash moves).

    In order: the investment uses and sources (with the loan schedules), each
    school year's budget lines, the cash streams of the operating side, the
    EU operating grants (which need the years' eligible expenses), then each
    year's result.
    """
    start = date(plan.start_date.year, plan.start_date.month, 1)
    month_dates = [add_months(start, m) for m in range(plan.months)]

    uses = _project_uses(plan)
    sources_by_kind, loans, source_streams = _project_sources(plan, start, uses)
    total_uses = sum(uses.by_category.values(), ZERO)
    total_sources = sum(sources_by_kind.values(), ZERO)
    investment = InvestmentBalance(
        uses_by_category=uses.by_category,
        sources_by_kind=sources_by_kind,
        total_uses=total_uses,
        total_sources=total_sources,
        gap=total_sources - total_uses,
    )

    depreciation = _depreciation_by_year(plan)
    interest = _interest_by_year(plan, loans)
    budgets = [_year_lines(plan, k, year, depreciation[k], interest[k]) for k, year in enumerate(plan.operating.years)]
    year_streams = [stream for k, budget in enumerate(budgets) for stream in _year_streams(plan, k, budget, start)]
    spending = _expense_spending(plan, budgets)
    eu_costs, eu_streams = _eu_operating_grants(plan, budgets, spending)

    return Projection(
        plan=plan,
        months=plan.months,
        month_dates=month_dates,
        investment=investment,
        loans=loans,
        years=[_year_budget(plan, k, budget, month_dates, start) for k, budget in enumerate(budgets)],
        streams=_delayed(
            [uses.stream, *source_streams, *year_streams, *_expense_streams(plan, budgets), *eu_streams],
            payment_delays or {},
        ),
        eu_eligible_costs={"sources": uses.feder_eligible, **eu_costs},
    )
