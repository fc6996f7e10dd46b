"""JSON round trip, French field-path errors, result dicts and the JSON Schema."""

import dataclasses
import json
import typing
from pathlib import Path

import pytest

from financing_engine import (
    PlanInput,
    PlanInputError,
    demo_plan,
    evaluate_plan,
    plan_from_dict,
    plan_to_dict,
    result_to_dict,
    risk_result_to_dict,
    run_risk_analysis,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"


def parse_errors(data):
    """(field, message) pairs raised by plan_from_dict."""
    with pytest.raises(PlanInputError) as excinfo:
        plan_from_dict(data)
    return [(error.field, error.message) for error in excinfo.value.errors]


def test_round_trip_of_the_demo_plan():
    """plan_from_dict(plan_to_dict(plan)) gives the same plan, through JSON text."""
    plan = demo_plan()
    assert plan_from_dict(json.loads(json.dumps(plan_to_dict(plan)))) == plan


def test_example_file_is_the_demo_plan():
    """docs/examples/plan-exemple.json is the synthetic demo project of domain.md §7.3."""
    data = json.loads((DOCS / "examples" / "plan-exemple.json").read_text(encoding="utf-8"))
    assert plan_from_dict(data) == demo_plan()


def test_numbers_may_be_json_numbers_or_strings():
    """Amounts are accepted as "1234.56" or 1234.56 (converted through str)."""
    data = plan_to_dict(demo_plan())
    data["uses"][0]["amount"] = 260000.0
    data["sources"][0]["amount"] = 180000
    assert plan_from_dict(data) == demo_plan()


def test_structural_errors_have_paths_and_french_messages():
    """Unknown, missing, mistyped and unknown-enum values are all reported."""
    data = plan_to_dict(demo_plan())
    data["colour"] = "bleu"
    del data["start_date"]
    data["sources"][2]["amount"] = "beaucoup"
    data["sources"][1]["kind"] = "loterie"
    data["operating"]["years"][1]["youths"] = "24"
    errors = parse_errors(data)
    assert ("colour", "Champ inconnu.") in errors
    assert ("start_date", "Champ obligatoire.") in errors
    assert ("sources[2].amount", 'Nombre invalide « beaucoup » ; attendu par exemple "1234.56".') in errors
    assert ("operating.years[1].youths", "Nombre entier attendu.") in errors
    field, message = next(e for e in errors if e[0] == "sources[1].kind")
    assert message.startswith("Valeur inconnue « loterie » ; valeurs possibles : region_grant,")


def test_validation_errors_follow_the_structure():
    """A well-formed plan with a negative amount reports the validation error with its path."""
    data = plan_to_dict(demo_plan())
    data["operating"]["years"][1]["rent"] = "-10"
    assert parse_errors(data) == [
        ("operating.years[1].rent", "Le montant ne peut pas être négatif (reçu : -10,00\u00a0€).")
    ]


def test_result_amounts_are_strings_with_two_decimals():
    """result_to_dict gives JSON-ready data with amounts as "123.45"."""
    data = result_to_dict(evaluate_plan(demo_plan()))
    text = json.dumps(data)
    assert json.loads(text) == data
    assert data["investment"]["total_uses"] == "450000.00"
    assert data["investment"]["is_balanced"] is True
    month = data["cash"]["months"][0]
    assert month["date"] == "2026-09-01"
    assert set(month) >= {"opening", "flows", "closing", "net_flow"}
    assert all(isinstance(v, str) and v.count(".") == 1 and len(v.split(".")[1]) == 2 for v in month["flows"].values())
    assert data["loans"][0]["total_principal"] == "130000.00"
    assert data["loans"][0]["terms"]["annual_rate"] == "0.01"
    assert data["rules"][0]["severity"] in ("alerte", "bloquant")
    assert data["working_capital"]["trough_date"] == "2027-02-01"


def test_risk_result_to_dict():
    """Risk results serialise with amounts as strings."""
    data = risk_result_to_dict(run_risk_analysis(demo_plan(), scenarios=50))
    assert isinstance(data["shortfall_probability"], float)
    assert data["working_capital_requirement_p95"].endswith(tuple("0123456789"))


def _dataclass_of(hint):
    for arg in (hint, *typing.get_args(hint)):
        if dataclasses.is_dataclass(arg):
            return arg
        for inner in typing.get_args(arg):
            if dataclasses.is_dataclass(inner):
                return inner
    return None


def test_json_schema_matches_the_dataclasses():
    """docs/plan-schema.json (draft 2020-12) lists exactly the fields of every input dataclass."""
    schema = json.loads((DOCS / "plan-schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"

    def check(cls, node):
        fields = {f.name: f for f in dataclasses.fields(cls)}
        assert set(node["properties"]) == set(fields), cls.__name__
        required = {
            name
            for name, f in fields.items()
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
        assert set(node.get("required", [])) == required, cls.__name__
        assert node["additionalProperties"] is False
        hints = typing.get_type_hints(cls)
        for name in fields:
            inner = _dataclass_of(hints[name])
            if inner is not None:
                check(inner, schema["$defs"][inner.__name__])

    check(PlanInput, schema)
