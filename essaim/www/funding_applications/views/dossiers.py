"""The dossiers' list (and the home page's « à instruire » section), creation, the dossier page, its
workflow actions and disbursements."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.common.exports import csv_response, xlsx_response
from essaim.common.forms import key_or_none
from essaim.funding_applications import deadlines, schedule, services
from essaim.funding_applications.enums import FUNDER_KINDS, ApplicationState, ExpertRequestStatus
from essaim.funding_applications.figures import (
    amount_excesses,
    frozen_plan_figures,
    open_duplicates,
    previous_submitted_version,
)
from essaim.funding_applications.models import ExpertConsultation, FundingApplication, RequiredDocumentKind
from essaim.funding_applications.workflow import (
    DECISION_TRANSITIONS,
    TRANSITIONS_BY_NAME,
    available_transitions,
    checked_conditions,
)
from essaim.organizations.enums import OrganizationKind
from essaim.www.dashboard.sections import SECTION_LIMIT, HomeSection, register_section_provider
from essaim.www.funding_applications.exports import APPLICATION_COLUMNS, export_queryset
from essaim.www.funding_applications.forms import (
    ApplicationCreateForm,
    ApplicationFilterForm,
    AssignForm,
    DisbursementForm,
    DocumentUploadForm,
    ExpertRequestForm,
    MessageForm,
    NoteForm,
    ScheduleForm,
    TransitionForm,
)
from essaim.www.funding_applications.views.common import _back, _error, _run_transition, _visible_application
from essaim.www.jobs.exports import large_export_deferred
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm

PAGE_SIZE = 50
DUPLICATE_WARNING = (
    "Attention : le dossier {reference} du même projet auprès du même financeur est encore ouvert ({state})."
)


S = ApplicationState


# Per kind of organisation: the list's title and the states in which the dossier awaits its action.
LIST_SECTIONS = {
    OrganizationKind.PROJECT_HOLDER: ("Mes dossiers", [S.DRAFT, S.COMPLETION_REQUESTED]),
    OrganizationKind.FEDERATION: ("À valider", [S.SUBMITTED_TO_FNEP, S.FNEP_VALIDATED]),
    OrganizationKind.BANQUE_DES_TERRITOIRES: ("À instruire", [S.DEPOSITED, S.IN_REVIEW, S.GRANTED]),
    OrganizationKind.OTHER_FUNDER: ("À instruire", [S.DEPOSITED, S.IN_REVIEW, S.GRANTED]),
    OrganizationKind.REGION: ("Dossiers de financement", [S.DEPOSITED, S.IN_REVIEW, S.GRANTED]),
    OrganizationKind.COLLECTIVITE: ("Dossiers de financement", [S.DEPOSITED, S.IN_REVIEW, S.GRANTED]),
}


def todo_applications(applications, organization, todo_states):
    """The dossiers awaiting the acting organisation: in its « to do » states and, for a funder,
    addressed to it (the list page and the home page show the same ones)."""
    todo = applications.filter(state__in=todo_states)
    if organization.kind in FUNDER_KINDS and organization.kind != OrganizationKind.PROJECT_HOLDER:
        todo = todo.filter(funder=organization)
    return todo


@register_section_provider
def application_home_sections(request):
    """Home page: the dossiers that wait for the acting organisation (« à valider » for FNEP,
    « à instruire » for a funder, the holder's drafts and dossiers to complete)."""
    organization = request.current_organization
    if organization is None or organization.kind not in LIST_SECTIONS:
        return []
    title, todo_states = LIST_SECTIONS[organization.kind]
    todo = todo_applications(
        FundingApplication.objects.visible_to(request.user).with_list_data().as_list_rows(),
        organization,
        todo_states,
    )
    return [
        HomeSection(
            key="dossiers",
            title=f"Dossiers — {title.lower()}",
            template="funding_applications/_home_section.html",
            more_url=reverse("funding_applications:list"),
            extra={"applications": list(todo[:SECTION_LIMIT])},
            empty_text="Aucun dossier en attente.",
        )
    ]


@require_GET
def application_list(request):
    organization = request.current_organization
    title, todo_states = LIST_SECTIONS.get(organization.kind if organization else None, ("Dossiers de financement", []))
    form = ApplicationFilterForm(request.GET or None)
    applications = _filtered(request, form).as_list_rows()
    # « En attente de votre action »: the first SECTION_LIMIT, like the home page's section; one more row is read
    # to know whether others wait (no count query), and the page then says where to find them all.
    todo = list(todo_applications(applications, organization, todo_states)[: SECTION_LIMIT + 1]) if todo_states else []
    todo_more = len(todo) > SECTION_LIMIT
    todo = todo[:SECTION_LIMIT]
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "funding_applications/list.html",
        {
            "title": title,
            "form": form,
            "todo": todo,
            "todo_more": todo_more,
            "page": page,
            "can_create": has_perm(request.user, "funding_applications.add_application"),
            "can_view_desk": has_perm(request.user, "funding_applications.view_desk"),
            "export_query": request.GET.copy().urlencode() if form.is_valid() else "",
        },
    )


