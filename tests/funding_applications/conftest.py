import pytest

from essaim.funding_applications.defaults import seed_default_document_kinds
from essaim.funding_applications.models import RequiredDocumentKind
from essaim.organizations.enums import CollectiviteLevel, MembershipRole, OrganizationKind
from tests.funding_applications.factories import create_application
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.territories.factories import CommuneFactory


@pytest.fixture
def fa(db, django_capture_on_commit_callbacks):
    """A small world: two holders with a project each, FNEP, the BdT, the Région, a collectivité, and
    a draft dossier of project A to the BdT. ``fa.users`` maps roles to users; ``fa.actors`` the path actors."""
    return build_fa(django_capture_on_commit_callbacks)


class World:
    pass


def build_fa(commits=None):
    """The world of ``fa``, built where the database is open (a module's shared world: ``commits`` None)."""
    seed_default_document_kinds(RequiredDocumentKind)
    commune = CommuneFactory(code="59183", name="Dunkerque")
    other_commune = CommuneFactory(code="80001", name="Abbeville")
    orgs = {
        "holder": OrganizationFactory(name="Forge du Littoral", kind=OrganizationKind.PROJECT_HOLDER),
        "other_holder": OrganizationFactory(name="Bois & Baie", kind=OrganizationKind.PROJECT_HOLDER),
        "fnep": OrganizationFactory(fnep=True),
        "bdt": OrganizationFactory(bdt=True),
        "region": OrganizationFactory(region=True),
        "collectivite": OrganizationFactory(
            name="CU de Dunkerque",
            kind=OrganizationKind.COLLECTIVITE,
            collectivite_level=CollectiviteLevel.EPCI,
            epci=commune.epci,
        ),
        "other_collectivite": OrganizationFactory(
            name="CA de la Baie de Somme",
            kind=OrganizationKind.COLLECTIVITE,
            collectivite_level=CollectiviteLevel.EPCI,
            epci=other_commune.epci,
        ),
        "company": OrganizationFactory(name="Entreprise", kind=OrganizationKind.COMPANY),
    }
    users = {}
    for key, org, role in [
        ("holder", "holder", MembershipRole.ADMIN),
        ("holder_reader", "holder", MembershipRole.READER),
        ("other_holder", "other_holder", MembershipRole.ADMIN),
        ("fnep", "fnep", MembershipRole.MEMBER),
        ("fnep_reader", "fnep", MembershipRole.READER),
        ("bdt", "bdt", MembershipRole.MEMBER),
        ("bdt_reader", "bdt", MembershipRole.READER),
        ("region", "region", MembershipRole.ADMIN),
        ("collectivite", "collectivite", MembershipRole.MEMBER),
        ("other_collectivite", "other_collectivite", MembershipRole.MEMBER),
        ("company", "company", MembershipRole.MEMBER),
    ]:
        users[key] = MembershipFactory(organization=orgs[org], role=role).user
    project = ProjectFactory(holder=orgs["holder"], commune=commune, name="École de Dunkerque")
    other_project = ProjectFactory(holder=orgs["other_holder"], commune=other_commune, name="École d'Abbeville")
    application = create_application(project=project, funder=orgs["bdt"], by=users["holder"])
    world = World()
    world.orgs, world.users, world.project, world.other_project, world.application = (
        orgs,
        users,
        project,
        other_project,
        application,
    )
    world.actors = {"holder": users["holder"], "fnep": users["fnep"], "funder": users["bdt"]}
    world.commits = commits
    return world
