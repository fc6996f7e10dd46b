"""The htmx editor of a plan's draft: every section's forms, recomputed on each change."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from essaim.financing import services
from essaim.financing.enums import VersionStatus
from essaim.www.financing import forms as editor
from essaim.www.financing.presenters import TABS, evaluate_content
from essaim.www.financing.views.common import _get_plan, _tab
from essaim.www.permissions import require_perm
from financing_engine import PlanInputError, SourceKind, plan_from_dict

TAB_SECTIONS = {
    "investissement": ("uses", "sources"),
    "fonctionnement": ("years", "timings", "eu_grants"),
    "tresorerie": ("params",),
}


NEW_USE = {"category": "tooling", "label": "Nouvel emploi", "amount": "0.00", "month": 0}


LOAN_KINDS = {kind.value for kind in SourceKind if kind.is_loan}


NEW_SOURCE = {"kind": "region_grant", "label": "Nouvelle ressource", "amount": "0.00"}


NEW_EU_GRANT = {
    "fund": "fse_plus",
    "label": "Nouveau fonds européen",
    "amount": "0.00",
    "first_year": 0,
    "last_year": 0,
}


def _editor_context(request, plan, draft, forms_by_section, tab, evaluation, errors=None):
    return {
        "project": plan.project,
        "plan": plan,
        "version": draft,
        "forms": forms_by_section,
        "tab": tab,
        "tabs": TABS,
        "evaluation": evaluation,
        "general_errors": errors.general if errors else [],
        "year_rows": _year_rows(forms_by_section.get("years")),
        "tab_label": TABS[tab],
        "invalid": bool(errors),
    }


def _year_rows(formset):
    """The operating-years formset turned sideways: one row per line, one column per year."""
    if formset is None:
        return []
    return [(label, [form[name] for form in formset.forms]) for name, label, _kind in editor.YEAR_FIELDS]


def _source_shapes(content):
    """Which terms each source line shows (loan, FEDER or payment calendar): a change reloads the editor."""
    return [
        "loan" if line.get("kind") in LOAN_KINDS else line.get("kind") == "feder"
        for line in content.get("sources", [])
        if isinstance(line, dict)
    ]


def _structural_change(content, post):
    """Apply an « add a line » / « remove a line » button of the editor to ``content``."""
    lists = {"uses": content["uses"], "sources": content["sources"], "eu_grants": content["operating"]["eu_grants"]}
    new_lines = {"uses": NEW_USE, "sources": NEW_SOURCE, "eu_grants": NEW_EU_GRANT}
    if add := post.get("add"):
        if add in lists:
            lists[add].append(dict(new_lines[add]))
        return True
    if remove := post.get("remove"):
        section, _, index = remove.rpartition("-")
        if section in lists and index.isdigit() and int(index) < len(lists[section]):
            del lists[section][int(index)]
        return True
    return False


@require_http_methods(["GET", "POST"])
def plan_edit(request, project_pk, plan_pk):
    """The editor of the plan's draft. Each change posts (htmx); a valid plan is saved and the
    recomputed figures come back as partials; an invalid one shows French errors and saves nothing."""
    plan = _get_plan(request, project_pk, plan_pk)
    require_perm(request.user, "financing.change_plan", plan)
    draft = plan.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        messages.info(
            request, "Toutes les versions de ce plan sont soumises : créez une nouvelle version pour le modifier."
        )
        return redirect("financing:plan_detail", project_pk=project_pk, plan_pk=plan.pk)
    tab = _tab(request)
    sections = TAB_SECTIONS[tab]
    try:
        if request.method == "GET":
            errors = None
            evaluation = evaluate_content(draft.content, tab=tab, cash=True)
            if evaluation.ok:
                forms_by_section = editor.editor_forms(draft.content, sections=sections)
            else:  # a stored value breaks a limit: show it, with its error, on its field
                forms_by_section, errors = editor.stored_errors(draft.content, sections, evaluation.errors)
            context = _editor_context(request, plan, draft, forms_by_section, tab, evaluation, errors)
            return render(request, "financing/editor.html", context)
        forms_by_section = editor.editor_forms(draft.content, request.POST, sections=sections)
        plan_input, new_content, errors = editor.plan_from_forms(draft.content, forms_by_section)
    except editor.UNREADABLE_CONTENT:
        return render(
            request,
            "financing/editor_unreadable.html",
            {"project": plan.project, "plan": plan, "version": draft, "evaluation": evaluate_content(draft.content)},
        )
    if plan_input is not None and _structural_change(new_content, request.POST):
        try:
            plan_input = plan_from_dict(new_content)
        except PlanInputError as error:
            plan_input = None
            errors.general += [str(e) for e in error.errors]
    if plan_input is None:
        evaluation = evaluate_content(draft.content, tab=tab, cash=True)
        context = _editor_context(request, plan, draft, forms_by_section, tab, evaluation, errors)
        context["invalid"] = True
        template = "financing/_editor_response.html" if request.htmx else "financing/editor.html"
        return render(request, template, context)
    previous_shape = (draft.content.get("horizon_years"), _source_shapes(draft.content))
    try:
        services.plan_version_update_draft(version=draft, plan=plan_input, user=request.user)
    except (services.PlanVersionError, ValidationError) as error:
        messages.error(request, error.messages[0] if hasattr(error, "messages") else str(error))
        return redirect("financing:plan_detail", project_pk=project_pk, plan_pk=plan.pk)
    url = f"{reverse('financing:plan_edit', args=[project_pk, plan.pk])}?vue={tab}"
    if request.htmx:
        if (draft.content.get("horizon_years"), _source_shapes(draft.content)) != previous_shape:
            # The editor's shape changed (years, terms to show for a line): reload it.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        evaluation = evaluate_content(draft.content, tab=tab, cash=True)
        context = _editor_context(request, plan, draft, forms_by_section, tab, evaluation)
        context["saved"] = True
        return render(request, "financing/_editor_response.html", context)
    messages.success(request, "Brouillon enregistré.")
    return redirect(url)
