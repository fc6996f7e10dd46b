"""« Ajouter au plan », target by target: where each kind of programme lands in the financing plan.

Pure mapping on unsaved programmes (no database): the plan is a ``financing_engine`` input.
"""

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.funding_programmes import eligibility
from essaim.funding_programmes.enums import CostBase, PlanTarget, ProgrammeKind
from essaim.funding_programmes.matching import programme_criteria
from essaim.funding_programmes.models import FundingProgramme
from essaim.funding_programmes.plan import (
    PlanMappingError,
    add_to_plan,
    add_to_plan_checked,
    new_blocking_rules,
    operating_grant_line,
)
from essaim.organizations.enums import CollectiviteLevel, OrganizationKind
from essaim.organizations.models import Organization
from financing_engine import evaluate_plan
from financing_engine.inputs import EuFund, SourceKind, SourceLine, UseCategory, UseLine
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


def test_state_subsidy_after_a_full_school_year_skips_the_first_year_as_the_suggestion_does():
    """« Après une année scolaire complète »: the first school year gets nothing, in the plan and in the
    suggested amount alike."""
    subsidy = programme(
        PlanTarget.STATE_SUBSIDY_PER_YOUTH,
        cost_base=CostBase.PER_YOUTH,
        amount_per_youth=D("5500"),
        from_school_year=2,
    )
    plan, message = add_to_plan(staffed_plan(3), subsidy, amount=None)
    assert [y.state_subsidy_per_youth for y in plan.operating.years] == [D("0"), D("5500"), D("5500")]
    assert "la première année n'en reçoit pas" in message
    suggestion = eligibility.suggest_amount(
        criteria=programme_criteria(subsidy), costs=eligibility.plan_costs(staffed_plan(3)), available=None
    )
    assert suggestion.amount == D("132000.00")  # 5 500 € × 12 youths × years 2 and 3


def test_an_eu_operating_grant_of_the_same_fund_is_updated_not_doubled():
    fse = programme(PlanTarget.EU_OPERATING_GRANT, eu_fund=EuFund.FSE_PLUS, max_rate=D("0.6"), name="FSE+ test")
    plan, _ = add_to_plan(staffed_plan(4), fse, amount=D("80000"))
    (grant,) = plan.operating.eu_grants
    assert (grant.first_year, grant.last_year, grant.amount) == (0, 3, D("80000"))
    assert grant.reimbursement.co_financing_rate == D("0.6")
    other = programme(PlanTarget.EU_OPERATING_GRANT, eu_fund=EuFund.FSE_PLUS, max_rate=D("0.6"), name="FSE+ bis")
    plan, message = add_to_plan(plan, other, amount=D("50000"))
    (grant,) = plan.operating.eu_grants
    assert (grant.label, grant.amount) == ("FSE+ bis", D("50000"))
    assert "déjà une aide FSE+ (« FSE+ test ») : elle est remplacée, pas doublée" in message
    assert "80\u202f000,00\xa0€ → 50\u202f000,00\xa0€ (−30\u202f000,00\xa0€)" in message


def test_a_region_grant_updates_the_regions_line_and_shows_the_difference():
    plan = dataclasses.replace(
        staffed_plan(),
        uses=(UseLine(category=UseCategory.TOOLING, label="Machines", amount=D("300000")),),
        sources=(SourceLine(kind=SourceKind.REGION_GRANT, label="Région Hauts-de-France", amount=D("70000")),),
    )
    grant = programme(
        PlanTarget.INVESTMENT_SOURCE,
        kind=ProgrammeKind.INVESTMENT_GRANT,
        cost_base=CostBase.INVESTMENT,
        source_kind=SourceKind.REGION_GRANT.value,
        name="Région – aide à l'investissement",
    )
    plan, message = add_to_plan(plan, grant, amount=D("20000"))
    (line,) = plan.sources
    assert (line.label, line.amount) == ("Région – aide à l'investissement", D("20000"))
    assert (
        "pas ajoutée une seconde fois (elle s'appelait « Région Hauts-de-France »)" in message
        and "(−50\u202f000,00\xa0€)" in message
    )
    assert "Ressources − emplois = -280\u202f000,00\xa0€" in message


def _feder(**fields):
    fields.setdefault("max_rate", D("0.60"))
    return programme(
        PlanTarget.INVESTMENT_SOURCE,
        kind=ProgrammeKind.INVESTMENT_GRANT,
        cost_base=CostBase.INVESTMENT,
        source_kind=SourceKind.FEDER.value,
        expense_categories=[UseCategory.TOOLING.value, UseCategory.PREMISES_WORKS.value, UseCategory.IT.value],
        excludes_recoverable_vat=True,
        name="FEDER test",
        **fields,
    )


