"""« Ajouter au plan », target by target: where each kind of programme lands in the financing plan.

Pure mapping on unsaved programmes (no database): the plan is a ``financing_engine`` input.
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from essaim.funding_programmes.enums import CostBase, PlanTarget, ProgrammeKind
from essaim.funding_programmes.models import FundingProgramme
from essaim.funding_programmes.plan import PlanMappingError, add_to_plan, operating_grant_line
from essaim.organizations.enums import CollectiviteLevel, OrganizationKind
from essaim.organizations.models import Organization
from financing_engine import evaluate_plan
from financing_engine.inputs import EuFund, SourceKind
from financing_engine.results import RevenueKind
from tests.financing_engine.factories import empty_plan, with_year

D = Decimal


def programme(target, *, funder_kind=OrganizationKind.REGION, level="", **fields):
    funder = Organization(name="Financeur", kind=funder_kind, collectivite_level=level)
    return FundingProgramme(
        name=fields.pop("name", "Dispositif de test"),
        funder=funder,
        kind=fields.pop("kind", ProgrammeKind.OPERATING_GRANT),
        cost_base=fields.pop("cost_base", CostBase.OPERATING),
        plan_target=target,
        **fields,
    )


def staffed_plan(years=3):
    plan = empty_plan(years)
    for index in range(years):
        plan = with_year(plan, index, youths=12, master_trainers=D(2), master_trainer_cost=D(45000), rent=D(12000))
    return plan


@pytest.mark.parametrize(
    ("kind", "level", "field"),
    [
        (OrganizationKind.REGION, "", "region_grant"),
        (OrganizationKind.COLLECTIVITE, CollectiviteLevel.DEPARTMENT, "department_grant"),
        (OrganizationKind.COLLECTIVITE, CollectiviteLevel.EPCI, "epci_grant"),
        (OrganizationKind.COLLECTIVITE, CollectiviteLevel.COMMUNE, "epci_grant"),
    ],
)
def test_an_operating_grant_goes_on_its_funders_line_split_over_the_years(kind, level, field):
    grant = programme(PlanTarget.OPERATING_GRANT, funder_kind=kind, level=level)
    plan, message = add_to_plan(staffed_plan(), grant, amount=D("100000"))
    assert [getattr(y, field) for y in plan.operating.years] == [D("33333.33"), D("33333.34"), D("33333.33")]
    others = {"region_grant", "department_grant", "epci_grant"} - {field}
    assert all(getattr(y, other) == 0 for y in plan.operating.years for other in others)
    assert "répartie également sur les 3 années" in message
    assert "Dispositif de test" in message


def test_an_operating_grant_is_paid_following_the_programmes_rules():
    stated = programme(PlanTarget.OPERATING_GRANT, advance_share=D("0.3"), balance_delay_months=9)
    base = staffed_plan()
    plan, _ = add_to_plan(base, stated, amount=D("30000"))
    terms = plan.operating.timings.region_grant
    assert (terms.advance_share, terms.balance_delay_months) == (D("0.3"), 9)
    assert plan.operating.timings.department_grant == base.operating.timings.department_grant


def test_an_operating_grant_replaces_the_typed_line_and_says_how_much():
    plan = with_year(staffed_plan(), 1, department_grant=D("5000"))
    grant = programme(
        PlanTarget.OPERATING_GRANT, funder_kind=OrganizationKind.COLLECTIVITE, level=CollectiviteLevel.DEPARTMENT
    )
    plan, message = add_to_plan(plan, grant, amount=D("3000"))
    assert [y.department_grant for y in plan.operating.years] == [D("1000")] * 3
    assert "remplace les montants saisis sur cette ligne (5\u202f000,00\u00a0€ au total)" in message
    with pytest.raises(PlanMappingError, match="montant positif"):
        add_to_plan(staffed_plan(), grant, amount=None)


def test_only_the_region_or_a_collectivite_has_an_operating_grant_line():
    with pytest.raises(PlanMappingError, match="Région ou d'une collectivité"):
        operating_grant_line(Organization(name="Fondation", kind=OrganizationKind.OTHER_FUNDER))
    invalid = programme(PlanTarget.OPERATING_GRANT, funder_kind=OrganizationKind.BANQUE_DES_TERRITOIRES)
    with pytest.raises(PlanMappingError):
        add_to_plan(staffed_plan(), invalid, amount=D("1000"))


@given(st.decimals(min_value=D("0.01"), max_value=D("5000000"), places=2), st.integers(min_value=3, max_value=7))
def test_an_operating_grant_added_to_the_plan_is_counted_to_the_cent(amount, years):
    plan, _ = add_to_plan(staffed_plan(years), programme(PlanTarget.OPERATING_GRANT), amount=amount)
    assert sum(y.region_grant for y in plan.operating.years) == amount
    result = evaluate_plan(plan)
    assert sum(year.revenues[RevenueKind.REGION_GRANT] for year in result.years) == amount


def test_apprenticeship_tax_is_split_and_replaces_each_year():
    plan = with_year(staffed_plan(), 0, apprenticeship_tax=D("999"))
    plan, message = add_to_plan(plan, programme(PlanTarget.APPRENTICESHIP_TAX), amount=D("10000"))
    assert [y.apprenticeship_tax for y in plan.operating.years] == [D("3333.33"), D("3333.34"), D("3333.33")]
    assert "3 années" in message


def test_state_subsidy_per_youth_goes_on_every_year_with_its_terms():
    subsidy = programme(
        PlanTarget.STATE_SUBSIDY_PER_YOUTH, amount_per_youth=D("5500"), advance_share=D("0.5"), balance_delay_months=3
    )
    plan, _ = add_to_plan(staffed_plan(), subsidy, amount=None)
    assert {y.state_subsidy_per_youth for y in plan.operating.years} == {D("5500")}
    assert plan.operating.timings.state_subsidy.balance_delay_months == 3
    with pytest.raises(PlanMappingError, match="montant par jeune inconnu"):
        add_to_plan(staffed_plan(), programme(PlanTarget.STATE_SUBSIDY_PER_YOUTH), amount=None)


def test_an_eu_operating_grant_covers_every_school_year_and_is_added_once():
    fse = programme(PlanTarget.EU_OPERATING_GRANT, eu_fund=EuFund.FSE_PLUS, max_rate=D("0.6"), name="FSE+ test")
    plan, _ = add_to_plan(staffed_plan(4), fse, amount=D("80000"))
    (grant,) = plan.operating.eu_grants
    assert (grant.first_year, grant.last_year, grant.amount) == (0, 3, D("80000"))
    assert grant.reimbursement.co_financing_rate == D("0.6")
    with pytest.raises(PlanMappingError, match="déjà une ligne « FSE\\+ test »"):
        add_to_plan(plan, fse, amount=D("1"))


def test_an_investment_source_carries_its_loan_terms():
    loan = programme(
        PlanTarget.INVESTMENT_SOURCE,
        kind=ProgrammeKind.SUBORDINATED_LOAN,
        cost_base=CostBase.INVESTMENT,
        source_kind=SourceKind.BDT_SUBORDINATED_LOAN.value,
        loan_duration_months=120,
        loan_deferral_months=36,
        name="Prêt test",
    )
    plan, message = add_to_plan(staffed_plan(), loan, amount=D("150000"))
    (line,) = plan.sources
    assert (line.kind, line.amount, line.loan.duration_months, line.loan.deferral_months) == (
        SourceKind.BDT_SUBORDINATED_LOAN,
        D("150000"),
        120,
        36,
    )
    assert "plan d'investissement" in message


def test_a_programme_outside_the_plan_is_refused_in_french():
    with pytest.raises(PlanMappingError, match="ne s'ajoute pas au plan"):
        add_to_plan(staffed_plan(), programme(PlanTarget.NONE), amount=D("1"))
