"""The pure eligibility engine: criteria met / failed / unknown in French, and the amount bounds."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from essaim.funding_programmes.eligibility import (
    CostBase,
    Criteria,
    Outcome,
    PlanCosts,
    ProjectFacts,
    Verdict,
    evaluate,
    plan_costs,
    suggest_amount,
)
from financing_engine import demo_plan
from financing_engine.money import round_cents

TODAY = date(2026, 11, 26)
D = Decimal


def costs(**overrides):
    values = {
        "investment": {"tooling": D("300000"), "premises_works": D("150000"), "working_capital": D("50000")},
        "recoverable_vat": {"tooling": D("50000")},
        "operating": {"master_trainers": D("240000"), "rent": D("60000")},
        "youth_years": 60,
        "source_kinds": frozenset({"region_grant", "bdt_subordinated_loan"}),
    }
    values.update(overrides)
    return PlanCosts(**values)


def facts(**overrides):
    values = {
        "name": "École de Dunkerque",
        "commune_code": "59183",
        "commune_label": "Dunkerque",
        "epci_siren": "245900428",
        "department_code": "59",
        "beneficiary_kind": "school_project",
        "stage": "financing_plan",
        "costs": costs(),
    }
    values.update(overrides)
    return ProjectFacts(**values)


def outcome(result, code):
    return next(c for c in result.criteria if c.code == code)


def test_worked_example_of_the_doc():
    criteria = Criteria(
        name="AMI",
        cost_base=CostBase.INVESTMENT,
        expense_categories=("tooling", "premises_works"),
        max_rate=D("0.50"),
        ceiling_amount=D("800000"),
    )
    result = evaluate(criteria, facts(), today=TODAY, available=D("300000"))
    assert result.verdict is Verdict.ELIGIBLE
    assert result.suggestion.amount == D("225000.00")
    assert "50 % de 450 000,00 € de dépenses éligibles" in result.suggestion.explanation.replace("\u00a0", " ").replace(
        "\u202f", " "
    )


def test_envelope_bounds_the_amount():
    criteria = Criteria(name="X", cost_base=CostBase.INVESTMENT, max_rate=D("0.5"), expense_categories=("tooling",))
    result = evaluate(criteria, facts(), today=TODAY, available=D("1000"))
    assert result.suggestion.amount == D("1000")


def test_exhausted_envelope_is_not_eligible():
    criteria = Criteria(name="X", cost_base=CostBase.INVESTMENT, max_rate=D("0.5"))
    result = evaluate(criteria, facts(), today=TODAY, available=D("0"))
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert outcome(result, "amount").explanation == "L'enveloppe de crédits est épuisée."


def test_under_floor_is_refused():
    criteria = Criteria(
        name="X",
        cost_base=CostBase.INVESTMENT,
        expense_categories=("tooling",),
        max_rate=D("0.1"),
        floor_amount=D("50000"),
    )
    result = evaluate(criteria, facts(), today=TODAY)
    assert result.suggestion.amount == 0
    assert result.suggestion.under_floor
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert "sous le plancher" in outcome(result, "amount").explanation


def test_closed_programme_and_not_yet_open():
    closed = evaluate(Criteria(name="AMI", closes_on=date(2021, 10, 15)), facts(), today=TODAY)
    assert closed.verdict is Verdict.NOT_ELIGIBLE
    assert outcome(closed, "period").explanation == "Le dispositif est clos depuis le 15/10/2021."
    later = evaluate(Criteria(name="X", opens_on=date(2027, 1, 1)), facts(), today=TODAY)
    assert outcome(later, "period").explanation == "Le dispositif ouvre le 01/01/2027."


def test_territory_by_department_epci_or_commune():
    labels = {"80": "Somme (80)"}
    somme_only = Criteria(name="X", department_codes=("80",), labels=labels)
    result = evaluate(somme_only, facts(), today=TODAY)
    assert outcome(result, "territory").outcome is Outcome.FAILED
    assert (
        outcome(result, "territory").explanation
        == "Dunkerque n'est pas dans le territoire du dispositif (départements Somme (80))."
    )
    assert (
        outcome(evaluate(Criteria(name="X", epci_sirens=("245900428",)), facts(), today=TODAY), "territory").outcome
        is Outcome.MET
    )
    assert (
        outcome(evaluate(Criteria(name="X", commune_codes=("59183",)), facts(), today=TODAY), "territory").outcome
        is Outcome.MET
    )


def test_stage_and_beneficiary():
    labels = {"open": "Ouverte", "open_school": "École de production ouverte", "financing_plan": "Plan de financement"}
    result = evaluate(
        Criteria(name="X", project_stages=("open",), beneficiary_kinds=("open_school",), labels=labels),
        facts(),
        today=TODAY,
    )
    assert outcome(result, "stage").explanation.startswith("Le projet est à l'étape « Plan de financement »")
    assert outcome(result, "beneficiary").outcome is Outcome.FAILED


def test_bdt_loan_needs_a_local_authority_grant():
    criteria = Criteria(name="Prêt BdT", requires_local_authority_grant=True)
    with_grant = evaluate(criteria, facts(), today=TODAY)
    assert outcome(with_grant, "local_authority_grant").outcome is Outcome.MET
    without = evaluate(criteria, facts(costs=costs(source_kinds=frozenset({"bank_loan"}))), today=TODAY)
    assert without.verdict is Verdict.NOT_ELIGIBLE
    assert "le plan n'en compte aucune" in outcome(without, "local_authority_grant").explanation


def test_without_plan_the_criteria_are_to_check():
    criteria = Criteria(
        name="FSE+", cost_base=CostBase.OPERATING, max_rate=D("0.6"), reimburses_paid_expenses_only=True
    )
    result = evaluate(criteria, facts(costs=None), today=TODAY)
    assert result.verdict is Verdict.TO_CHECK
    assert result.suggestion.amount is None
    assert {c.code for c in result.unknown} == {"costs", "paid_expenses_only"}


def test_written_conditions_are_to_check():
    result = evaluate(Criteria(name="X", other_conditions="Plan validé par la FNEP."), facts(), today=TODAY)
    assert result.verdict is Verdict.TO_CHECK
    assert (
        outcome(result, "other_conditions").explanation == "À vérifier auprès du financeur : Plan validé par la FNEP."
    )


def test_operating_costs_and_per_youth():
    fse = Criteria(
        name="FSE+", cost_base=CostBase.OPERATING, expense_categories=("master_trainers",), max_rate=D("0.6")
    )
    assert evaluate(fse, facts(), today=TODAY).suggestion.amount == D("144000.00")
    state = Criteria(name="État", cost_base=CostBase.PER_YOUTH, amount_per_youth=D("5500"))
    assert evaluate(state, facts(), today=TODAY).suggestion.amount == D("330000.00")


def test_recoverable_vat_excluded_and_working_capital_only_when_listed():
    feder = Criteria(name="FEDER", cost_base=CostBase.INVESTMENT, excludes_recoverable_vat=True)
    # tooling 300 000 − VAT 50 000 + works 150 000 (working capital left out) = 400 000
    assert evaluate(feder, facts(), today=TODAY).suggestion.eligible_costs == D("400000.00")
    loan = Criteria(name="Prêt", cost_base=CostBase.INVESTMENT, expense_categories=("tooling", "working_capital"))
    assert evaluate(loan, facts(), today=TODAY).suggestion.eligible_costs == D("350000.00")


def test_plan_costs_read_the_demo_plan():
    plan = demo_plan()
    read = plan_costs(plan)
    assert sum(read.investment.values()) == sum(u.amount for u in plan.uses)
    assert read.youth_years == sum(y.youths for y in plan.operating.years)
    assert "region_grant" in read.source_kinds


amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=D("0.01"), max_value=1, places=4, allow_nan=False, allow_infinity=False)


@given(
    tooling=amounts,
    works=amounts,
    rate=rates,
    ceiling=st.none() | amounts,
    available=st.none() | amounts,
    floor=st.none() | amounts,
)
def test_suggested_amount_stays_within_every_bound(tooling, works, rate, ceiling, available, floor):
    criteria = Criteria(
        name="X",
        cost_base=CostBase.INVESTMENT,
        expense_categories=("tooling", "premises_works"),
        max_rate=rate,
        ceiling_amount=ceiling,
        floor_amount=floor,
    )
    plan = costs(investment={"tooling": tooling, "premises_works": works}, recoverable_vat={})
    suggestion = suggest_amount(criteria=criteria, costs=plan, available=available)
    amount = suggestion.amount
    assert amount >= 0
    assert amount == round_cents(amount)
    assert amount <= round_cents(rate * (tooling + works))
    if ceiling is not None:
        assert amount <= ceiling
    if available is not None:
        assert amount <= available
    if floor is not None and amount > 0:
        assert amount >= floor
    # The suggestion is the largest amount within the bounds (unless refused under the floor).
    if not suggestion.under_floor:
        bounds = [round_cents(rate * (tooling + works))] + [b for b in (ceiling, available) if b is not None]
        assert amount == min(bounds)
