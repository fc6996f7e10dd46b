"""Scenarios: named variants of one plan (« prudent », « retard FEDER de 6 mois », « effectif −20 % »).

A scenario is data, a few overrides applied to a plan without changing it:

* ``headcount_factor``: each school year's youths × factor, rounded half up to whole youths
  (the State subsidy, computed per youth, follows);
* ``sales_factor``: each year's production sales × factor (after the headcount change), written
  as the year's typed sales, rounded to the cent (materials, a share of sales, follow);
* ``payment_delays``: extra months before every payment of the given funders (cash only: the
  budgets do not move).

:func:`evaluate_scenario` gives the result of the variant; the risk analysis starts from it with
``run_risk_analysis(apply_scenario(plan, s), payment_delays=s.payment_delays)``.

Examples
--------
>>> from financing_engine.demo import demo_plan
>>> late = PRESETS["retard_feder"]
>>> late.name, dict(late.payment_delays)
('retard FEDER de 6 mois', {<Funder.EU: 'eu'>: 6})
>>> from financing_engine.results import FlowCategory
>>> def first_eu_payment(result):
...     return next(m.date for m in result.cash.months if m.flows[FlowCategory.EU_FUNDS])
>>> base = evaluate_plan(demo_plan())
>>> variant = evaluate_scenario(demo_plan(), late)
>>> variant.years == base.years, first_eu_payment(base), first_eu_payment(variant)
(True, datetime.date(2028, 8, 1), datetime.date(2029, 2, 1))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from financing_engine.errors import InputError, PlanInputError
from financing_engine.evaluate import evaluate_plan
from financing_engine.inputs import Funder, PlanInput
from financing_engine.limits import SCENARIO_FACTOR
from financing_engine.money import round_cents
from financing_engine.projection import _sales
from financing_engine.results import PlanResult

__all__ = ["PRESETS", "Scenario", "apply_scenario", "evaluate_scenario"]

_ONE = Decimal(1)


@dataclass(frozen=True)
class Scenario:
    """A named variant of a plan: factors on headcount and sales, extra payment delays per funder."""

    name: str
    headcount_factor: Decimal = _ONE
    sales_factor: Decimal = _ONE
    payment_delays: Mapping[Funder, int] = field(default_factory=lambda: MappingProxyType({}))


def _check_factors(scenario: Scenario) -> None:
    """The factors within :data:`~financing_engine.limits.SCENARIO_FACTOR` (a scenario read back from
    storage may hold anything), else :class:`PlanInputError` naming the scenario and the factor.

    >>> _check_factors(Scenario("absurde", headcount_factor=Decimal("1E+30")))
    Traceback (most recent call last):
    ...
    financing_engine.errors.PlanInputError: Plan de financement invalide (1 erreur(s)) : Scénario « absurde » : \
effectif : Le facteur doit être compris entre 0 et 200 % du plan.
    """
    errors = []
    for name, label in (("headcount_factor", "effectif"), ("sales_factor", "ventes")):
        value = getattr(scenario, name)
        valid = isinstance(value, Decimal) and value.is_finite() and SCENARIO_FACTOR.contains(value)
        if not valid:
            message = "Le facteur doit être compris entre 0 et 200 % du plan."
            errors.append(InputError(f"scenario.{name}", message, where=f"scénario « {scenario.name} » : {label}"))
    if errors:
        raise PlanInputError(errors)


def apply_scenario(plan: PlanInput, scenario: Scenario) -> PlanInput:
    """The plan with the scenario's headcount and sales factors applied (delays apply to the cash).

    Raises :class:`PlanInputError` when a factor is outside 0–200 % (or no finite number).

    Examples
    --------
    >>> from financing_engine.demo import demo_plan
    >>> smaller = apply_scenario(demo_plan(), PRESETS["effectif_moins_20"])
    >>> [year.youths for year in smaller.operating.years][:3]
    [10, 19, 19]
    """
    _check_factors(scenario)
    if scenario.headcount_factor == _ONE and scenario.sales_factor == _ONE:
        return plan
    years = []
    for year in plan.operating.years:
        youths = int((year.youths * scenario.headcount_factor).quantize(_ONE, rounding=ROUND_HALF_UP))
        changed = replace(year, youths=youths)
        if scenario.sales_factor != _ONE:
            changed = replace(changed, sales_amount=round_cents(_sales(changed) * scenario.sales_factor))
        years.append(changed)
    return replace(plan, operating=replace(plan.operating, years=tuple(years)))


def evaluate_scenario(plan: PlanInput, scenario: Scenario) -> PlanResult:
    """Result of the plan under ``scenario`` (same rules, same working-capital sizing)."""
    return evaluate_plan(apply_scenario(plan, scenario), payment_delays=scenario.payment_delays)


PRESETS = {
    "prudent": Scenario(
        "prudent",
        headcount_factor=Decimal("0.9"),
        sales_factor=Decimal("0.9"),
        payment_delays=MappingProxyType(
            {Funder.REGION: 3, Funder.STATE: 3, Funder.DEPARTMENT: 3, Funder.EPCI: 3, Funder.EU: 6}
        ),
    ),
    "retard_feder": Scenario("retard FEDER de 6 mois", payment_delays=MappingProxyType({Funder.EU: 6})),
    "effectif_moins_20": Scenario("effectif −20 %", headcount_factor=Decimal("0.8")),
}
