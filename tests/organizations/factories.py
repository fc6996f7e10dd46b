import factory
from factory.django import DjangoModelFactory

from essaim.organizations.enums import CollectiviteLevel, MembershipRole, OrganizationKind
from essaim.organizations.models import Membership, Organization
from tests.accounts.factories import UserFactory
from tests.territories.factories import CommuneFactory


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganizationKind.PROJECT_HOLDER

    class Params:
        region = factory.Trait(kind=OrganizationKind.REGION, name="Région Hauts-de-France")
        bdt = factory.Trait(kind=OrganizationKind.BANQUE_DES_TERRITOIRES, name="Banque des Territoires")
        fnep = factory.Trait(kind=OrganizationKind.FEDERATION, name="FNEP")
        company = factory.Trait(kind=OrganizationKind.COMPANY)
        collectivite_epci = factory.Trait(
            kind=OrganizationKind.COLLECTIVITE,
            collectivite_level=CollectiviteLevel.EPCI,
            epci=factory.LazyFunction(lambda: CommuneFactory().epci),
        )


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = MembershipRole.MEMBER
