import pytest

from essaim.organizations.enums import MembershipRole, OrganizationKind
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory
from tests.worlds import demo_content  # noqa: F401 (fixture: tests/worlds.py)


@pytest.fixture
def holder_membership(db):
    holder = OrganizationFactory(name="Porteur", kind=OrganizationKind.PROJECT_HOLDER)
    return MembershipFactory(organization=holder, role=MembershipRole.ADMIN)


@pytest.fixture
def holder_user(holder_membership):
    return holder_membership.user


@pytest.fixture
def project(holder_membership):
    return ProjectFactory(holder=holder_membership.organization, name="Projet de Dunkerque")


@pytest.fixture
def holder_client(client, holder_user):
    client.force_login(holder_user)
    return client
