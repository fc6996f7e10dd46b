"""Decision letters: the preview printed from the decision form before confirming, the letters kept
with the dossier, and the funder's templates (edited by its administrateurs)."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.funding_applications import letters
from essaim.funding_applications.models import DecisionLetterTemplate, FundingApplication
from essaim.funding_applications.workflow import TRANSITIONS_BY_NAME
from essaim.organizations.permissions import current_organization
from essaim.www.funding_applications.forms import LetterTemplateForm, TransitionForm
from essaim.www.funding_applications.views.common import _attachment, _back
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm


@require_POST
def decision_preview(request, pk, action):
    """The letter the decision would print, as a PDF « aperçu » (nothing is recorded)."""
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    if action not in (letters.GRANT, letters.REFUSE):
        raise Http404
    transition = TRANSITIONS_BY_NAME[action]
    require_perm(request.user, transition.permission, application)
    form = TransitionForm(request.POST, transition=transition)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"Aperçu impossible — {label} : {error}" if label else error)
        return _back(application, "#decision")
    data = form.cleaned_data
    html = letters.letter_html(
        application,
        action,
        amount=data.get("decided_amount"),
        conditions=data.get("conditions", ""),
        reasons=data.get("comment", ""),
        draft=True,
    )
    response = FileResponse(
        io.BytesIO(letters.letter_pdf(html)),
        as_attachment=False,
        filename=f"apercu-attestation-de-decision-{application.reference}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def letter_download(request, pk, letter_id):
    application = get_visible_or_404(FundingApplication, request.user, pk=pk)
    letter = get_object_or_404(application.decision_letters, pk=letter_id)
    return _attachment(letter.file, f"attestation-de-decision-{application.reference}.pdf", "application/pdf")


@require_http_methods(["GET", "POST"])
def letter_templates(request):
    """The acting funder's two letter templates (accord, refus), with the placeholders they may use."""
    require_perm(request.user, "funding_applications.edit_letter_templates")
    funder = current_organization(request.user)
    if funder is None:  # the rule requires an acting organisation; defensive
        raise PermissionDenied
    forms_by_kind = {}
    for kind in DecisionLetterTemplate.Kind.values:
        instance = letters.template_for(funder, kind)
        forms_by_kind[kind] = LetterTemplateForm(
            request.POST if request.method == "POST" and request.POST.get("kind") == kind else None,
            instance=instance,
            prefix=kind,
        )
    if request.method == "POST":
        kind = request.POST.get("kind")
        form = forms_by_kind.get(kind)
        if form is None:
            raise Http404
        if form.is_valid():
            template = form.save(commit=False)
            template.funder, template.kind, template.updated_by = funder, kind, request.user
            template.save()
            messages.success(request, f"Le modèle « {template.get_kind_display()} » a été enregistré.")
            return redirect("funding_applications:letter_templates")
    return render(
        request,
        "funding_applications/letter_templates.html",
        {
            "funder": funder,
            "forms": [(kind, label, forms_by_kind[kind]) for kind, label in DecisionLetterTemplate.Kind.choices],
            "placeholders": letters.PLACEHOLDERS,
            "can_edit": has_perm(request.user, "funding_applications.edit_letter_templates"),
        },
    )
