"""Who may see and do what with funding dossiers. Each predicate states its rule.

Predicates take a ``FundingApplication`` (or, for expert answers, an ``ExpertOpinionRequest``) and
reason on the organisation the user currently acts for. The permissions of state changes are
registered from the table in ``workflow.py``.
"""

import rules

from essaim.funding_applications.enums import EDITABLE_STATES, FUNDER_KINDS, ApplicationState, ExpertRequestStatus
from essaim.organizations.enums import OrganizationKind
from essaim.organizations.permissions import (
    acts_as,
    current_organization,
    has_admin_role,
    has_write_role,
    is_platform_admin,
)
from essaim.projects.permissions import project_is_on_collectivite_territory


@rules.predicate
def is_application_holder(user, application):
    """The user acts for the project holder that filed the dossier."""
    organization = current_organization(user)
    return organization is not None and application is not None and application.project.holder_id == organization.pk


@rules.predicate
def is_application_funder(user, application):
    """The user acts for the funder the dossier is addressed to (its reviewers)."""
    organization = current_organization(user)
    return organization is not None and application is not None and application.funder_id == organization.pk


acts_for_fnep = acts_as(OrganizationKind.FEDERATION)
acts_for_region = acts_as(OrganizationKind.REGION)


@rules.predicate
def was_submitted(user, application):
    """The dossier was submitted to FNEP at least once (FNEP sees it from then on)."""
    return application is not None and application.submitted_at is not None


@rules.predicate
def was_deposited(user, application):
    """The dossier was deposited with its funder (the funder, the Région and the collectivités see it from then on)."""
    return application is not None and application.deposited_at is not None


@rules.predicate
def is_open_expert(user, application):
    """The user was asked for an expert opinion on this dossier and has not answered yet."""
    if application is None or not user.is_authenticated:
        return False
    return application.expert_requests.filter(expert=user, status=ExpertRequestStatus.OPEN).exists()


@rules.predicate
def project_on_collectivite_territory(user, application):
    """The user acts for a collectivité and the dossier's project is on its territory."""
    return application is not None and project_is_on_collectivite_territory(user, application.project)


def state_in(*states):
    """Predicate factory: the dossier is in one of these states."""
    names = ",".join(states)

    @rules.predicate(name=f"state_in({names})")
    def predicate(user, application):
        return application is not None and application.state in states

    return predicate


# Same rule as FundingApplicationQuerySet.visible_to (the list and every page use that queryset).
can_view_application = (
    is_platform_admin
    | is_application_holder
    | (acts_for_fnep & was_submitted)
    | (is_application_funder & was_deposited)
    | (acts_for_region & was_deposited)
    | (project_on_collectivite_territory & was_deposited)
    | is_open_expert
)
# Project holders (administrateur or membre) create dossiers for their projects.
can_create_application = acts_as(OrganizationKind.PROJECT_HOLDER) & has_write_role
# The holder adds and removes documents while the dossier is a draft or sent back « à compléter ».
can_change_documents = is_application_holder & has_write_role & state_in(*EDITABLE_STATES)
# Private notes: the reviewers (members of the funder, once deposited) and FNEP; never the holder,
# the Région, a collectivité, an expert, nor platform administrators.
can_view_private_notes = (is_application_funder & was_deposited) | (acts_for_fnep & was_submitted)
can_add_private_note = can_view_private_notes & has_write_role
# The message thread is between the holder and its reviewers: FNEP once submitted, the funder once deposited.
can_view_messages = is_application_holder | (acts_for_fnep & was_submitted) | (is_application_funder & was_deposited)
can_post_message = can_view_messages & has_write_role
# The funder's reviewers ask experts for their opinion while the dossier is deposited or in review.
can_request_expert_opinion = (
    is_application_funder & has_write_role & state_in(ApplicationState.DEPOSITED, ApplicationState.IN_REVIEW)
)
# Experts' answers are private, like the notes.
can_view_expert_requests = can_view_private_notes
can_manage_expert_requests = is_application_funder & has_write_role & was_deposited
# The holder deletes its own draft (never submitted); once submitted, it withdraws it with a reason.
can_delete_draft = is_application_holder & has_write_role & state_in(ApplicationState.DRAFT)
# A funder's administrateurs edit its decision letters' templates.
can_edit_letter_templates = acts_as(*FUNDER_KINDS) & has_admin_role
# The funder records the tranches paid once the convention is signed.
can_record_disbursement = is_application_funder & has_write_role & state_in(ApplicationState.CONVENTION_SIGNED)
# The funder plans the payment schedule (échéancier prévisionnel) once the financing is granted.
can_plan_schedule = (
    is_application_funder & has_write_role & state_in(ApplicationState.GRANTED, ApplicationState.CONVENTION_SIGNED)
)
# The funder's workload (issue 17): its staff (any role) read the queues « Mes dossiers » and « À traiter »;
# its administrateurs and membres assign a deposited dossier to an instructor and act on a selection
# (each dossier of a selection is checked again with the single action's rule).
acts_for_funder = acts_as(*FUNDER_KINDS)
can_view_desk = acts_for_funder
can_use_desk_actions = acts_for_funder & has_write_role
can_assign_application = is_application_funder & has_write_role & was_deposited & ~state_in(ApplicationState.WITHDRAWN)


@rules.predicate
def is_asked_expert(user, expert_request):
    """The user is the expert of this open request (they answer once; then the access ends)."""
    return (
        expert_request is not None
        and user.is_authenticated
        and expert_request.expert_id == user.pk
        and expert_request.status == ExpertRequestStatus.OPEN
    )


rules.add_perm("funding_applications.view_application", can_view_application)
rules.add_perm("funding_applications.add_application", can_create_application)
rules.add_perm("funding_applications.change_documents", can_change_documents)
rules.add_perm("funding_applications.view_private_notes", can_view_private_notes)
rules.add_perm("funding_applications.add_private_note", can_add_private_note)
rules.add_perm("funding_applications.view_messages", can_view_messages)
rules.add_perm("funding_applications.post_message", can_post_message)
rules.add_perm("funding_applications.request_expert_opinion", can_request_expert_opinion)
rules.add_perm("funding_applications.view_expert_requests", can_view_expert_requests)
rules.add_perm("funding_applications.manage_expert_requests", can_manage_expert_requests)
rules.add_perm("funding_applications.answer_expert_request", is_asked_expert)
rules.add_perm("funding_applications.record_disbursement", can_record_disbursement)
rules.add_perm("funding_applications.plan_schedule", can_plan_schedule)
rules.add_perm("funding_applications.delete_draft", can_delete_draft)
rules.add_perm("funding_applications.edit_letter_templates", can_edit_letter_templates)
rules.add_perm("funding_applications.view_desk", can_view_desk)
rules.add_perm("funding_applications.use_desk_actions", can_use_desk_actions)
rules.add_perm("funding_applications.assign_application", can_assign_application)
