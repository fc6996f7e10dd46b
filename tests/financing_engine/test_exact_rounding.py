"""Issue 16 item 1: loan schedules round exactly, half up, against exact rational arithmetic.

The periodic rate was stored as 0,04 / 12 = 0,00333… (28 digits) before multiplying, so an interest
of exactly half a cent rounded down: 150 001,50 € at 4 % monthly gave 500,00 € for 500,005 €.
Here every schedule is recomputed with :class:`fractions.Fraction` (no rounding but the engine's
own, half up to the cent) and compared row by row.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import gcd

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from financing_engine import Amortisation, DeferralKind, LoanTerms, Periodicity, loan_schedule
from financing_engine.loans import periodic_interest
from tests.financing_engine.strategies import loan_terms


def half_up(value: Fraction) -> Fraction:
    """Exact half-up rounding to the cent of a non-negative rational."""
    cents = value * 100
    return Fraction((cents.numerator * 2 + cents.denominator) // (cents.denominator * 2), 100)


def reference_schedule(amount: Decimal, terms: LoanTerms) -> list[tuple[Fraction, Fraction, Fraction, Fraction]]:
    """(instalment, interest, principal, outstanding) per period, in exact rational arithmetic."""
    p = terms.periodicity.months
    n, d = terms.duration_months // p, terms.deferral_months // p
    rate = Fraction(terms.annual_rate) * p / 12
    balance = half_up(Fraction(amount))
    rows = []
    for _ in range(d):
        interest = half_up(balance * rate)
        if terms.deferral_kind is DeferralKind.TOTAL:
            balance += interest
            rows.append((Fraction(0), interest, Fraction(0), balance))
        else:
            rows.append((interest, interest, Fraction(0), balance))
    m = n - d
    if terms.amortisation is Amortisation.CONSTANT_INSTALMENT and rate:
        growth = (1 + rate) ** m
        payment = half_up(balance * rate * growth / (growth - 1))
    else:
        payment = half_up(balance / m)
    for j in range(1, m + 1):
        interest = half_up(balance * rate)
        if j == m:
            principal = balance
        elif terms.amortisation is Amortisation.CONSTANT_INSTALMENT:
            principal = min(payment - interest, balance)
        else:
            principal = min(payment, balance)
        balance -= principal
        rows.append((interest + principal, interest, principal, balance))
    return rows


def test_the_issue_example():
    """150 001,50 € at 4 % a year, monthly: 500,01 € of interest (exact: 500,005 €)."""
    schedule = loan_schedule(Decimal("150001.50"), LoanTerms(duration_months=120, annual_rate=Decimal("0.04")))
    assert schedule.rows[0].interest == Decimal("500.01")
    assert periodic_interest(Decimal("150001.50"), Decimal("0.04"), 1) == Decimal("500.01")


@st.composite
def half_cent_cases(draw):
    """(amount, annual rate, periodicity) whose first interest is exactly k + ½ cent."""
    periodicity = draw(st.sampled_from(list(Periodicity)))
    p = periodicity.months
    rate_millionths = draw(st.integers(min_value=1, max_value=200_000))  # 0,0001 % … 20 %
    # interest in cents = B_cents × a × p / (12 × 10⁶): a half-integer when B_cents × a × p / (6 × 10⁶) is odd.
    step = 6_000_000 // gcd(6_000_000, rate_millionths * p)
    q = rate_millionths * p * step // 6_000_000
    assume(q % 2 == 1)
    odd = 2 * draw(st.integers(min_value=0, max_value=10**9 // step)) + 1
    cents = step * odd
    assume(cents <= 100_000_000_00)  # the domain limit: 1 000 000 000 €
    return Decimal(cents) / 100, Decimal(rate_millionths) / 1_000_000, periodicity


@settings(max_examples=300, deadline=None)
@given(case=half_cent_cases())
def test_exact_half_cents_round_up(case):
    amount, rate, periodicity = case
    exact = Fraction(amount) * Fraction(rate) * periodicity.months / 12
    assert (exact * 100).denominator == 2  # a true half cent
    expected = half_up(exact)
    assert Fraction(periodic_interest(amount, rate, periodicity.months)) == expected
    terms = LoanTerms(
        duration_months=12 * periodicity.months, annual_rate=rate, periodicity=periodicity, deferral_months=0
    )
    assert Fraction(loan_schedule(amount, terms).rows[0].interest) == expected


@settings(max_examples=150, deadline=None)
@given(
    amount=st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False),
    terms=loan_terms(max_drawdown=12),
)
def test_every_row_equals_exact_rational_arithmetic(amount, terms):
    """Every instalment, interest, principal and outstanding equals the exact computation, rounded half up."""
    rows = loan_schedule(amount, terms).rows
    expected = reference_schedule(amount, terms)
    assert len(rows) == len(expected)
    for row, (instalment, interest, principal, outstanding) in zip(rows, expected, strict=True):
        assert (Fraction(row.instalment), Fraction(row.interest), Fraction(row.principal)) == (
            instalment,
            interest,
            principal,
        ), row
        assert Fraction(row.outstanding) == outstanding


def test_the_issue_frequency_at_four_percent_monthly():
    """At 4 % monthly a balance of 150 + 300 k cents (1,50 €, 4,50 €…) makes a half cent: all now round up."""
    for k in range(150):
        amount = Decimal(150 + 300 * k * 1001) / 100
        exact = Fraction(amount) * Fraction(Decimal("0.04")) / 12
        assert (exact * 100).denominator == 2
        assert Fraction(periodic_interest(amount, Decimal("0.04"), 1)) == half_up(exact)