def _equipped_plan():
    return dataclasses.replace(
        staffed_plan(),
        uses=(
            UseLine(category=UseCategory.TOOLING, label="Machines", amount=D("300000"), recoverable_vat=D("50000")),
            UseLine(category=UseCategory.PREMISES_WORKS, label="Travaux", amount=D("120000")),
            UseLine(category=UseCategory.VEHICLES, label="Camion", amount=D("40000")),
            UseLine(category=UseCategory.WORKING_CAPITAL, label="BFR", amount=D("30000")),
        ),
        sources=(SourceLine(kind=SourceKind.OWN_FUNDS, label="Fonds propres", amount=D("490000")),),
    )


def test_feder_suggested_amount_is_accepted_by_the_plans_rule():
    """The matching counts FEDER-eligible costs by expense category; « ajouter au plan » makes the plan's
    « éligible FEDER » flags follow those categories, so the plan's rule counts the same base."""
    plan = _equipped_plan()
    feder = _feder()
    suggestion = eligibility.suggest_amount(
        criteria=programme_criteria(feder), costs=eligibility.plan_costs(plan), available=None
    )
    assert suggestion.eligible_costs == D("370000.00")  # 250 000 (without VAT) + 120 000
    assert suggestion.amount == D("222000.00")
    updated, message = add_to_plan_checked(plan, feder, amount=suggestion.amount)
    assert [use.eu_eligible for use in updated.uses] == [True, True, False, False]
    assert "suivent les catégories du dispositif" in message
    codes = {rule.code for rule in evaluate_plan(updated).rules}
    assert "eu_grant_above_eligible_share" not in codes
    # Above the share: refused, with the rule's words, nothing added.
    with pytest.raises(PlanMappingError, match="dépasse 60"):
        add_to_plan_checked(plan, feder, amount=D("999999"))


PROGRAMMES = {
    "feder": _feder(),
    "feder-sans-taux": _feder(max_rate=None),
    "fse": programme(
        PlanTarget.EU_OPERATING_GRANT,
        eu_fund=EuFund.FSE_PLUS,
        max_rate=D("0.6"),
        expense_categories=["master_trainers", "teaching_staff", "support_staff"],
        name="FSE+ test",
    ),
    "region": programme(
        PlanTarget.INVESTMENT_SOURCE,
        kind=ProgrammeKind.INVESTMENT_GRANT,
        cost_base=CostBase.INVESTMENT,
        source_kind=SourceKind.REGION_GRANT.value,
        max_rate=D("0.3"),
        ceiling_amount=D("249000"),
    ),
    "etat-par-jeune": programme(
        PlanTarget.STATE_SUBSIDY_PER_YOUTH, cost_base=CostBase.PER_YOUTH, amount_per_youth=D("5500"), from_school_year=2
    ),
    "fonctionnement-region": programme(PlanTarget.OPERATING_GRANT, max_rate=D("0.2")),
}
amounts = st.decimals(min_value=0, max_value=900000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    slug=st.sampled_from(sorted(PROGRAMMES)),
    tooling=amounts,
    vat_share=st.decimals(min_value=0, max_value=D("0.2"), places=2),
    works=amounts,
    vehicles=amounts,
    held=st.one_of(st.none(), amounts),
    youths=st.integers(min_value=1, max_value=40),
)
def test_adding_a_suggested_amount_never_creates_an_unannounced_blocking_rule(
    slug, tooling, vat_share, works, vehicles, held, youths
):
    """Property: for every programme, whatever the plan (uses, VAT, a line of the same funder already
    there), adding the suggested amount with « ajouter au plan » creates no blocking rule except the
    balance the message announces."""
    feder_slug = slug.startswith("feder")
    programme_ = PROGRAMMES[slug]
    plan = staffed_plan(3)
    for index in range(3):
        plan = with_year(plan, index, youths=youths)
    uses = tuple(
        UseLine(category=category, label=category.value, amount=amount, recoverable_vat=vat)
        for category, amount, vat in (
            (UseCategory.TOOLING, tooling, (tooling * vat_share).quantize(D("0.01"))),
            (UseCategory.PREMISES_WORKS, works, D(0)),
            (UseCategory.VEHICLES, vehicles, D(0)),
        )
        if amount > 0
    )
    sources = ()
    if held is not None and held > 0:
        kind = SourceKind.FEDER if feder_slug else SourceKind.REGION_GRANT
        sources = (SourceLine(kind=kind, label="Ligne déjà au plan", amount=held),)
    plan = dataclasses.replace(plan, uses=uses, sources=sources)
    suggestion = eligibility.suggest_amount(
        criteria=programme_criteria(programme_), costs=eligibility.plan_costs(plan), available=None
    )
    amount = suggestion.amount
    if programme_.plan_target != PlanTarget.STATE_SUBSIDY_PER_YOUTH and not amount:
        return  # nothing to add: the page offers no amount
    updated, _ = add_to_plan(plan, programme_, amount=amount)
    assert new_blocking_rules(plan, updated) == []


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
