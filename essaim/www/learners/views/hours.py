"""The school's weekly hours: one grid per week, a line per youth."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from essaim.learners import services
from essaim.learners.models import Learner, WeeklyHours, monday_of
from essaim.www.learners.forms import HoursLineForm, WeekForm
from essaim.www.learners.views.common import _school_for_staff


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
