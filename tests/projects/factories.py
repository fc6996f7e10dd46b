import factory
from factory.django import DjangoModelFactory

from essaim.projects.enums import PartnerRole
from essaim.projects.models import Project, ProjectPartner, ProjectTrade
from essaim.trades.models import Trade
from tests.organizations.factories import OrganizationFactory
from tests.territories.factories import CommuneFactory


class ProjectFactory(DjangoModelFactory):
    """A project at the « idée » stage; ``ProjectFactory(stage="financing_plan")`` places it further
    (without timeline lines: the timeline then starts at its creation, as for projects loaded as data)."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Projet d'école {n}")
    stage = "idea"
    holder = factory.SubFactory(OrganizationFactory)
    commune = factory.SubFactory(CommuneFactory)

    @factory.post_generation
    def with_trade(self, create, extracted, **kwargs):
        if create and extracted is not False:
            ProjectTrade.objects.create(project=self, trade=Trade.objects.get(slug="usinage"), places=12)


class ProjectPartnerFactory(DjangoModelFactory):
    class Meta:
        model = ProjectPartner

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SubFactory(OrganizationFactory, company=True)
    role = PartnerRole.PATRON
