"""A plan's versions: submission (frozen, hashed), a new draft from a version, comparison."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from essaim.financing import services
from essaim.financing.comparison import compare_contents
from essaim.financing.enums import VersionStatus
from essaim.www.financing import forms as editor
from essaim.www.financing.views.common import _get_plan
from essaim.www.permissions import require_perm


@require_POST
def version_submit(request, project_pk, plan_pk):
    plan = _get_plan(request, project_pk, plan_pk)
    require_perm(request.user, "financing.submit_plan", plan)
    draft = plan.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        messages.error(request, "Ce plan n'a pas de brouillon à soumettre.")
        return redirect("financing:plan_detail", project_pk=project_pk, plan_pk=plan.pk)
    form = editor.SubmitForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        version = services.plan_version_submit(version=draft, user=request.user, comment=comment)
    except services.PlanVersionError as error:
        messages.error(request, str(error))
        return redirect("financing:plan_detail", project_pk=project_pk, plan_pk=plan.pk)
    messages.success(request, f"La version {version.number} est soumise : elle est désormais figée.")
    return redirect("financing:version_detail", project_pk=project_pk, plan_pk=plan.pk, number=version.number)


@require_POST
def version_new(request, project_pk, plan_pk):
    plan = _get_plan(request, project_pk, plan_pk)
    require_perm(request.user, "financing.change_plan", plan)
    try:
        version = services.plan_version_new_draft(plan=plan, user=request.user)
    except services.PlanVersionError as error:
        messages.error(request, str(error))
        return redirect("financing:plan_detail", project_pk=project_pk, plan_pk=plan.pk)
    messages.success(request, f"Version {version.number} créée (brouillon, copie de la précédente).")
    return redirect("financing:plan_edit", project_pk=project_pk, plan_pk=plan.pk)


@require_GET
def version_compare(request, project_pk, plan_pk):
    plan = _get_plan(request, project_pk, plan_pk)
    versions = {v.number: v for v in plan.versions.order_by("number")}
    numbers = list(versions)
    form = editor.CompareForm(request.GET or None, numbers=numbers)
    differences = old = new = None
    if form.is_valid():
        old, new = versions[form.cleaned_data["de"]], versions[form.cleaned_data["a"]]
        differences = compare_contents(old.content, new.content)
    return render(
        request,
        "financing/compare.html",
        {"project": plan.project, "plan": plan, "form": form, "old": old, "new": new, "differences": differences},
    )
