"""The funder's desk (issue 17): the queues « Mes dossiers » and « À traiter » of the funder's staff, with
each dossier's due date (late ones flagged), actions on a selection (assign, acknowledge, export), the
assignment of one dossier, and the signature of the convention with its signed PDF.

Every action on a selection goes, dossier by dossier, through the same rule and service as the single
action (each in its own transaction); what fails is reported per dossier, in French."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from essaim.common.exports import csv_response, xlsx_response
from essaim.common.security import accepts_uploads
from essaim.funding_applications import deadlines, services
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.errors import ApplicationError, ApplicationPermissionError
from essaim.funding_applications.models import FundingApplication
from essaim.funding_applications.permissions import is_application_funder
from essaim.funding_applications.workflow import TRANSITIONS_BY_NAME
from essaim.organizations.permissions import current_organization, has_write_role
from essaim.www.funding_applications.exports import APPLICATION_COLUMNS, export_queryset
from essaim.www.funding_applications.forms import AssignForm, BatchForm
from essaim.www.funding_applications.views.common import _attachment, _back, _error, _run_transition
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm

PAGE_SIZE = 50

# The states in which a dossier waits for the funder (« À traiter ») and those an instructor follows
# (« Mes dossiers »: also while the holder completes it).
FUNDER_TODO_STATES = (S.DEPOSITED, S.IN_REVIEW, S.GRANTED)
INSTRUCTOR_STATES = (S.DEPOSITED, S.IN_REVIEW, S.COMPLETION_REQUESTED, S.GRANTED)

QUEUES = {
    "mes-dossiers": (
        "Mes dossiers",
        "Les dossiers qui vous sont attribués et ne sont pas encore conventionnés, clos ou retirés.",
    ),
    "a-traiter": (
        "À traiter",
        "Les dossiers adressés à votre organisation qui attendent son action : prise en instruction, décision, "
        "signature de la convention.",
    ),
}
NOT_FOUND = "Dossier n° {pk} : introuvable parmi les dossiers que vous voyez."
SELECTION_EMPTY = "Aucun des dossiers cochés n'a pu être traité."


def queue_applications(user, organization, queue):
    """The dossiers of one queue of the funder's desk, oldest step first, with their due-date data."""
    applications = (
        FundingApplication.objects.visible_to(user)
        .filter(funder=organization)
        .with_list_data()
        .select_related("assigned_to")
    )
    if queue == "mes-dossiers":
        applications = applications.filter(assigned_to=user, state__in=INSTRUCTOR_STATES)
    else:
        applications = applications.filter(state__in=FUNDER_TODO_STATES)
    return deadlines.with_state_since(applications).order_by("state_since", "pk")


@require_GET
def desk_queue(request, queue):
    if queue not in QUEUES:
        raise Http404
    require_perm(request.user, "funding_applications.view_desk")
    organization = current_organization(request.user)
    title, description = QUEUES[queue]
    page = Paginator(queue_applications(request.user, organization, queue), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(application, deadlines.application_due(application)) for application in page]
    can_act = has_perm(request.user, "funding_applications.use_desk_actions")
    return render(
        request,
        "funding_applications/desk.html",
        {
            "title": title,
            "description": description,
            "queue": queue,
            "queues": [(slug, label) for slug, (label, _) in QUEUES.items()],
            "page": page,
            "rows": rows,
            "late_count": sum(1 for _, due in rows if due and due.late),
            "can_act": can_act,
            "batch_form": BatchForm(funder=organization) if can_act else None,
        },
    )


def _next_url(request, default):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _report(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label} : {error}" if label else error)


@require_POST
def desk_batch(request):
    """Assign, acknowledge or export the ticked dossiers. Each dossier goes through its single action's
    rule and service (its own transaction); failures are reported per dossier. Nothing allowed on any
    of them: 403 if the user sees one of them, else 404."""
    require_perm(request.user, "funding_applications.view_desk")
    organization = current_organization(request.user)
    back = _next_url(request, reverse("funding_applications:desk", kwargs={"queue": "a-traiter"}))
    form = BatchForm(request.POST, funder=organization)
    form.is_valid()
    if {"action", "selection"} & set(form.errors):
        _report(request, form)
        return redirect(back)
    action, selection = form.cleaned_data["action"], form.cleaned_data["selection"]
    visible = {a.pk: a for a in FundingApplication.objects.visible_to(request.user).filter(pk__in=selection)}
    if not visible:
        raise Http404
    if action in ("export_csv", "export_xlsx"):
        rows = export_queryset(FundingApplication.objects.visible_to(request.user).filter(pk__in=list(visible)))
        stem = "dossiers-selectionnes"
        if action == "export_csv":
            return csv_response(rows, APPLICATION_COLUMNS, filename_stem=stem)
        return xlsx_response(rows, APPLICATION_COLUMNS, filename_stem=stem, title="Dossiers")
    require_perm(request.user, "funding_applications.use_desk_actions")
    # The funder's writers act on its dossiers; one who may act on none of those ticked is refused (403),
    # whatever else the form says. Each dossier's exact rule (state…) is its service's.
    if not any((is_application_funder & has_write_role).test(request.user, a) for a in visible.values()):
        raise PermissionDenied
    if form.errors:
        _report(request, form)
        return redirect(back)
    assignee = form.cleaned_data.get("assignee")
    done, failures = [], []
    for pk in dict.fromkeys(selection):
        application = visible.get(pk)
        if application is None:
            failures.append(NOT_FOUND.format(pk=pk))
            continue
        try:
            if action == "assign":
                services.funding_application_assign(application=application, assignee=assignee, by=request.user)
            else:
                services.funding_application_transition(application=application, by=request.user, name="start_review")
        except (ApplicationError, ApplicationPermissionError, ValidationError) as error:
            text = " ".join(getattr(error, "messages", None) or [str(error)])
            failures.append(f"{application.reference} : {text}")
        else:
            done.append(application.reference)
    if done:
        verb = "attribué" if action == "assign" else "pris en instruction (accusé de réception envoyé)"
        plural = "s" if len(done) > 1 else ""
        messages.success(
            request, f"{len(done)} dossier{plural} {verb}{plural if action == 'assign' else ''} : {', '.join(done)}."
        )
    if failures:
        messages.error(request, SELECTION_EMPTY if not done else "Certains dossiers n'ont pas été traités.")
        for failure in failures:
            messages.error(request, failure)
    return redirect(back)


@require_POST
def application_assign(request, pk):
    """Assign (or reassign) one dossier to an instructor of the funder."""
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    require_perm(request.user, "funding_applications.assign_application", application)
    form = AssignForm(request.POST, funder=application.funder)
    if form.is_valid():
        try:
            event = services.funding_application_assign(
                application=application, assignee=form.cleaned_data["assignee"], by=request.user
            )
        except ApplicationError as error:
            _error(request, error)
        else:
            messages.success(request, event.text)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"Instructeur : {error}")
    return _back(application, "#instruction")


@accepts_uploads(megabytes=21)  # the signed convention, 20 Mo at most (funding_applications.documents.MAX_SIZE)
@require_POST
def convention_sign(request, pk):
    """Record the signature of the convention: its signed PDF and the date read from it (the date d'effet of
    « convention signée »)."""
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    transition = TRANSITIONS_BY_NAME["sign_convention"]
    require_perm(request.user, transition.permission, application)
    return _run_transition(request, application, transition)


@require_GET
def convention_download(request, pk):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    if not application.convention_document:
        raise Http404
    return _attachment(
        application.convention_document,
        application.convention_document_name or f"convention-signee-{application.reference}.pdf",
        "application/pdf",
    )
