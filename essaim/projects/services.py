"""Write use cases for projects."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from essaim.common.workflow import EARLIEST_EFFECTIVE_DATE
from essaim.common.workflow import transition as workflow_transition
from essaim.projects import workflow
from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project, ProjectPartner, ProjectTrade, ProjectTransition

TRANSITION_NOT_ALLOWED = "Ce changement d'étape n'est pas prévu : le projet est à l'étape « {stage} »."
PARTNER_IS_HOLDER = "Le porteur du projet n'est pas son propre partenaire."
START_IN_FUTURE = "Date de lancement : le {date} est dans le futur ; un projet se crée une fois lancé."
START_TOO_EARLY = "Date de lancement : le {date} est trop ancien, vérifiez l'année."
PARTNER_DUPLICATE = "Cette organisation a déjà ce rôle dans le projet."


@transaction.atomic
def project_create(
    *,
    holder,
    name,
    commune,
    trades,
    places_per_trade,
    target_opening_date=None,
    description="",
    created_by=None,
    started_on=None,
):
    """Create a project at the « idée » stage, with its trades and places, and the first line of its
    timeline, in one transaction. ``started_on`` is the project's start (date d'effet of that first line,
    default today): a past date enters a project that started earlier; never a future one."""
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": START_IN_FUTURE.format(date=f"{started_on:%d/%m/%Y}")})
    if started_on < EARLIEST_EFFECTIVE_DATE:
        raise ValidationError({"started_on": START_TOO_EARLY.format(date=f"{started_on:%d/%m/%Y}")})
    project = Project(
        holder=holder, name=name, commune=commune, target_opening_date=target_opening_date, description=description
    )
    project.full_clean()
    project.save()
    ProjectTrade.objects.bulk_create(ProjectTrade(project=project, trade=t, places=places_per_trade) for t in trades)
    ProjectTransition.objects.create(
        project=project,
        from_stage="",
        to_stage=project.stage,
        by=created_by,
        organization=holder,
        at=project.created_at,
        effective_date=started_on,
        comment="Création du projet.",
    )
    return project


def project_transition(*, project, to_stage, by, comment="", effective_date=None) -> ProjectTransition:
    """Move ``project`` to ``to_stage`` for ``by`` (acting for their current organisation), on
    ``effective_date`` (date d'effet, default today: a past date records a move made earlier).

    The move must be declared in ``workflow.TRANSITIONS`` from the project's stage; the workflow
    mechanism (``essaim.common.workflow.transition``) reads the stage again under a row lock, so two
    people cannot move it at once, checks who may make the move, the comment when required and the
    effective date (not in the future, not before the project entered its current stage), and logs it.
    ``to_stage`` may be ``workflow.PREVIOUS_STAGE`` to resume an abandoned project. Raises
    ``ValidationError`` (illegal move, missing reason, impossible date) or ``PermissionDenied`` (move
    reserved to another organisation), with French messages.
    """
    transition = workflow.find_transition(project.stage, to_stage)
    if transition is None and project.stage == ProjectStage.ABANDONED and to_stage == workflow.previous_stage(project):
        # Resuming names the real stage too: accept it when it is the stage before the abandonment.
        transition = workflow.find_transition(project.stage, workflow.PREVIOUS_STAGE)
    if transition is None:
        raise ValidationError(TRANSITION_NOT_ALLOWED.format(stage=project.get_stage_display()), code="not_allowed")
    return workflow_transition(project, transition.name, user=by, comment=comment, effective_date=effective_date)


@transaction.atomic
def project_partner_add(*, project, organization, role, comment="", added_by=None) -> ProjectPartner:
    """Link an organisation to a project with a role (history keeps who added it, and its removal)."""
    if organization.pk == project.holder_id:
        raise ValidationError({"organization": PARTNER_IS_HOLDER})
    if ProjectPartner.objects.filter(project=project, organization=organization, role=role).exists():
        raise ValidationError({"role": PARTNER_DUPLICATE})
    partner = ProjectPartner(project=project, organization=organization, role=role, comment=comment, added_by=added_by)
    partner.full_clean()
    partner._history_user = added_by
    partner.save()
    return partner


@transaction.atomic
def project_partner_remove(*, partner, removed_by=None) -> None:
    """Remove a partner link; its history (simple_history) records who removed it."""
    partner._history_user = removed_by
    partner.delete()


@transaction.atomic
def project_update(*, project, name, commune, trades, places_per_trade, target_opening_date=None, description=""):
    """Update a project's description, trades and places in one transaction (history keeps the old values)."""
    project.name = name
    project.commune = commune
    project.target_opening_date = target_opening_date
    project.description = description
    project.full_clean()
    project.save()
    wanted = {t.pk: t for t in trades}
    for line in project.trade_lines.all():
        if line.trade_id not in wanted:
            line.delete()
        else:
            if line.places != places_per_trade:
                line.places = places_per_trade
                line.save()
            wanted.pop(line.trade_id)
    for trade in wanted.values():
        ProjectTrade.objects.create(project=project, trade=trade, places=places_per_trade)
    return project
