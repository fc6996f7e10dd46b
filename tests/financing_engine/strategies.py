"""Hypothesis strategies: valid plans, loan terms and amounts, by construction.

Do not import numpy_financial here: the cross-checks import it explicitly,
so the engine can never be tested against itself by accident.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from financing_engine import (
    Amortisation,
    DeferralKind,
    EuFund,
    EuOperatingGrant,
    EuReimbursement,
    ExpenseKind,
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


def amounts(max_value: int = 500_000) -> st.SearchStrategy[Decimal]:
    """Non-negative amounts in cents."""
    return st.decimals(min_value=0, max_value=max_value, places=2, allow_nan=False, allow_infinity=False)


def shares() -> st.SearchStrategy[Decimal]:
    """Fractions between 0 and 1 with 2 decimals."""
    return st.decimals(min_value=0, max_value=1, places=2, allow_nan=False, allow_infinity=False)


rates = st.decimals(min_value=0, max_value=Decimal("0.20"), places=4, allow_nan=False, allow_infinity=False)


@st.composite
def loan_terms(draw: st.DrawFn, *, max_drawdown: int = 0) -> LoanTerms:
    """Valid loan terms: up to 30 years, deferral shorter than the duration."""
    periodicity = draw(st.sampled_from(list(Periodicity)))
    period = periodicity.months
    periods = draw(st.integers(min_value=1, max_value=360 // period))
    deferral = draw(st.integers(min_value=0, max_value=periods - 1))
    return LoanTerms(
        duration_months=periods * period,
        deferral_months=deferral * period,
        annual_rate=draw(rates),
        periodicity=periodicity,
        amortisation=draw(st.sampled_from(list(Amortisation))),
        deferral_kind=draw(st.sampled_from(list(DeferralKind))),
        drawdown_month=draw(st.integers(min_value=0, max_value=max_drawdown)),
    )


@st.composite
def payment_terms(draw: st.DrawFn) -> PaymentTerms:
    """Valid payment terms (advance + instalments ≤ 100 %)."""
    advance = draw(shares())
    instalments = draw(st.decimals(min_value=0, max_value=1 - advance, places=2))
    count = draw(st.integers(min_value=1 if instalments > 0 else 0, max_value=12))
    return PaymentTerms(
        advance_share=advance,
        signature_offset_months=draw(st.integers(min_value=0, max_value=6)),
        instalment_count=count,
        instalments_share=instalments,
        balance_delay_months=draw(st.integers(min_value=0, max_value=24)),
    )


@st.composite
def eu_reimbursements(draw: st.DrawFn) -> EuReimbursement:
    """Valid EU payment rules."""
    return EuReimbursement(
        co_financing_rate=draw(st.decimals(min_value=Decimal("0.1"), max_value=1, places=2)),
        advance_share=draw(st.decimals(min_value=0, max_value=Decimal("0.5"), places=2)),
        claim_threshold=draw(shares()),
        claim_interval_months=draw(st.integers(min_value=1, max_value=12)),
        payment_delay_months=draw(st.integers(min_value=0, max_value=24)),
    )


@st.composite
def operating_years(draw: st.DrawFn) -> OperatingYear:
    """One school year with random amounts."""
    direct_sales = draw(st.booleans())
    return OperatingYear(
        youths=draw(st.integers(min_value=0, max_value=36)),
        production_hours_per_youth=draw(st.decimals(min_value=0, max_value=1000, places=1)),
        productivity_ratio=draw(shares()),
        hourly_price=draw(st.decimals(min_value=0, max_value=60, places=2)),
        sales_amount=draw(amounts(200_000)) if direct_sales else None,
        state_subsidy_per_youth=draw(amounts(8_000)),
        region_grant=draw(amounts(100_000)),
        department_grant=draw(amounts(50_000)),
        epci_grant=draw(amounts(50_000)),
        apprenticeship_tax=draw(amounts(80_000)),
        foundations=draw(amounts(50_000)),
        master_trainers=draw(st.decimals(min_value=0, max_value=4, places=1)),
        master_trainer_cost=draw(amounts(70_000)),
        teaching_staff=draw(amounts(120_000)),
        support_staff=draw(amounts(120_000)),
        materials_share=draw(shares()),
        rent=draw(amounts(40_000)),
        energy=draw(amounts(20_000)),
        insurance=draw(amounts(10_000)),
        other_expenses=draw(amounts(20_000)),
    )


@st.composite
def plans(draw: st.DrawFn, *, max_uses: int = 4, max_sources: int = 5) -> PlanInput:
    """A valid plan: 3–7 years, random uses, sources (loans included), budgets, timings."""
    horizon = draw(st.integers(min_value=3, max_value=7))
    months = 12 * horizon
    uses = tuple(
        UseLine(
            category=draw(st.sampled_from(list(UseCategory))),
            label=f"emploi {i}",
            amount=(amount := draw(amounts())),
            month=draw(st.integers(min_value=0, max_value=min(months - 1, 18))),
            depreciation_years=draw(st.none() | st.integers(min_value=0, max_value=12)),
            recoverable_vat=draw(st.decimals(min_value=0, max_value=amount, places=2)),
            eu_eligible=draw(st.booleans()),
        )
        for i in range(draw(st.integers(min_value=0, max_value=max_uses)))
    )
    sources = []
    for i in range(draw(st.integers(min_value=0, max_value=max_sources))):
        kind = draw(st.sampled_from(list(SourceKind)))
        sources.append(
            SourceLine(
                kind=kind,
                label=f"ressource {i}",
                amount=draw(amounts()),
                status=draw(st.sampled_from(list(FundingStatus))),
                payment=draw(payment_terms()),
                loan=draw(loan_terms(max_drawdown=months - 1)) if kind.is_loan else None,
                eu=draw(eu_reimbursements()) if kind is SourceKind.FEDER else None,
            )
        )
    years = tuple(draw(operating_years()) for _ in range(horizon))
    grants = tuple(
        EuOperatingGrant(
            fund=EuFund.FSE_PLUS,
            label=f"FSE+ {i}",
            amount=draw(amounts(150_000)),
            first_year=(first := draw(st.integers(min_value=0, max_value=horizon - 1))),
            last_year=draw(st.integers(min_value=first, max_value=horizon - 1)),
            eligible_expenses=tuple(
                draw(st.lists(st.sampled_from(list(ExpenseKind)), min_size=1, max_size=3, unique=True))
            ),
            reimbursement=draw(eu_reimbursements()),
        )
        for i in range(draw(st.integers(min_value=0, max_value=2)))
    )
    timings = OperatingTimings(
        sales_collection_delay_months=draw(st.integers(min_value=0, max_value=6)),
        state_subsidy=draw(payment_terms()),
        region_grant=draw(payment_terms()),
        department_grant=draw(payment_terms()),
        epci_grant=draw(payment_terms()),
        foundations=draw(payment_terms()),
        apprenticeship_tax_calendar_month=draw(st.integers(min_value=1, max_value=12)),
    )
    return PlanInput(
        name="plan généré",
        start_date=date(
            draw(st.integers(min_value=2024, max_value=2030)), draw(st.integers(min_value=1, max_value=12)), 1
        ),
        horizon_years=horizon,
        uses=uses,
        sources=tuple(sources),
        operating=OperatingPlan(years=years, timings=timings, eu_grants=grants),
        opening_month=draw(st.integers(min_value=0, max_value=11)),
        opening_cash=draw(st.decimals(min_value=-100_000, max_value=100_000, places=2)),
        cash_floor=draw(amounts(50_000)),
        working_capital_loan=draw(st.none() | loan_terms()),
    )
