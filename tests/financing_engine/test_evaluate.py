"""Plan evaluation: worked examples and the identities that must hold to the cent."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings

from financing_engine import (
    Amortisation,
    DeferralKind,
    EuFund,
    EuOperatingGrant,
    EuReimbursement,
    ExpenseKind,
    FlowCategory,
    LoanTerms,
    OperatingTimings,
    PaymentTerms,
    RevenueKind,
    SourceKind,
    SourceLine,
    UseCategory,
    UseLine,
    demo_plan,
    evaluate_plan,
    loan_schedule,
)
from financing_engine.projection import eu_claims, schedule_payment
from tests.financing_engine.factories import D, empty_plan, with_year
from tests.financing_engine.strategies import plans

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(plans())
def test_investment_gap_is_sources_minus_uses(plan):
    """gap = Σ sources − Σ uses, to the cent, for any plan."""
    balance = evaluate_plan(plan).investment
    assert balance.total_uses == sum(use.amount for use in plan.uses)
    assert balance.total_sources == sum(source.amount for source in plan.sources)
    assert balance.gap == balance.total_sources - balance.total_uses
    assert balance.is_balanced == (balance.gap == 0)


@PROPERTY
@given(plans())
def test_closing_cash_is_opening_plus_flows_every_month(plan):
    """closing = opening + Σ flows each month, and each month opens with the previous closing."""
    cash = evaluate_plan(plan).cash
    assert len(cash.months) == 12 * plan.horizon_years
    assert cash.months[0].opening == plan.opening_cash
    for previous, month in zip(cash.months, cash.months[1:], strict=False):
        assert month.opening == previous.closing
    for month in cash.months:
        assert month.closing == month.opening + sum(month.flows.values())
        assert set(month.flows) == set(FlowCategory)
        assert month.date.day == 1


@PROPERTY
@given(plans())
def test_cash_flows_add_up_to_the_budget_and_the_investment_plan(plan):
    """Over the horizon plus after it, cash by category equals the amounts budgeted and financed."""
    result = evaluate_plan(plan)
    totals = {category: result.cash.after_horizon[category] for category in FlowCategory}
    for month in result.cash.months:
        for category, amount in month.flows.items():
            totals[category] += amount
    revenues = {kind: sum(year.revenues[kind] for year in result.years) for kind in RevenueKind}
    assert totals[FlowCategory.SALES_RECEIPTS] == revenues[RevenueKind.SALES]
    assert totals[FlowCategory.STATE_SUBSIDY] == revenues[RevenueKind.STATE_SUBSIDY]
    assert totals[FlowCategory.APPRENTICESHIP_TAX] == revenues[RevenueKind.APPRENTICESHIP_TAX]
    assert totals[FlowCategory.FOUNDATIONS] == revenues[RevenueKind.FOUNDATIONS]
    assert totals[FlowCategory.OPERATING_GRANTS] == (
        revenues[RevenueKind.REGION_GRANT] + revenues[RevenueKind.DEPARTMENT_GRANT] + revenues[RevenueKind.EPCI_GRANT]
    )
    feder = sum(s.amount for s in plan.sources if s.kind is SourceKind.FEDER)
    assert totals[FlowCategory.EU_FUNDS] == revenues[RevenueKind.EU_GRANTS] + feder
    spent = sum(u.amount for u in plan.uses if u.category is not UseCategory.WORKING_CAPITAL)
    assert totals[FlowCategory.INVESTMENT_SPENDING] == -spent
    loans = sum(s.amount for s in plan.sources if s.kind.is_loan)
    assert totals[FlowCategory.LOAN_DRAWDOWNS] == loans


@PROPERTY
@given(plans())
def test_loan_schedules_in_the_plan_repay_exactly(plan):
    """Every loan of a plan is repaid exactly: Σ principal = amount + capitalised interest, outstanding 0."""
    for schedule in evaluate_plan(plan).loans:
        assert schedule.total_principal == schedule.amount + schedule.total_capitalised_interest
        assert schedule.rows[-1].outstanding == 0


def exact_unit_cash(terms: LoanTerms, months: int) -> list[Fraction]:
    """Cumulative cash of 1 € borrowed per month, by simulating its exact schedule period by period.

    Independent of the engine's closed form: interest ``B × r`` each period, paid or capitalised during
    the deferral, then a constant instalment or a constant principal, the last period repaying the rest.
    """
    p = terms.periodicity.months
    n, d = terms.duration_months // p, terms.deferral_months // p
    rate = Fraction(terms.annual_rate) * p / 12
    flows = [Fraction(0)] * months
    if terms.drawdown_month < months:
        flows[terms.drawdown_month] += 1
    balance = Fraction(1)
    paid: list[Fraction] = []
    for _ in range(d):
        if terms.deferral_kind is DeferralKind.TOTAL:
            balance += balance * rate
            paid.append(Fraction(0))
        else:
            paid.append(balance * rate)
    m = n - d
    if terms.amortisation is Amortisation.CONSTANT_INSTALMENT:
        instalment = balance / m if rate == 0 else balance * rate / (1 - (1 + rate) ** -m)
    principal_share = balance / m
    for j in range(1, m + 1):
        interest = balance * rate
        if j == m:
            principal = balance
        elif terms.amortisation is Amortisation.CONSTANT_INSTALMENT:
            principal = instalment - interest
        else:
            principal = principal_share
        balance -= principal
        paid.append(interest + principal)
    for k, amount in enumerate(paid, start=1):
        if terms.drawdown_month + k * p < months:
            flows[terms.drawdown_month + k * p] -= amount
    running, cumulative = Fraction(0), []
    for flow in flows:
        running += flow
        cumulative.append(running)
    return cumulative


def drawn_terms(wcr) -> LoanTerms:
    """The loan terms as drawn: in the first month under the floor if that comes before the terms' month."""
    first_short = next(t for t, cash in enumerate(wcr.closing_without_loans) if cash < wcr.cash_floor)
    return replace(wcr.loan_terms, drawdown_month=min(first_short, wcr.loan_terms.drawdown_month))


