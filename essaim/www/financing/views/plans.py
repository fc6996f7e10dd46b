"""A project's plans: list, creation, the plan and version pages, the risk analysis."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from essaim.common.forms import key_or_none
from essaim.financing import services
from essaim.financing.enums import VersionStatus
from essaim.financing.models import FinancingPlan, PlanScenario
from essaim.www.financing import forms as editor
from essaim.www.financing.presenters import TABS, evaluate_content
from essaim.www.financing.views.common import (
    INVALID_PLAN,
    _get_plan,
    _get_project,
    _get_version,
    _permissions,
    _tab,
)
from essaim.www.permissions import has_perm, require_perm
from financing_engine import PlanInputError, plan_from_dict, run_risk_analysis
from financing_engine.scenarios import apply_scenario


@require_GET
def plan_list(request, project_pk):
    project = _get_project(request, project_pk)
    plans = list(
        FinancingPlan.objects.visible_to(request.user)
        .filter(project=project)
        .prefetch_related("versions")
        .order_by("name", "pk")
    )
    for plan in plans:
        versions = sorted(plan.versions.all(), key=lambda v: v.number)
        plan.latest = versions[-1] if versions else None
        plan.last_submitted = next((v for v in reversed(versions) if v.status == VersionStatus.SUBMITTED), None)
    return render(
        request,
        "financing/plan_list.html",
        {"project": project, "plans": plans, "can_create": has_perm(request.user, "financing.add_plan", project)},
    )


@require_http_methods(["GET", "POST"])
def plan_create(request, project_pk):
    project = _get_project(request, project_pk)
    require_perm(request.user, "financing.add_plan", project)
    form = editor.PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        plan = services.financing_plan_create(project=project, name=form.cleaned_data["name"], user=request.user)
        messages.success(request, "Le plan a été créé (version 1, brouillon). Remplacez les chiffres du modèle.")
        return redirect("financing:plan_edit", project_pk=project.pk, plan_pk=plan.pk)
    return render(request, "financing/plan_create.html", {"project": project, "form": form})


def _version_page(request, plan, version, *, risk=None):
    tab = _tab(request)
    versions = list(plan.versions.order_by("number").values("number", "status", "submitted_at", "updated_at"))
    numbers = [v["number"] for v in versions]
    compare_form = editor.CompareForm(
        numbers=numbers, initial={"de": numbers[-2] if len(numbers) > 1 else numbers[0], "a": numbers[-1]}
    )
    return render(
        request,
        "financing/version_detail.html",
        {
            "project": plan.project,
            "plan": plan,
            "version": version,
            "versions": versions,
            "draft_number": next((v["number"] for v in versions if v["status"] == VersionStatus.DRAFT), None),
            "evaluation": evaluate_content(version.content, tab=tab),
            "tab": tab,
            "tabs": TABS,
            "compare_form": compare_form,
            "submit_form": editor.SubmitForm(),
            "risk": risk,
            **_permissions(request.user, plan),
        },
    )


@require_GET
def plan_detail(request, project_pk, plan_pk):
    plan = _get_plan(request, project_pk, plan_pk)
    version = plan.versions.select_related("created_by", "submitted_by").order_by("-number").first()
    if version is None:
        raise Http404
    return _version_page(request, plan, version)


@require_GET
def version_detail(request, project_pk, plan_pk, number):
    plan = _get_plan(request, project_pk, plan_pk)
    return _version_page(request, plan, _get_version(plan, number))


@require_GET
def version_risk(request, project_pk, plan_pk, number):
    """Run the Monte Carlo risk analysis of a version (htmx: the result block only)."""
    plan = _get_plan(request, project_pk, plan_pk)
    version = _get_version(plan, number)
    try:
        plan_input = plan_from_dict(version.content)
    except PlanInputError as error:
        if request.htmx:
            return render(request, "financing/_plan_errors.html", {"errors": error.errors})
        messages.error(request, INVALID_PLAN)
        return redirect("financing:version_detail", project_pk=project_pk, plan_pk=plan.pk, number=number)
    delays = None
    scenario = None
    if scenario_pk := request.GET.get("scenario"):
        # The analysis starts from a scenario of this version (another version's scenario is a 404).
        scenario = get_object_or_404(PlanScenario, pk=key_or_none(PlanScenario, scenario_pk) or 0, version=version)
        variant = scenario.as_engine()
        try:
            plan_input, delays = apply_scenario(plan_input, variant), variant.payment_delays
        except PlanInputError as error:  # a stored factor out of range
            if request.htmx:
                return render(request, "financing/_plan_errors.html", {"errors": error.errors})
            messages.error(request, " ".join(str(e) for e in error.errors))
            return redirect("financing:scenario_list", project_pk=project_pk, plan_pk=plan.pk, number=number)
    scenarios = getattr(settings, "ESSAIM_RISK_SCENARIOS", 10_000)
    risk = run_risk_analysis(plan_input, scenarios=scenarios, seed=0, payment_delays=delays)
    if request.htmx:
        return render(request, "financing/_risk_result.html", {"risk": risk, "scenario": scenario})
    request.GET = request.GET.copy()
    request.GET["vue"] = "tresorerie"
    return _version_page(request, plan, version, risk=risk)
