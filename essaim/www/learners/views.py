"""Pages of the youth follow-up: the school's youths, a youth's record (tabs), weekly hours, the
school's impact page and the exports.

Minors' data: every record is fetched through ``get_visible_or_404`` (the school's own staff only;
anyone else gets a 404, as for a missing record); school pages check ``learners.view_learners`` on
the school. Writes go through ``essaim.learners.services``, which check the rule again.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.common.exports import Column, csv_response, xlsx_response
from essaim.common.formats import format_number, format_percent
from essaim.learners import selectors, services
from essaim.learners.enums import BlockStatus, ExportFormat, OutcomeMoment
from essaim.learners.models import Learner, WeeklyHours, monday_of
from essaim.learners.secrecy import SUPPRESSED_LABEL, THRESHOLD
from essaim.schools.models import ProductionSchool
from essaim.www.learners import charts, records
from essaim.www.learners.forms import (
    BlockProgressForm,
    EnrolmentForm,
    ExitForm,
    HoursLineForm,
    IncidentForm,
    LearnerCreateForm,
    LearnerForm,
    OutcomeForm,
    WeekForm,
)
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm

TABS = {
    "parcours": "Parcours",
    "heures": "Heures",
    "competences": "Compétences",
    "incidents": "Incidents",
    "suivi": "Sortie et suivi",
}
STATUS_FILTERS = {"presents": "Présents", "sortis": "Sortis", "tous": "Tous"}


def _school_for_staff(request, school_pk, perm="learners.view_learners"):
    school = get_object_or_404(ProductionSchool.objects.visible_to(request.user), pk=school_pk)
    require_perm(request.user, perm, school)
    return school


def _errors(request, error):
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def _add_errors(form, error):
    """Put a service's ValidationError on the form's fields (or the form when it names none)."""
    if hasattr(error, "error_dict"):
        for name, field_errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


# --- The school's youths ---------------------------------------------------------------------


@login_required
@require_GET
def learner_list(request, school_pk):
    school = _school_for_staff(request, school_pk)
    status = request.GET.get("statut", "presents")
    if status not in STATUS_FILTERS:
        status = "presents"
    learners = (
        Learner.objects.visible_to(request.user)
        .filter(school=school)
        .select_related("workshop", "diploma")
        .annotate(
            production_total=Sum("weekly_hours__production_hours"),
            theory_total=Sum("weekly_hours__theory_hours"),
        )
    )
    if status == "presents":
        learners = learners.filter(exit_date__isnull=True)
    elif status == "sortis":
        learners = learners.filter(exit_date__isnull=False)
    workshops = list(school.workshops.all())
    workshop_id = request.GET.get("atelier")
    if workshop_id and workshop_id.isdigit():
        learners = learners.filter(workshop_id=int(workshop_id))
    rows = []
    for learner in learners:
        share = selectors.rate(
            learner.production_total or 0, (learner.production_total or 0) + (learner.theory_total or 0)
        )
        rows.append({"learner": learner, "share": share, "share_status": selectors.share_status(share)})
    return render(
        request,
        "learners/list.html",
        {
            "school": school,
            "rows": rows,
            "status": status,
            "status_filters": STATUS_FILTERS,
            "workshops": workshops,
            "workshop_id": int(workshop_id) if workshop_id and workshop_id.isdigit() else None,
            "can_manage": has_perm(request.user, "learners.manage_learners", school),
            "target": selectors.PRODUCTION_SHARE_TARGET,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def learner_create(request, school_pk):
    school = _school_for_staff(request, school_pk, "learners.manage_learners")
    form = LearnerCreateForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        entry = {key: data.pop(key) for key in ("school_year", "workshop", "entry_date")}
        try:
            learner = services.learner_enrol(by=request.user, school=school, learner_data=data, **entry)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{learner} est inscrit(e).")
            return redirect("learners:detail", pk=learner.pk)
    return render(request, "learners/create.html", {"school": school, "form": form})


# --- A youth's record ------------------------------------------------------------------------


def _detail_context(request, learner, tab, **forms):
    user = request.user
    can_manage = has_perm(user, "learners.manage_learners", learner) and not learner.is_anonymized
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


@login_required
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
    require_perm(request.user, "learners.manage_learners", learner)
    if learner.is_anonymized:
        raise Http404
    return learner


def _tab_url(learner, tab):
    return reverse("learners:detail_tab", kwargs={"pk": learner.pk, "tab": tab})


@login_required
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


@login_required
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


@login_required
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


@login_required
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


@login_required
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


@login_required
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


@login_required
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


# --- Weekly hours of the school --------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def school_hours(request, school_pk):
    """Enter a week's hours for every youth present that week (one row per youth)."""
    school = _school_for_staff(request, school_pk, "learners.manage_learners")
    week_form = WeekForm(request.GET or None)
    week = week_form.cleaned_data["semaine"] if week_form.is_valid() else timezone.localdate()
    monday = monday_of(week)
    sunday = monday + dt.timedelta(days=6)
    learners = list(
        Learner.objects.visible_to(request.user)
        .filter(school=school, anonymized_at__isnull=True)
        .filter(Q(exit_date__isnull=True) | Q(exit_date__gte=monday))
        .filter(enrolments__entry_date__lte=sunday)
        .distinct()
        .select_related("workshop")
        .prefetch_related(
            Prefetch("weekly_hours", queryset=WeeklyHours.objects.filter(week_start=monday), to_attr="this_week")
        )
    )
    lines = []
    for learner in learners:
        row = learner.this_week[0] if learner.this_week else None
        initial = {"production_hours": row.production_hours, "theory_hours": row.theory_hours} if row else {}
        form = HoursLineForm(request.POST or None, prefix=f"j{learner.pk}", initial=initial)
        lines.append((learner, form))
    if request.method == "POST":
        if all(form.is_valid() for _, form in lines):
            report = services.weekly_hours_save(
                by=request.user,
                school=school,
                week=monday,
                lines=[
                    services.HoursLine(
                        learner, form.cleaned_data["production_hours"], form.cleaned_data["theory_hours"]
                    )
                    for learner, form in lines
                ],
            )
            if not report.errors:
                messages.success(
                    request,
                    f"Semaine du {monday:%d/%m/%Y} enregistrée : {report.created} ajout(s), "
                    f"{report.updated} modification(s), {report.deleted} suppression(s).",
                )
                return redirect(
                    f"{reverse('learners:school_hours', kwargs={'school_pk': school.pk})}?semaine={monday:%Y-%m-%d}"
                )
            for learner, form in lines:
                for name, field_errors in report.errors.get(learner.pk, {}).items():
                    form.add_error(name if name in form.fields else None, field_errors)
        messages.error(request, "Rien n'a été enregistré : corrigez les lignes signalées.")
    return render(
        request,
        "learners/hours.html",
        {
            "school": school,
            "week_form": WeekForm(initial={"semaine": monday}),
            "monday": monday,
            "sunday": sunday,
            "iso_week": monday.isocalendar().week,
            "previous": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "lines": lines,
        },
    )


