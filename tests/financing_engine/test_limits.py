"""Domain limits at the engine's boundary: no value, however absurd, gets past validation or breaks a computation.

Issue 12 item 3: ``1e30``, ``1e309``, 26 digits, ``1E+999999``, NaN or Infinity typed into one
amount made the plan page fail for everyone. The engine now refuses every number outside its
domain limits (``financing_engine.limits``) with a French message naming the field in words, and
every plan at the limits evaluates.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from financing_engine import (
    EuFund,
    EuOperatingGrant,
    ExpenseKind,
    LoanTerms,
    OperatingYear,
    PlanInputError,
    SourceKind,
    SourceLine,
    UseCategory,
    UseLine,
    demo_plan,
    evaluate_plan,
    plan_from_dict,
    plan_to_dict,
    run_risk_analysis,
)
from financing_engine import limits as L
from financing_engine.schema import apply_limits, decimal_pattern
from tests.financing_engine.strategies import plans

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCHEMA = json.loads((DOCS / "plan-schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

# Where each bounded field of the input classes sits in the demo plan's JSON.
OWNER_PATHS = {
    "PlanInput": (),
    "UseLine": ("uses", 0),
    "SourceLine": ("sources", 0),
    "PaymentTerms": ("sources", 0, "payment"),
    "EuReimbursement": ("operating", "eu_grants", 0, "reimbursement"),
    "LoanTerms": ("sources", 4, "loan"),
    "OperatingYear": ("operating", "years", 1),
    "OperatingTimings": ("operating", "timings"),
    "EuOperatingGrant": ("operating", "eu_grants", 0),
}
ABSURD = [
    "1e30",
    "1e309",
    "1E+999999",
    "12345678901234567890123456",
    "NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "-1",
    "0.001",
    "1e-999999",
    float("inf"),
    float("nan"),
    1e308,
    10**30,
    True,
    [],
    {"amount": 1},
    "",
    "douze",
]
BOUNDED_FIELDS = sorted(L.DECIMAL_FIELDS.items())


def demo_dict():
    return plan_to_dict(demo_plan())


def set_at(data, owner, name, value):
    node = data
    for key in OWNER_PATHS[owner]:
        node = node[key]
    node[name] = value
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in (*OWNER_PATHS[owner], name)).lstrip(".")


def assert_located_french(error: PlanInputError) -> None:
    for problem in error.errors:
        text = str(problem)
        assert "[" not in text.split(" : ")[0], text  # no technical path for people
        assert "_" not in problem.location, text
        assert problem.message[:1].isupper(), text


@pytest.mark.parametrize(
    ("owner_name", "spec"), BOUNDED_FIELDS, ids=lambda v: ".".join(v) if isinstance(v, tuple) else ""
)
@pytest.mark.parametrize("value", ABSURD, ids=repr)
def test_absurd_value_of_every_decimal_field_is_refused_on_its_field(owner_name, spec, value):
    """Each absurd value, in each decimal field, is refused with an error on that very field, in French."""
    owner, name = owner_name
    data = demo_dict()
    path = set_at(data, owner, name, value)
    if value == "0.001" and spec.decimals >= 3:
        pytest.skip("three decimals are valid for a share or a rate")
    if value in ("-1",) and spec.low < 0:
        pytest.skip("negative cash at the start is valid")
    with pytest.raises(PlanInputError) as raised:
        plan_from_dict(data)
    assert path in [problem.field for problem in raised.value.errors], raised.value.errors
    assert_located_french(raised.value)


@pytest.mark.parametrize(
    ("owner", "name", "value"),
    [
        ("PlanInput", "horizon_years", 10**40),
        ("PlanInput", "start_date", "9999-12-01"),
        ("PlanInput", "start_date", "0001-01-01"),
        ("PlanInput", "name", "x" * 201),
        ("UseLine", "month", 10**30),
        ("UseLine", "month", -1),
        ("UseLine", "depreciation_years", 51),
        ("UseLine", "label", "x" * 10_000),
        ("LoanTerms", "duration_months", 10**30),
        ("PaymentTerms", "instalment_count", 121),
        ("OperatingYear", "youths", 10_001),
        ("OperatingYear", "youths", 2.5),
        ("EuReimbursement", "claim_interval_months", 0),
    ],
)
def test_absurd_integers_dates_and_texts_are_refused(owner, name, value):
    data = demo_dict()
    path = set_at(data, owner, name, value)
    with pytest.raises(PlanInputError) as raised:
        plan_from_dict(data)
    assert path in [problem.field for problem in raised.value.errors]
    assert_located_french(raised.value)


def test_too_many_lines_are_refused():
    data = demo_dict()
    data["uses"] = [data["uses"][0]] * (L.MAX_LINES + 1)
    with pytest.raises(PlanInputError) as raised:
        plan_from_dict(data)
    assert [problem.field for problem in raised.value.errors] == ["uses"]
    assert "Trop de lignes : 100 emplois au plus" in raised.value.errors[0].message


def test_error_names_the_field_in_french_words():
    """The message shown to people names the line and the field, never `sources[4].loan.annual_rate`."""
    data = demo_dict()
    data["sources"][4]["loan"]["annual_rate"] = "0.25"
    with pytest.raises(PlanInputError) as raised:
        plan_from_dict(data)
    (problem,) = raised.value.errors
    assert problem.field == "sources[4].loan.annual_rate"
    assert str(problem) == (
        "Ressource 5 « Prêt subordonné Banque des Territoires », prêt : taux annuel : Le taux annuel doit être "
        "compris entre 0 et 20\u00a0% (reçu : 25\u00a0%)."
    )
    assert "sources[" not in str(raised.value)


# ------------------------------------------------------------------------------- hypothesis at the boundary
hostile_numbers = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.from_regex(r"-?[0-9]{1,40}(\.[0-9]{0,12})?([eE][+-]?[0-9]{1,7})?", fullmatch=True),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.text(max_size=12),
    st.none(),
    st.booleans(),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(BOUNDED_FIELDS), value=hostile_numbers)
def test_any_value_is_refused_in_french_or_evaluates(field, value):
    """Whatever a field holds, the engine refuses it with located French errors, or evaluates the plan."""
    (owner, name), _spec = field
    data = demo_dict()
    set_at(data, owner, name, value)
    try:
        plan = plan_from_dict(data)
    except PlanInputError as error:
        assert_located_french(error)
        return
    evaluate_plan(plan)  # must not raise


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(BOUNDED_FIELDS), value=st.decimals(allow_nan=False, allow_infinity=False))
def test_engine_schema_and_limits_agree(field, value):
    """A decimal string is accepted by the engine iff it matches the schema's pattern (range and decimals)."""
    (owner, name), spec = field
    text = format(value, "f")
    if len(text) > 60:
        text = str(value)
    in_domain = spec.contains(value) and spec.has_valid_precision(value)
    assert bool(re.fullmatch(decimal_pattern(spec), text)) == (in_domain and "E" not in text and text[:1] != "+")
    data = demo_dict()
    path = set_at(data, owner, name, text)
    try:
        plan_from_dict(data)
        refused = False
    except PlanInputError as error:
        # Only the domain checks; cross-field rules (advance + instalments ≤ 100 %…) may refuse more.
        domain = re.compile(r"compris|décimales|négatif|numérique")
        refused = any(problem.field == path and domain.search(problem.message) for problem in error.errors)
    assert refused != in_domain, (path, text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans())