def _filtered(request, form):
    """The dossiers the user sees, filtered by the list's form (the page and its exports alike)."""
    applications = FundingApplication.objects.visible_to(request.user).with_list_data()
    if form.is_valid():
        if state := form.cleaned_data["state"]:
            applications = applications.filter(state=state)
        if funder := form.cleaned_data["funder"]:
            applications = applications.filter(funder=funder)
        if department := form.cleaned_data["department"]:
            applications = applications.filter(project__commune__department=department)
    return applications


@require_http_methods(["GET", "POST"])
def application_export(request, fmt):
    """The dossiers' list as filtered (every page), as CSV or XLSX, with funder, programme, state, dates
    and amounts asked, granted, planned and paid."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    applications = _filtered(request, ApplicationFilterForm(request.GET or None))
    # At national size the file is prepared by a background job (POST from the page this answers).
    if deferred := large_export_deferred(
        request, applications, url_name="funding_applications:export", kwargs={"fmt": fmt}
    ):
        return deferred
    rows = export_queryset(applications)
    if fmt == "csv":
        return csv_response(rows, APPLICATION_COLUMNS, filename_stem="dossiers-de-financement")
    return xlsx_response(rows, APPLICATION_COLUMNS, filename_stem="dossiers-de-financement", title="Dossiers")


@require_http_methods(["GET", "POST"])
def application_create(request):
    require_perm(request.user, "funding_applications.add_application")
    initial = {}
    if project_id := request.GET.get("projet"):
        initial["project"] = project_id
    form = ApplicationCreateForm(request.POST or None, user=request.user, initial=initial)
    posted_project = request.POST.get("project")
    projects = form.fields["project"].queryset
    if posted_project and not projects.filter(pk=key_or_none(projects.model, posted_project)).exists():
        raise Http404  # another organisation's project: not found, as everywhere
    if request.method == "POST" and form.is_valid():
        try:
            application = services.funding_application_create(by=request.user, **form.cleaned_data)
        except services.ApplicationError as error:
            if error.field in form.fields:
                form.add_error(error.field, str(error))
            else:
                _error(request, error)
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(request, "Le dossier a été créé en brouillon : joignez les pièces puis soumettez-le.")
            for duplicate in open_duplicates(
                project=application.project, funder=application.funder, exclude_pk=application.pk
            ):
                messages.warning(
                    request,
                    DUPLICATE_WARNING.format(
                        reference=duplicate.reference, state=duplicate.get_state_display().lower()
                    ),
                )
            return _back(application)
    return render(request, "funding_applications/create.html", {"form": form})


def _detail_context(request, application):
    user = request.user
    can_view_notes = has_perm(user, "funding_applications.view_private_notes", application)
    can_view_messages = has_perm(user, "funding_applications.view_messages", application)
    can_view_experts = has_perm(user, "funding_applications.view_expert_requests", application)
    transitions = available_transitions(user, application)
    documents = list(application.documents.select_related("kind", "uploaded_by"))
    present_kinds = {document.kind_id for document in documents}
    kinds = list(RequiredDocumentKind.objects.all())
    checklist = [
        {"kind": kind, "required": kind.is_required_for(application.funder.kind), "present": kind.pk in present_kinds}
        for kind in kinds
    ]
    open_expert_request = application.expert_requests.filter(expert=user, status=ExpertRequestStatus.OPEN).first()
    version = application.plan_version
    duplicates = list(
        open_duplicates(project=application.project, funder=application.funder, exclude_pk=application.pk)
    )
    figures = frozen_plan_figures(version.content, application.funder)
    excesses = amount_excesses(
        application.requested_amount,
        content=version.content,
        funder=application.funder,
        programme=application.programme,
        figures=figures,
    )
    timeline = list(application.transitions.select_related("by", "acting_organization"))
    planned_tranches = list(application.planned_tranches.all())  # the schedule's table and its form's initial text
    can_assign = has_perm(user, "funding_applications.assign_application", application)
    return {
        "due": deadlines.due_for(application.state, timeline[-1].effective_date if timeline else None),
        "can_assign": can_assign,
        "assign_form": AssignForm(initial={"assignee": application.assigned_to_id}, funder=application.funder)
        if can_assign
        else None,
        # Assignments and reminders name the funder's instructors and the experts: the reviewers' side only.
        "events": application.events.select_related("by") if can_view_notes else [],
        "checked_conditions": checked_conditions(application, timeline),
        "decision_letters": application.decision_letters.all(),
        "can_edit_letter_templates": has_perm(user, "funding_applications.edit_letter_templates"),
        "duplicates": duplicates,
        "excesses": excesses,
        "corrections": application.corrections.select_related(
            "requested_by", "requested_by_organization", "answered_by"
        ),
        "can_delete_draft": has_perm(user, "funding_applications.delete_draft", application),
        "application": application,
        "version": version,
        "figures": figures,
        "previous_version": previous_submitted_version(version),
        "can_view_project": has_perm(user, "projects.view_project", application.project),
        "timeline": timeline,
        "documents": documents,
        "checklist": checklist,
        "can_change_documents": has_perm(user, "funding_applications.change_documents", application),
        "upload_form": DocumentUploadForm(),
        "can_view_messages": can_view_messages,
        "thread": application.messages.select_related("author", "author_organization") if can_view_messages else [],
        "can_post_message": has_perm(user, "funding_applications.post_message", application),
        "message_form": MessageForm(),
        "can_view_notes": can_view_notes,
        "notes": application.review_notes.select_related("author", "author_organization") if can_view_notes else [],
        "can_add_note": has_perm(user, "funding_applications.add_private_note", application),
        "note_form": NoteForm(),
        "can_view_experts": can_view_experts,
        "expert_requests": application.expert_requests.select_related("expert", "requested_by")
        if can_view_experts
        else [],
        "can_request_expert": has_perm(user, "funding_applications.request_expert_opinion", application),
        "can_manage_experts": has_perm(user, "funding_applications.manage_expert_requests", application),
        "expert_form": ExpertRequestForm(),
        "open_expert_request": open_expert_request,
        "actions": [(t, TransitionForm(transition=t)) for t in transitions if t.name not in DECISION_TRANSITIONS],
        "decisions": [(t, TransitionForm(transition=t)) for t in transitions if t.name in DECISION_TRANSITIONS],
        "disbursements": application.disbursements.all(),
        "can_record_disbursement": has_perm(user, "funding_applications.record_disbursement", application),
        "disbursement_form": DisbursementForm(),
        "planned_tranches": planned_tranches,
        "comparison": schedule.application_comparison(application),
        "can_plan_schedule": has_perm(user, "funding_applications.plan_schedule", application),
        "schedule_form": ScheduleForm(
            initial={
                "tranches": "\n".join(
                    f"{t.due_date:%d/%m/%Y} ; {t.amount} ; {t.label}".rstrip(" ;") for t in planned_tranches
                )
            }
        ),
    }


@require_GET
def application_detail(request, pk):
    application = _visible_application(
        request, pk, "project__holder", "funder", "plan_version__plan", "programme", "envelope", "assigned_to"
    )
    services.expert_consultation_log(application=application, user=request.user, page=ExpertConsultation.Page.DOSSIER)
    return render(request, "funding_applications/detail.html", _detail_context(request, application))


@require_POST
def application_transition(request, pk, action):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    transition = TRANSITIONS_BY_NAME.get(action)
    if transition is None:
        raise Http404
    return _run_transition(request, application, transition)


@require_POST
def disbursement_create(request, pk):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    require_perm(request.user, "funding_applications.record_disbursement", application)
    form = DisbursementForm(request.POST)
    if form.is_valid():
        try:
            services.funding_application_disbursement_record(
                application=application, by=request.user, **form.cleaned_data
            )
        except services.ApplicationError as error:
            _error(request, error)
        else:
            messages.success(request, "Le versement a été enregistré.")
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label} : {error}")
    return _back(application, "#versements")


@require_POST
def schedule_update(request, pk):
    """The funder replaces the dossier's payment schedule (échéancier prévisionnel)."""
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    require_perm(request.user, "funding_applications.plan_schedule", application)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.funding_application_schedule_set(
                application=application, tranches=form.cleaned_data["tranches"], by=request.user
            )
        except services.ApplicationError as error:
            _error(request, error)
        else:
            messages.success(request, "L'échéancier prévisionnel a été enregistré.")
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label} : {error}" if field in form.fields else error)
    return _back(application, "#versements")


@require_POST
def application_delete(request, pk):
    """The holder deletes its draft (never submitted): the dossier and its documents are gone."""
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    require_perm(request.user, "funding_applications.delete_draft", application)
    reference = application.reference
    try:
        services.funding_application_delete_draft(application=application, by=request.user)
    except services.ApplicationError as error:
        _error(request, error)
        return _back(application)
    messages.success(request, f"Le brouillon {reference} a été supprimé.")
    return redirect("funding_applications:list")
