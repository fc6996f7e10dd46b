"""Monte Carlo risk analysis: reproducibility and sanity."""

from dataclasses import replace

import pytest

from financing_engine import (
    Fixed,
    Funder,
    Normal,
    PaymentTerms,
    PlanInputError,
    RiskParameters,
    SourceKind,
    SourceLine,
    Triangular,
    Uniform,
    UseCategory,
    UseLine,
    demo_plan,
    evaluate_plan,
    run_risk_analysis,
)
from tests.financing_engine.factories import D, empty_plan, with_year

CERTAIN = RiskParameters(sales_realisation=Fixed(1), headcount_realisation=Fixed(1), payment_delays={})


def test_same_seed_same_result():
    """The analysis is reproducible for a given seed."""
    first = run_risk_analysis(demo_plan(), scenarios=2_000, seed=42)
    second = run_risk_analysis(demo_plan(), scenarios=2_000, seed=42)
    assert first == second


def test_different_seeds_differ():
    """Another seed draws other scenarios."""
    first = run_risk_analysis(demo_plan(), scenarios=2_000, seed=1)
    second = run_risk_analysis(demo_plan(), scenarios=2_000, seed=2)
    assert first.working_capital_requirement_p50 != second.working_capital_requirement_p50


def test_without_uncertainty_every_scenario_is_the_deterministic_plan():
    """Fixed distributions reproduce evaluate_plan's requirement and loan."""
    plan = demo_plan()
    risk = run_risk_analysis(plan, scenarios=10, distributions=CERTAIN)
    wcr = evaluate_plan(plan).working_capital
    assert risk.working_capital_requirement_p95 == wcr.requirement
    assert risk.working_capital_requirement_max == wcr.requirement
    assert wcr.loan_needed is not None
    # Both size the loan by the same closed form, the exact minimum rounded up to the cent (issue 16).
    assert risk.loan_needed_p95 == wcr.loan_needed
    assert risk.shortfall_probability == (1.0 if evaluate_plan(plan).cash.lowest_closing < 0 else 0.0)


@pytest.mark.parametrize("delay", [1, 3, 6, 12])
def test_more_delay_means_a_higher_requirement(delay):
    """Every funder paying later raises the 95th-percentile requirement."""
    base = run_risk_analysis(demo_plan(), scenarios=2_000, seed=7)
    late = RiskParameters(payment_delays={funder: Fixed(delay) for funder in Funder if funder is not Funder.OWN})
    later = run_risk_analysis(demo_plan(), scenarios=2_000, seed=7, distributions=late)
    on_time = run_risk_analysis(demo_plan(), scenarios=2_000, seed=7, distributions=replace(late, payment_delays={}))
    assert later.working_capital_requirement_p95 >= on_time.working_capital_requirement_p95
    assert later.working_capital_requirement_p95 > base.working_capital_requirement_p95 or delay < 3


def test_delay_of_one_funder_only_matters_for_its_money():
    """Delaying the EU only moves the requirement when the plan has EU money."""
    plan = empty_plan(
        uses=(UseLine(UseCategory.TOOLING, "machines", D(100000), month=0, depreciation_years=0),),
        sources=(SourceLine(SourceKind.REGION_GRANT, "Région", D(100000), payment=PaymentTerms()),),
    )
    region_late = RiskParameters(payment_delays={Funder.REGION: Fixed(6)})
    eu_late = RiskParameters(payment_delays={Funder.EU: Fixed(6)})
    assert run_risk_analysis(plan, scenarios=100, distributions=eu_late).working_capital_requirement_p95 == D(0)
    late = run_risk_analysis(plan, scenarios=100, distributions=region_late)
    assert late.working_capital_requirement_p95 == D("100000.00")
    assert late.shortfall_probability == 1.0


def test_lower_sales_raise_the_requirement():
    """Selling half as much raises the requirement of a school living on its sales."""
    plan = with_year(empty_plan(), 0, youths=12, master_trainers=D(1), sales_amount=D(120000), teaching_staff=D(100000))
    full = RiskParameters(sales_realisation=Fixed(1), headcount_realisation=Fixed(1), payment_delays={})
    half = replace(full, sales_realisation=Fixed(0.5))
    assert (
        run_risk_analysis(plan, scenarios=50, distributions=half).working_capital_requirement_p95
        > run_risk_analysis(plan, scenarios=50, distributions=full).working_capital_requirement_p95
    )


def test_comfortable_plan_has_no_shortfall():
    """A plan with plenty of opening cash never runs short."""
    plan = with_year(empty_plan(opening_cash=D(1_000_000)), 0, youths=12, teaching_staff=D(100000))
    risk = run_risk_analysis(plan, scenarios=500)
    assert risk.shortfall_probability == 0.0
    assert risk.working_capital_requirement_p95 == D(0)
    assert risk.loan_needed_p95 == D(0)


def test_percentiles_are_ordered_and_loan_covers_p95():
    """p50 ≤ p95 ≤ max, and the p95 loan is at least the p95 requirement."""
    risk = run_risk_analysis(demo_plan(), scenarios=3_000, seed=3)
    assert risk.working_capital_requirement_p50 <= risk.working_capital_requirement_p95
    assert risk.working_capital_requirement_p95 <= risk.working_capital_requirement_max
    assert risk.loan_needed_p95 is not None
    assert risk.loan_needed_p95 >= risk.working_capital_requirement_p95
    assert risk.months == 84 and risk.scenarios == 3_000


def test_all_distribution_kinds_are_accepted():
    """Uniform, triangular, normal and fixed distributions all run."""
    params = RiskParameters(
        sales_realisation=Uniform(0.8, 1.0),
        headcount_realisation=Normal(1.0, 0.1, low=0.5, high=1.0),
        payment_delays={Funder.EU: Triangular(0, 6, 18), Funder.STATE: Fixed(2)},
    )
    assert 0.0 <= run_risk_analysis(demo_plan(), scenarios=200, distributions=params).shortfall_probability <= 1.0


def test_invalid_distribution_parameters_are_reported():
    """A triangular whose mode is outside its bounds is an input error with its path."""
    params = RiskParameters(sales_realisation=Triangular(1.0, 0.5, 1.2))
    with pytest.raises(PlanInputError) as excinfo:
        run_risk_analysis(demo_plan(), scenarios=10, distributions=params)
    assert excinfo.value.errors[0].field == "distributions.sales_realisation.mode"
