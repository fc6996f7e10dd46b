"""Home page: what each kind of organisation needs first when it signs in (see sections.py)."""

from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_GET

from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project
from essaim.schools.models import ProductionSchool
from essaim.steering.models import Objective
from essaim.www.dashboard.sections import home_sections, home_title
from essaim.www.permissions import has_perm


@require_GET
def home(request):
    organization = request.current_organization
    projects = Project.objects.visible_to(request.user)
    stage_counts = {row["stage"]: row["n"] for row in projects.order_by().values("stage").annotate(n=Count("pk"))}
    sections = home_sections(request)
    context = {
        "can_create_project": has_perm(request.user, "projects.add_project"),
        "section_title": home_title(organization),
        "sections": sections,
        # The stage funnel, unless a section already gives the counts by stage (Région).
        "show_funnel": not any(section.table for section in sections),
        "funnel": [(value, label, stage_counts.get(value, 0)) for value, label in ProjectStage.choices],
        "projects_total": sum(stage_counts.values()),
        "open_schools": ProductionSchool.objects.visible_to(request.user)
        .filter(status=ProductionSchool.Status.OPEN)
        .count(),
        "headline_objective": Objective.objects.visible_to(request.user).headline(),
    }
    return render(request, "dashboard/home.html", context)
