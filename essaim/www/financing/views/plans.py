"""A project's plans: list, creation, the plan and version pages, the risk analysis."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from essaim.common.forms import key_or_none
from essaim.financing import jobs as risk_jobs
from essaim.financing import services
from essaim.financing.enums import VersionStatus
from essaim.financing.models import FinancingPlan, PlanScenario
from essaim.jobs.models import Job
from essaim.jobs.services import job_submit
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
from essaim.www.jobs.events import announce_finished
from essaim.www.permissions import has_perm, require_perm


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


NO_RISK = {"risk_job": None, "risk": None, "risk_scenario": None}


def _version_page(request, plan, version):
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
            # The risk analysis shows on the cash view only: the other views do not look its job up.
            **(_risk_context(request, version, None) if tab == "tresorerie" else NO_RISK),
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


def _risk_scenario(request, version):
    """The scenario the analysis starts from (``scenario`` of the query or the form); another version's
    scenario is a 404."""
    scenario_pk = request.POST.get("scenario") or request.GET.get("scenario")
    if not scenario_pk:
        return None
    return get_object_or_404(PlanScenario, pk=key_or_none(PlanScenario, scenario_pk) or 0, version=version)


def _risk_jobs(request):
    return Job.objects.visible_to(request.user).filter(kind=risk_jobs.RISK_KIND, requested_by=request.user)


def _risk_context(request, version, scenario) -> dict:
    """The latest risk analysis job of the user for this version and scenario: its progress, then its stored
    result (not shown for a version or scenario changed since)."""
    job = _risk_jobs(request).filter(subject=risk_jobs.risk_subject(version.pk, scenario.pk if scenario else None))
    return _risk_job_context(job.first(), version, scenario)


def _risk_job_context(job, version, scenario) -> dict:
    return {
        "risk_job": job,
        "risk": risk_jobs.stored_risk(job, version=version, scenario=scenario),
        "risk_scenario": scenario,
    }


def latest_risk_context(request, version, scenarios) -> dict:
    """The scenarios page: the latest risk analysis the user started for this version, from the plan itself
    or from one of its (remaining) ``scenarios`` — its progress, its French error or its stored result, found
    again after a reload. One query."""
    by_subject = {risk_jobs.risk_subject(version.pk, None): None} | {
        risk_jobs.risk_subject(version.pk, scenario.pk): scenario for scenario in scenarios
    }
    job = _risk_jobs(request).filter(subject__in=by_subject).first()
    if job is None:
        return NO_RISK
    return _risk_job_context(job, version, by_subject[job.subject])


@require_http_methods(["GET", "POST"])
def version_risk(request, project_pk, plan_pk, number):
    """The Monte Carlo risk analysis of a version, run as a background job: POST queues it (a plan with
    errors is refused first, in French), GET gives its block (progress, then stored result; htmx)."""
    plan = _get_plan(request, project_pk, plan_pk)
    version = _get_version(plan, number)
    scenario = _risk_scenario(request, version)
    if request.method == "POST":
        # Started from the scenarios page (its forms say so) or from the version's cash view: the page to come
        # back to, which shows the job again (« Mes traitements » links to it; the answer without htmx).
        if request.POST.get("depuis") == "scenarios":
            back = f"{reverse('financing:scenario_list', args=[project_pk, plan.pk, number])}#risk-result"
        else:
            back = (
                f"{reverse('financing:version_detail', args=[project_pk, plan.pk, number])}?vue=tresorerie#risk-title"
            )
        try:
            job_submit(
                kind=risk_jobs.RISK_KIND,
                parameters={"version_id": version.pk, "scenario_id": scenario.pk if scenario else None},
                user=request.user,
                organization=request.current_organization,
                subject=risk_jobs.risk_subject(version.pk, scenario.pk if scenario else None),
                origin_url=back,
            )
        except risk_jobs.PlanNotComputable as error:
            if request.htmx:
                return render(request, "financing/_plan_errors.html", {"errors": error.plan_errors})
            messages.error(request, INVALID_PLAN)
            return redirect("financing:version_detail", project_pk=project_pk, plan_pk=plan.pk, number=number)
        except ValidationError as error:
            if request.htmx:
                return render(request, "financing/_risk_job.html", {"risk_error": " ".join(error.messages)})
            messages.error(request, " ".join(error.messages))
        if not request.htmx:
            return redirect(back)
    context = {"project": plan.project, "plan": plan, "version": version} | _risk_context(request, version, scenario)
    return announce_finished(request, render(request, "financing/_risk_job.html", context), context["risk_job"])