@PROPERTY
@given(plans())
def test_working_capital_loan_is_the_smallest_in_cents_covering_the_floor_on_its_exact_schedule(plan):
    """Issue 16: the sized loan brings every month under the floor back to at least the floor on its exact
    (unrounded) schedule, and one cent less does not; checked against a period-by-period simulation in
    rational arithmetic."""
    wcr = evaluate_plan(plan).working_capital
    closing = wcr.closing_without_loans
    assert wcr.trough_amount == min(closing)
    assert closing[wcr.trough_month] == wcr.trough_amount
    assert wcr.requirement == max(D(0), wcr.cash_floor - wcr.trough_amount)
    if wcr.requirement == 0:
        assert wcr.loan_needed == 0
        return
    terms = drawn_terms(wcr)
    unit = exact_unit_cash(terms, len(closing))
    short = [t for t, cash in enumerate(closing) if cash < wcr.cash_floor]
    if wcr.loan_needed is None:
        # No loan covers: some month under the floor gets no cash from it (after maturity, or repaid).
        assert any(unit[t] <= 0 for t in short) or max(
            (Fraction(wcr.cash_floor - closing[t]) / unit[t] for t in short), default=0
        ) > Fraction(10**15)
        return
    assert wcr.loan_needed == wcr.loan_needed.quantize(D("0.01"))

    def covers(amount: Decimal) -> bool:
        return all(Fraction(closing[t]) + Fraction(amount) * unit[t] >= Fraction(wcr.cash_floor) for t in short)

    assert covers(wcr.loan_needed)
    assert not covers(wcr.loan_needed - D("0.01"))
    assert wcr.loan_needed >= wcr.requirement or terms.drawdown_month > 0


