import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from essaim.organizations import services
from essaim.organizations.enums import MembershipRole
from essaim.organizations.models import Membership, Organization
from essaim.organizations.permissions import current_organization
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_an_organisation_keeps_an_active_admin():
    """The last administrateur can be neither demoted nor deactivated."""
    admin = MembershipFactory(role=MembershipRole.ADMIN)
    with pytest.raises(ValidationError) as error:
        services.membership_update(membership=admin, role=MembershipRole.MEMBER, is_active=True, updated_by=admin.user)
    assert error.value.messages == [services.MEMBERSHIP_LAST_ADMIN]
    admin.refresh_from_db()
    assert admin.role == MembershipRole.ADMIN


def test_inviting_a_new_person_sends_a_link(client):
    """An administrateur adds a new person: an account without password and an invitation e-mail."""
    admin = MembershipFactory(role=MembershipRole.ADMIN)
    client.force_login(admin.user)
    url = reverse("organizations:membership_add", kwargs={"uid": admin.organization.uid})
    response = client.post(url, {"email": "Nouvelle@Exemple.fr", "role": "reader", "first_name": "", "last_name": ""})
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nouvelle@exemple.fr")
    assert membership.role == MembershipRole.READER
    assert membership.updated_by == admin.user
    assert not membership.user.has_usable_password()
    assert len(mail.outbox) == 1
    assert "/mot-de-passe/nouveau/" in mail.outbox[0].body
    assert admin.organization.name in mail.outbox[0].subject


def test_invalid_siret_is_refused_with_field_error(client):
    """Editing an organisation with a wrong SIRET shows the French error on the field and saves nothing."""
    admin = MembershipFactory(role=MembershipRole.ADMIN, organization__siren="180020026")
    client.force_login(admin.user)
    url = reverse("organizations:organization_edit", kwargs={"uid": admin.organization.uid})
    response = client.post(
        url, {"name": "Autre nom", "siren": "180020026", "siret": "18002002600018", "website": "", "description": ""}
    )
    assert response.status_code == 200
    assert "Ce SIRET n&#x27;est pas valide : sa clé de contrôle est fausse." in response.content.decode()
    assert Organization.objects.get(pk=admin.organization.pk).name != "Autre nom"


def test_switching_organisation_changes_what_one_acts_for(client):
    """A person in two organisations chooses which one they act for; others' memberships are refused."""
    first = MembershipFactory(organization__name="A – première")
    second = MembershipFactory(user=first.user, organization__name="B – seconde")
    stranger = MembershipFactory()
    client.force_login(first.user)
    assert client.get(reverse("dashboard:home")).wsgi_request.current_organization == first.organization
    client.post(reverse("accounts:switch_organization"), {"membership": second.pk})
    assert client.get(reverse("dashboard:home")).wsgi_request.current_organization == second.organization
    assert client.post(reverse("accounts:switch_organization"), {"membership": stranger.pk}).status_code == 403


def test_deactivated_membership_no_longer_counts():
    """A deactivated membership gives no organisation to act for."""
    membership = MembershipFactory(is_active=False)
    user = membership.user
    assert current_organization(user) is None


def test_history_records_who_changed_an_organisation():
    """The audit trail keeps every version of an organisation."""
    organization = OrganizationFactory(name="Avant")
    organization.name = "Après"
    organization.save()
    assert [h.name for h in organization.history.order_by("history_date")] == ["Avant", "Après"]


def test_user_factory_trait():
    """Sanity: platform administrators are staff."""
    assert UserFactory(platform_admin=True).is_staff
