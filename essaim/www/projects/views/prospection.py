"""Prospection of firms around a project: APE codes (the project's trades by default), headcount band,
distance to the project's commune; a map, exports, and « ajouter au réseau » for the ticked firms."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from essaim.common.exports import csv_response, xlsx_response
from essaim.organizations.enums import OrganizationKind
from essaim.organizations.models import Organization
from essaim.organizations.selectors import firms_for_prospection
from essaim.projects import services
from essaim.projects.models import ProjectPartner
from essaim.territories.models import Department
from essaim.www.organizations.maps import partners_map
from essaim.www.organizations.views import map_points
from essaim.www.permissions import has_perm, require_perm
from essaim.www.projects.exports import prospection_columns
from essaim.www.projects.forms import AddFirmsToNetworkForm, ProspectionForm
from essaim.www.projects.views.common import get_project

PAGE_SIZE = 50
FILTER_KEYS = ("activity_codes", "headcount_bands", "radius_km", "q")


def _default_filters(project) -> QueryDict:
    codes = []
    for line in project.trade_lines.select_related("trade").order_by("trade__name"):
        codes += [code for code in line.trade.activity_code_list() if code not in codes]
    data = QueryDict(mutable=True)
    data["activity_codes"] = ", ".join(codes)
    data["radius_km"] = "30"
    return data


def _prospection(request, project):
    data = request.GET if any(key in request.GET for key in FILTER_KEYS) else _default_filters(project)
    form = ProspectionForm(data)
    if not form.is_valid():
        return form, None
    found = firms_for_prospection(
        request.user,
        origin=project.commune,
        radius_km=form.cleaned_data["radius_km"],
        activity_codes=form.cleaned_data["activity_codes"],
        headcount_bands=form.cleaned_data["headcount_bands"],
        q=form.cleaned_data["q"],
    )
    return form, found


@require_GET
def project_prospection(request, pk):
    """Firms to approach for a project's network (see the module docstring)."""
    project = get_project(request, pk)
    form, found = _prospection(request, project)
    page = firms_map = None
    in_network = set()
    if found is not None:
        page = Paginator(found.firms.select_related("commune"), PAGE_SIZE).get_page(request.GET.get("page"))
        for firm in page.object_list:
            firm.distance = found.distances.get(firm.commune_id)
        in_network = set(
            ProjectPartner.objects.filter(
                project=project, organization__in=[firm.pk for firm in page.object_list]
            ).values_list("organization_id", flat=True)
        )
        firms_map = partners_map(
            Department.objects.select_related("shape").order_by("code"),
            map_points(found.firms.order_by()),
            label=f"Carte des entreprises trouvées autour de {project.commune.name}",
        )
    filters = form.data.copy()
    filters.pop("page", None)
    return render(
        request,
        "projects/prospection.html",
        {
            "project": project,
            "form": form,
            "page": page,
            "map": firms_map,
            "in_network": in_network,
            "query": filters.urlencode(),
            "add_form": AddFirmsToNetworkForm(organizations=Organization.objects.none()),
            "can_manage_partners": has_perm(request.user, "projects.manage_partners", project),
        },
    )


@require_GET
def project_prospection_export(request, pk, fmt):
    """The prospection list as filtered (every page), as CSV or XLSX."""
    project = get_project(request, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, found = _prospection(request, project)
    if found is None:
        messages.error(request, "Corrigez les filtres avant d'exporter.")
        return redirect("projects:project_prospection", pk=project.pk)
    firms = found.firms.select_related("commune")
    columns = prospection_columns(found.distances)
    stem = f"prospection-{project.pk}"
    if fmt == "csv":
        return csv_response(firms, columns, filename_stem=stem)
    return xlsx_response(firms, columns, filename_stem=stem, title="Prospection")


@require_POST
def project_prospection_add(request, pk):
    """Add the ticked firms to the project's network in one step (status « contacté », logged)."""
    project = get_project(request, pk)
    require_perm(request.user, "projects.manage_partners", project)
    firms = Organization.objects.visible_to(request.user).filter(kind=OrganizationKind.COMPANY)
    form = AddFirmsToNetworkForm(request.POST, organizations=firms)
    back = request.POST.get("query", "")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(f"{reverse('projects:project_prospection', args=[project.pk])}?{back}")
    created, skipped = services.project_partners_add_many(
        project=project,
        organizations=list(form.cleaned_data["organizations"].order_by("pk")),
        role=form.cleaned_data["role"],
        added_by=request.user,
    )
    text = f"{len(created)} entreprise(s) ajoutée(s) au réseau du projet (statut « contacté »)."
    if skipped:
        text += f" {skipped} y figurai(en)t déjà avec ce rôle."
    messages.success(request, text)
    return redirect(f"{reverse('projects:project_prospection', args=[project.pk])}?{back}")
