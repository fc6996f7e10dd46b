"""Write use cases of open schools: opening a school from its project, and its structure."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project
from essaim.schools.models import MasterTrainer, ProductionSchool, SchoolYear, Workshop

NOT_OPEN = "Le projet « {name} » n'est pas à l'étape « Ouverte » : l'école ne peut pas encore être ouverte."
ALREADY_OPEN = "L'école du projet « {name} » est déjà ouverte sur Essaim : « {school} »."
HOLDER_RUNS_SCHOOL = "L'organisation « {holder} » gère déjà l'école « {school} » sur Essaim."
NAME_TAKEN = "Une école de production porte déjà le nom « {name} » : choisissez-en un autre."
OPENED_BEFORE_PROJECT = "Ouverte le : le {date} précède le début du projet « {name} » ({start})."
CLOSED_WITHOUT_OPENING = "Fermée le : indiquez aussi le jour de l'ouverture de l'école."


@transaction.atomic
def production_school_open_from_project(*, project: Project, name: str = "", opening_year: int | None = None):
    """Open the école de production of a project at the stage « Ouverte ».

    Creates the ``ProductionSchool`` linked to the project and run by its holder (whose members
    become the school's staff), with the project's trades and one workshop per trade line (capacity =
    the places planned for that trade). Refused (``ValidationError``, nothing written) if the project
    is not « Ouverte », if its school is already open, or if the holder already runs a school.
    """
    project = Project.objects.select_for_update().select_related("holder").get(pk=project.pk)
    if project.stage != ProjectStage.OPEN:
        raise ValidationError(NOT_OPEN.format(name=project.name))
    existing = ProductionSchool.objects.filter(project=project).first()
    if existing is not None:
        raise ValidationError(ALREADY_OPEN.format(name=project.name, school=existing.name))
    runs = ProductionSchool.objects.filter(organization=project.holder).first()
    if runs is not None:
        raise ValidationError(HOLDER_RUNS_SCHOOL.format(holder=project.holder.name, school=runs.name))
    name = (name or "").strip() or project.name
    if ProductionSchool.objects.filter(name=name).exists():
        raise ValidationError({"name": NAME_TAKEN.format(name=name)})
    holder = project.holder
    # The school opened on the day the project was declared open (the date d'effet of that move).
    opened = (
        project.transitions.filter(to_stage=ProjectStage.OPEN)
        .order_by("-effective_date", "-pk")
        .values_list("effective_date", flat=True)
        .first()
    )
    school = ProductionSchool(
        name=name,
        commune=project.commune,
        status=ProductionSchool.Status.OPEN,
        opening_year=opening_year or (project.target_opening_date.year if project.target_opening_date else None),
        opened_on=opened,
        opening_label="Ouverte sur Essaim",
        carrier=holder.name,
        organization=holder,
        project=project,
        sources=f"/projets/{project.pk}/",
        is_fnep_member=True,
        siret=holder.siret or "",
    )
    school.full_clean()
    school.save()
    lines = list(project.trade_lines.select_related("trade").order_by("trade__name"))
    school.trades.set([line.trade for line in lines])
    for line in lines:
        Workshop.objects.create(
            school=school, trade=line.trade, name=f"Atelier {line.trade.name}", capacity=line.places
        )
    return school


@transaction.atomic
def production_school_dates_save(*, school: ProductionSchool, opened_on, closed_on, by=None, comment: str = ""):
    """Record the dates d'effet of a school's opening and closing (past days only: an opening or a closing
    is entered once it has happened; a planned opening stays « annoncée »).

    Coherent dates or nothing written (``ValidationError`` naming the wrong date): neither in the future,
    the closing not before the opening, the opening not before its project's start. A closing day makes
    the school « fermée »; removing it (a closing entered by mistake) makes it « ouverte » again. The
    school's history keeps who entered what and when (``by``, ``comment`` as the change's reason)."""
    locked = ProductionSchool.objects.select_for_update().get(pk=school.pk)
    if closed_on is not None and opened_on is None:
        raise ValidationError({"opened_on": CLOSED_WITHOUT_OPENING})
    locked.opened_on, locked.closed_on = opened_on, closed_on
    if closed_on is not None:
        locked.status = ProductionSchool.Status.CLOSED
    elif locked.status == ProductionSchool.Status.CLOSED:
        locked.status = ProductionSchool.Status.OPEN
    locked.full_clean()
    if opened_on is not None and locked.project_id:
        start = (
            locked.project.transitions.filter(from_stage="")
            .order_by("effective_date")
            .values_list("effective_date", flat=True)
            .first()
        )
        if start is not None and opened_on < start:
            raise ValidationError(
                {
                    "opened_on": OPENED_BEFORE_PROJECT.format(
                        date=f"{opened_on:%d/%m/%Y}", name=locked.project.name, start=f"{start:%d/%m/%Y}"
                    )
                }
            )
    locked._history_user = by
    locked._change_reason = (comment or "").strip()[:100] or "Dates d'ouverture et de fermeture"
    locked.save()
    for name in ("opened_on", "closed_on", "status"):
        setattr(school, name, getattr(locked, name))
    return school


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def school_year_save(*, school: ProductionSchool, instance: SchoolYear | None = None, **fields) -> SchoolYear:
    instance = instance or SchoolYear(school=school)
    for key, value in fields.items():
        setattr(instance, key, value)
    return _save(instance)


@transaction.atomic
def workshop_save(*, school: ProductionSchool, instance: Workshop | None = None, **fields) -> Workshop:
    instance = instance or Workshop(school=school)
    for key, value in fields.items():
        setattr(instance, key, value)
    return _save(instance)


@transaction.atomic
def master_trainer_save(*, school: ProductionSchool, instance: MasterTrainer | None = None, **fields) -> MasterTrainer:
    instance = instance or MasterTrainer(school=school)
    for key, value in fields.items():
        setattr(instance, key, value)
    return _save(instance)
