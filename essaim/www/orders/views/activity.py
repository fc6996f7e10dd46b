"""The school's activity: revenue per month against the plan's forecast."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from essaim.www.orders import activity
from essaim.www.orders.forms import ActivityYearForm
from essaim.www.permissions import require_perm
from essaim.www.schools.views import school_context, structure_school_or_404


@require_GET
def school_activity(request, school_pk):
    """Production revenue month by month (invoiced, collected) against the plan's forecast."""
    school = structure_school_or_404(request.user, school_pk)
    require_perm(request.user, "orders.view_activity", school)
    form = ActivityYearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year
    report = activity.school_activity_report(school=school, year=year, today=timezone.localdate())
    context = school_context(request, school, "activity") | {"report": report, "year": year, "form": form}
    return render(request, "orders/activity.html", context)
