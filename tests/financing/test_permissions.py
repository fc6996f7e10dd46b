import pytest
import rules

from essaim.organizations.enums import MembershipRole, OrganizationKind
from tests.accounts.factories import UserFactory
from tests.financing.factories import plan_with_draft
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _user(kind=None, role=MembershipRole.MEMBER, organization=None, **traits):
    if organization is None:
        organization = OrganizationFactory(**({"kind": kind} if kind else {}), **traits)
    return MembershipFactory(organization=organization, role=role).user


@pytest.fixture
def plan():
    holder = OrganizationFactory(kind=OrganizationKind.PROJECT_HOLDER)
    return plan_with_draft(ProjectFactory(holder=holder))


@pytest.mark.parametrize(
    ("who", "view", "edit"),
    [
        ("holder_admin", True, True),
        ("holder_member", True, True),
        ("holder_reader", True, False),
        ("fnep_member", True, True),
        ("fnep_reader", True, False),
        ("bdt_member", True, False),
        ("region_admin", True, False),
        ("other_holder", False, False),
        ("company", False, False),
        ("platform_admin", True, False),
    ],
)
def test_plan_rules(plan, who, view, edit):
    """Whoever sees the project reads its plans; holder and FNEP (administrateur/membre) write; others read."""
    holder = plan.project.holder
    users = {
        "holder_admin": lambda: _user(organization=holder, role=MembershipRole.ADMIN),
        "holder_member": lambda: _user(organization=holder),
        "holder_reader": lambda: _user(organization=holder, role=MembershipRole.READER),
        "fnep_member": lambda: _user(fnep=True),
        "fnep_reader": lambda: _user(fnep=True, role=MembershipRole.READER),
        "bdt_member": lambda: _user(bdt=True),
        "region_admin": lambda: _user(region=True, role=MembershipRole.ADMIN),
        "other_holder": lambda: _user(kind=OrganizationKind.PROJECT_HOLDER),
        "company": lambda: _user(kind=OrganizationKind.COMPANY),
        "platform_admin": lambda: UserFactory(platform_admin=True),
    }
    user = users[who]()
    assert rules.has_perm("financing.view_plan", user, plan) is view
    for perm in ("financing.change_plan", "financing.submit_plan"):
        assert rules.has_perm(perm, user, plan) is edit
    assert rules.has_perm("financing.add_plan", user, plan.project) is edit
    assert rules.has_perm("financing.change_plan", user, plan.versions.get()) is edit


def test_visible_to_follows_the_projects(plan):
    """Plans and versions are visible exactly when their project is."""
    from essaim.financing.models import FinancingPlan, FinancingPlanVersion

    other = plan_with_draft()
    holder_user = _user(organization=plan.project.holder)
    assert list(FinancingPlan.objects.visible_to(holder_user)) == [plan]
    assert FinancingPlanVersion.objects.visible_to(holder_user).get().plan == plan
    assert FinancingPlan.objects.visible_to(_user(bdt=True)).count() == 2
    assert not FinancingPlan.objects.visible_to(_user(kind=OrganizationKind.COMPANY)).exists()
    assert other not in FinancingPlan.objects.visible_to(holder_user)
