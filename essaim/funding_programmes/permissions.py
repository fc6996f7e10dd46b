"""Who may see and do what with funding programmes, envelopes and funding lines. Each predicate
states its rule.

Predicates take a ``FundingProgramme``, a ``BudgetEnvelope`` (reasoned on its programme), a
``FundingLine`` or a ``Project`` (for creating lines and matching), and reason on the organisation
the user currently acts for.
"""

import rules

from essaim.organizations.enums import OrganizationKind
from essaim.organizations.permissions import (
    acts_as,
    acts_for_programme_partner,
    current_organization,
    has_write_role,
    is_platform_admin,
)
from essaim.projects.permissions import can_view_project, is_project_holder

# Organisations that publish programmes in the catalogue.
FUNDER_ORGANIZATION_KINDS = (
    OrganizationKind.REGION,
    OrganizationKind.BANQUE_DES_TERRITOIRES,
    OrganizationKind.FEDERATION,
    OrganizationKind.COLLECTIVITE,
    OrganizationKind.OTHER_FUNDER,
)


def _programme(obj):
    """The programme of a programme or of an envelope."""
    if obj is None:
        return None
    return getattr(obj, "programme", obj)


@rules.predicate
def is_signed_in(user):
    """The catalogue and the envelopes' totals are read by every signed-in user."""
    return bool(user and user.is_authenticated)


@rules.predicate
def is_programme_funder(user, obj):
    """The user acts for the funder that publishes the programme (or the envelope's programme)."""
    programme = _programme(obj)
    organization = current_organization(user)
    return organization is not None and programme is not None and programme.funder_id == organization.pk


@rules.predicate
def is_line_funder(user, line):
    """The user acts for the funder a funding line is addressed to."""
    organization = current_organization(user)
    return organization is not None and line is not None and line.funder_id == organization.pk


@rules.predicate
def can_view_line_project(user, line):
    """The user sees the line's project (see ``Project.objects.visible_to``)."""
    return line is not None and can_view_project(user, line.project)


@rules.predicate
def is_line_holder(user, line):
    """The user acts for the holder of the line's project."""
    return line is not None and is_project_holder(user, line.project)


@rules.predicate
def line_is_requested(user, line):
    """The line is still « demandé » (no decision yet)."""
    return line is not None and line.status == "requested"


@rules.predicate
def line_is_granted(user, line):
    """The line is « obtenu » and not fully paid yet."""
    return line is not None and line.status == "granted"


@rules.predicate
def is_movement_programme_funder(user, movement):
    """The user acts for the funder of the programme whose envelope holds the ledger row."""
    organization = current_organization(user)
    return (
        organization is not None and movement is not None and movement.envelope.programme.funder_id == organization.pk
    )


@rules.predicate
def is_movement_project_holder(user, movement):
    """The user acts for the holder of the project the ledger row commits money to."""
    organization = current_organization(user)
    line = movement.funding_line if movement is not None else None
    return organization is not None and line is not None and line.project.holder_id == organization.pk


acts_for_funder_kind = acts_as(*FUNDER_ORGANIZATION_KINDS)
acts_for_fnep = acts_as(OrganizationKind.FEDERATION)

# Funders' staff (administrateurs and membres of a Région, BdT, FNEP, collectivité or other funder)
# publish programmes for their own organisation; platform administrators too (support).
can_add_programme = is_platform_admin | (acts_for_funder_kind & has_write_role)
# The funder's own staff (administrateurs and membres) edit its programmes and their envelopes;
# platform administrators too. Readers never write; another funder never edits.
can_change_programme = is_platform_admin | (is_programme_funder & has_write_role)
# Linking one of the funder's dossiers to its programme (and envelope) is the funder's own act: its
# administrateurs and membres, acting for it (platform administrators do not act for a funder).
can_link_application = is_programme_funder & has_write_role
# The envelopes' ledger names projects: platform administrators, the programme partners and the
# funder's staff read it.
can_view_ledger = is_platform_admin | acts_for_programme_partner | is_programme_funder

# One row of the ledger (``EnvelopeMovement.objects.visible_to``): platform administrators and the
# programme partners read every row, the funder the rows of its programmes, a holder those of its projects.
can_view_movement = (
    is_platform_admin | acts_for_programme_partner | is_movement_programme_funder | is_movement_project_holder
)
# A funding line is read by those who see its project, and by the funder it is addressed to.
can_view_line = is_platform_admin | can_view_line_project | is_line_funder
# The holder (administrateur or membre) and FNEP (which builds the plans with it) record what the
# project asks; the argument is the project.
can_add_line = can_view_project & ((is_project_holder | acts_for_fnep) & has_write_role)
# The funder's staff (administrateurs and membres) record the decision (obtenu / refusé) of a line
# still « demandé », then the payments of a line « obtenu ».
can_decide_line = is_line_funder & has_write_role & line_is_requested
can_record_line_payment = is_line_funder & has_write_role & line_is_granted
# The holder withdraws (deletes) a line while it is still « demandé ».
can_delete_line = (is_line_holder | (acts_for_fnep & can_view_line_project)) & has_write_role & line_is_requested

# Which funding lines a user sees (``FundingLine.objects.visible_to``), told on the totals page: every
# project's for platform administrators and the programme partners, the projects of its territory for a
# collectivité, its own projects for a holder; any organisation also sees the lines addressed to it.
sees_every_project_line = is_platform_admin | acts_for_programme_partner
sees_territory_project_lines = acts_as(OrganizationKind.COLLECTIVITE)
sees_own_project_lines = acts_as(OrganizationKind.PROJECT_HOLDER)
# A programme is published for its funder: platform administrators choose it, a funder's staff publish
# for the organisation they act for.
can_choose_programme_funder = is_platform_admin

rules.add_perm("funding_programmes.view_programme", is_signed_in)
rules.add_perm("funding_programmes.choose_funder", can_choose_programme_funder)
rules.add_perm("funding_programmes.add_programme", can_add_programme)
rules.add_perm("funding_programmes.change_programme", can_change_programme)
rules.add_perm("funding_programmes.link_application", can_link_application)
rules.add_perm("funding_programmes.view_ledger", can_view_ledger)
rules.add_perm("funding_programmes.view_movement", can_view_movement)
rules.add_perm("funding_programmes.view_line", can_view_line)
rules.add_perm("funding_programmes.add_line", can_add_line)
rules.add_perm("funding_programmes.decide_line", can_decide_line)
rules.add_perm("funding_programmes.record_line_payment", can_record_line_payment)
rules.add_perm("funding_programmes.delete_line", can_delete_line)
