from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from essaim.projects import services
from essaim.projects.models import Project
from essaim.territories.models import Commune
from essaim.www.forms import ProjectFilterForm, ProjectForm
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm

PAGE_SIZE = 50


@login_required
@require_GET
def project_list(request):
    form = ProjectFilterForm(request.GET or None)
    projects = (
        Project.objects.visible_to(request.user)
        .select_related("holder", "commune__department")
        .prefetch_related("trade_lines__trade")
        .annotate(places=Sum("trade_lines__places"))
    )
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            projects = projects.filter(
                Q(name__icontains=q) | Q(holder__name__icontains=q) | Q(commune__name__icontains=q)
            )
        if stage := form.cleaned_data["stage"]:
            projects = projects.filter(stage=stage)
        if trade := form.cleaned_data["trade"]:
            projects = projects.filter(trade_lines__trade=trade)
        if department := form.cleaned_data["department"]:
            projects = projects.filter(commune__department=department)
    page = Paginator(projects.order_by("name"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "www/projects/list.html",
        {"form": form, "page": page, "can_create": has_perm(request.user, "projects.add_project")},
    )


def _get_project(request, pk):
    return get_visible_or_404(Project, request.user, pk=pk)


@login_required
@require_GET
def project_detail(request, pk):
    project = _get_project(request, pk)
    trade_lines = project.trade_lines.select_related("trade").order_by("trade__name")
    return render(
        request,
        "www/projects/detail.html",
        {
            "project": project,
            "trade_lines": trade_lines,
            "commune": Commune.objects.select_related("epci", "department", "employment_zone").get(
                pk=project.commune_id
            ),
            "can_change": has_perm(request.user, "projects.change_project", project),
            "history": project.history.select_related("history_user").order_by("-history_date")[:10],
        },
    )


def _communes_datalist():
    return Commune.objects.order_by("-population").values_list("code", "name")[:400]


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    require_perm(request.user, "projects.add_project")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = services.project_create(
            holder=request.current_organization,
            name=form.cleaned_data["name"],
            commune=form.cleaned_data["commune"],
            trades=form.cleaned_data["trades"],
            places_per_trade=form.cleaned_data["places_per_trade"],
            target_opening_date=form.cleaned_data["target_opening_date"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, "Le projet a été créé.")
        return redirect("www:project_detail", pk=project.pk)
    return render(request, "www/projects/form.html", {"form": form, "communes": _communes_datalist()})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = _get_project(request, pk)
    require_perm(request.user, "projects.change_project", project)
    lines = list(project.trade_lines.all())
    initial = {"trades": [line.trade_id for line in lines], "places_per_trade": lines[0].places if lines else 12}
    form = ProjectForm(request.POST or None, instance=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.project_update(
            project=project,
            name=form.cleaned_data["name"],
            commune=form.cleaned_data["commune"],
            trades=form.cleaned_data["trades"],
            places_per_trade=form.cleaned_data["places_per_trade"],
            target_opening_date=form.cleaned_data["target_opening_date"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, "Le projet a été mis à jour.")
        return redirect("www:project_detail", pk=project.pk)
    return render(
        request, "www/projects/form.html", {"form": form, "project": project, "communes": _communes_datalist()}
    )
