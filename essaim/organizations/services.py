"""Write use cases for organisations and memberships."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from essaim.common.validators import normalize_identifier, validate_siret
from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.organizations.models import Membership, Organization
from essaim.organizations.permissions import organization_runs_school

MEMBERSHIP_LAST_ADMIN = "L'organisation doit garder au moins un administrateur actif."
SCHOOL_MEMBERS_BY_ITS_ADMINS = (
    "« {organization} » gère une école de production : seuls ses administrateurs peuvent ajouter, "
    "réactiver ou modifier ses membres, qui voient les dossiers des jeunes."
)


def _check_school_members_managed_by_its_admins(organization: Organization, actor) -> None:
    """A school's members see its youths' records (minors' data): only the school's own active
    administrateurs grant that access — never a platform administrator, whatever the path."""
    if not organization_runs_school(organization):
        return
    is_school_admin = (
        actor is not None
        and actor.is_active
        and Membership.objects.active()
        .filter(organization=organization, user=actor, role=MembershipRole.ADMIN)
        .exists()
    )
    if not is_school_admin:
        raise ValidationError(SCHOOL_MEMBERS_BY_ITS_ADMINS.format(organization=organization.name))


def notify_school_admins(membership: Membership, *, by, change: str) -> None:
    """E-mail every active administrateur of a school's organisation that someone was given access
    (added, reactivated or given another role), one e-mail each (addresses are not disclosed)."""
    organization = membership.organization
    if not organization_runs_school(organization):
        return
    recipients = sorted(
        set(
            Membership.objects.active()
            .filter(organization=organization, role=MembershipRole.ADMIN)
            .values_list("user__email", flat=True)
        )
    )
    link = settings.ESSAIM_SITE_URL.rstrip("/") + reverse(
        "organizations:organization_detail", kwargs={"uid": organization.uid}
    )
    body = render_to_string(
        "organizations/school_member_email.txt",
        {"membership": membership, "by": by, "change": change, "link": link},
    )
    subject = f"[Essaim] {organization.name} : {change} {membership.user.email}"
    messages = [EmailMessage(subject, body, None, [recipient]) for recipient in recipients]
    if messages:
        get_connection().send_messages(messages)


@transaction.atomic
def membership_add(*, organization: Organization, email: str, role: str, added_by, first_name="", last_name=""):
    """Add a person (created if new, without a usable password: they set it through « mot de passe oublié »).

    A school's organisation takes members from its own administrateurs only; its administrateurs are
    told of every addition by e-mail (after commit).
    """
    _check_school_members_managed_by_its_admins(organization, added_by)
    User = get_user_model()
    user, user_created = User.objects.get_or_create(
        email=email.strip().lower(), defaults={"first_name": first_name, "last_name": last_name}
    )
    if user_created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role, "updated_by": added_by}
    )
    if not created:
        membership.role = role
        membership.is_active = True
        membership.updated_by = added_by
        membership.full_clean()
        membership.save()
    transaction.on_commit(lambda: notify_school_admins(membership, by=added_by, change="accès donné à"))
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, role: str, is_active: bool, updated_by) -> Membership:
    """Change a member's role or deactivate them; an organisation always keeps an active administrateur."""
    _check_school_members_managed_by_its_admins(membership.organization, updated_by)
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    widens = is_active and locked.user.is_active and (not locked.is_active or role != locked.role)
    locked.role = role
    locked.is_active = is_active
    locked.updated_by = updated_by
    remaining_admins = (
        Membership.objects.active().filter(organization=locked.organization, role="admin").exclude(pk=locked.pk).count()
    )
    if remaining_admins == 0 and not (is_active and role == "admin"):
        raise ValidationError(MEMBERSHIP_LAST_ADMIN)
    locked.full_clean()
    locked.save()
    if widens:
        transaction.on_commit(lambda: notify_school_admins(locked, by=updated_by, change="accès modifié pour"))
    return locked


# The kinds of organisation the programme partners create in the platform (the others are set up by the
# platform's administrators: a Région, a collectivité, a project holder come with their members).
CREATABLE_KINDS = (OrganizationKind.CFA, OrganizationKind.MISSION_LOCALE, OrganizationKind.COMPANY)
SIRET_TAKEN = "Une organisation porte déjà ce SIRET : {name}."


@transaction.atomic
def organization_create(
    *, name: str, kind: str, siret: str, commune=None, website="", description="", created_by=None
) -> Organization:
    """Create a CFA, a mission locale or a firm in the directory, identified by its SIRET (checked:
    14 digits and Luhn key); its SIREN is the SIRET's first 9 digits."""
    if kind not in CREATABLE_KINDS:
        raise ValidationError({"kind": "Seuls un CFA, une mission locale ou une entreprise peuvent être créés ici."})
    siret = normalize_identifier(siret or "")
    if not siret:
        raise ValidationError({"siret": "Le SIRET est obligatoire."})
    try:
        validate_siret(siret)
    except ValidationError as error:
        raise ValidationError({"siret": error.messages}) from None
    if existing := Organization.objects.filter(siret=siret).first():
        raise ValidationError({"siret": SIRET_TAKEN.format(name=existing.name)})
    organization = Organization(
        name=name.strip(),
        kind=kind,
        siret=siret,
        siren=siret[:9],
        commune=commune,
        website=website,
        description=description,
    )
    organization.full_clean()
    organization._history_user = created_by
    organization.save()
    return organization
