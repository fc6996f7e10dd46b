"""The school's youths: the list (present, left, all) and a new youth's record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from essaim.common.forms import key_or_none
from essaim.learners import selectors, services
from essaim.learners.models import Learner
from essaim.schools.models import Workshop
from essaim.www.learners.forms import LearnerCreateForm
from essaim.www.learners.views.common import _add_errors, _school_for_staff
from essaim.www.permissions import has_perm

LEARNER_PAGE_SIZE = 50
STATUS_FILTERS = {"presents": "Présents", "sortis": "Sortis", "tous": "Tous"}


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
    workshop_id = key_or_none(Workshop, request.GET.get("atelier"))
    if workshop_id is not None:
        learners = learners.filter(workshop_id=workshop_id)
    page = Paginator(learners.order_by("last_name", "first_name", "pk"), LEARNER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for learner in page.object_list:
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
            "page": page,
            "status": status,
            "status_filters": STATUS_FILTERS,
            "workshops": workshops,
            "workshop_id": workshop_id,
            "can_manage": has_perm(request.user, "learners.manage_learners", school),
            "target": selectors.PRODUCTION_SHARE_TARGET,
        },
    )


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