def test_every_valid_plan_matches_the_schema(plan):
    VALIDATOR.validate(plan_to_dict(plan))


@pytest.mark.parametrize("value", ["1e30", "1E+999999", "12345678901234567890123456", 1e308, -1, "NaN"])
def test_schema_refuses_absurd_amounts(value):
    data = demo_dict()
    data["uses"][0]["amount"] = value
    assert not VALIDATOR.is_valid(data)


def test_schema_file_states_the_engine_limits():
    """docs/plan-schema.json is up to date with financing_engine.limits (python -m financing_engine.schema)."""
    assert apply_limits(copy.deepcopy(SCHEMA)) == SCHEMA


# ------------------------------------------------------------------------------- a plan at every limit evaluates
def plan_at_the_limits():
    """Every number at its largest value: the computations stay exact and finite."""
    plan = demo_plan(horizon_years=L.MAX_HORIZON_YEARS)
    big = L.MAX_AMOUNT
    year = OperatingYear(
        youths=L.MAX_YOUTHS,
        production_hours_per_youth=L.MAX_HOURS_PER_YOUTH,
        productivity_ratio=Decimal(1),
        hourly_price=big,
        state_subsidy_per_youth=big,
        region_grant=big,
        department_grant=big,
        epci_grant=big,
        apprenticeship_tax=big,
        foundations=big,
        master_trainers=L.MAX_FTE,
        master_trainer_cost=big,
        teaching_staff=big,
        support_staff=big,
        materials_share=Decimal(1),
        rent=big,
        energy=big,
        insurance=big,
        other_expenses=big,
    )
    uses = tuple(
        UseLine(UseCategory.TOOLING, f"emploi {i}", big, month=i % 84, recoverable_vat=big, eu_eligible=True)
        for i in range(L.MAX_LINES)
    )
    loan = LoanTerms(duration_months=360, deferral_months=348, annual_rate=L.MAX_LOAN_RATE, drawdown_month=83)
    sources = tuple(
        SourceLine(SourceKind.BANK_LOAN if i % 2 else SourceKind.FEDER, f"ressource {i}", big, loan=loan)
        for i in range(L.MAX_LINES)
    )
    grants = tuple(
        EuOperatingGrant(EuFund.FSE_PLUS, f"FSE+ {i}", big, 0, 6, tuple(ExpenseKind)) for i in range(L.MAX_EU_GRANTS)
    )
    operating = replace(plan.operating, years=(year,) * L.MAX_HORIZON_YEARS, eu_grants=grants)
    return replace(
        plan,
        uses=uses,
        sources=sources,
        operating=operating,
        opening_cash=-big,
        cash_floor=big,
        working_capital_loan=loan,
    )


def test_a_plan_at_every_limit_evaluates():
    plan = plan_at_the_limits()
    result = evaluate_plan(plan)
    assert result.investment.total_uses == L.MAX_AMOUNT * L.MAX_LINES
    run_risk_analysis(plan, scenarios=200)
    plan_from_dict(plan_to_dict(plan))
