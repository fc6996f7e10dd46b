"""Write use cases for projects."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from essaim.organizations.permissions import current_organization
from essaim.projects import workflow
from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project, ProjectPartner, ProjectTrade, ProjectTransition

TRANSITION_NOT_ALLOWED = "Ce changement d'étape n'est pas prévu : le projet est à l'étape « {stage} »."
TRANSITION_FORBIDDEN = "Votre organisation ne peut pas faire ce changement d'étape ({who} seulement)."
TRANSITION_COMMENT_REQUIRED = "Indiquez la raison : elle est obligatoire pour ce changement d'étape."
PARTNER_IS_HOLDER = "Le porteur du projet n'est pas son propre partenaire."
PARTNER_DUPLICATE = "Cette organisation a déjà ce rôle dans le projet."


@transaction.atomic
def project_create(
    *, holder, name, commune, trades, places_per_trade, target_opening_date=None, description="", created_by=None
):
    """Create a project at the « idée » stage, with its trades and places, and the first line of its
    timeline, in one transaction."""
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
        comment="Création du projet.",
    )
    return project


def _previous_stage(project) -> str:
    """The stage a project had when it was last abandoned (« idée » if the log does not say)."""
    move = project.transitions.filter(to_stage=ProjectStage.ABANDONED).order_by("-at", "-pk").first()
    return move.from_stage if move and move.from_stage else ProjectStage.IDEA


@transaction.atomic
def project_transition(*, project, to_stage, by, comment="") -> ProjectTransition:
    """Move ``project`` to ``to_stage`` for ``by`` (acting for their current organisation).

    The move must be declared in ``workflow.TRANSITIONS`` from the project's current stage (read
    under a row lock, so two people cannot move it at once) and allowed to ``by``; a comment is
    required when the transition says so. ``to_stage`` may be ``workflow.PREVIOUS_STAGE`` to resume
    an abandoned project. Raises ``ValidationError`` (illegal move, missing reason) or
    ``PermissionDenied`` (move reserved to another organisation), with French messages.
    """
    locked = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    transition = workflow.find_transition(locked.stage, to_stage)
    if transition is None and locked.stage == ProjectStage.ABANDONED:
        # Resuming names the real stage too: accept it when it is the stage before the abandonment.
        resume = workflow.find_transition(locked.stage, workflow.PREVIOUS_STAGE)
        if resume and to_stage == _previous_stage(locked):
            transition = resume
    if transition is None:
        raise ValidationError(TRANSITION_NOT_ALLOWED.format(stage=locked.get_stage_display()), code="not_allowed")
    if not transition.predicate.test(by, locked):
        raise PermissionDenied(TRANSITION_FORBIDDEN.format(who=transition.who))
    comment = (comment or "").strip()
    if transition.needs_comment and not comment:
        raise ValidationError({"comment": TRANSITION_COMMENT_REQUIRED}, code="comment_required")
    target = _previous_stage(locked) if transition.target == workflow.PREVIOUS_STAGE else transition.target
    move = ProjectTransition.objects.create(
        project=locked,
        from_stage=locked.stage,
        to_stage=target,
        by=by,
        organization=current_organization(by),
        at=timezone.now(),
        comment=comment,
    )
    locked.stage = target
    locked._history_user = by
    locked.save(update_fields=["stage", "updated_at"])
    project.stage = target
    return move


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
