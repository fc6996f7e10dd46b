"""Minors' data: a platform administrator tries to join a school's organisation by every path that
exists — the member pages (add, re-activate), the invitation (the same service), the Django admin
(membership add and change, the organisation's inline, the school's organisation, a staff account's
e-mail and password, the history « revert » form), the CLI (``essaim api_tokens``) — and then reads
every youth page, export and the API. He never sees a youth, and adding a member to a school's
organisation (by its own administrateurs, the one allowed path) tells them by e-mail."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from essaim.api_tokens.services import api_token_create
from essaim.organizations import services
from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.learners.factories import EnrolmentFactory, LearnerFactory, OpenSchoolFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

YOUTH_LAST_NAME = "Secretissime"


@pytest.fixture
def world():
    school = OpenSchoolFactory()
    school_admin = MembershipFactory(organization=school.organization, role=MembershipRole.ADMIN)
    school_reader = MembershipFactory(organization=school.organization, role=MembershipRole.READER)
    youth = LearnerFactory(school=school, last_name=YOUTH_LAST_NAME, first_name="Camille")
    EnrolmentFactory(learner=youth)
    admin = UserFactory(platform_admin=True, email="admin@essaim.example")
    # The administrator also works for the Région (an acting organisation of his own).
    MembershipFactory(user=admin, organization=OrganizationFactory(region=True), role=MembershipRole.ADMIN)
    return {"school": school, "school_admin": school_admin, "reader": school_reader, "youth": youth, "admin": admin}


def admin_memberships_of_school(world):
    return Membership.objects.filter(user=world["admin"], organization=world["school"].organization)


def assert_no_youth_readable(client, world):
    """Every page, export and API operation that could show a youth answers without any youth."""
    school, youth = world["school"], world["youth"]
    client.force_login(world["admin"])
    pages = [
        reverse("learners:list", args=[school.pk]) + "?statut=tous",
        reverse("learners:school_hours", args=[school.pk]),
        reverse("learners:impact", args=[school.pk]),
        reverse("learners:impact_export", args=[school.pk, "csv"]),
        reverse("learners:impact_export", args=[school.pk, "xlsx"]),
        reverse("learners:detail", args=[youth.pk]),
        reverse("learners:detail_tab", args=[youth.pk, "sortie"]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 404, url
        assert YOUTH_LAST_NAME.encode() not in response.content, url
    for fmt in ("json", "pdf", "csv"):
        response = client.post(reverse("learners:export", args=[youth.pk, fmt]))
        assert response.status_code == 404, fmt
    # Whatever organisation he may switch to, the admin has no membership of the school.
    assert not admin_memberships_of_school(world).filter(is_active=True).exists()
    # The API, with a token of his own.
    membership = Membership.objects.get(user=world["admin"], is_active=True)
    _, secret = api_token_create(
        user=world["admin"],
        membership=membership,
        name="essai",
        scope="read",
        expires_on=timezone.localdate() + dt.timedelta(days=5),
    )
    response = client.get(f"/api/v1/schools/{school.pk}/activity", headers={"authorization": f"Bearer {secret}"})
    assert YOUTH_LAST_NAME.encode() not in response.content
    assert b"Camille" not in response.content


def test_member_add_page_refuses_a_platform_admin_on_a_school(client, world):
    client.force_login(world["admin"])
    url = reverse("organizations:membership_add", kwargs={"uid": world["school"].organization.uid})
    assert client.get(url).status_code == 403
    for role in MembershipRole.values:
        response = client.post(url, {"email": world["admin"].email, "role": role, "first_name": "", "last_name": ""})
        assert response.status_code == 403
        # The invitation of someone else goes through the same page.
        response = client.post(url, {"email": "complice@exemple.fr", "role": role, "first_name": "", "last_name": ""})
        assert response.status_code == 403
    assert not Membership.objects.filter(organization=world["school"].organization, user__is_staff=True).exists()
    assert not Membership.objects.filter(user__email="complice@exemple.fr").exists()
    assert mail.outbox == []
    assert_no_youth_readable(client, world)


def test_reactivating_an_old_membership_is_refused(client, world):
    """He was once a member (deactivated since): re-activating himself is refused, on the page and in the service."""
    old = MembershipFactory(
        user=world["admin"], organization=world["school"].organization, role=MembershipRole.READER, is_active=False
    )
    client.force_login(world["admin"])
    url = reverse(
        "organizations:membership_edit", kwargs={"uid": world["school"].organization.uid, "membership_id": old.pk}
    )
    assert client.post(url, {"role": "admin", "is_active": "on"}).status_code == 403
    with pytest.raises(ValidationError):
        services.membership_update(membership=old, role=MembershipRole.ADMIN, is_active=True, updated_by=world["admin"])
    old.refresh_from_db()
    assert not old.is_active and old.role == MembershipRole.READER
    assert_no_youth_readable(client, world)


def test_the_service_refuses_anyone_but_the_schools_admins(world):
    """The one write path (page, invitation) refuses the platform admin, a school lecteur and nobody (None)."""
    organization = world["school"].organization
    for actor in (world["admin"], world["reader"].user, None):
        with pytest.raises(ValidationError) as error:
            services.membership_add(
                organization=organization, email="admin@essaim.example", role="reader", added_by=actor
            )
        assert "seuls ses administrateurs" in error.value.messages[0]
    assert not admin_memberships_of_school(world).exists()


def test_django_admin_cannot_add_or_change_a_schools_members(client, world):
    client.force_login(world["admin"])
    organization, school = world["school"].organization, world["school"]
    # Membership « add » form.
    response = client.post(
        reverse("admin:organizations_membership_add"),
        {"user": world["admin"].pk, "organization": organization.pk, "role": "admin", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "seuls ses administrateurs" in response.content.decode()
    # Membership « change » form: turning the lecteur's membership into his own.
    reader = world["reader"]
    url = reverse("admin:organizations_membership_change", args=[reader.pk])
    client.post(url, {"user": world["admin"].pk, "organization": organization.pk, "role": "admin", "is_active": "on"})
    reader.refresh_from_db()
    assert reader.user_id != world["admin"].pk
    # The history « revert » form, which Django's change permission does not guard.
    version = reader.history.first()
    revert = reverse("admin:organizations_membership_simple_history", args=[reader.pk, version.history_id])
    response = client.post(
        revert, {"user": world["admin"].pk, "organization": organization.pk, "role": "admin", "is_active": "on"}
    )
    assert response.status_code in (200, 403)
    reader.refresh_from_db()
    assert reader.user_id != world["admin"].pk
    # The organisation's members inline: read-only, new rows are ignored.
    change = reverse("admin:organizations_organization_change", args=[organization.pk])
    page = client.get(change)
    assert page.status_code == 200
    client.post(
        change,
        {
            "name": organization.name,
            "kind": organization.kind,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": world["admin"].pk,
            "memberships-0-role": "admin",
            "memberships-0-is_active": "on",
            "memberships-0-organization": organization.pk,
        },
    )
    # The school's organisation: read-only, and a revert cannot move it either.
    own = Membership.objects.get(user=world["admin"]).organization
    client.post(
        reverse("admin:schools_productionschool_change", args=[school.pk]),
        {"name": school.name, "commune": school.commune_id, "status": school.status, "organization": own.pk},
    )
    school.refresh_from_db()
    assert school.organization_id == organization.pk
    assert not OrganizationFactory._meta.model.objects.filter(pk=own.pk, production_school__isnull=False).exists()
    # A staff member's account: e-mail and password cannot be taken over.
    staff = world["school_admin"].user
    response = client.post(
        reverse("admin:auth_user_password_change", args=[staff.pk]),
        {"password1": "Un-mot-de-passe-long-42", "password2": "Un-mot-de-passe-long-42"},
    )
    assert response.status_code == 403
    client.post(
        reverse("admin:accounts_user_change", args=[staff.pk]),
        {
            "email": "admin+ecole@essaim.example",
            "first_name": "x",
            "last_name": "y",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    staff.refresh_from_db()
    assert staff.email != "admin+ecole@essaim.example"
    assert not staff.check_password("Un-mot-de-passe-long-42")
    assert not admin_memberships_of_school(world).exists()
    assert_no_youth_readable(client, world)


def test_cli_gives_no_token_acting_for_a_schools_staff(client, world):
    """No command adds members; ``essaim api_tokens create`` does not hand out a secret acting for a school's staff."""
    with pytest.raises(CommandError, match="école de production"):
        call_command("api_tokens", "create", world["reader"].user.email)
    assert_no_youth_readable(client, world)


