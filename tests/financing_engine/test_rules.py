"""Validation rules: each rule fires with its code, severity, French message and source."""

from dataclasses import replace

from financing_engine import (
    RULES,
    EuFund,
    EuOperatingGrant,
    EuReimbursement,
    ExpenseKind,
    FundingStatus,
    LoanTerms,
    PaymentTerms,
    RuleThresholds,
    Severity,
    SourceKind,
    SourceLine,
    UseCategory,
    UseLine,
    demo_plan,
    evaluate_plan,
)
from tests.financing_engine.factories import D, empty_plan, with_year

NBSP = "\u00a0"
THIN = "\u202f"  # thousands separator


def findings(plan, **thresholds):
    """Rule results of a plan, by code."""
    result = evaluate_plan(plan, rules=RuleThresholds(**thresholds) if thresholds else None)
    return {rule.code: rule for rule in result.rules}


def test_every_rule_has_a_code_severity_and_source():
    """The rule table is complete and codes are unique."""
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    for rule in RULES:
        assert rule.severity in (Severity.BLOCKING, Severity.WARNING)
        assert rule.source.startswith(("http", "domain.md"))
        for name in rule.thresholds:
            assert hasattr(RuleThresholds(), name)


def test_unbalanced_investment_plan_is_blocking():
    """Uses 450 000 €, sources 400 000 €: blocking, with the gap in French format."""
    plan = demo_plan()
    plan = replace(plan, sources=plan.sources[:-1] + (replace(plan.sources[-1], amount=D(80000)),))
    rule = findings(plan)["investment_plan_unbalanced"]
    assert rule.severity is Severity.BLOCKING
    assert f"écart -50{THIN}000,00{NBSP}€" in rule.message
    assert evaluate_plan(plan).is_blocked


def test_bdt_loan_needs_a_local_authority_grant():
    """A BdT loan with only State and foundation money is blocked."""
    plan = demo_plan()
    sources = tuple(s for s in plan.sources if not s.kind.is_local_authority_grant)
    rule = findings(replace(plan, sources=sources))["bdt_loan_without_local_grant"]
    assert rule.severity is Severity.BLOCKING
    assert rule.field == "sources[2]"
    assert "Prêt subordonné Banque des Territoires" in rule.message


def test_bdt_loan_strictness_requires_a_committed_grant():
    """With the strict setting, a requested-only local grant does not count."""
    plan = demo_plan()
    sources = tuple(
        replace(s, status=FundingStatus.REQUESTED) if s.kind.is_local_authority_grant else s for s in plan.sources
    )
    plan = replace(plan, sources=sources)
    assert "bdt_loan_without_local_grant" not in findings(plan)
    rule = findings(plan, bdt_requires_committed_local_grant=True)["bdt_loan_without_local_grant"]
    assert "subvention d'investissement engagée" in rule.message


def test_unusual_bdt_loan_terms_warn():
    """A 15-year BdT loan with 5 years' deferral is unusual."""
    plan = demo_plan()
    loan = replace(plan.sources[4].loan, duration_months=180, deferral_months=60)
    plan = replace(plan, sources=plan.sources[:4] + (replace(plan.sources[4], loan=loan),))
    rule = findings(plan)["bdt_loan_terms_unusual"]
    assert rule.severity is Severity.WARNING
    assert "durée de 180 mois au lieu de 120" in rule.message
    assert "différé de 60 mois" in rule.message


def test_feder_above_rate_times_eligible_costs_excluding_vat():
    """FEDER 60 000 € on 100 000 € of eligible machines with 20 000 € of recoverable VAT: cap 48 000 €."""
    plan = empty_plan(
        uses=(UseLine(UseCategory.TOOLING, "machines", D(100000), eu_eligible=True, recoverable_vat=D(20000)),),
        sources=(
            SourceLine(SourceKind.FEDER, "FEDER", D(60000), eu=EuReimbursement(co_financing_rate=D("0.60"))),
            SourceLine(SourceKind.OWN_FUNDS, "fonds propres", D(40000), payment=PaymentTerms(advance_share=D(1))),
        ),
    )
    rule = findings(plan)["eu_grant_above_eligible_share"]
    assert rule.severity is Severity.BLOCKING
    assert rule.field == "sources[0].amount"
    assert f"80{THIN}000,00{NBSP}€" in rule.message and f"48{THIN}000,00{NBSP}€" in rule.message


def test_eu_grant_with_interest_in_its_base_is_blocked():
    """Loan interest is not an EU-eligible cost."""
    grant = EuOperatingGrant(
        EuFund.FSE_PLUS,
        "FSE+",
        D(1000),
        eligible_expenses=(ExpenseKind.TEACHING_STAFF, ExpenseKind.LOAN_INTEREST),
    )
    plan = with_year(empty_plan(), 0, teaching_staff=D(100000))
    plan = replace(plan, operating=replace(plan.operating, eu_grants=(grant,)))
    rule = findings(plan)["eu_grant_ineligible_costs"]
    assert rule.severity is Severity.BLOCKING
    assert rule.field == "operating.eu_grants[0].eligible_expenses"