@PROPERTY
@given(plans())
def test_working_capital_loan_on_its_real_schedule_misses_the_floor_by_its_rounding_at_most(plan):
    """On the real schedule (interest and instalments rounded to the cent each period) the sized loan
    brings every month under the floor to within a cent per period due by then, grown at the loan rate,
    of the floor."""
    wcr = evaluate_plan(plan).working_capital
    if not wcr.loan_needed:
        return
    closing = wcr.closing_without_loans
    terms = drawn_terms(wcr)
    period = terms.periodicity.months
    growth = 1 + terms.annual_rate * period / 12
    flows = [D(0)] * len(closing)
    flows[terms.drawdown_month] += wcr.loan_needed
    for row in loan_schedule(wcr.loan_needed, terms).rows:
        if row.month_index < len(closing):
            flows[row.month_index] -= row.instalment
    running, checked = D(0), 0
    for t, cash in enumerate(closing):
        running += flows[t]
        if cash < wcr.cash_floor:
            due = (t - terms.drawdown_month) // period  # the loan is drawn by the first month under the floor
            assert cash + running >= wcr.cash_floor - D("0.01") * due * growth**due
            checked += 1
    assert checked


def test_sales_formula_worked_example():
    """Sales = youths × production hours × productivity × hourly price: 24 × 840 × 0,25 × 25 = 126 000 €."""
    plan = with_year(
        empty_plan(),
        0,
        youths=24,
        production_hours_per_youth=D(840),
        productivity_ratio=D("0.25"),
        hourly_price=D(25),
        materials_share=D("0.2"),
    )
    year = evaluate_plan(plan).years[0]
    assert year.revenues[RevenueKind.SALES] == D("126000.00")
    assert year.expenses[ExpenseKind.MATERIALS] == D("25200.00")


def test_direct_sales_amount_overrides_the_formula():
    """A direct sales amount replaces the hours × price formula."""
    plan = with_year(empty_plan(), 1, youths=12, production_hours_per_youth=D(800), sales_amount=D("50000"))
    assert evaluate_plan(plan).years[1].revenues[RevenueKind.SALES] == D("50000.00")


def test_sales_are_collected_after_the_payment_terms():
    """60 000 € of sales over 12 months, paid at 2 months: 5 000 € a month from November."""
    plan = with_year(empty_plan(), 0, youths=12, sales_amount=D(60000))
    plan = replace(plan, operating=replace(plan.operating, timings=OperatingTimings(sales_collection_delay_months=2)))
    months = evaluate_plan(plan).cash.months
    receipts = [m.flows[FlowCategory.SALES_RECEIPTS] for m in months[:14]]
    assert receipts[:2] == [0, 0]
    assert receipts[2:14] == [D("5000.00")] * 12
    assert months[2].date == date(2026, 11, 1)


def test_state_subsidy_is_not_counted_for_an_incomplete_first_year():
    """Opening in December: no State subsidy in year 1 (alerte), counted from year 2."""
    plan = empty_plan(opening_month=3)
    plan = with_year(plan, 0, youths=12, state_subsidy_per_youth=D(5000), master_trainers=D(1))
    plan = with_year(plan, 1, youths=12, state_subsidy_per_youth=D(5000), master_trainers=D(1))
    result = evaluate_plan(plan)
    first, second = result.years[0], result.years[1]
    assert not first.is_full_school_year and first.open_months == 9
    assert first.revenues[RevenueKind.STATE_SUBSIDY] == 0
    assert first.excluded_state_subsidy == D("60000.00")
    assert second.is_full_school_year and second.revenues[RevenueKind.STATE_SUBSIDY] == D("60000.00")
    finding = next(rule for rule in result.rules if rule.code == "state_subsidy_incomplete_year")
    assert finding.severity.value == "alerte"
    assert finding.year_index == 0
    assert "décembre 2026" in finding.message
    assert "60\u202f000,00\u00a0€" in finding.message


