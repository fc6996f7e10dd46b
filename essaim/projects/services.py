"""Write use cases for projects."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from essaim.common.workflow import EARLIEST_EFFECTIVE_DATE
from essaim.common.workflow import transition as workflow_transition
from essaim.organizations.permissions import current_organization
from essaim.projects import workflow
from essaim.projects.enums import PartnerStatus, ProjectStage
from essaim.projects.models import (
    Project,
    ProjectPartner,
    ProjectPartnerTransition,
    ProjectTrade,
    ProjectTransition,
)

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


PARTNER_FIELDS = (
    "comment",
    "contact_name",
    "contact_email",
    "contact_phone",
    "engagement_kinds",
    "engagement_amount",
    "engagement_detail",
)


def _current_organization(user):
    return current_organization(user) if user is not None else None


@transaction.atomic
def project_partner_add(
    *,
    project,
    organization,
    role,
    comment="",
    added_by=None,
    status=PartnerStatus.CONTACTED,
    status_date=None,
    **details,
) -> ProjectPartner:
    """Link an organisation to a project with a role, a status (contacté by default), a contact and an
    engagement; the first line of the partner's log says who added it, and when (history keeps the rest)."""
    if organization.pk == project.holder_id:
        raise ValidationError({"organization": PARTNER_IS_HOLDER})
    if ProjectPartner.objects.filter(project=project, organization=organization, role=role).exists():
        raise ValidationError({"role": PARTNER_DUPLICATE})
    if unknown := set(details) - set(PARTNER_FIELDS):
        raise TypeError(f"Unknown partner fields: {sorted(unknown)}")
    partner = ProjectPartner(
        project=project,
        organization=organization,
        role=role,
        comment=comment,
        added_by=added_by,
        status=status,
        status_date=status_date or timezone.localdate(),
        **details,
    )
    partner.full_clean()
    if partner.status_date > timezone.localdate():
        raise ValidationError({"status_date": "La date du statut ne peut pas être dans le futur."})
    partner._history_user = added_by
    partner.save()
    ProjectPartnerTransition.objects.create(
        partner=partner,
        name="add",
        from_state="",
        to_state=partner.status,
        by=added_by,
        organization=_current_organization(added_by),
        effective_date=partner.status_date,
        comment="Ajouté au réseau du projet.",
    )
    return partner


@transaction.atomic
def project_partners_add_many(*, project, organizations, role, added_by=None) -> tuple[list[ProjectPartner], int]:
    """Add several organisations to a project's network at once (status « contacté »), skipping the ones
    that already hold this role or that carry the project; returns the partners created and how many
    were already there."""
    already = set(
        ProjectPartner.objects.filter(project=project, role=role, organization__in=organizations).values_list(
            "organization_id", flat=True
        )
    )
    created, skipped = [], 0
    for organization in organizations:
        if organization.pk in already or organization.pk == project.holder_id:
            skipped += 1
            continue
        created.append(project_partner_add(project=project, organization=organization, role=role, added_by=added_by))
    return created, skipped


@transaction.atomic
def project_partner_update(*, partner, updated_by=None, **details) -> ProjectPartner:
    """Update a partner's contact, engagement and comment (history keeps the former values and who)."""
    if unknown := set(details) - set(PARTNER_FIELDS):
        raise TypeError(f"Unknown partner fields: {sorted(unknown)}")
    for name, value in details.items():
        setattr(partner, name, value)
    partner.full_clean()
    partner._history_user = updated_by
    partner.save()
    return partner


def project_partner_transition(*, partner, name, by, comment="", effective_date=None):
    """Move a partner to another status (``partner_workflow.TRANSITIONS`` says which moves and who)."""
    return workflow_transition(partner, name, user=by, comment=comment, effective_date=effective_date)


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
