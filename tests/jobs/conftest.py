import pytest

from essaim.jobs.kinds import KINDS
from tests.jobs import kinds_for_tests


@pytest.fixture(autouse=True)
def test_kinds():
    kinds_for_tests.install()
    yield
    for kind in kinds_for_tests.TEST_KINDS:
        KINDS.pop(kind.name, None)


@pytest.fixture
def member():
    from tests.organizations.factories import MembershipFactory

    return MembershipFactory()


@pytest.fixture
def queue_only(settings):
    """Jobs are queued, never run (as if no worker were up)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