def test_eu_rate_above_reference_warns_and_threshold_is_configurable():
    """An 80 % rate warns at the 60 % default, not at a 85 % threshold."""
    plan = demo_plan()
    grant = replace(plan.operating.eu_grants[0], reimbursement=EuReimbursement(co_financing_rate=D("0.80")))
    plan = replace(plan, operating=replace(plan.operating, eu_grants=(grant,)))
    assert "80" in findings(plan)["eu_co_financing_rate_high"].message
    assert "eu_co_financing_rate_high" not in findings(plan, eu_max_co_financing_rate=D("0.85"))


def test_master_trainer_ratio_warns_above_12_and_blocks_above_15():
    """13 youths per master trainer warn, 16 block."""
    warn = with_year(empty_plan(), 0, youths=13, master_trainers=D(1))
    block = with_year(empty_plan(), 0, youths=32, master_trainers=D(2))
    rule = findings(warn)["master_trainer_ratio_high"]
    assert rule.severity is Severity.WARNING and rule.year_index == 0
    assert rule.message.startswith("Année 1 (2026-2027) : 13 jeunes par maître professionnel")
    blocking = findings(block)["master_trainer_ratio_too_high"]
    assert blocking.severity is Severity.BLOCKING
    assert "32 jeunes pour 2 ETP" in blocking.message


def test_cost_per_youth_and_sales_share_out_of_range():
    """12 youths costing 300 000 € (25 000 € each) with 20 000 € of sales (6,7 %) warn twice."""
    plan = with_year(empty_plan(), 0, youths=12, master_trainers=D(1), teaching_staff=D(300000), sales_amount=D(20000))
    rules = findings(plan)
    assert f"25{THIN}000,00{NBSP}€ par jeune" in rules["cost_per_youth_out_of_range"].message
    assert f"6,7{NBSP}%" in rules["sales_share_out_of_range"].message
    assert "cost_per_youth_out_of_range" not in findings(plan, cost_per_youth_max=D(30000))


def test_negative_cash_names_the_month():
    """Cash going negative is reported with its first month in French."""
    plan = empty_plan(
        uses=(UseLine(UseCategory.TOOLING, "machines", D(1000), month=2, depreciation_years=0),),
        sources=(SourceLine(SourceKind.REGION_GRANT, "Région", D(1000), payment=PaymentTerms(balance_delay_months=3)),),
    )
    rule = findings(plan)["negative_cash"]
    assert rule.severity is Severity.WARNING
    assert rule.month_index == 2
    assert rule.message.startswith(f"Trésorerie négative en novembre 2026 (-1{THIN}000,00{NBSP}€) et 2 autre(s) mois")
    assert f"Un prêt de 1{THIN}000,00{NBSP}€" in rule.message


def test_state_investment_grant_above_cap():
    """An AMI grant above 50 % of tooling and works warns."""
    plan = empty_plan(
        uses=(UseLine(UseCategory.TOOLING, "machines", D(100000)),),
        sources=(SourceLine(SourceKind.STATE_GRANT, "AMI", D(60000), payment=PaymentTerms(advance_share=D(1))),),
    )
    assert f"50{THIN}000,00{NBSP}€" in findings(plan)["state_investment_grant_above_cap"].message


def test_demo_plan_has_no_blocking_rule():
    """The demo plan only carries warnings."""
    result = evaluate_plan(demo_plan())
    assert all(rule.severity is Severity.WARNING for rule in result.rules)
    assert {rule.code for rule in result.rules} >= {"negative_cash"}


def test_loan_rule_ignores_a_loan_of_zero():
    """A BdT line of 0 € does not require a local grant."""
    plan = empty_plan(sources=(SourceLine(SourceKind.BDT_SUBORDINATED_LOAN, "BdT", D(0), loan=LoanTerms()),))
    assert "bdt_loan_without_local_grant" not in findings(plan)


def test_cash_below_floor_counts_every_month_under_the_floor_negative_included():
    """Issue 16: the demo plan's cash is under its 20 000 € floor for 17 months, 13 of them negative
    (the message said « sur 4 mois », counting only 0 ≤ cash < floor)."""
    from financing_engine import demo_plan, evaluate_plan

    result = evaluate_plan(demo_plan())
    floor = result.working_capital.cash_floor
    below = [month for month in result.cash.months if month.closing < floor]
    negative = [month for month in below if month.closing < 0]
    assert (len(below), len(negative)) == (17, 13)
    (rule,) = [rule for rule in result.rules if rule.code == "cash_below_floor"]
    assert "pendant 17 mois au total, dont 13 de trésorerie négative" in rule.message
    assert rule.month_index == below[0].index
