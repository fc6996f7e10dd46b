"""Factories of open schools and their structure. Names are fictitious."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from essaim.organizations.enums import OrganizationKind
from essaim.schools.models import MasterTrainer, ProductionSchool, SchoolYear, Workshop
from essaim.trades.models import Trade
from tests.organizations.factories import OrganizationFactory
from tests.territories.factories import CommuneFactory

VALID_SIRET = "73282932000074"


class RunSchoolFactory(DjangoModelFactory):
    """An école de production run on Essaim (its organisation's members are its staff), ready to invoice."""

    class Meta:
        model = ProductionSchool

    name = factory.Sequence(lambda n: f"École de production fictive {n}")
    commune = factory.SubFactory(CommuneFactory)
    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.PROJECT_HOLDER)
    sources = "https://exemple.fr"
    siret = VALID_SIRET
    legal_form = "Association loi 1901"
    address = "1 rue de l'Atelier\n59000 Lille"


class SchoolWorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop

    school = factory.SubFactory(RunSchoolFactory)
    trade = factory.LazyFunction(lambda: Trade.objects.get(slug="usinage"))
    name = factory.Sequence(lambda n: f"Atelier {n}")
    capacity = 12


class SchoolYearFactory(DjangoModelFactory):
    class Meta:
        model = SchoolYear

    school = factory.SubFactory(RunSchoolFactory)
    label = "2026-2027"
    start_date = dt.date(2026, 9, 1)
    end_date = dt.date(2027, 7, 3)


class MasterTrainerFactory(DjangoModelFactory):
    class Meta:
        model = MasterTrainer

    school = factory.SubFactory(RunSchoolFactory)
    workshop = factory.LazyAttribute(lambda o: SchoolWorkshopFactory(school=o.school))
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Formatrice{n}")
    email = factory.Sequence(lambda n: f"maitre{n}@exemple.fr")
