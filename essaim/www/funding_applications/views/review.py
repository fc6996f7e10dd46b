"""The review of a dossier: messages, private notes, experts' opinions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.common.security import accepts_uploads
from essaim.funding_applications import services
from essaim.funding_applications.models import ExpertOpinionRequest, FundingApplication
from essaim.www.funding_applications.forms import ExpertAnswerForm, ExpertRequestForm, MessageForm, NoteForm
from essaim.www.funding_applications.views.common import _attachment, _back, _error
from essaim.www.funding_applications.views.dossiers import _detail_context
from essaim.www.permissions import get_visible_or_404, require_perm


@require_POST
def message_create(request, pk):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    require_perm(request.user, "funding_applications.post_message", application)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.funding_application_message_post(
                application=application, body=form.cleaned_data["body"], by=request.user
            )
        except services.ApplicationError as error:
            _error(request, error)
    else:
        messages.error(request, "Le message est vide.")
    if request.htmx:
        return render(request, "funding_applications/_thread.html", _detail_context(request, application))
    return _back(application, "#messages")


@require_POST
def note_create(request, pk):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    require_perm(request.user, "funding_applications.add_private_note", application)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.funding_application_note_add(application=application, body=form.cleaned_data["body"], by=request.user)
        messages.success(request, "La note privée a été enregistrée.")
    else:
        messages.error(request, "La note est vide.")
    return _back(application, "#notes")


@require_POST
def expert_request_create(request, pk):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    require_perm(request.user, "funding_applications.request_expert_opinion", application)
    form = ExpertRequestForm(request.POST)
    if form.is_valid():
        try:
            expert_request = services.funding_application_expert_request(
                application=application, by=request.user, **form.cleaned_data
            )
        except services.ApplicationError as error:
            _error(request, error)
        else:
            messages.success(request, f"La demande d'avis a été envoyée à {expert_request.expert.email}.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _back(application, "#experts")


@require_POST
def expert_request_revoke(request, pk, request_id):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    expert_request = get_object_or_404(application.expert_requests, pk=request_id)
    require_perm(request.user, "funding_applications.manage_expert_requests", application)
    try:
        services.funding_application_expert_revoke(expert_request=expert_request, by=request.user)
    except services.ApplicationError as error:
        _error(request, error)
    else:
        messages.success(request, "La demande d'avis a été retirée ; l'expert n'a plus accès au dossier.")
    return _back(application, "#experts")


@accepts_uploads(megabytes=21)  # an optional document of 20 Mo at most
@require_http_methods(["GET", "POST"])
def expert_answer(request, pk, request_id):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    expert_request = get_object_or_404(ExpertOpinionRequest, pk=request_id, application=application)
    # Only the expert asked, while the request is open (anyone else who sees the dossier: 403).
    require_perm(request.user, "funding_applications.answer_expert_request", expert_request)
    form = ExpertAnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.funding_application_expert_answer(
                expert_request=expert_request,
                answer=form.cleaned_data["answer"],
                uploaded_file=form.cleaned_data["document"],
                by=request.user,
            )
        except (services.ApplicationError, ValidationError) as error:
            _error(request, error)
        else:
            messages.success(
                request, "Merci : votre avis a été transmis. Votre accès à ce dossier est maintenant clos."
            )
            return redirect("dashboard:home")
    return render(
        request,
        "funding_applications/expert_answer.html",
        {"application": application, "expert_request": expert_request, "form": form},
    )


@require_GET
def expert_document_download(request, pk, request_id):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    require_perm(request.user, "funding_applications.view_expert_requests", application)
    expert_request = get_object_or_404(application.expert_requests, pk=request_id)
    if not expert_request.answer_document:
        raise Http404
    return _attachment(
        expert_request.answer_document,
        expert_request.answer_document_name or "avis.pdf",
        "application/octet-stream",
    )
