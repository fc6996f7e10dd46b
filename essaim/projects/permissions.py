"""What each kind of organisation may see and do with projects. Each predicate states its rule."""

import rules

from essaim.organizations.enums import OrganizationKind
from essaim.organizations.permissions import (
    acts_as,
    acts_for_programme_partner,
    current_organization,
    has_write_role,
    is_platform_admin,
)


@rules.predicate
def is_project_holder(user, project):
    """The user currently acts for the organisation that carries the project."""
    organization = current_organization(user)
    return organization is not None and project is not None and project.holder_id == organization.pk


@rules.predicate
def project_is_on_collectivite_territory(user, project):
    """The user acts for a collectivité and the project is located on its territory."""
    organization = current_organization(user)
    if organization is None or project is None or organization.kind != OrganizationKind.COLLECTIVITE:
        return False
    commune = project.commune
    return {
        "commune": commune.pk == organization.commune_id,
        "epci": commune.epci_id == organization.epci_id,
        "department": commune.department_id == organization.department_id,
    }[organization.collectivite_level]


can_view_project = (
    is_platform_admin | acts_for_programme_partner | is_project_holder | project_is_on_collectivite_territory
)
# Writers (administrateurs and membres) of the holder, of FNEP, of the Banque des Territoires.
is_holder_writer = is_project_holder & has_write_role
is_fnep_writer = acts_as(OrganizationKind.FEDERATION) & has_write_role
is_bdt_writer = acts_as(OrganizationKind.BANQUE_DES_TERRITOIRES) & has_write_role

# Project holders create their projects; lecteurs never write.
can_create_project = acts_as(OrganizationKind.PROJECT_HOLDER) & has_write_role
# Only the holder (administrateur or membre) edits its project's description.
can_change_project = is_project_holder & has_write_role

# Writers of the Région, the Banque des Territoires or FNEP (the programme partners).
is_programme_partner_writer = acts_for_programme_partner & has_write_role

# The holder and the programme partners build the network: the Région builds partner networks around
# each future school, the Banque des Territoires spots private partners, FNEP accompanies the holder.
can_manage_partners = is_holder_writer | is_programme_partner_writer


@rules.predicate
def can_manage_project_partner(user, partner):
    """A partner's status, contact and engagement are followed by those who manage the project's network."""
    return partner is not None and can_manage_partners.test(user, partner.project)


@rules.predicate
def can_view_project_partner(user, partner):
    """A partner link is seen by those who see its project."""
    return partner is not None and can_view_project.test(user, partner.project)


rules.add_perm("projects.view_project", can_view_project)
rules.add_perm("projects.manage_partners", can_manage_partners)
rules.add_perm("projects.view_partner", can_view_project_partner)
rules.add_perm("projects.change_partner", can_manage_project_partner)
rules.add_perm("projects.add_project", can_create_project)
rules.add_perm("projects.change_project", can_change_project)
