"""Loan schedules: worked examples, identities, cross-check with numpy-financial."""

from datetime import date
from decimal import Decimal

import numpy_financial as npf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from financing_engine import (
    Amortisation,
    DeferralKind,
    FinancingEngineError,
    LoanTerms,
    Periodicity,
    PlanInputError,
    loan_schedule,
)
from tests.financing_engine.strategies import amounts, loan_terms

D = Decimal


def test_constant_instalment_worked_example():
    """12 000 € at 12 % over 12 months: instalment 1 066,19 €, first interest 120 €."""
    terms = LoanTerms(duration_months=12, annual_rate=D("0.12"))
    schedule = loan_schedule(D("12000"), terms, start_date=date(2026, 9, 1))
    first, second = schedule.rows[0], schedule.rows[1]
    assert (first.instalment, first.interest, first.principal, first.outstanding) == (
        D("1066.19"),
        D("120.00"),
        D("946.19"),
        D("11053.81"),
    )
    assert (second.interest, second.principal, second.outstanding) == (D("110.54"), D("955.65"), D("10098.16"))
    assert first.date == date(2026, 10, 1)
    assert schedule.rows[-1].date == date(2027, 9, 1)
    assert schedule.rows[-1].outstanding == 0


def test_constant_principal_quarterly_worked_example():
    """12 000 € at 12 % over 4 quarters, constant principal: 3 000 € + 360, 270, 180, 90 € of interest."""
    terms = LoanTerms(
        duration_months=12,
        annual_rate=D("0.12"),
        periodicity=Periodicity.QUARTERLY,
        amortisation=Amortisation.CONSTANT_PRINCIPAL,
    )
    schedule = loan_schedule(D("12000"), terms)
    assert [row.month_index for row in schedule.rows] == [3, 6, 9, 12]
    assert [row.interest for row in schedule.rows] == [D("360.00"), D("270.00"), D("180.00"), D("90.00")]
    assert [row.instalment for row in schedule.rows] == [D("3360.00"), D("3270.00"), D("3180.00"), D("3090.00")]


def test_interest_only_deferral_worked_example():
    """130 000 € at 1 %, 10 years with 3 years' deferral: 36 months of 108,33 € of interest only."""
    terms = LoanTerms(duration_months=120, deferral_months=36, annual_rate=D("0.01"))
    schedule = loan_schedule(D("130000"), terms)
    assert len(schedule.rows) == 120
    assert all(row.instalment == D("108.33") and row.principal == 0 for row in schedule.rows[:36])
    assert schedule.rows[35].outstanding == D("130000.00")
    assert schedule.rows[36].principal > 0


def test_total_deferral_worked_example():
    """10 000 € at 12 %, yearly, 3 years with 1 year of total deferral: interest capitalised to 11 200 €."""
    terms = LoanTerms(
        duration_months=36,
        deferral_months=12,
        annual_rate=D("0.12"),
        periodicity=Periodicity.YEARLY,
        deferral_kind=DeferralKind.TOTAL,
    )
    rows = loan_schedule(D("10000"), terms).rows
    assert (rows[0].instalment, rows[0].capitalised_interest, rows[0].outstanding) == (
        D("0.00"),
        D("1200.00"),
        D("11200.00"),
    )
    assert (rows[1].instalment, rows[1].interest, rows[1].principal, rows[1].outstanding) == (
        D("6627.02"),
        D("1344.00"),
        D("5283.02"),
        D("5916.98"),
    )
    assert (rows[2].interest, rows[2].principal, rows[2].instalment) == (D("710.04"), D("5916.98"), D("6627.02"))


def test_zero_rate_splits_principal_evenly():
    """At 0 % the instalments are the principal split over the periods."""
    schedule = loan_schedule(D("1000"), LoanTerms(duration_months=3))
    assert [row.instalment for row in schedule.rows] == [D("333.33"), D("333.33"), D("333.34")]


