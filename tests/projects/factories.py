import factory
from factory.django import DjangoModelFactory

from essaim.projects.models import Project, ProjectTrade
from essaim.trades.models import Trade
from tests.organizations.factories import OrganizationFactory
from tests.territories.factories import CommuneFactory


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Projet d'école {n}")
    holder = factory.SubFactory(OrganizationFactory)
    commune = factory.SubFactory(CommuneFactory)

    @factory.post_generation
    def with_trade(self, create, extracted, **kwargs):
        if create and extracted is not False:
            ProjectTrade.objects.create(project=self, trade=Trade.objects.get(slug="usinage"), places=12)
