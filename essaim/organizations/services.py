"""Write use cases for organisations and memberships."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from essaim.organizations.models import Membership, Organization

MEMBERSHIP_LAST_ADMIN = "L'organisation doit garder au moins un administrateur actif."


@transaction.atomic
def membership_add(*, organization: Organization, email: str, role: str, added_by, first_name="", last_name=""):
    """Add a person (created if new, without a usable password: they set it through « mot de passe oublié »)."""
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
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, role: str, is_active: bool, updated_by) -> Membership:
    """Change a member's role or deactivate them; an organisation always keeps an active administrateur."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
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
    return locked
