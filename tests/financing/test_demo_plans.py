from decimal import Decimal

import pytest

from essaim.demo import data
from essaim.demo.services import demo_load
from essaim.financing.enums import VersionStatus
from essaim.financing.models import FinancingPlan, FinancingPlanVersion
from essaim.projects.models import Project
from financing_engine import evaluate_plan, plan_from_dict

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_content):
    """The reference territories and the demo content (loaded once per process, then copied: tests/worlds.py)."""


def test_each_demo_project_has_a_realistic_fictitious_plan(demo):
    """Every demo project has a balanced plan with a BdT loan of 130–200 k€, 10 years, 3 years' deferral."""
    names = [spec["name"] for spec in data.DEMO_PROJECTS]
    assert FinancingPlan.objects.filter(project__name__in=names).count() == len(names)
    assert not FinancingPlan.objects.exclude(project__is_demo=True).exists()
    for plan in FinancingPlan.objects.filter(project__name__in=names).select_related("project"):
        assert plan.project.is_demo and "fictif" in plan.name
        content = plan.versions.get(number=1).content
        assert "fictif" in content["name"]
        plan_input = plan_from_dict(content)
        loans = [s for s in plan_input.sources if s.kind == "bdt_subordinated_loan"]
        assert len(loans) == 1
        assert Decimal(130_000) <= loans[0].amount <= Decimal(200_000)
        assert (loans[0].loan.duration_months, loans[0].loan.deferral_months) == (120, 36)
        assert evaluate_plan(plan_input).investment.is_balanced


def test_funding_secured_project_has_a_submitted_version(demo):
    """The projects at « financement bouclé » and « ouverte » (the demo school's and, since the demo's
    history of #15, Forges d'Artois, open in 2024) have a frozen, submitted version; the others a draft."""
    secured = Project.objects.filter(stage__in=["funding_secured", "open"])
    assert set(secured.values_list("stage", flat=True)) == {"funding_secured", "open"}
    assert secured.count() == 3
    for project in secured:
        version = FinancingPlanVersion.objects.get(plan__project=project)
        assert version.status == VersionStatus.SUBMITTED and version.is_intact
    others = FinancingPlanVersion.objects.exclude(plan__project__stage__in=["funding_secured", "open"])
    assert set(others.values_list("status", flat=True)) == {VersionStatus.DRAFT}


def test_demo_plans_are_idempotent_and_keep_user_edits(demo):
    """Loading the demo again creates no plan and leaves edited drafts alone."""
    version = FinancingPlanVersion.objects.filter(status=VersionStatus.DRAFT).first()
    version.content = {**version.content, "cash_floor": "1.00"}
    version.save()
    report = demo_load()
    assert "plans de financement fictifs" not in report.created
    assert FinancingPlan.objects.count() == len(data.DEMO_PROJECTS) + 1  # and the demo school's own plan
    version.refresh_from_db()
    assert version.content["cash_floor"] == "1.00"