@given(amounts(2_000_000), loan_terms(max_drawdown=24))
def test_schedule_identities(amount, terms):
    """Σ principal = amount + capitalised interest, outstanding ends at 0, each row is consistent."""
    schedule = loan_schedule(amount, terms)
    period = terms.periodicity.months
    assert len(schedule.rows) == terms.duration_months // period
    assert schedule.total_principal == amount + schedule.total_capitalised_interest
    assert schedule.rows[-1].outstanding == 0
    previous = amount
    for k, row in enumerate(schedule.rows, start=1):
        assert row.month_index == terms.drawdown_month + k * period
        assert row.instalment == row.interest - row.capitalised_interest + row.principal
        assert row.outstanding == previous + row.capitalised_interest - row.principal
        assert row.outstanding >= 0
        assert row.instalment >= 0
        previous = row.outstanding
    for row in schedule.rows[: terms.deferral_months // period]:
        assert row.principal == 0


CASES = [
    (Periodicity.MONTHLY, 120, 0),
    (Periodicity.MONTHLY, 120, 36),
    (Periodicity.QUARTERLY, 120, 0),
    (Periodicity.QUARTERLY, 120, 36),
    (Periodicity.YEARLY, 120, 0),
    (Periodicity.YEARLY, 120, 36),
    (Periodicity.MONTHLY, 360, 24),
]


@pytest.mark.parametrize(("periodicity", "duration", "deferral"), CASES)
@pytest.mark.parametrize("rate", [D("0.005"), D("0.01"), D("0.035"), D("0.12")])
def test_constant_instalment_matches_numpy_financial(periodicity, duration, deferral, rate):
    """pmt, ipmt and ppmt of numpy-financial agree with the schedule after the deferral, to a few cents."""
    amount = D("130000")
    terms = LoanTerms(duration_months=duration, deferral_months=deferral, annual_rate=rate, periodicity=periodicity)
    rows = loan_schedule(amount, terms).rows
    period = periodicity.months
    r = float(rate) * period / 12
    d = deferral // period
    m = duration // period - d
    expected_payment = -npf.pmt(r, m, float(amount))
    for row in rows[:d]:
        assert float(row.interest) == pytest.approx(float(amount) * r, abs=0.005)
    for j, row in enumerate(rows[d:], start=1):
        # Rounding drift bound: each period adds at most 1 cent of error to the outstanding, compounded at r.
        drift = 0.01 * ((1 + r) ** j - 1) / r + 0.011
        assert float(row.interest) == pytest.approx(-npf.ipmt(r, j, m, float(amount)), abs=drift * r + 0.011)
        if j < m:
            assert float(row.principal) == pytest.approx(-npf.ppmt(r, j, m, float(amount)), abs=drift * r + 0.011)
            assert float(row.instalment) == pytest.approx(expected_payment, abs=0.005)
        else:
            assert float(row.principal) == pytest.approx(-npf.ppmt(r, j, m, float(amount)), abs=drift)
            assert float(row.instalment) == pytest.approx(expected_payment, abs=drift)
    assert sum(row.principal for row in rows) == amount


@pytest.mark.parametrize("periodicity", list(Periodicity))
def test_total_deferral_matches_numpy_financial_on_capitalised_principal(periodicity):
    """After a total deferral, npf.pmt on the capitalised principal gives the instalment."""
    terms = LoanTerms(
        duration_months=120,
        deferral_months=36,
        annual_rate=D("0.04"),
        periodicity=periodicity,
        deferral_kind=DeferralKind.TOTAL,
    )
    schedule = loan_schedule(D("200000"), terms)
    period = periodicity.months
    r = 0.04 * period / 12
    d = 36 // period
    capitalised = 200000 * (1 + r) ** d
    assert float(schedule.rows[d - 1].outstanding) == pytest.approx(capitalised, abs=0.05)
    expected = -npf.pmt(r, 120 // period - d, capitalised)
    assert float(schedule.rows[d].instalment) == pytest.approx(expected, abs=0.02)


@given(st.sampled_from(list(Periodicity)), st.integers(min_value=1, max_value=30))
def test_npf_pmt_property_without_deferral(periodicity, years):
    """For any periodicity and duration the regular instalment is npf.pmt rounded to the cent."""
    terms = LoanTerms(duration_months=12 * years, annual_rate=D("0.03"), periodicity=periodicity)
    rows = loan_schedule(D("100000"), terms).rows
    r = 0.03 * periodicity.months / 12
    expected = -npf.pmt(r, len(rows), 100000.0)
    assert float(rows[0].instalment) == pytest.approx(expected, abs=0.006)


@pytest.mark.parametrize(
    ("amount", "terms", "field", "message"),
    [
        (D("-1"), LoanTerms(), "amount", "Le montant ne peut pas être négatif (reçu : -1,00\u00a0€)."),
        (
            D("1000"),
            LoanTerms(duration_months=372),
            "terms.duration_months",
            "La durée du prêt doit être comprise entre 1 mois et 30 ans (reçu : 372 mois).",
        ),
        (
            D("1000"),
            LoanTerms(annual_rate=D("0.25")),
            "terms.annual_rate",
            "Le taux annuel doit être compris entre 0 et 20\u00a0% (reçu : 25\u00a0%).",
        ),
        (
            D("1000"),
            LoanTerms(annual_rate=D("-0.01")),
            "terms.annual_rate",
            "Le taux annuel doit être compris entre 0 et 20\u00a0% (reçu : -1\u00a0%).",
        ),
        (
            D("1000"),
            LoanTerms(duration_months=120, deferral_months=120),
            "terms.deferral_months",
            "Le différé (120 mois) doit être plus court que la durée du prêt (120 mois).",
        ),
        (
            D("1000"),
            LoanTerms(duration_months=100, periodicity=Periodicity.YEARLY),
            "terms.duration_months",
            "La durée (100 mois) doit être un multiple de la périodicité annuelle (12 mois).",
        ),
    ],
)
def test_bad_loan_input_is_reported_with_field_and_french_message(amount, terms, field, message):
    """Invalid amounts and terms raise PlanInputError naming the field, in French."""
    with pytest.raises(PlanInputError) as excinfo:
        loan_schedule(amount, terms)
    assert isinstance(excinfo.value, FinancingEngineError)
    assert [(e.field, e.message) for e in excinfo.value.errors] == [(field, message)]
