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


def project(plan: PlanInput) -> Projection:
    """Compute the deterministic projection of a *validated* plan."""
    n_months = plan.months
    start = date(plan.start_date.year, plan.start_date.month, 1)
    month_dates = [add_months(start, m) for m in range(n_months)]
    streams: list[Stream] = []

    # ------------------------------------------------------------------ investment
    uses_by_category = dict.fromkeys(UseCategory, ZERO)
    spending_stream = Stream(FlowCategory.INVESTMENT_SPENDING)
    eu_spending = [Decimal(0)] * n_months
    all_spending = [Decimal(0)] * n_months
    investment_months: list[int] = []
    for use in plan.uses:
        amount = round_cents(Decimal(use.amount))
        uses_by_category[use.category] += amount
        if use.category is UseCategory.WORKING_CAPITAL or amount == 0:
            continue
        investment_months.append(use.month)
        spending_stream.payments.append((use.month, -amount))
        all_spending[use.month] += amount
        if use.eu_eligible:
            eu_spending[use.month] += amount - use.recoverable_vat
    streams.append(spending_stream)
    period_start = min(investment_months, default=0)
    period_end = max(investment_months, default=0)
    feder_eligible = round_cents(sum(eu_spending, Decimal(0)))

    sources_by_kind = dict.fromkeys(SourceKind, ZERO)
    loans: list[LoanSchedule] = []
    for index, source in enumerate(plan.sources):
        amount = round_cents(Decimal(source.amount))
        sources_by_kind[source.kind] += amount
        funder = source.kind.funder
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
            streams.append(Stream(FlowCategory.LOAN_DRAWDOWNS, payments=[(source.loan.drawdown_month, amount)]))
            interest_stream = Stream(FlowCategory.LOAN_INTEREST)
            principal_stream = Stream(FlowCategory.LOAN_PRINCIPAL)
            for month, interest, principal in loan_cash_flows(schedule):
                if interest:
                    interest_stream.payments.append((month, -interest))
                if principal:
                    principal_stream.payments.append((month, -principal))
            streams.extend((interest_stream, principal_stream))
        elif source.kind is SourceKind.FEDER:
            terms = source.eu or EuReimbursement()
            profile = eu_spending if feder_eligible > 0 else all_spending
            streams.append(
                Stream(
                    FlowCategory.EU_FUNDS, funder, payments=eu_claims(amount, terms, profile, period_start, period_end)
                )
            )
        else:
            category = FlowCategory.OWN_FUNDS if source.kind is SourceKind.OWN_FUNDS else FlowCategory.INVESTMENT_GRANTS
            stream_funder = None if source.kind is SourceKind.OWN_FUNDS else funder
            payments = schedule_payment(amount, source.payment, period_start, period_end)
            streams.append(Stream(category, stream_funder, payments=payments))

    total_uses = sum(uses_by_category.values(), ZERO)
    total_sources = sum(sources_by_kind.values(), ZERO)
    investment = InvestmentBalance(
        uses_by_category=uses_by_category,
        sources_by_kind=sources_by_kind,
        total_uses=total_uses,
        total_sources=total_sources,
        gap=total_sources - total_uses,
    )

    # ------------------------------------------------------------------ operating
    timings = plan.operating.timings
    depreciation = _depreciation_by_year(plan)
    interest_by_year = [ZERO] * plan.horizon_years
    for schedule in loans:
        for row in schedule.rows:
            if row.month_index < n_months:
                interest_by_year[row.month_index // 12] += row.interest

    expense_spending: dict[ExpenseKind, list[Decimal]] = {
        kind: [Decimal(0)] * n_months
        for kind in (
            ExpenseKind.MASTER_TRAINERS,
            ExpenseKind.TEACHING_STAFF,
            ExpenseKind.SUPPORT_STAFF,
            ExpenseKind.MATERIALS,
            ExpenseKind.RENT,
            ExpenseKind.ENERGY,
            ExpenseKind.INSURANCE,
            ExpenseKind.OTHER_EXPENSES,
        )
    }
    year_revenues: list[dict[RevenueKind, Decimal]] = []
    year_expenses: list[dict[ExpenseKind, Decimal]] = []
    year_open: list[list[int]] = []
    excluded: list[Decimal] = []
    salaries = Stream(FlowCategory.SALARIES)
    others = Stream(FlowCategory.OTHER_EXPENSES)
    ta_offset = (timings.apprenticeship_tax_calendar_month - start.month) % 12
    for k, year in enumerate(plan.operating.years):
        open_months = [m for m in range(12 * k, 12 * k + 12) if m >= plan.opening_month]
        year_open.append(open_months)
        first, last = open_months[0], open_months[-1]
        full = plan.opening_month <= 12 * k
        sales = _sales(year)
        state_entered = round_cents(year.youths * Decimal(year.state_subsidy_per_youth))
        state = state_entered if full else ZERO
        excluded.append(state_entered - state)
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
            ExpenseKind.DEPRECIATION: depreciation[k],
            ExpenseKind.LOAN_INTEREST: interest_by_year[k],
        }
        year_revenues.append(revenues)
        year_expenses.append(expenses)

        for kind, spending in expense_spending.items():
            for month, part in _spread(expenses[kind], open_months):
                spending[month] += part
                if kind is ExpenseKind.MATERIALS:
                    continue
                target = (
                    salaries
                    if kind in (ExpenseKind.MASTER_TRAINERS, ExpenseKind.TEACHING_STAFF, ExpenseKind.SUPPORT_STAFF)
                    else others
                )
                target.payments.append((month, -part))
        materials = [(month, -part) for month, part in _spread(expenses[ExpenseKind.MATERIALS], open_months)]
        streams.append(Stream(FlowCategory.MATERIALS, None, Driver.SALES, k, materials))
        delay = timings.sales_collection_delay_months
        receipts = [(month + delay, part) for month, part in _spread(sales, open_months)]
        streams.append(Stream(FlowCategory.SALES_RECEIPTS, Funder.CUSTOMERS, Driver.SALES, k, receipts))
        streams.append(
            Stream(
                FlowCategory.STATE_SUBSIDY,
                Funder.STATE,
                Driver.HEADCOUNT,
                k,
                schedule_payment(state, timings.state_subsidy, first, last),
            )
        )
        grant_terms = (
            (RevenueKind.REGION_GRANT, Funder.REGION, timings.region_grant),
            (RevenueKind.DEPARTMENT_GRANT, Funder.DEPARTMENT, timings.department_grant),
            (RevenueKind.EPCI_GRANT, Funder.EPCI, timings.epci_grant),
        )
        for revenue, grant_funder, payment_terms in grant_terms:
            payments = schedule_payment(revenues[revenue], payment_terms, first, last)
            streams.append(Stream(FlowCategory.OPERATING_GRANTS, grant_funder, year=k, payments=payments))
        streams.append(
            Stream(
                FlowCategory.FOUNDATIONS,
                Funder.FOUNDATIONS,
                year=k,
                payments=schedule_payment(revenues[RevenueKind.FOUNDATIONS], timings.foundations, first, last),
            )
        )
        tax = revenues[RevenueKind.APPRENTICESHIP_TAX]
        if tax:
            streams.append(
                Stream(
                    FlowCategory.APPRENTICESHIP_TAX,
                    Funder.APPRENTICESHIP_TAX,
                    year=k,
                    payments=[(12 * k + ta_offset, tax)],
                )
            )
    streams.append(salaries)
    streams.append(others)

    # EU operating grants: budget share pro rata to eligible expenses, cash after spending.
    eu_eligible_costs: dict[str, Decimal] = {"sources": feder_eligible}
    for i, grant in enumerate(plan.operating.eu_grants):
        years = range(grant.first_year, grant.last_year + 1)
        eligible = [kind for kind in grant.eligible_expenses if kind in expense_spending]
        weights = [sum((year_expenses[k][kind] for kind in eligible), Decimal(0)) for k in years]
        eu_eligible_costs[f"operating.eu_grants[{i}]"] = sum(weights, ZERO)
        amount = round_cents(Decimal(grant.amount))
        for k, share in zip(years, allocate(amount, weights), strict=True):
            year_revenues[k][RevenueKind.EU_GRANTS] += share
        profile = [
            sum(column, Decimal(0)) for column in zip(*(expense_spending[kind] for kind in eligible), strict=True)
        ]
        first_month = year_open[grant.first_year][0]
        last_month = year_open[grant.last_year][-1]
        if sum(profile[first_month : last_month + 1], Decimal(0)) == 0:
            profile = [Decimal(1) if first_month <= m <= last_month else Decimal(0) for m in range(n_months)]
        streams.append(
            Stream(
                FlowCategory.EU_FUNDS,
                Funder.EU,
                payments=eu_claims(amount, grant.reimbursement, profile, first_month, last_month),
            )
        )

    budgets: list[YearBudget] = []
    for k, year in enumerate(plan.operating.years):
        revenues = year_revenues[k]
        expenses = year_expenses[k]
        total_revenues = sum(revenues.values(), ZERO)
        total_expenses = sum(expenses.values(), ZERO)
        budgets.append(
            YearBudget(
                index=k,
                label=school_year_label(start, k),
                start_date=month_dates[12 * k],
                end_date=month_dates[12 * k + 11],
                open_months=len(year_open[k]),
                is_full_school_year=plan.opening_month <= 12 * k,
                youths=year.youths,
                revenues=revenues,
                expenses=expenses,
                total_revenues=total_revenues,
                total_expenses=total_expenses,
                result=total_revenues - total_expenses,
                excluded_state_subsidy=excluded[k],
                cost_per_youth=round_cents(total_expenses / year.youths) if year.youths else None,
                sales_share=(revenues[RevenueKind.SALES] / total_expenses) if total_expenses else None,
            )
        )

    return Projection(
        plan=plan,
        months=n_months,
        month_dates=month_dates,
        investment=investment,
        loans=loans,
        years=budgets,
        streams=streams,
        eu_eligible_costs=eu_eligible_costs,
    )