def test_salaries_are_paid_monthly_over_the_open_months():
    """An opening in December spreads year 1's salaries over the 9 open months."""
    plan = with_year(empty_plan(opening_month=3), 0, youths=12, teaching_staff=D(90000), master_trainers=D(1))
    months = evaluate_plan(plan).cash.months
    salaries = [m.flows[FlowCategory.SALARIES] for m in months[:12]]
    assert salaries[:3] == [0, 0, 0]
    assert salaries[3:] == [D("-10000.00")] * 9


def test_apprenticeship_tax_arrives_in_its_calendar_month():
    """With the default month (June) and a September start, the tax arrives in month 9, 21, 33."""
    plan = empty_plan()
    for k in range(3):
        plan = with_year(plan, k, apprenticeship_tax=D(30000))
    months = evaluate_plan(plan).cash.months
    paid = [m.index for m in months if m.flows[FlowCategory.APPRENTICESHIP_TAX]]
    assert paid == [9, 21, 33]
    assert months[9].date == date(2027, 6, 1)


def test_grant_payment_terms_worked_example():
    """30 % advance, 50 % in two instalments, balance 6 months after the period."""
    terms = PaymentTerms(advance_share=D("0.3"), instalment_count=2, instalments_share=D("0.5"), balance_delay_months=6)
    assert schedule_payment(D("100000"), terms, 12, 23) == [
        (12, D("30000.00")),
        (17, D("25000.00")),
        (23, D("25000.00")),
        (29, D("20000.00")),
    ]


def test_eu_reimbursement_timing_worked_example():
    """80 000 € on 120 000 € of spending: first claim once 30 % is spent, each paid 6 months later."""
    spending = [D(10000)] * 12
    terms = EuReimbursement(claim_threshold=D("0.30"), claim_interval_months=2, payment_delay_months=6)
    assert eu_claims(D(80000), terms, spending, 0, 11) == [
        (9, D("26666.67")),
        (11, D("13333.33")),
        (13, D("13333.33")),
        (15, D("13333.34")),
        (17, D("13333.33")),
    ]


def test_eu_operating_grant_is_paid_only_after_the_expenses():
    """The demo's FSE+ arrives no earlier than 12 months after the first claim, and totals 80 000 €."""
    result = evaluate_plan(demo_plan())
    eu = [(m.index, m.flows[FlowCategory.EU_FUNDS]) for m in result.cash.months if m.flows[FlowCategory.EU_FUNDS]]
    assert eu[0][0] >= 12 + 5
    assert sum(amount for _, amount in eu) == D("80000.00")
    assert result.years[0].revenues[RevenueKind.EU_GRANTS] + result.years[1].revenues[RevenueKind.EU_GRANTS] == D(
        "80000.00"
    )


def test_eu_grant_budget_share_is_pro_rata_to_eligible_expenses():
    """A 30 000 € FSE+ grant on salaries of 100 000 € then 200 000 € goes 10 000 € / 20 000 €."""
    plan = with_year(empty_plan(), 0, teaching_staff=D(100000))
    plan = with_year(plan, 1, teaching_staff=D(200000))
    grant = EuOperatingGrant(EuFund.FSE_PLUS, "FSE+", D(30000), first_year=0, last_year=1)
    plan = replace(plan, operating=replace(plan.operating, eu_grants=(grant,)))
    years = evaluate_plan(plan).years
    assert [y.revenues[RevenueKind.EU_GRANTS] for y in years] == [D("10000.00"), D("20000.00"), D("0.00")]


