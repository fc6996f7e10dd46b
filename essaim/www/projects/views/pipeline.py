from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.common.exports import csv_response, xlsx_response
from essaim.common.search import Fold, folded_contains
from essaim.funding_applications.models import FundingApplication
from essaim.projects import services, workflow
from essaim.projects.enums import PartnerStatus, ProjectStage
from essaim.projects.models import Project
from essaim.territories.models import Commune
from essaim.www.jobs.exports import large_export_deferred
from essaim.www.permissions import has_perm, require_perm
from essaim.www.projects.exports import PROJECT_COLUMNS
from essaim.www.projects.forms import ProjectFilterForm, ProjectForm, ProjectTransitionForm
from essaim.www.projects.views.common import get_project as _get_project

PAGE_SIZE = 50
PARTNER_CHOICES_LIMIT = 200


def pipeline_queryset(user, form, *, now=None):
    """The projects of the pipeline list for ``user``, filtered by ``form`` (page and exports alike).

    The dossier filters (funder, dossier state) look only at the dossiers the user may see, so that
    a filter never reveals a dossier that its visibility rule hides.
    """
    projects = (
        Project.objects.visible_to(user)
        .with_timing(now=now)
        .select_related("holder", "commune__department", "commune__epci")
        .prefetch_related("trade_lines__trade")
    )
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            projects = projects.filter(
                folded_contains("name", q) | folded_contains("holder__name", q) | folded_contains("commune__name", q)
            )
        if stage := form.cleaned_data["stage"]:
            projects = projects.filter(stage=stage)
        if trade := form.cleaned_data["trade"]:
            projects = projects.filter(trade_lines__trade=trade)
        if department := form.cleaned_data["department"]:
            projects = projects.filter(commune__department=department)
        if form.cleaned_data["late"]:
            projects = projects.late()
        funder, application_state = form.cleaned_data["funder"], form.cleaned_data["application_state"]
        if funder or application_state:
            applications = FundingApplication.objects.visible_to(user)
            if funder:
                applications = applications.filter(funder=funder)
            if application_state:
                applications = applications.filter(state=application_state)
            projects = projects.filter(pk__in=applications.values("project_id"))
    return projects.order_by(Fold("name"), "name", "pk")


