"""Lookups shared by the financing plans' pages: the project, plan and version the user may see, the
user's rights on a plan, the tab asked for."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from essaim.financing.models import FinancingPlan, FinancingPlanVersion
from essaim.projects.models import Project
from essaim.www.financing.presenters import DEFAULT_TAB, TABS
from essaim.www.permissions import get_visible_or_404, has_perm


def _tab(request):
    tab = request.GET.get("vue") or request.POST.get("vue") or DEFAULT_TAB
    return tab if tab in TABS else DEFAULT_TAB


def _get_project(request, project_pk):
    return get_visible_or_404(Project, request.user, pk=project_pk)


def _get_plan(request, project_pk, plan_pk):
    """A plan of the project, among those the user sees (another organisation's plan is a 404)."""
    return get_object_or_404(
        FinancingPlan.objects.visible_to(request.user).select_related("project__holder"),
        pk=plan_pk,
        project_id=project_pk,
    )


def _get_version(plan, number):
    return get_object_or_404(
        FinancingPlanVersion.objects.select_related("created_by", "submitted_by"), plan=plan, number=number
    )


def _permissions(user, plan):
    can_edit = has_perm(user, "financing.change_plan", plan)
    return {"can_edit": can_edit, "can_submit": can_edit and has_perm(user, "financing.submit_plan", plan)}
