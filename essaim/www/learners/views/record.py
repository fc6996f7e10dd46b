"""A youth's record: its tabs (parcours, heures, compétences, incidents, sortie et suivi), the forms of
each tab and the record's export."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.learners import selectors, services
from essaim.learners.enums import BlockStatus, ExportFormat, OutcomeMoment
from essaim.learners.models import Learner
from essaim.www.learners import records
from essaim.www.learners.forms import BlockProgressForm, EnrolmentForm, ExitForm, IncidentForm, LearnerForm, OutcomeForm
from essaim.www.learners.views.common import _add_errors
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm

TABS = {
    "parcours": "Parcours",
    "heures": "Heures",
    "competences": "Compétences",
    "incidents": "Incidents",
    "suivi": "Sortie et suivi",
}


def _detail_context(request, learner, tab, **forms):
    user = request.user
    can_manage = has_perm(user, "learners.change_learner", learner)
    can_view_incidents = has_perm(user, "learners.view_incidents", learner)
    context = {
        "learner": learner,
        "school": learner.school,
        "tab": tab,
        "tabs": {key: label for key, label in TABS.items() if key != "incidents" or can_view_incidents},
        "can_manage": can_manage,
        "can_view_incidents": can_view_incidents,
        "can_export": has_perm(user, "learners.export_record", learner),
    }
    if tab == "parcours":
        context["enrolments"] = learner.enrolments.select_related("school_year", "workshop")
        context["enrolment_form"] = forms.get("enrolment_form") or EnrolmentForm(school=learner.school)
        context["exports"] = learner.exports.select_related("exported_by")[:10] if context["can_export"] else []
    elif tab == "heures":
        context["weeks"] = list(learner.weekly_hours.all()[:60])
        context["summary"] = selectors.learner_hours_summary(learner)
        context["share_status"] = selectors.share_status(context["summary"]["production_share"])
        context["target"] = selectors.PRODUCTION_SHARE_TARGET
    elif tab == "competences":
        all_progress = list(learner.block_progress.select_related("block__diploma"))
        progress = {p.block_id: p for p in all_progress if p.block.diploma_id == learner.diploma_id}
        blocks = list(learner.diploma.blocks.all()) if learner.diploma_id else []
        block_forms = forms.get("block_forms") or [
            (
                block,
                BlockProgressForm(
                    prefix=f"bloc-{block.pk}",
                    initial={
                        "status": progress[block.pk].status if block.pk in progress else BlockStatus.NOT_STARTED,
                        "started_on": progress[block.pk].started_on if block.pk in progress else None,
                        "acquired_on": progress[block.pk].acquired_on if block.pk in progress else None,
                    },
                ),
            )
            for block in blocks
        ]
        context["block_rows"] = [(block, form, progress.get(block.pk)) for block, form in block_forms]
        context["acquired"] = sum(1 for p in progress.values() if p.status == BlockStatus.ACQUIRED)
        context["block_count"] = len(blocks)
        # Progress on the blocs of a diploma prepared before a change of path: kept (an acquired bloc stays
        # acquired), shown apart and never counted against the current diploma.
        context["earlier_progress"] = [
            p for p in all_progress if p.block.diploma_id != learner.diploma_id and p.status != BlockStatus.NOT_STARTED
        ]
    elif tab == "incidents":
        if not can_view_incidents:
            raise Http404
        context["incidents"] = learner.incidents.all()
        context["incident_form"] = forms.get("incident_form") or IncidentForm()
    elif tab == "suivi":
        outcomes = {o.moment: o for o in learner.outcomes.all()}
        context["outcome_rows"] = [(label, outcomes.get(key)) for key, label in OutcomeMoment.choices]
        context["exit_form"] = forms.get("exit_form") or ExitForm(
            initial={"exit_date": learner.exit_date, "exit_reason": learner.exit_reason}
        )
        context["outcome_form"] = forms.get("outcome_form") or OutcomeForm()
    return context


@require_GET
def learner_detail(request, pk, tab="parcours"):
    learner = get_object_or_404(
        Learner.objects.visible_to(request.user).select_related("school", "workshop", "diploma"), pk=pk
    )
    if tab not in TABS:
        raise Http404
    return render(request, "learners/detail.html", _detail_context(request, learner, tab))


def _learner_for_write(request, pk):
    learner = get_visible_or_404(Learner, request.user, pk=pk)
    require_perm(request.user, "learners.change_learner", learner)
    return learner


def _tab_url(learner, tab):
    return reverse("learners:detail_tab", kwargs={"pk": learner.pk, "tab": tab})


@require_http_methods(["GET", "POST"])
def learner_edit(request, pk):
    learner = _learner_for_write(request, pk)
    form = LearnerForm(request.POST or None, instance=learner)
    if request.method == "POST" and form.is_valid():
        try:
            services.learner_update(by=request.user, learner=Learner.objects.get(pk=learner.pk), data=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Le dossier est enregistré.")
            return redirect("learners:detail", pk=learner.pk)
    return render(request, "learners/edit.html", {"learner": learner, "school": learner.school, "form": form})


@require_POST
def enrolment_add(request, pk):
    learner = _learner_for_write(request, pk)
    form = EnrolmentForm(request.POST, school=learner.school)
    if form.is_valid():
        try:
            services.enrolment_add(by=request.user, learner=learner, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "L'inscription est enregistrée.")
            return redirect(_tab_url(learner, "parcours"))
    return render(
        request, "learners/detail.html", _detail_context(request, learner, "parcours", enrolment_form=form), status=200
    )


@require_POST
def skills_edit(request, pk):
    learner = _learner_for_write(request, pk)
    blocks = list(learner.diploma.blocks.all()) if learner.diploma_id else []
    block_forms = [(block, BlockProgressForm(request.POST, prefix=f"bloc-{block.pk}")) for block in blocks]
    if blocks and all(form.is_valid() for _, form in block_forms):
        try:
            changed = services.block_progress_save(
                by=request.user, learner=learner, entries={block: form.cleaned_data for block, form in block_forms}
            )
        except services.BlockProgressError as error:
            for block, form in block_forms:
                for name, field_errors in error.by_block.get(block, {}).items():
                    form.add_error(name if name in form.fields else None, field_errors)
        else:
            messages.success(
                request,
                f"Avancement enregistré : {changed} bloc(s) modifié(s).",
            )
            return redirect(_tab_url(learner, "competences"))
    elif not blocks:
        messages.error(request, "Choisissez d'abord le diplôme préparé (onglet Parcours, « Modifier »).")
        return redirect(_tab_url(learner, "competences"))
    return render(
        request, "learners/detail.html", _detail_context(request, learner, "competences", block_forms=block_forms)
    )


@require_POST
def incident_add(request, pk):
    learner = _learner_for_write(request, pk)
    require_perm(request.user, "learners.view_incidents", learner)
    form = IncidentForm(request.POST)
    if form.is_valid():
        services.incident_add(by=request.user, learner=learner, **form.cleaned_data)
        messages.success(request, "L'incident est enregistré.")
        return redirect(_tab_url(learner, "incidents"))
    return render(request, "learners/detail.html", _detail_context(request, learner, "incidents", incident_form=form))


@require_POST
def exit_edit(request, pk):
    learner = _learner_for_write(request, pk)
    form = ExitForm(request.POST)
    if form.is_valid():
        try:
            services.learner_exit(by=request.user, learner=learner, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "La sortie est enregistrée.")
            return redirect(_tab_url(learner, "suivi"))
    return render(request, "learners/detail.html", _detail_context(request, learner, "suivi", exit_form=form))


@require_POST
def outcome_add(request, pk):
    learner = _learner_for_write(request, pk)
    if not learner.exit_date:
        messages.error(request, "Enregistrez d'abord la sortie du jeune (date et motif).")
        return redirect(_tab_url(learner, "suivi"))
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.outcome_record(by=request.user, learner=learner, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "La situation est enregistrée.")
            return redirect(_tab_url(learner, "suivi"))
    return render(request, "learners/detail.html", _detail_context(request, learner, "suivi", outcome_form=form))


@require_POST
def learner_export(request, pk, fmt):
    """One youth's full record (droit d'accès), as PDF or JSON; each export is logged (who, when)."""
    learner = get_visible_or_404(Learner, request.user, pk=pk)
    require_perm(request.user, "learners.export_record", learner)
    if fmt not in ExportFormat.values:
        raise Http404
    services.record_export_log(by=request.user, learner=learner, format=fmt)
    record = records.learner_record(learner)
    stem = f"dossier-jeune-{learner.pk}-{timezone.localdate():%Y-%m-%d}"
    if fmt == ExportFormat.JSON:
        response = HttpResponse(
            json.dumps(record, ensure_ascii=False, indent=2, default=str),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.json"'
        return response
    response = HttpResponse(records.record_pdf(records.record_html(learner, record)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    return response
