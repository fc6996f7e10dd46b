"""The steering dashboard (« Pilotage »), the steering-committee report and the objectives' forms."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.common.exports import XLSX_CONTENT_TYPE
from essaim.jobs.models import Job
from essaim.jobs.services import job_submit
from essaim.steering import archive, charts, reports, services
from essaim.steering import jobs as report_jobs
from essaim.steering.models import IssuedReport, Objective
from essaim.steering.selectors import (
    REGION_SCOPE,
    department_scope,
    end_of_day,
    epci_scope,
    fixed_scope_for,
    steering_overview,
)
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
    subject = report_jobs.report_subject(report_jobs.report_parameters(scope=overview.scope, on=overview.on))
    # The latest report job of each format for this scope and date (one query): it survives a reload.
    latest = {}
    for job in Job.objects.visible_to(request.user).filter(kind__in=REPORT_KINDS.values(), subject=subject)[:20]:
        latest.setdefault(job.kind, job)
    report_jobs_shown = [latest[kind] for kind in REPORT_KINDS.values() if kind in latest]
    bounded = _bounded_parts(request, overview)
    return render(
        request,
        "steering/dashboard.html",
        {
            **bounded,
            "form": form,
            "overview": overview,
            "extraction": reports.extraction_label(overview),
            "report_query": query.urlencode(),
            "report_jobs": report_jobs_shown,
            "can_manage_objectives": has_perm(request.user, "steering.manage_objectives"),
            **reports.chart_context(overview, timeline=False),
            "timeline_svg": charts.timeline_chart(bounded["page"].object_list, until=end_of_day(overview.on)),
        },
    )


FRIEZE_PAGE_SIZE = 25


def _bounded_parts(request, overview) -> dict:
    """What grows with the programme is paginated or summarised: the frieze and its table by pages of 25
    projects (only the page's projects are read), the map's table and the schools' activity table
    summarised (first rows, then « … et N autres »): the page stays the same size at national scale."""
    page = Paginator(overview.projects, FRIEZE_PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "project_lines": page.object_list, **reports.summaries(overview)}


REPORT_KINDS = {"pdf": "steering.report_pdf", "xlsx": "steering.report_xlsx"}


def _start_report(request, fmt: str):
    """The report is built by a background job (at national size the PDF takes longer than a request may):
    back on the dashboard, its progress shows, then its file."""
    require_perm(request.user, "steering.view_dashboard")
    form, scope, on = _scope_and_date(request)
    parameters = report_jobs.report_parameters(scope=scope, on=on)
    try:
        job_submit(
            kind=REPORT_KINDS[fmt],
            parameters=parameters,
            user=request.user,
            organization=request.current_organization,
            subject=report_jobs.report_subject(parameters),
            origin_url=request.get_full_path().replace(request.path, reverse("steering:dashboard"), 1),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    query = request.GET.urlencode()
    return redirect(f"{reverse('steering:dashboard')}{'?' + query if query else ''}#rapports")


@require_POST
def report_pdf(request):
    return _start_report(request, "pdf")


@require_POST
def report_xlsx(request):
    return _start_report(request, "xlsx")


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


# --- Issued reports (archived as issued, issue #15) ----------------------------------------------------

ISSUED_PAGE_SIZE = 50


@require_GET
def issued_report_list(request):
    """The steering-committee reports issued so far, newest first (pages of 50)."""
    require_perm(request.user, "steering.view_issued_reports")
    reports_qs = IssuedReport.objects.visible_to(request.user).select_related("issued_by", "issued_for")
    page = Paginator(reports_qs, ISSUED_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "steering/issued_list.html", {"page": page})


def _issued(request, pk) -> IssuedReport:
    report = get_visible_or_404(IssuedReport, request.user, pk=pk)
    require_perm(request.user, "steering.view_issued_report", report)
    return report


@require_GET
def issued_report_detail(request, pk):
    """An issued report: what it showed, and what has been corrected since (the same report regenerated
    now at the same date and scope, from the effective dates)."""
    report = _issued(request, pk)
    fixed = fixed_scope_for(request.user)
    if fixed is not None:
        scope = fixed
    elif report.department_id:
        scope = department_scope(report.department)
    elif report.epci_id:
        scope = epci_scope(report.epci)
    else:
        scope = REGION_SCOPE
    overview = steering_overview(user=request.user, scope=scope, on=report.on)
    return render(
        request,
        "steering/issued_detail.html",
        {"report": report, "corrections": archive.corrections(report, overview), "figures": report.figures},
    )


@require_GET
def issued_report_download(request, pk):
    """The file exactly as issued (its SHA-256 is shown on the report's page)."""
    report = _issued(request, pk)
    content_type = "application/pdf" if report.format == IssuedReport.Format.PDF else XLSX_CONTENT_TYPE
    with report.file.open("rb") as stored:
        content = stored.read()
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
