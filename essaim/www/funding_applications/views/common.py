"""Helpers shared by the dossiers' pages: back to the dossier, errors as messages, file downloads."""

import io

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from essaim.funding_applications import services
from essaim.www.funding_applications.forms import TransitionForm


def _back(application, anchor=""):
    return redirect(reverse("funding_applications:detail", kwargs={"pk": application.pk}) + anchor)


def _error(request, error):
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def _attachment(field_file, filename, content_type):
    """Serve a stored file as a download. Files are 20 MB at most, so they are read in memory and the
    file is closed at once (nothing left open if the client goes away before the end)."""
    with field_file.open("rb") as stored:
        content = io.BytesIO(stored.read())
    response = FileResponse(content, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _visible_application(request, pk, *related):
    """The dossier among those the user sees (else 404), with the relations the page reads."""
    from essaim.funding_applications.models import FundingApplication

    return get_object_or_404(FundingApplication.objects.visible_to(request.user).select_related(*related), pk=pk)


def _run_transition(request, application, transition):
    """Validate a transition's form (with the uploaded file a transition may take, e.g. the signed
    convention) and run it through the workflow service; French messages and the way back to the dossier."""
    form = TransitionForm(request.POST, request.FILES, transition=transition)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label} : {error}" if label else error)
        return _back(application, "#actions")
    try:
        services.funding_application_transition(
            application=application, by=request.user, name=transition.name, **form.cleaned_data
        )
    except services.ApplicationError as error:
        _error(request, error)
        return _back(application, "#actions")
    messages.success(request, transition.done)
    return _back(application)