@require_GET
def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    page = Paginator(pipeline_queryset(request.user, form), PAGE_SIZE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "projects/list.html",
        {
            "form": form,
            "page": page,
            "can_create": has_perm(request.user, "projects.add_project"),
            "export_query": filters.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def project_export(request, fmt):
    """The pipeline list as shown (same filters, every page), as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    projects = pipeline_queryset(request.user, ProjectFilterForm(request.GET or None)).prefetch_related(
        Prefetch(
            "funding_applications",
            queryset=FundingApplication.objects.visible_to(request.user)
            .select_related("funder", "programme")
            .order_by("created_at"),
            to_attr="visible_applications",
        )
    )
    # At national size the file is prepared by a background job (POST from the page this answers).
    if deferred := large_export_deferred(request, projects, url_name="projects:project_export", kwargs={"fmt": fmt}):
        return deferred
    if fmt == "csv":
        return csv_response(projects, PROJECT_COLUMNS, filename_stem="projets-ecoles-de-production")
    return xlsx_response(projects, PROJECT_COLUMNS, filename_stem="projets-ecoles-de-production", title="Projets")


def _stage_steps(project, timeline):
    """The stepper of the project page: each stage of the sequence, done / current / to come, with
    the time it took (from the timeline) and the time it is expected to take."""
    entered = {}
    for move in timeline:
        entered[move.to_stage] = move.effective_date
    reached = {move.to_stage for move in timeline} | {project.stage}
    current_index = workflow.SEQUENCE.index(project.stage) if project.stage in workflow.SEQUENCE else None
    steps = []
    for index, stage in enumerate(workflow.SEQUENCE):
        if current_index is not None:
            state = "done" if index < current_index else "current" if index == current_index else "todo"
        else:
            state = "done" if stage in reached else "todo"
        expected = workflow.STAGE_DURATIONS.get(stage)
        steps.append(
            {
                "value": stage,
                "label": ProjectStage(stage).label,
                "state": state,
                "entered_at": entered.get(stage),
                "expected_months": expected.months if expected else None,
            }
        )
    return steps


def _detail_context(request, project, *, transition_form=None, now=None):
    now = now or timezone.now()
    # The timeline in the order things truly happened (dates d'effet), then as they were recorded.
    timeline = list(project.transitions.select_related("by", "organization").order_by("effective_date", "at", "pk"))
    entered_on = timeline[-1].effective_date if timeline else timezone.localtime(project.created_at).date()
    transitions = workflow.allowed_transitions(request.user, project)
    expected = workflow.STAGE_DURATIONS.get(project.stage)
    partners = list(project.partners.select_related("organization__commune").order_by("role", "organization__name"))
    return {
        "project": project,
        "trade_lines": project.trade_lines.select_related("trade").order_by("trade__name"),
        "commune": Commune.objects.select_related("epci", "department", "employment_zone").get(pk=project.commune_id),
        "can_change": has_perm(request.user, "projects.change_project", project),
        "history": project.history.select_related("history_user").order_by("-history_date")[:10],
        "timeline": list(reversed(timeline)),
        "stage_entered_on": entered_on,
        "stage_months": workflow.months_between(entered_on, workflow.local_today(now)),
        "stage_expected_months": expected.months if expected else None,
        "late_reasons": project.late_reasons(entered_on=entered_on, now=now),
        "steps": _stage_steps(project, timeline),
        "transitions": transitions,
        "transition_form": transition_form
        or (ProjectTransitionForm(transitions=transitions, prefix="move") if transitions else None),
        "partners": partners,
        "partner_counts": {status: sum(p.status == status for p in partners) for status in PartnerStatus.values},
        "can_manage_partners": has_perm(request.user, "projects.manage_partners", project),
        "applications": FundingApplication.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("funder")
        .order_by("-created_at"),
        "can_create_application": has_perm(request.user, "funding_applications.add_application")
        and has_perm(request.user, "projects.change_project", project),
    }


@require_GET
def project_detail(request, pk):
    project = _get_project(request, pk)
    return render(request, "projects/detail.html", _detail_context(request, project))


@require_POST
def project_transition(request, pk):
    """Move the project to another stage (workflow.TRANSITIONS says which moves and who)."""
    project = _get_project(request, pk)
    transitions = workflow.allowed_transitions(request.user, project)
    declared = workflow.find_transition(project.stage, request.POST.get("move-to_stage", ""))
    if not transitions or (declared is not None and declared not in transitions):
        raise PermissionDenied
    form = ProjectTransitionForm(request.POST, transitions=transitions, prefix="move")
    if form.is_valid():
        try:
            move = services.project_transition(
                project=project,
                to_stage=form.cleaned_data["to_stage"],
                by=request.user,
                comment=form.cleaned_data["comment"],
                effective_date=form.cleaned_data.get("effective_date"),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, f"Le projet est passé à l'étape « {move.get_to_stage_display()} ».")
            return redirect("projects:project_detail", pk=project.pk)
    context = _detail_context(request, project, transition_form=form)
    return render(request, "projects/detail.html", context, status=200)


def _communes_datalist():
    return Commune.objects.order_by("-population").values_list("code", "name")[:400]


@require_http_methods(["GET", "POST"])
def project_create(request):
    require_perm(request.user, "projects.add_project")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                holder=request.current_organization,
                name=form.cleaned_data["name"],
                commune=form.cleaned_data["commune"],
                trades=form.cleaned_data["trades"],
                places_per_trade=form.cleaned_data["places_per_trade"],
                target_opening_date=form.cleaned_data["target_opening_date"],
                description=form.cleaned_data["description"],
                created_by=request.user,
                started_on=form.cleaned_data.get("started_on"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Le projet a été créé.")
            return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/form.html", {"form": form, "communes": _communes_datalist()})


@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = _get_project(request, pk)
    require_perm(request.user, "projects.change_project", project)
    lines = list(project.trade_lines.all())
    initial = {"trades": [line.trade_id for line in lines], "places_per_trade": lines[0].places if lines else 12}
    form = ProjectForm(request.POST or None, instance=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.project_update(
            project=project,
            name=form.cleaned_data["name"],
            commune=form.cleaned_data["commune"],
            trades=form.cleaned_data["trades"],
            places_per_trade=form.cleaned_data["places_per_trade"],
            target_opening_date=form.cleaned_data["target_opening_date"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, "Le projet a été mis à jour.")
        return redirect("projects:project_detail", pk=project.pk)
    return render(request, "projects/form.html", {"form": form, "project": project, "communes": _communes_datalist()})
