"""Home page: what each kind of organisation needs first when it signs in."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_GET

from essaim.organizations.enums import OrganizationKind
from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project
from essaim.schools.models import ProductionSchool
from essaim.www.permissions import has_perm

# Per kind of organisation: the page title, and which of the visible projects it lists first.
HOME_SECTIONS = {
    OrganizationKind.REGION: ("Programme", "Tous les projets du programme", None),
    OrganizationKind.BANQUE_DES_TERRITOIRES: (
        "À instruire",
        "Projets en phase de plan de financement",
        [ProjectStage.FINANCING_PLAN, ProjectStage.ACCREDITED],
    ),
    OrganizationKind.FEDERATION: (
        "À valider",
        "Projets en cours de labellisation ou de plan de financement",
        [ProjectStage.ACCREDITATION_PENDING, ProjectStage.FINANCING_PLAN],
    ),
    OrganizationKind.COLLECTIVITE: ("Sur mon territoire", "Projets implantés sur votre territoire", None),
    OrganizationKind.PROJECT_HOLDER: ("Mes projets", "Les projets de votre organisation", None),
}


@login_required
@require_GET
def home(request):
    organization = request.current_organization
    section = HOME_SECTIONS.get(organization.kind) if organization else None
    projects = Project.objects.visible_to(request.user).select_related("commune", "holder")
    stage_counts = {row["stage"]: row["n"] for row in projects.order_by().values("stage").annotate(n=Count("pk"))}
    funnel = [(label, stage_counts.get(value, 0)) for value, label in ProjectStage.choices]
    focus = projects
    if section and section[2]:
        focus = projects.filter(stage__in=section[2])
    context = {
        "can_create_project": has_perm(request.user, "projects.add_project"),
        "section_title": section[0] if section else "Accueil",
        "focus_title": section[1] if section else "",
        "focus_projects": list(focus.order_by("name")[:20]) if section else [],
        "funnel": funnel,
        "projects_total": sum(stage_counts.values()),
        "open_schools": ProductionSchool.objects.visible_to(request.user)
        .filter(status=ProductionSchool.Status.OPEN)
        .count(),
    }
    return render(request, "www/home.html", context)
