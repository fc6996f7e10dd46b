"""Pages of the écoles de production: the public list and card, and the structure of an open school
(opening from its project, school years, workshops, maîtres professionnels, identity for invoices).

Open-school pages fetch the school through ``ProductionSchool.objects.structure_visible_to`` (staff,
programme partners, platform administrators; anyone else gets a 404) and check writes with
``schools.manage_school`` (administrateurs and membres of the school's organisation)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from essaim.organizations.permissions import current_organization
from essaim.projects.models import Project
from essaim.schools import services
from essaim.schools.models import MasterTrainer, ProductionSchool, SchoolYear, Workshop
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm
from essaim.www.schools.forms import (
    MasterTrainerForm,
    SchoolDatesForm,
    SchoolFilterForm,
    SchoolIdentityForm,
    SchoolOpenForm,
    SchoolYearForm,
    WorkshopForm,
)

SCHOOL_PAGE_SIZE = 30


@require_GET
def school_list(request):
    form = SchoolFilterForm(request.GET or None)
    schools = (
        ProductionSchool.objects.visible_to(request.user)
        .select_related("commune__department")
        .prefetch_related("trades")
    )
    if form.is_valid():
        if trade := form.cleaned_data["trade"]:
            schools = schools.filter(trades=trade)
        if department := form.cleaned_data["department"]:
            schools = schools.filter(commune__department=department)
    page = Paginator(schools, SCHOOL_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "schools/list.html", {"form": form, "schools": page.object_list, "page": page})


@require_GET
def school_detail(request, pk):
    school = get_visible_or_404(ProductionSchool, request.user, pk=pk)
    context = {
        "school": school,
        "can_view_structure": school.is_run_on_essaim and has_perm(request.user, "schools.view_structure", school),
    }
    return render(request, "schools/detail.html", context)


# --------------------------------------------------------------------------- open schools


def structure_school_or_404(user, school_pk):
    return get_object_or_404(
        ProductionSchool.objects.structure_visible_to(user).select_related("project", "organization", "commune"),
        pk=school_pk,
    )


def school_context(request, school, tab):
    """What every tab of an open school needs (the tab bar and the write/people rights)."""
    return {
        "school": school,
        "tab": tab,
        "can_manage": has_perm(request.user, "schools.manage_school", school),
        "can_date": has_perm(request.user, "schools.date_school", school),
        "is_school_staff": has_perm(request.user, "orders.view_orders", school),
    }


@require_GET
def my_school(request):
    """« Mon école »: the open school of the organisation the user acts for, or how to open it."""
    organization = current_organization(request.user)
    school = ProductionSchool.objects.staffed_by(request.user).first()
    if school is not None:
        return redirect("schools:school_home", school_pk=school.pk)
    projects = Project.objects.visible_to(request.user).filter(holder=organization) if organization else []
    return render(request, "schools/no_school.html", {"projects": projects, "organization": organization})


@require_http_methods(["GET", "POST"])
def school_open(request, project_pk):
    """« Ouvrir l'école » from a project at the stage « Ouverte » (its holder, administrateur or membre)."""
    project = get_visible_or_404(Project, request.user, pk=project_pk)
    existing = ProductionSchool.objects.filter(project=project).first()
    if (
        existing is not None
        and ProductionSchool.objects.structure_visible_to(request.user).filter(pk=existing.pk).exists()
    ):
        messages.info(request, f"L'école de ce projet est déjà ouverte : « {existing.name} ».")
        return redirect("schools:school_home", school_pk=existing.pk)
    require_perm(request.user, "schools.open_school", project)
    form = SchoolOpenForm(request.POST or None, initial={"name": project.name})
    if request.method == "POST" and form.is_valid():
        try:
            school = services.production_school_open_from_project(
                project=project, name=form.cleaned_data["name"], opening_year=form.cleaned_data["opening_year"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, f"L'école « {school.name} » est ouverte sur Essaim.")
            return redirect("schools:school_home", school_pk=school.pk)
    return render(request, "schools/school_open.html", {"project": project, "form": form})


@require_GET
def school_home(request, school_pk):
    """The structure tab: identity, school years, workshops with capacity, maîtres professionnels."""
    school = structure_school_or_404(request.user, school_pk)
    context = school_context(request, school, "structure")
    school_years = list(SchoolYear.objects.filter(school=school).order_by("-start_date"))
    workshops = list(
        Workshop.objects.filter(school=school)
        .select_related("trade")
        .annotate(trainer_count=Count("master_trainers", distinct=True))
        .order_by("name")
    )
    capacity = Workshop.objects.filter(school=school, is_active=True).aggregate(
        total=Sum("capacity"), count=Count("pk")
    )
    context |= {
        "workshops": workshops,
        "capacity_total": capacity["total"] or 0,
        "active_workshop_count": capacity["count"],
        "school_years": school_years,
        "current_year": next(
            (y for y in school_years if y.start_date <= timezone.localdate() <= y.end_date),
            school_years[0] if school_years else None,
        ),
        "trainers": (
            MasterTrainer.objects.visible_to(request.user).filter(school=school).select_related("workshop")
            if context["is_school_staff"]
            else None
        ),
        "trainer_count": sum(w.trainer_count for w in workshops),
    }
    return render(request, "schools/school_home.html", context)


def _structure_form(
    request, school_pk, *, form_class, instance_model=None, pk=None, save, title, form_kwargs=None, school=None
):
    """``school``: the school of ``school_pk`` when the caller already read it (``structure_school_or_404``)."""
    if school is None:
        school = structure_school_or_404(request.user, school_pk)
    # The object before the right: a maître professionnel (a person) is not seen by the partners (404).
    instance = (
        get_object_or_404(instance_model.objects.visible_to(request.user).filter(school=school), pk=pk) if pk else None
    )
    require_perm(request.user, "schools.manage_school", school)
    kwargs = (form_kwargs or {}) | ({"instance": instance} if instance_model is not None else {})
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            save(school=school, instance=instance, **fields)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Enregistré.")
            return redirect("schools:school_home", school_pk=school.pk)
    context = school_context(request, school, "structure") | {"form": form, "title": title}
    return render(request, "schools/form.html", context)


def _add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
def school_identity_edit(request, school_pk):
    school = structure_school_or_404(request.user, school_pk)
    require_perm(request.user, "schools.manage_school", school)
    form = SchoolIdentityForm(request.POST or None, instance=school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Identité de l'école enregistrée.")
        return redirect("schools:school_home", school_pk=school.pk)
    context = school_context(request, school, "structure") | {
        "form": form,
        "title": "Identité de l'école sur les devis et factures",
    }
    return render(request, "schools/form.html", context)


def _dates_log(school, limit=20):
    """The entries of the school's history that changed its opening or closing day: who, when recorded,
    the dates entered and the reason (one query)."""
    versions = list(school.history.select_related("history_user").order_by("history_date", "history_id"))
    log, previous = [], None
    for version in versions:
        if previous is None or (version.opened_on, version.closed_on) != (previous.opened_on, previous.closed_on):
            log.append(version)
        previous = version
    return list(reversed(log))[:limit]


@require_http_methods(["GET", "POST"])
def school_dates_edit(request, school_pk):
    """The dates d'effet of the school's opening and closing (administrateurs of the school, platform
    administrators): past days, coherent, logged in the school's history."""
    school = structure_school_or_404(request.user, school_pk)
    require_perm(request.user, "schools.date_school", school)
    form = SchoolDatesForm(request.POST or None, initial={"opened_on": school.opened_on, "closed_on": school.closed_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.production_school_dates_save(
                school=school,
                opened_on=form.cleaned_data["opened_on"],
                closed_on=form.cleaned_data["closed_on"],
                by=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Dates d'ouverture et de fermeture enregistrées.")
            return redirect("schools:school_home", school_pk=school.pk)
    context = school_context(request, school, "structure") | {
        "form": form,
        "title": "Dates d'ouverture et de fermeture",
        "dates_log": _dates_log(school),
    }
    return render(request, "schools/dates_form.html", context)


@require_http_methods(["GET", "POST"])
def school_year_edit(request, school_pk, pk=None):
    return _structure_form(
        request,
        school_pk,
        form_class=SchoolYearForm,
        instance_model=SchoolYear,
        pk=pk,
        save=services.school_year_save,
        title="Année scolaire",
    )


@require_http_methods(["GET", "POST"])
def workshop_edit(request, school_pk, pk=None):
    return _structure_form(
        request,
        school_pk,
        form_class=WorkshopForm,
        instance_model=Workshop,
        pk=pk,
        save=services.workshop_save,
        title="Atelier",
    )


@require_http_methods(["GET", "POST"])
def master_trainer_edit(request, school_pk, pk=None):
    school = structure_school_or_404(request.user, school_pk)
    return _structure_form(
        request,
        school_pk,
        form_class=MasterTrainerForm,
        instance_model=MasterTrainer,
        pk=pk,
        save=services.master_trainer_save,
        title="Maître professionnel",
        form_kwargs={"school": school},
        school=school,
    )
