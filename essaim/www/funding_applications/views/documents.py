"""A dossier's documents (upload, download, deletion) and its proof of deposit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from essaim.common.security import accepts_uploads
from essaim.funding_applications import services
from essaim.funding_applications.models import ExpertConsultation, FundingApplication
from essaim.www.funding_applications.forms import DocumentUploadForm
from essaim.www.funding_applications.views.common import _attachment, _back, _error
from essaim.www.funding_applications.views.dossiers import _detail_context
from essaim.www.permissions import get_visible_or_404, require_perm


@accepts_uploads(megabytes=21)  # documents of 20 Mo at most (funding_applications.documents.MAX_SIZE)
@require_POST
def document_upload(request, pk):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    require_perm(request.user, "funding_applications.change_documents", application)
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.funding_application_document_add(
                application=application,
                kind=form.cleaned_data["kind"],
                uploaded_file=form.cleaned_data["file"],
                by=request.user,
            )
        except (services.ApplicationError, ValidationError) as error:
            _error(request, error)
        else:
            messages.success(request, f"La pièce « {form.cleaned_data['file'].name} » a été ajoutée.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    if request.htmx:
        context = _detail_context(request, application)
        return render(request, "funding_applications/_documents.html", context)
    return _back(application, "#pieces")


@require_GET
def document_download(request, pk, document_id):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    document = get_object_or_404(application.documents, pk=document_id)
    services.expert_consultation_log(
        application=application,
        user=request.user,
        page=ExpertConsultation.Page.DOCUMENT,
        detail=f"{document.original_name} (SHA-256 {document.sha256[:12]}…)",
    )
    return _attachment(document.file, document.original_name, document.content_type)


@require_POST
def document_delete(request, pk, document_id):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    document = get_object_or_404(application.documents, pk=document_id)
    require_perm(request.user, "funding_applications.change_documents", application)
    try:
        services.funding_application_document_delete(document=document, by=request.user)
    except services.ApplicationError as error:
        _error(request, error)
    else:
        messages.success(request, f"La pièce « {document.original_name} » a été retirée.")
    return _back(application, "#pieces")


@require_GET
def deposit_receipt(request, pk):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    if not application.deposit_receipt:
        raise Http404
    return _attachment(
        application.deposit_receipt, f"attestation-de-depot-{application.reference}.pdf", "application/pdf"
    )