def test_working_capital_requirement_worked_example():
    """120 000 € spent in month 0, the grant paid 6 months later, floor 10 000 €, loan at 12 % interest-only.

    Trough −120 000 € in month 0, requirement 130 000 €; the loan pays 1 % interest a
    month, so by month 5 a loan L brings L × (1 − 5 × 0.01): L = 130 000 / 0.95 = 136 842,105… €, rounded up
    to the cent: 136 842,11 € (the workbook's ROUNDUP gives the same). On the real schedule the interest is
    rounded each month (1 368,42 €), so the cash in month 5 ends 0,01 € above the floor (10 000,01 €).
    """
    plan = empty_plan(
        uses=(UseLine(UseCategory.TOOLING, "machines", D(120000), month=0, depreciation_years=0),),
        sources=(
            SourceLine(SourceKind.REGION_GRANT, "Région", D(120000), payment=PaymentTerms(balance_delay_months=6)),
        ),
        cash_floor=D(10000),
        working_capital_loan=LoanTerms(duration_months=120, deferral_months=36, annual_rate=D("0.12")),
    )
    wcr = evaluate_plan(plan).working_capital
    assert (wcr.trough_amount, wcr.trough_month, wcr.trough_date) == (D("-120000.00"), 0, date(2026, 9, 1))
    assert wcr.requirement == D("130000.00")
    assert wcr.loan_needed == D("136842.11")


def test_working_capital_loan_at_zero_rate_equals_the_requirement():
    """With a 0 % loan drawn at once and repaid after the trough, the loan equals the requirement."""
    plan = empty_plan(
        uses=(UseLine(UseCategory.TOOLING, "machines", D(120000), month=0, depreciation_years=0),),
        sources=(
            SourceLine(SourceKind.REGION_GRANT, "Région", D(120000), payment=PaymentTerms(balance_delay_months=6)),
        ),
    )
    wcr = evaluate_plan(plan).working_capital
    assert wcr.loan_needed == wcr.requirement == D("120000.00")


def test_depreciation_is_straight_line_from_the_month_of_purchase():
    """70 000 € of tooling over 7 years bought in March (month 6): 5 000 € in year 1, 10 000 € after."""
    plan = empty_plan(uses=(UseLine(UseCategory.TOOLING, "machines", D(70000), month=6),))
    years = evaluate_plan(plan).years
    assert [y.expenses[ExpenseKind.DEPRECIATION] for y in years] == [
        D("5000.00"),
        D("10000.00"),
        D("10000.00"),
    ]


def test_loan_interest_is_charged_to_the_school_year():
    """A 120 000 € loan at 1 %, interest-only for 3 years: 1 100 € in year 1 (11 months), then 1 200 €."""
    plan = empty_plan(
        sources=(
            SourceLine(
                SourceKind.BANK_LOAN,
                "banque",
                D(120000),
                loan=LoanTerms(duration_months=120, deferral_months=36, annual_rate=D("0.01")),
            ),
        ),
    )
    years = evaluate_plan(plan).years
    interest = [y.expenses[ExpenseKind.LOAN_INTEREST] for y in years]
    assert interest == [D("1100.00"), D("1200.00"), D("1200.00")]


def test_demo_plan_is_balanced_and_realistic():
    """The demo plan: 450 000 € balanced, 84 months, steady year about 410 000 € for 24 youths."""
    result = evaluate_plan(demo_plan())
    assert result.investment.total_uses == D("450000.00") and result.investment.is_balanced
    assert len(result.cash.months) == 84
    assert result.cash.months[-1].date == date(2033, 8, 1)
    steady = result.years[2]
    assert steady.youths == 24
    assert D(400000) < steady.total_expenses < D(420000)
    assert steady.revenues[RevenueKind.SALES] == D("126000.00")
    assert result.loans[0].amount == D("130000.00") and len(result.loans[0].rows) == 120
    assert result.working_capital.requirement > 0
    assert not result.is_blocked


def test_evaluation_does_not_depend_on_the_day_of_the_start_date():
    """The start date's day is ignored: months are dated on the 1st."""
    result = evaluate_plan(empty_plan(start_date=date(2026, 9, 15)))
    assert result.cash.months[0].date == date(2026, 9, 1)
    assert result.years[0].label == "année 1 (2026-2027)"


def test_decimal_results_are_in_cents():
    """Every amount of the cash table is a Decimal with two decimals."""
    result = evaluate_plan(demo_plan())
    for month in result.cash.months:
        for amount in (month.opening, month.closing, *month.flows.values()):
            assert isinstance(amount, Decimal)
            assert amount == amount.quantize(D("0.01"))
