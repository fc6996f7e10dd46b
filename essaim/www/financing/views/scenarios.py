"""Scenarios of a version: named variants (« prudent », « retard FEDER de 6 mois »…) compared side by side."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from essaim.financing import services
from essaim.financing.models import PlanScenario
from essaim.www.financing import forms as editor
from essaim.www.financing.charts import month_label
from essaim.www.financing.views.common import _get_plan, _get_version, _permissions
from essaim.www.financing.views.plans import latest_risk_context
from essaim.www.permissions import require_perm
from financing_engine import PlanInputError, PlanResult, evaluate_plan, plan_from_dict
from financing_engine.scenarios import evaluate_scenario


@dataclass
class Column:
    """One compared variant: the version's plan itself, or one of its scenarios."""

    title: str
    scenario: PlanScenario | None
    result: PlanResult

    @property
    def total_result(self) -> Decimal:
        return sum((year.result for year in self.result.years), Decimal(0))

    @property
    def last_result(self) -> Decimal:
        return self.result.years[-1].result

    @property
    def trough_month(self) -> str:
        return month_label(self.result.working_capital.trough_date)

    @property
    def lowest_month(self) -> str:
        cash = self.result.cash
        return month_label(cash.months[cash.lowest_closing_month].date)

    @property
    def overrides(self) -> str:
        """The scenario's overrides in French words."""
        if self.scenario is None:
            return "le plan tel qu'il est saisi"
        parts = []
        for label, factor in (("effectif", self.scenario.headcount_factor), ("ventes", self.scenario.sales_factor)):
            if factor != 1:
                parts.append(f"{label} {(factor - 1) * 100:+.0f}\u00a0%".replace("-", "−"))
        names = dict(editor.SCENARIO_FUNDERS)
        for key, months in self.scenario.as_engine().payment_delays.items():
            parts.append(f"{names.get(key, key.label)} +{months}\u00a0mois")
        return ", ".join(parts) or "aucune modification"


def _columns(version, scenarios, plan):
    """The compared columns, and the scenarios left out with their errors (a stored factor out of range:
    the page still compares the others and offers to delete them)."""
    columns = [Column(f"Version {version.number}", None, evaluate_plan(plan))]
    left_out = []
    for scenario in scenarios:
        try:
            columns.append(Column(scenario.name, scenario, evaluate_scenario(plan, scenario.as_engine())))
        except PlanInputError as error:
            left_out.append((scenario, error.errors))
    return columns, left_out


@require_http_methods(["GET", "POST"])
def scenario_list(request, project_pk, plan_pk, number):
    """The version's scenarios side by side (result, trough, requirement, loan); holder and FNEP add them."""
    plan = _get_plan(request, project_pk, plan_pk)
    version = _get_version(plan, number)
    permissions = _permissions(request.user, plan)
    form = editor.ScenarioForm()
    if request.method == "POST":
        require_perm(request.user, "financing.change_plan", plan)
        try:
            if request.POST.get("presets"):
                added = services.plan_scenarios_add_presets(version=version, user=request.user)
                messages.success(request, f"{added} scénario(s) type ajouté(s).")
                return redirect("financing:scenario_list", project_pk=project_pk, plan_pk=plan.pk, number=number)
            form = editor.ScenarioForm(request.POST)
            if form.is_valid():
                services.plan_scenario_create(
                    version=version,
                    name=form.cleaned_data["name"],
                    headcount_factor=form.cleaned_data["headcount"],
                    sales_factor=form.cleaned_data["sales"],
                    payment_delays=form.delays(),
                    user=request.user,
                )
                messages.success(request, f"Scénario « {form.cleaned_data['name']} » ajouté.")
                return redirect("financing:scenario_list", project_pk=project_pk, plan_pk=plan.pk, number=number)
        except services.PlanVersionError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            form.add_error("name", error.messages[0])
    scenarios = list(version.scenarios.order_by("pk"))
    try:
        plan_input = plan_from_dict(version.content)
    except PlanInputError as error:
        columns, errors, left_out = [], error.errors, []
    else:
        (columns, left_out), errors = _columns(version, scenarios, plan_input), ()
    return render(
        request,
        "financing/scenarios.html",
        {
            "project": plan.project,
            "plan": plan,
            "version": version,
            "columns": columns,
            "left_out": left_out,
            "errors": errors,
            "form": form,
            "can_add": len(scenarios) < services.MAX_SCENARIOS,
            # The latest risk analysis started here, found again after a reload (progress, error or result).
            **latest_risk_context(request, version, scenarios),
            **permissions,
        },
    )


@require_POST
def scenario_delete(request, project_pk, plan_pk, number, scenario_pk):
    plan = _get_plan(request, project_pk, plan_pk)
    version = _get_version(plan, number)
    require_perm(request.user, "financing.change_plan", plan)
    scenario = get_object_or_404(PlanScenario, pk=scenario_pk, version=version)
    services.plan_scenario_delete(scenario=scenario)
    messages.success(request, f"Scénario « {scenario.name} » supprimé.")
    return redirect("financing:scenario_list", project_pk=project_pk, plan_pk=plan.pk, number=number)