def test_the_schools_admins_add_a_member_and_are_told(client, world, django_capture_on_commit_callbacks):
    """The one allowed path: the school's own administrateur; every administrateur receives an e-mail."""
    second_admin = MembershipFactory(organization=world["school"].organization, role=MembershipRole.ADMIN)
    client.force_login(world["school_admin"].user)
    url = reverse("organizations:membership_add", kwargs={"uid": world["school"].organization.uid})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"email": "benevole@exemple.fr", "role": "reader", "first_name": "", "last_name": ""}
        )
    assert response.status_code == 302
    assert Membership.objects.filter(
        user__email="benevole@exemple.fr", organization=world["school"].organization
    ).exists()
    told = [m for m in mail.outbox if "accès donné" in m.subject]
    assert sorted(m.to[0] for m in told) == sorted([world["school_admin"].user.email, second_admin.user.email])
    assert all("benevole@exemple.fr" in m.body and "Lecteur" in m.body for m in told)


def test_other_organisations_stay_managed_by_platform_admins(client, world):
    """The rule is about schools only: a collectivité's members are still managed by the platform."""
    other = OrganizationFactory(kind=OrganizationKind.COMPANY)
    client.force_login(world["admin"])
    url = reverse("organizations:membership_add", kwargs={"uid": other.uid})
    response = client.post(url, {"email": "x@exemple.fr", "role": "admin", "first_name": "", "last_name": ""})
    assert response.status_code == 302
    assert Membership.objects.filter(organization=other, user__email="x@exemple.fr").exists()
