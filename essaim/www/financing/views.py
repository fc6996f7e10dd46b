"""Financing plans of a project: list, plan/version pages, the htmx editor, versions, Excel and JSON."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.financing import services
from essaim.financing.comparison import compare_contents
from essaim.financing.enums import VersionStatus
from essaim.financing.models import FinancingPlan, FinancingPlanVersion
from essaim.projects.models import Project
from essaim.www.financing import forms as editor
from essaim.www.financing.presenters import DEFAULT_TAB, TABS, evaluate_content
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm
from financing_engine import PlanInputError, SourceKind, plan_from_dict, run_risk_analysis

INVALID_PLAN = (
    "Ce plan contient des valeurs invalides (voir en haut de la page) : corrigez-les dans l'éditeur avant "
    "de l'exporter ou d'en analyser le risque."
)
TAB_SECTIONS = {"investissement": ("uses", "sources"), "fonctionnement": ("years",), "tresorerie": ("params",)}
NEW_USE = {"category": "tooling", "label": "Nouvel emploi", "amount": "0.00", "month": 0}
LOAN_KINDS = {kind.value for kind in SourceKind if kind.is_loan}
NEW_SOURCE = {"kind": "region_grant", "label": "Nouvelle ressource", "amount": "0.00"}


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


# --- list and creation ------------------------------------------------------------------------


@login_required
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


@login_required
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


# --- plan and version pages -------------------------------------------------------------------


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


@login_required
@require_GET
def plan_detail(request, project_pk, plan_pk):
    plan = _get_plan(request, project_pk, plan_pk)
    version = plan.versions.select_related("created_by", "submitted_by").order_by("-number").first()
    if version is None:
        raise Http404
    return _version_page(request, plan, version)


@login_required
@require_GET
def version_detail(request, project_pk, plan_pk, number):
    plan = _get_plan(request, project_pk, plan_pk)
    return _version_page(request, plan, _get_version(plan, number))


@login_required
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
    scenarios = getattr(settings, "ESSAIM_RISK_SCENARIOS", 10_000)
    risk = run_risk_analysis(plan_input, scenarios=scenarios, seed=0)
    if request.htmx:
        return render(request, "financing/_risk_result.html", {"risk": risk})
    request.GET = request.GET.copy()
    request.GET["vue"] = "tresorerie"
    return _version_page(request, plan, version, risk=risk)


# --- editor -----------------------------------------------------------------------------------


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


def _loan_lines(content):
    return [line.get("kind") in LOAN_KINDS for line in content.get("sources", [])]


def _structural_change(content, post):
    """Apply an « add a line » / « remove a line » button of the editor to ``content``."""
    if add := post.get("add"):
        if add == "uses":
            content["uses"].append(dict(NEW_USE))
        elif add == "sources":
            content["sources"].append(dict(NEW_SOURCE))
        return True
    if remove := post.get("remove"):
        section, _, index = remove.partition("-")
        if section in ("uses", "sources") and index.isdigit() and int(index) < len(content[section]):
            del content[section][int(index)]
        return True
    return False


@login_required
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
    previous_shape = (draft.content.get("horizon_years"), _loan_lines(draft.content))
    try:
        services.plan_version_update_draft(version=draft, plan=plan_input, user=request.user)
    except (services.PlanVersionError, ValidationError) as error:
        messages.error(request, error.messages[0] if hasattr(error, "messages") else str(error))
        return redirect("financing:plan_detail", project_pk=project_pk, plan_pk=plan.pk)
    url = f"{reverse('financing:plan_edit', args=[project_pk, plan.pk])}?vue={tab}"
    if request.htmx:
        if (draft.content.get("horizon_years"), _loan_lines(draft.content)) != previous_shape:
            # The editor's shape changed (years, loan terms to show): reload it.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        evaluation = evaluate_content(draft.content, tab=tab, cash=True)
        context = _editor_context(request, plan, draft, forms_by_section, tab, evaluation)
        context["saved"] = True
        return render(request, "financing/_editor_response.html", context)
    messages.success(request, "Brouillon enregistré.")
    return redirect(url)


# --- versions ---------------------------------------------------------------------------------


@login_required
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


@login_required
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


@login_required
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


# --- exports and import -----------------------------------------------------------------------


def _filename(plan, version, extension):
    return f"plan-{slugify(plan.project.name)[:60]}-v{version.number}.{extension}"


@login_required
@require_GET
def version_export_xlsx(request, project_pk, plan_pk, number):
    from essaim.financing.xlsx import XLSX_CONTENT_TYPE, plan_to_xlsx

    plan = _get_plan(request, project_pk, plan_pk)
    version = _get_version(plan, number)
    try:
        plan_input = plan_from_dict(version.content)
    except PlanInputError:
        messages.error(request, INVALID_PLAN)
        return redirect("financing:version_detail", project_pk=project_pk, plan_pk=plan.pk, number=number)
    data = plan_to_xlsx(plan_input, title=f"{plan.project.name} — {plan.name}, version {number}")
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, version, "xlsx")}"'
    return response


@login_required
@require_GET
def version_export_json(request, project_pk, plan_pk, number):
    plan = _get_plan(request, project_pk, plan_pk)
    version = _get_version(plan, number)
    response = HttpResponse(
        json.dumps(version.content, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(plan, version, "json")}"'
    return response


def _read_upload(upload):
    """PlanInput from an uploaded .xlsx or .json; raises WorkbookError / PlanInputError / ValueError."""
    if upload.name.lower().endswith(".json"):
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(f"Le fichier n'est pas un JSON valide ({error}).") from None
        if not isinstance(data, dict):
            raise ValueError("Le fichier JSON doit contenir un objet (le plan).")
        return plan_from_dict(data)
    from essaim.financing.xlsx import plan_from_xlsx

    return plan_from_xlsx(upload)


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request, project_pk, plan_pk):
    """Import a workbook (or JSON) into the draft; any error lists sheet, cell and reason and saves nothing."""
    from essaim.financing.xlsx import WorkbookError

    plan = _get_plan(request, project_pk, plan_pk)
    require_perm(request.user, "financing.change_plan", plan)
    form = editor.ImportForm(request.POST or None, request.FILES or None)
    issues, plan_errors, general_error = [], [], ""
    if request.method == "POST" and form.is_valid():
        try:
            plan_input = _read_upload(form.cleaned_data["file"])
        except WorkbookError as error:
            issues = error.issues
        except PlanInputError as error:
            plan_errors = error.errors
        except ValueError as error:
            general_error = str(error)
        else:
            version = services.plan_version_import(plan=plan, plan_input=plan_input, user=request.user)
            messages.success(request, f"Plan importé dans la version {version.number} (brouillon).")
            return redirect("financing:plan_edit", project_pk=project_pk, plan_pk=plan.pk)
    return render(
        request,
        "financing/import.html",
        {
            "project": plan.project,
            "plan": plan,
            "form": form,
            "issues": issues,
            "plan_errors": plan_errors,
            "general_error": general_error,
        },
    )