# --- Impact of the school ---------------------------------------------------------------------


@login_required
@require_GET
def school_impact(request, school_pk):
    school = _school_for_staff(request, school_pk)
    table = selectors.school_learner_outcomes(school=school)
    months = selectors.school_monthly_hours(school=school)
    rows = [
        {"label": row.label, "is_total": row is table.total, "cells": [(m, row.cells[m]) for m in table.measures]}
        for row in [*table.rows, table.total]
    ]
    return render(
        request,
        "learners/impact.html",
        {
            "school": school,
            "table": table,
            "rows": rows,
            "headers": [selectors.MEASURE_LABELS[m] for m in table.measures],
            "rate_measures": selectors.RATE_MEASURES,
            "total_share_status": selectors.share_status(table.total.cells["production_share"].value),
            "can_manage": has_perm(request.user, "learners.manage_learners", school),
            "months": months,
            "chart": charts.monthly_hours_svg(months) if months else "",
            "target": selectors.PRODUCTION_SHARE_TARGET,
            "threshold": THRESHOLD,
        },
    )


def _cell_text(cell, measure):
    """The published text of a cell: « < 5 » when suppressed, « — » without data, French numbers otherwise."""
    if cell.suppressed:
        return SUPPRESSED_LABEL
    if measure in selectors.RATE_MEASURES:
        return format_percent(cell.value)
    if measure == "production_hours":
        return format_number(cell.value, 1) if cell.base else "—"
    return format_number(cell.value)


@login_required
@require_GET
def impact_export(request, school_pk, fmt):
    """The school's figures per workshop for sending out: suppressed (groups under 5 youths)."""
    school = _school_for_staff(request, school_pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    table = selectors.workshop_learner_outcomes(school=school)
    columns = [Column("Atelier", lambda row: row.label, width=30)] + [
        Column(selectors.MEASURE_LABELS[measure], lambda row, m=measure: _cell_text(row.cells[m], m), width=22)
        for measure in table.measures
    ]
    rows = [*table.rows, table.total]
    stem = f"impact-jeunes-{school.pk}"
    if fmt == "csv":
        return csv_response(rows, columns, filename_stem=stem)
    return xlsx_response(
        rows,
        columns,
        filename_stem=stem,
        title="Impact",
        parameters=[
            ("École", school.name),
            (
                "Secret statistique",
                f"Groupes de moins de {THRESHOLD} jeunes masqués (« {SUPPRESSED_LABEL} »), "
                "avec masquage complémentaire pour qu'aucun ne se recalcule à partir du total.",
            ),
            ("Exporté le", f"{timezone.localdate():%d/%m/%Y}"),
        ],
    )
