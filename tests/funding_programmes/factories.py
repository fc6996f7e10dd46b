"""Factories for funding programmes, envelopes and lines."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from essaim.funding_programmes.enums import CostBase, PlanTarget, ProgrammeKind
from essaim.funding_programmes.models import BudgetEnvelope, FundingLine, FundingProgramme
from tests.organizations.factories import OrganizationFactory
from tests.projects.factories import ProjectFactory


class FundingProgrammeFactory(DjangoModelFactory):
    """An investment grant of the Région: 50 % of tooling and works, no ceiling, open."""

    class Meta:
        model = FundingProgramme

    name = factory.Sequence(lambda n: f"Dispositif {n}")
    slug = factory.Sequence(lambda n: f"dispositif-{n}")
    funder = factory.SubFactory(OrganizationFactory, region=True)
    kind = ProgrammeKind.INVESTMENT_GRANT
    source_url = "https://example.org/source"
    cost_base = CostBase.INVESTMENT
    expense_categories = factory.LazyFunction(lambda: ["tooling", "premises_works"])
    max_rate = Decimal("0.50")
    plan_target = PlanTarget.INVESTMENT_SOURCE
    source_kind = "region_grant"


class BudgetEnvelopeFactory(DjangoModelFactory):
    class Meta:
        model = BudgetEnvelope

    programme = factory.SubFactory(FundingProgrammeFactory)
    label = factory.Sequence(lambda n: f"Enveloppe {n}")
    allocated_amount = Decimal("100000")
    start_date = dt.date(2020, 1, 1)
    end_date = dt.date(2099, 12, 31)


class FundingLineFactory(DjangoModelFactory):
    class Meta:
        model = FundingLine

    project = factory.SubFactory(ProjectFactory)
    funder = factory.SubFactory(OrganizationFactory, region=True)
    requested_amount = Decimal("50000")
    requested_date = dt.date(2026, 1, 15)
