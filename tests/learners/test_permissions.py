"""Minors' data: only the school's own staff see a youth's record. Tried with every actor."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from essaim.learners.models import Enrolment, Incident, Learner, LearnerOutcome, WeeklyHours
from essaim.organizations.enums import MembershipRole, OrganizationKind
from essaim.organizations.permissions import set_current_membership
from tests.accounts.factories import UserFactory
from tests.learners.factories import (
    EnrolmentFactory,
    IncidentFactory,
    LearnerFactory,
    LearnerOutcomeFactory,
    OpenSchoolFactory,
    WeeklyHoursFactory,
)
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    school_a, school_b = OpenSchoolFactory(), OpenSchoolFactory()
    learner = LearnerFactory(school=school_a)
    EnrolmentFactory(learner=learner)
    WeeklyHoursFactory(learner=learner)
    IncidentFactory(learner=learner)
    LearnerOutcomeFactory(learner=LearnerFactory(school=school_a, exited=True))
    LearnerFactory(school=school_b)
    users = {
        "anonymous": AnonymousUser(),
        "platform_admin": UserFactory(platform_admin=True),
        "no_organization": UserFactory(),
    }
    for actor, organization, role in [
        ("staff_admin", school_a.organization, MembershipRole.ADMIN),
        ("staff_member", school_a.organization, MembershipRole.MEMBER),
        ("staff_reader", school_a.organization, MembershipRole.READER),
        ("other_school", school_b.organization, MembershipRole.ADMIN),
        ("region", OrganizationFactory(region=True), MembershipRole.ADMIN),
        ("bdt", OrganizationFactory(bdt=True), MembershipRole.MEMBER),
        ("fnep", OrganizationFactory(fnep=True), MembershipRole.ADMIN),
        ("collectivite", OrganizationFactory(collectivite_epci=True), MembershipRole.ADMIN),
        ("holder", OrganizationFactory(kind=OrganizationKind.PROJECT_HOLDER), MembershipRole.ADMIN),
    ]:
        users[actor] = MembershipFactory(organization=organization, role=role).user
    inactive = MembershipFactory(organization=school_a.organization, role=MembershipRole.ADMIN, is_active=False)
    users["former_staff"] = inactive.user
    # A platform administrator who is also a member of FNEP, acting for FNEP.
    admin_fnep = UserFactory(platform_admin=True)
    MembershipFactory(user=admin_fnep, organization=OrganizationFactory(fnep=True, name="FNEP bis"))
    users["platform_admin_fnep"] = admin_fnep
    return school_a, learner, users


SEES = {"staff_admin", "staff_member", "staff_reader"}
WRITES = {"staff_admin", "staff_member"}


def test_only_the_schools_staff_see_its_youths(setting):
    school, learner, users = setting
    for actor, user in users.items():
        visible = Learner.objects.visible_to(user)
        assert visible.filter(school=school).count() == (2 if actor in SEES else 0), actor
        if actor != "other_school":
            assert not visible.exclude(school=school).exists(), actor
        for model in (Enrolment, WeeklyHours, Incident, LearnerOutcome):
            rows = model.objects.visible_to(user).filter(learner__school=school)
            # Incidents: the school's administrateurs and membres only, as learners.view_incidents says.
            seen_by = WRITES if model is Incident else SEES
            assert rows.exists() == (actor in seen_by), (actor, model)


def test_rules_by_role(setting):
    school, learner, users = setting
    for actor, user in users.items():
        assert rules.has_perm("learners.view_learners", user, school) == (actor in SEES), actor
        assert rules.has_perm("learners.manage_learners", user, school) == (actor in WRITES), actor
        assert rules.has_perm("learners.view_incidents", user, learner) == (actor in WRITES), actor
        assert rules.has_perm("learners.export_record", user, learner) == (actor in WRITES), actor


def test_a_staff_member_acting_for_another_organisation_does_not_see_the_youths(setting):
    school, learner, users = setting
    user = users["staff_admin"]
    other = MembershipFactory(user=user, organization=OrganizationFactory(fnep=True, name="FNEP ter"))
    set_current_membership(user, other)
    assert not Learner.objects.visible_to(user).exists()
    assert not rules.has_perm("learners.view_learners", user, school)


def test_youths_are_not_in_the_django_admin():
    from django.contrib import admin

    from essaim.learners import models

    for model in (models.Learner, models.Enrolment, models.WeeklyHours, models.Incident, models.LearnerOutcome):
        assert not admin.site.is_registered(model)
