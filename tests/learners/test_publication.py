"""Differencing (issue #12): youths' aggregates that leave the school are published on a fixed period
— the records as they stood at the end of the last closed quarter — so recording one outcome, or
correcting one, does not move a published rate until the quarter closes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from essaim.learners.enums import EmploymentOutcome
from essaim.learners.publication import date_history_before_period, published_as_of, published_label
from essaim.learners.selectors import programme_learner_outcomes, workshop_learner_outcomes
from tests.learners.factories import LearnerFactory, LearnerOutcomeFactory, OpenSchoolFactory

pytestmark = pytest.mark.django_db


def test_the_published_period_ends_with_the_last_closed_quarter():
    today = timezone.localdate()
    end = timezone.localtime(published_as_of())
    assert end.time() == dt.time.min and end.day == 1 and end.month in (1, 4, 7, 10)
    assert end.date() <= today < (end + dt.timedelta(days=93)).date()
    assert timezone.localtime(published_as_of(dt.date(2026, 11, 26))).date() == dt.date(2026, 10, 1)
    assert published_label(published_as_of(dt.date(2026, 11, 26))).startswith("chiffres arrêtés au 30/09/2026")
    # A date in the future is read as today (no figure is published ahead of time).
    assert published_as_of(today + dt.timedelta(days=400)) == published_as_of()


@pytest.fixture
def school_with_outcomes():
    """Six youths with their 6-month situation, recorded during the closed quarter: 4 in work, 2 not."""
    school = OpenSchoolFactory()
    outcomes = [EmploymentOutcome.EMPLOYED] * 4 + [EmploymentOutcome.JOB_SEEKING] * 2
    for outcome in outcomes:
        LearnerOutcomeFactory(learner=LearnerFactory(school=school, exited=True), outcome=outcome)
    date_history_before_period(school)
    return school


def rates(school, as_of):
    programme = programme_learner_outcomes(schools=[school], as_of=as_of).total.cells["insertion_rate_6_months"]
    workshops = workshop_learner_outcomes(school=school, as_of=as_of).total.cells["insertion_rate_6_months"]
    assert programme.value == workshops.value
    return programme.value, programme.base


def test_one_new_outcome_does_not_move_the_published_rate(school_with_outcomes):
    school = school_with_outcomes
    published = published_as_of()
    before = rates(school, published)
    assert before == (Decimal("0.667"), 6)
    # A seventh youth's situation is recorded today: negative.
    LearnerOutcomeFactory(learner=LearnerFactory(school=school, exited=True), outcome=EmploymentOutcome.JOB_SEEKING)
    assert rates(school, published) == before
    # Live (the school's own view), the rate moved; it is published once the quarter closes.
    live = programme_learner_outcomes(schools=[school]).total.cells["insertion_rate_6_months"]
    assert (live.value, live.base) == (Decimal("0.571"), 7)
    next_period = timezone.now() + dt.timedelta(seconds=1)
    assert rates(school, next_period) == (Decimal("0.571"), 7)


def test_a_correction_or_a_deletion_does_not_move_it_either(school_with_outcomes):
    school = school_with_outcomes
    published = published_as_of()
    before = rates(school, published)
    outcome = school.learners.first().outcomes.get()
    outcome.outcome = (
        EmploymentOutcome.JOB_SEEKING if outcome.outcome == EmploymentOutcome.EMPLOYED else EmploymentOutcome.EMPLOYED
    )
    outcome.save()
    assert rates(school, published) == before
    school.learners.last().outcomes.get().delete()
    assert rates(school, published) == before
    assert rates(school, timezone.now() + dt.timedelta(seconds=1)) != before


def test_the_steering_dashboard_shows_the_published_figures(client, school_with_outcomes):
    """The partners' dashboard and the school's export show the rate of the closed quarter, and say so."""
    from django.urls import reverse

    from essaim.organizations.enums import MembershipRole
    from tests.organizations.factories import MembershipFactory, OrganizationFactory

    school = school_with_outcomes
    LearnerOutcomeFactory(learner=LearnerFactory(school=school, exited=True), outcome=EmploymentOutcome.JOB_SEEKING)
    client.force_login(MembershipFactory(organization=OrganizationFactory(region=True), role=MembershipRole.ADMIN).user)
    page = client.get(reverse("steering:dashboard")).content.decode()
    assert "chiffres arrêtés au" in page
    assert "66,7" in page and "57,1" not in page
    client.force_login(MembershipFactory(organization=school.organization, role=MembershipRole.ADMIN).user)
    export = client.get(reverse("learners:impact_export", args=[school.pk, "csv"])).content.decode("utf-8-sig")
    assert "66,7" in export and "57,1" not in export
