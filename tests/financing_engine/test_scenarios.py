"""Issue 16 item 4 (engine part): scenarios as data, applied to a plan without changing it."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings

from financing_engine import FlowCategory, Funder, demo_plan, evaluate_plan, run_risk_analysis
from financing_engine.scenarios import PRESETS, Scenario, apply_scenario, evaluate_scenario
from tests.financing_engine.strategies import plans


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_the_neutral_scenario_is_the_plan(plan):
    assert evaluate_scenario(plan, Scenario("référence")) == evaluate_plan(plan)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_a_delay_moves_cash_not_budgets_and_keeps_the_totals(plan):
    """Every payment of the delayed funder moves 6 months later; budgets and totals are unchanged."""
    base = evaluate_plan(plan)
    late = evaluate_scenario(plan, Scenario("x", payment_delays={Funder.EU: 6}))
    assert late.years == base.years and late.investment == base.investment
    for category in FlowCategory:
        total = sum((m.flows[category] for m in base.cash.months), base.cash.after_horizon[category])
        late_total = sum((m.flows[category] for m in late.cash.months), late.cash.after_horizon[category])
        assert total == late_total, category
    months = len(base.cash.months)
    for m in range(months - 6):
        assert late.cash.months[m + 6].flows[FlowCategory.EU_FUNDS] == base.cash.months[m].flows[FlowCategory.EU_FUNDS]


def test_headcount_and_sales_factors():
    plan = demo_plan()
    smaller = apply_scenario(plan, PRESETS["effectif_moins_20"])
    assert [y.youths for y in smaller.operating.years] == [10, 19, 19, 19, 19, 19, 19]  # 12 and 24 × 0,8, half up
    prudent = apply_scenario(plan, PRESETS["prudent"])
    year = evaluate_plan(prudent).years[2]
    # 22 youths (24 × 0,9 = 21,6) × 840 h × 0,25 × 25 € = 115 500 €, × 0,9 = 103 950 €.
    assert prudent.operating.years[2].youths == 22
    assert year.revenues[next(k for k in year.revenues if k.value == "sales")] == Decimal("103950.00")
    assert plan == demo_plan()  # the plan itself is unchanged


def test_the_risk_analysis_starts_from_a_scenario():
    scenario = PRESETS["prudent"]
    plan = apply_scenario(demo_plan(), scenario)
    base = run_risk_analysis(demo_plan(), scenarios=300)
    variant = run_risk_analysis(plan, scenarios=300, payment_delays=scenario.payment_delays)
    assert variant.working_capital_requirement_p50 >= base.working_capital_requirement_p50


def test_a_factor_outside_its_bounds_is_refused_at_the_engine_boundary():
    """Issue 12: a scenario read back from storage with an absurd factor names the scenario and the factor."""
    import pytest

    from financing_engine import PlanInputError

    for factor in (Decimal("1E+30"), Decimal("NaN"), Decimal("-0.1"), Decimal("2.0001")):
        with pytest.raises(PlanInputError) as caught:
            evaluate_scenario(demo_plan(), Scenario("absurde", sales_factor=factor))
        assert [str(error) for error in caught.value.errors] == [
            "Scénario « absurde » : ventes : Le facteur doit être compris entre 0 et 200 % du plan."
        ]
    assert apply_scenario(demo_plan(), Scenario("bornes", headcount_factor=Decimal(0), sales_factor=Decimal(2)))
