"""A project's matching against the catalogue, the suggested combination and « ajouter au plan »."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from essaim.financing.models import FinancingPlan, FinancingPlanVersion
from essaim.funding_programmes import eligibility, services
from essaim.funding_programmes.matching import investment_mix, match_project, reference_version, version_plan
from essaim.funding_programmes.plan import already_in_plan
from essaim.www.funding_programmes.forms import AddToPlanForm
from essaim.www.funding_programmes.views.common import _programme, _project
from essaim.www.permissions import has_perm, require_perm


@require_GET
def project_matching(request, project_pk):
    """Every programme of the catalogue, éligible / à vérifier / non éligible for the project, on one
    version of its plan (``?version=<id>``; default: the latest version of its latest plan)."""
    project = _project(request, project_pk)
    versions = list(
        FinancingPlanVersion.objects.visible_to(request.user)
        .filter(plan__project=project)
        .select_related("plan")
        .order_by("plan__name", "-number")
    )
    version = None
    if request.GET.get("version"):
        version = next((v for v in versions if str(v.pk) == request.GET["version"]), None)
        if version is None:
            raise Http404
    used = version or (reference_version(project) if versions else None)
    plan_input = version_plan(used)  # read once, for the matching and the combination
    matches = match_project(project, version=used, plan=plan_input)
    plans = sorted({v.plan for v in versions}, key=lambda plan: (-plan.updated_at.timestamp(), plan.pk))
    can_add = bool(plans) and has_perm(request.user, "financing.change_plan", plans[0])
    mix = investment_mix(matches, used, plan_input)
    # The amount prefilled in « ajouter au plan »: the combination's amount for the programmes it keeps,
    # else the suggested amount; none for a programme that is not eligible.
    prefill = {line.candidate.key: line.amount for line in mix.result.lines} if mix else {}
    forms_by_slug = {}
    if can_add:
        for match in matches:
            if match.can_add_to_plan and match.result.verdict != eligibility.Verdict.NOT_ELIGIBLE:
                forms_by_slug[match.programme.slug] = AddToPlanForm(
                    plans=plans,
                    suggested=prefill.get(match.programme.slug, match.result.suggestion.amount),
                    slug=match.programme.slug,
                )
    rows = []
    for match in matches:
        held = already_in_plan(plan_input, match.programme)
        proposed = prefill.get(match.programme.slug, match.result.suggestion.amount)
        rows.append(
            {
                "match": match,
                "form": forms_by_slug.get(match.programme.slug),
                "in_mix": prefill.get(match.programme.slug),
                "held": held,
                "difference": proposed - held if held is not None and proposed is not None else None,
            }
        )
    counts = {
        verdict: sum(1 for m in matches if m.result.verdict == verdict)
        for verdict in ("eligible", "to_check", "not_eligible")
    }
    return render(
        request,
        "funding_programmes/matching.html",
        {
            "project": project,
            "mix": mix,
            "rows": rows,
            "versions": versions,
            "version": used,
            "counts": counts,
            "can_add": can_add,
            "has_plan": bool(versions),
        },
    )


@require_POST
def project_add_to_plan(request, project_pk, slug):
    project = _project(request, project_pk)
    programme = _programme(request, slug)
    plans = list(FinancingPlan.objects.visible_to(request.user).filter(project=project))
    form = AddToPlanForm(request.POST, plans=plans, slug=slug)
    if not form.is_valid():
        messages.error(request, "Choisissez un plan du projet et un montant valide.")
        return redirect("funding_programmes:project_matching", project_pk=project.pk)
    plan = next(plan for plan in plans if plan.pk == form.cleaned_data["plan"])
    require_perm(request.user, "financing.change_plan", plan)
    try:
        draft, message = services.programme_add_to_plan(
            programme=programme, financing_plan=plan, amount=form.cleaned_data["amount"], by=request.user
        )
    except services.FundingError as error:
        messages.error(request, str(error))
        return redirect("funding_programmes:project_matching", project_pk=project.pk)
    messages.success(request, message)
    return redirect("financing:version_detail", project_pk=project.pk, plan_pk=plan.pk, number=draft.number)
