"""Bad input: PlanInputError with the field path and a French message."""

from dataclasses import replace
from datetime import date

import pytest

from financing_engine import (
    EuFund,
    EuOperatingGrant,
    FinancingEngineError,
    LoanTerms,
    PaymentTerms,
    PlanInputError,
    SourceKind,
    SourceLine,
    UseCategory,
    UseLine,
    demo_plan,
    evaluate_plan,
    run_risk_analysis,
)
from tests.financing_engine.factories import D, empty_plan, with_year

NBSP = "\u00a0"
THIN = "\u202f"  # thousands separator


def errors_of(plan):
    """(field, message) pairs raised by evaluate_plan."""
    with pytest.raises(PlanInputError) as excinfo:
        evaluate_plan(plan)
    assert isinstance(excinfo.value, FinancingEngineError)
    return [(error.field, error.message) for error in excinfo.value.errors]


def test_negative_source_amount_names_its_line():
    """A negative amount in the third source is reported on sources[2].amount."""
    plan = demo_plan()
    sources = list(plan.sources)
    sources[2] = replace(sources[2], amount=D("-50000"))
    assert errors_of(replace(plan, sources=tuple(sources))) == [
        ("sources[2].amount", f"Le montant ne peut pas être négatif (reçu : -50{THIN}000,00{NBSP}€).")
    ]


def test_negative_operating_amount_names_its_year():
    """A negative rent in year 2 is reported on operating.years[1].rent."""
    plan = with_year(demo_plan(), 1, rent=D("-1"))
    assert errors_of(plan) == [
        ("operating.years[1].rent", f"Le montant ne peut pas être négatif (reçu : -1,00{NBSP}€).")
    ]


def test_loan_beyond_30_years_and_rate_above_20_percent():
    """Duration and rate of a plan's loan are checked with their full path."""
    plan = demo_plan()
    sources = list(plan.sources)
    sources[4] = replace(sources[4], loan=LoanTerms(duration_months=372, annual_rate=D("0.21")))
    assert errors_of(replace(plan, sources=tuple(sources))) == [
        (
            "sources[4].loan.duration_months",
            "La durée du prêt doit être comprise entre 1 mois et 30 ans (reçu : 372 mois).",
        ),
        (
            "sources[4].loan.annual_rate",
            f"Le taux annuel doit être compris entre 0 et 20{NBSP}% (reçu : 21{NBSP}%).",
        ),
    ]


def test_loan_without_terms():
    """A loan source needs its terms."""
    plan = empty_plan(sources=(SourceLine(SourceKind.BANK_LOAN, "banque", D(1000)),))
    assert errors_of(plan) == [
        ("sources[0].loan", "Les conditions du prêt (durée, taux, différé…) sont obligatoires pour un prêt.")
    ]


def test_month_outside_the_horizon():
    """A use paid in month 36 of a 3-year plan is outside months 0 to 35."""
    plan = empty_plan(uses=(UseLine(UseCategory.IT, "ordinateurs", D(1000), month=36),))
    assert errors_of(plan) == [
        (
            "uses[0].month",
            "Le mois 36 est hors de l'horizon du plan : mois 0 à 35, de septembre 2026 à août 2029.",
        )
    ]


def test_drawdown_month_outside_the_horizon():
    """A loan drawn after the horizon is refused."""
    loan = LoanTerms(drawdown_month=-1)
    plan = empty_plan(sources=(SourceLine(SourceKind.BANK_LOAN, "banque", D(1000), loan=loan),))
    assert errors_of(plan)[0][0] == "sources[0].loan.drawdown_month"


@pytest.mark.parametrize("years", [2, 8])
def test_horizon_outside_3_to_7_years(years):
    """The horizon must be 3 to 7 years."""
    plan = replace(empty_plan(), horizon_years=years)
    assert errors_of(plan) == [
        ("horizon_years", f"L'horizon du plan doit être compris entre 3 et 7 ans (reçu : {years} ans).")
    ]


def test_operating_years_must_match_the_horizon():
    """One operating year per school year."""
    plan = replace(empty_plan(), horizon_years=4)
    assert errors_of(plan) == [
        (
            "operating.years",
            "Le budget de fonctionnement doit compter une année par année scolaire : 4 attendue(s), 3 reçue(s).",
        )
    ]


def test_opening_month_after_the_first_school_year():
    """The opening must fall in the first school year."""
    assert errors_of(empty_plan(opening_month=12)) == [
        (
            "opening_month",
            "Le mois d'ouverture doit se situer dans la première année scolaire (mois 0 à 11), reçu : 12.",
        )
    ]


def test_shares_above_100_percent():
    """Advance and instalments cannot exceed the amount; ratios stay within 0–100 %."""
    terms = PaymentTerms(advance_share=D("0.8"), instalment_count=2, instalments_share=D("0.5"))
    plan = empty_plan(sources=(SourceLine(SourceKind.REGION_GRANT, "Région", D(1000), payment=terms),))
    plan = with_year(plan, 0, materials_share=D("1.5"))
    assert errors_of(plan) == [
        (
            "sources[0].payment.instalments_share",
            f"L'avance et les acomptes dépassent ensemble 100{NBSP}% du montant.",
        ),
        (
            "operating.years[0].materials_share",
            f"La part des matières doit être comprise entre 0 et 100{NBSP}% (reçu : 150{NBSP}%).",
        ),
    ]


def test_eu_grant_years_outside_the_plan():
    """EU grant years are school-year indexes of the plan."""
    grant = EuOperatingGrant(EuFund.FSE_PLUS, "FSE+", D(1000), first_year=2, last_year=5)
    plan = replace(empty_plan(), operating=replace(empty_plan().operating, eu_grants=(grant,)))
    assert errors_of(plan) == [
        ("operating.eu_grants[0].last_year", "L'année doit être comprise entre 0 et 2 (année 1 à année 3), reçu : 5.")
    ]


def test_float_amounts_are_refused():
    """Floats never enter amounts: the caller must convert with to_decimal."""
    plan = empty_plan(uses=(UseLine(UseCategory.IT, "ordinateurs", 1000.5),))  # type: ignore[arg-type]
    assert errors_of(plan) == [("uses[0].amount", "Valeur numérique attendue (Decimal ou entier, jamais un flottant).")]


def test_every_error_is_reported_at_once():
    """Several problems give several errors, in one exception."""
    plan = empty_plan(
        start_date=date(2026, 9, 1),
        uses=(UseLine(UseCategory.IT, "a", D(-1)), UseLine(UseCategory.IT, "b", D(1), month=99)),
        opening_month=-1,
    )
    fields = [field for field, _ in errors_of(plan)]
    assert fields == ["opening_month", "uses[0].amount", "uses[1].month"]


def test_risk_analysis_validates_the_plan_and_its_parameters():
    """The risk analysis refuses an invalid plan and a zero scenario count."""
    with pytest.raises(PlanInputError):
        run_risk_analysis(replace(empty_plan(), horizon_years=9), scenarios=10)
    with pytest.raises(PlanInputError) as excinfo:
        run_risk_analysis(empty_plan(), scenarios=0)
    assert excinfo.value.errors[0].field == "scenarios"
