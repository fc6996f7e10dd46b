"""Factories of the youth follow-up. Names are fictitious."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from essaim.learners.enums import DiplomaResult, EmploymentOutcome, ExitReason, OutcomeMoment
from essaim.learners.models import Enrolment, Incident, Learner, LearnerOutcome, WeeklyHours
from essaim.organizations.enums import OrganizationKind
from essaim.schools.models import ProductionSchool, SchoolYear, Workshop
from essaim.trades.models import Trade
from tests.organizations.factories import OrganizationFactory
from tests.territories.factories import CommuneFactory


class OpenSchoolFactory(DjangoModelFactory):
    """An école de production opened on Essaim: its organisation is its staff."""

    class Meta:
        model = ProductionSchool

    name = factory.Sequence(lambda n: f"École ouverte {n}")
    commune = factory.SubFactory(CommuneFactory)
    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.PROJECT_HOLDER)
    sources = "https://exemple.fr"


class WorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop

    school = factory.SubFactory(OpenSchoolFactory)
    trade = factory.LazyFunction(lambda: Trade.objects.get(slug="usinage"))
    name = factory.Sequence(lambda n: f"Atelier {n}")


class SchoolYearFactory(DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ["school", "label"]

    school = factory.SubFactory(OpenSchoolFactory)
    label = "2026-2027"
    start_date = dt.date(2026, 9, 1)
    end_date = dt.date(2027, 7, 3)


class LearnerFactory(DjangoModelFactory):
    class Meta:
        model = Learner

    school = factory.SubFactory(OpenSchoolFactory)
    workshop = factory.LazyAttribute(lambda o: WorkshopFactory(school=o.school))
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Fictif{n}")
    birth_date = dt.date(2010, 3, 15)

    class Params:
        exited = factory.Trait(exit_date=dt.date(2027, 7, 3), exit_reason=ExitReason.COMPLETED)
        passed = factory.Trait(diploma_result=DiplomaResult.PASSED, diploma_result_date=dt.date(2027, 7, 1))
        failed = factory.Trait(diploma_result=DiplomaResult.FAILED, diploma_result_date=dt.date(2027, 7, 1))


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    learner = factory.SubFactory(LearnerFactory)
    school_year = factory.LazyAttribute(lambda o: SchoolYearFactory(school=o.learner.school))
    workshop = factory.LazyAttribute(lambda o: o.learner.workshop)
    entry_date = dt.date(2026, 9, 1)


class WeeklyHoursFactory(DjangoModelFactory):
    class Meta:
        model = WeeklyHours

    learner = factory.SubFactory(LearnerFactory)
    week_start = dt.date(2026, 9, 7)
    production_hours = Decimal(24)
    theory_hours = Decimal(11)


class IncidentFactory(DjangoModelFactory):
    class Meta:
        model = Incident

    learner = factory.SubFactory(LearnerFactory)
    date = dt.date(2026, 10, 5)
    kind = "lateness"
    description = "Trois retards dans la semaine."


class LearnerOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = LearnerOutcome

    learner = factory.SubFactory(LearnerFactory, exited=True)
    moment = OutcomeMoment.MONTH_6
    outcome = EmploymentOutcome.EMPLOYED
    observed_on = dt.date(2028, 1, 3)
