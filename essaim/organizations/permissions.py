"""Who acts for which organisation, and what organisations may do with each other's data.

A user acts for one organisation at a time (their *current organisation*, chosen in the
header and kept in the session). Rules about projects, dossiers or plans are written in the
``permissions.py`` of their app with the predicates below; each predicate's docstring
states the rule it encodes.
"""

from __future__ import annotations

import rules

from essaim.organizations.enums import PROGRAMME_PARTNER_KINDS, MembershipRole

_UNSET = object()
SESSION_KEY = "current_membership_id"


def current_membership(user):
    """The membership the user currently acts through, or None.

    The middleware sets it from the session; elsewhere (shell, tests without a request)
    it falls back to the user's first active membership by organisation name.
    """
    if user is None or not user.is_authenticated:
        return None
    membership = getattr(user, "_current_membership", _UNSET)
    if membership is _UNSET:
        membership = user.memberships.active().select_related("organization").order_by("organization__name").first()
        user._current_membership = membership
    return membership


def current_organization(user):
    membership = current_membership(user)
    return membership.organization if membership else None


def set_current_membership(user, membership) -> None:
    user._current_membership = membership


def active_memberships(user) -> list:
    """The user's active memberships with their organisations, by organisation name.

    The middleware reads them once per request (``user._memberships``, the header's list); elsewhere
    (shell, tests without a request) they are read here.
    """
    memberships = getattr(user, "_memberships", None)
    if memberships is None:
        memberships = list(user.memberships.active().select_related("organization").order_by("organization__name"))
    return memberships


@rules.predicate
def is_platform_admin(user):
    """Platform administrators (``is_staff``) run the platform: the Django admin and every organisation."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


@rules.predicate
def acts_for_programme_partner(user):
    """The Région, the Banque des Territoires and FNEP steer the programme together: they see all of it."""
    organization = current_organization(user)
    return organization is not None and organization.kind in PROGRAMME_PARTNER_KINDS


def acts_as(*kinds):
    """Predicate factory: the user currently acts for an organisation of one of these kinds."""

    @rules.predicate(name=f"acts_as({','.join(kinds)})")
    def predicate(user):
        organization = current_organization(user)
        return organization is not None and organization.kind in kinds

    return predicate


def membership_writes(membership) -> bool:
    """Administrateurs and membres write for their organisation; lecteurs only read."""
    return membership is not None and membership.role in (MembershipRole.ADMIN, MembershipRole.MEMBER)


@rules.predicate
def has_write_role(user):
    """The membership the user currently acts through may write (see ``membership_writes``)."""
    return membership_writes(current_membership(user))


@rules.predicate
def has_admin_role(user):
    """The user is an administrateur of the organisation they currently act for."""
    membership = current_membership(user)
    return membership is not None and membership.role == MembershipRole.ADMIN


@rules.predicate
def is_member_of(user, organization):
    """A person sees the members and internal pages of the organisations they belong to (active membership)."""
    if organization is None or not user.is_authenticated:
        return False
    return any(m.organization_id == organization.pk for m in active_memberships(user))


@rules.predicate
def is_admin_of(user, organization):
    """Only an organisation's administrateurs edit its profile and manage its members."""
    if organization is None or not user.is_authenticated:
        return False
    return any(
        m.organization_id == organization.pk and m.role == MembershipRole.ADMIN for m in active_memberships(user)
    )


@rules.predicate
def runs_a_school(user, organization):
    """The organisation runs an école de production on Essaim: its members are the school's staff and
    see youths' records (minors' data)."""
    return organization is not None and organization_runs_school(organization)


def organization_runs_school(organization) -> bool:
    """Whether ``organization`` is the organisation of a ``ProductionSchool`` (asked to the database,
    never to a cached relation: a school opened a moment ago counts)."""
    return type(organization).objects.filter(pk=organization.pk, production_school__isnull=False).exists()


can_view_members = is_member_of | is_platform_admin
can_manage_organization = is_admin_of | is_platform_admin
# Members give access to the organisation's data. A school's members see its youths' records, so only
# the school's own administrateurs manage them: nobody else, not even a platform administrator (who
# could otherwise add himself and read minors' data). Every other organisation's members are also
# managed by the platform administrators.
can_manage_members = is_admin_of | (is_platform_admin & ~runs_a_school)
# The programme partners build the networks around the projects: their writers (administrateurs and
# membres of the Région, the Banque des Territoires or FNEP) create CFA, missions locales and firms in the
# directory and import SIRENE extracts; platform administrators too.
can_create_organization = is_platform_admin | (acts_for_programme_partner & has_write_role)
can_import_companies = can_create_organization

# The Django admin (« Administration » in the menu): platform administrators only.
rules.add_perm("organizations.administer_platform", is_platform_admin)
rules.add_perm("organizations.view_members", can_view_members)
rules.add_perm("organizations.manage_organization", can_manage_organization)
rules.add_perm("organizations.manage_members", can_manage_members)
rules.add_perm("organizations.import_companies", can_import_companies)
rules.add_perm("organizations.add_organization", can_create_organization)
