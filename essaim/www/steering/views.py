"""The steering dashboard (« Pilotage »), the steering-committee report and the objectives' forms."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.common.exports import XLSX_CONTENT_TYPE
from essaim.steering import reports, services
from essaim.steering.models import Objective
from essaim.steering.selectors import REGION_SCOPE, department_scope, epci_scope, fixed_scope_for, steering_overview
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm
from essaim.www.steering.forms import ObjectiveForm, ScopeForm


def _scope_and_date(request):
    """The scope (région, a département, an EPCI, or a collectivité's own territory) and the date asked for."""
    fixed = fixed_scope_for(request.user)
    form = ScopeForm(request.GET or None, fixed_scope=fixed)
    scope, on = fixed or REGION_SCOPE, timezone.localdate()
    if form.is_bound and form.is_valid():
        if fixed is None and form.cleaned_data.get("departement"):
            scope = department_scope(form.cleaned_data["departement"])
        elif fixed is None and form.cleaned_data.get("epci"):
            scope = epci_scope(form.cleaned_data["epci"])
        on = form.cleaned_data["date"] or on
    return form, scope, on


def _overview(request):
    require_perm(request.user, "steering.view_dashboard")
    form, scope, on = _scope_and_date(request)
    return form, steering_overview(user=request.user, scope=scope, on=on)


@require_GET
def dashboard(request):
    form, overview = _overview(request)
    query = request.GET.copy()
    return render(
        request,
        "steering/dashboard.html",
        {
            "form": form,
            "overview": overview,
            "extraction": reports.extraction_label(overview),
            "report_query": query.urlencode(),
            "can_manage_objectives": has_perm(request.user, "steering.manage_objectives"),
            **reports.chart_context(overview),
        },
    )


def _filename(overview, extension: str) -> str:
    territory = overview.scope.department_code or overview.scope.kind
    if overview.scope.kind == "epci" and overview.scope.epci_id is not None:
        territory = f"epci-{overview.scope.epci_id}"
    return f"rapport-comite-de-pilotage-{territory}-{overview.on:%Y-%m-%d}.{extension}"


@require_GET
def report_pdf(request):
    _, overview = _overview(request)
    response = HttpResponse(reports.report_pdf(overview), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(overview, "pdf")}"'
    return response


@require_GET
def report_xlsx(request):
    _, overview = _overview(request)
    response = HttpResponse(reports.report_workbook(overview), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(overview, "xlsx")}"'
    return response


def _objective_form_page(request, form, objective=None):
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.objective_save(objective=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Objectif « {saved.label} » enregistré.")
            return redirect("steering:dashboard")
    return render(request, "steering/objective_form.html", {"form": form, "objective": objective})


@require_http_methods(["GET", "POST"])
def objective_create(request):
    require_perm(request.user, "steering.manage_objectives")
    form = ObjectiveForm(request.POST or None)
    return _objective_form_page(request, form)


@require_http_methods(["GET", "POST"])
def objective_edit(request, pk):
    objective = get_visible_or_404(Objective, request.user, pk=pk)
    require_perm(request.user, "steering.manage_objectives")
    form = ObjectiveForm(request.POST or None, instance=objective)
    return _objective_form_page(request, form, objective)


@require_POST
def objective_delete(request, pk):
    objective = get_visible_or_404(Objective, request.user, pk=pk)
    require_perm(request.user, "steering.manage_objectives")
    label = objective.label
    services.objective_delete(objective=objective)
    messages.success(request, f"Objectif « {label} » supprimé.")
    return redirect("steering:dashboard")
