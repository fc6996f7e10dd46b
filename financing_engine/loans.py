"""Loan schedules: subordinated (BdT) and bank loans, exact to the cent.

Formulas
--------
With ``p`` the period length in months (1, 3 or 12), ``n = duration / p``
periods, ``d = deferral / p`` deferral periods and the proportional periodic
rate ``r = annual_rate × p / 12``:

* deferral periods ``1..d``: interest ``I_k = round(B_{k-1} × annual_rate × p / 12)``,
  multiplied before dividing so that an exact half cent rounds up (150 001,50 €
  at 4 %, monthly: 500,005 → 500,01 €; with ``r = 0,04 / 12`` truncated first
  it would round to 500,00 €). With an
  interest-only deferral it is paid (instalment ``I_k``); with a total
  deferral it is capitalised (``B_k = B_{k-1} + I_k``, nothing paid);
* amortisation over the remaining ``m = n − d`` periods, starting from the
  outstanding ``B_d``:

  - constant instalment: ``A = round(B_d × r / (1 − (1 + r)^−m))``
    (``A = round(B_d / m)`` when ``r = 0``), computed in exact rational
    arithmetic before rounding; principal ``A − I_k``;
  - constant principal: ``round(B_d / m)`` each period, plus interest;

* the last period repays the whole outstanding principal, so it absorbs the
  rounding residue: the outstanding is exactly 0 at maturity and
  Σ principal = amount + Σ capitalised interest.

Period ``k`` is paid at the end of the period, in month
``drawdown_month + k × p``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from financing_engine.dates import add_months
from financing_engine.errors import InputError, PlanInputError
from financing_engine.inputs import Amortisation, DeferralKind, LoanTerms
from financing_engine.money import CENT, ZERO, format_eur, round_cents
from financing_engine.results import LoanRow, LoanSchedule
from financing_engine.validation import loan_terms_errors

__all__ = ["constant_instalment", "loan_schedule", "periodic_interest"]


_Period = tuple[int, int, Decimal, Decimal, Decimal, Decimal, Decimal]


def _half_up_cents(value: Fraction) -> Decimal:
    """An exact rational amount rounded to the cent, half up (non-negative amounts)."""
    cents = value * 100
    rounded = (cents.numerator * 2 + cents.denominator) // (cents.denominator * 2)
    return (Decimal(rounded) / 100).quantize(CENT)


def constant_instalment(base: Decimal, annual_rate: Decimal, period_months: int, periods: int) -> Decimal:
    """The constant instalment repaying ``base`` over ``periods`` periods, rounded exactly to the cent.

    ``A = B × r × (1 + r)^m / ((1 + r)^m − 1)`` with the periodic rate ``r = annual_rate × p / 12``,
    computed in exact rational arithmetic (the periodic rate 0,04 / 12 = 0,00333… is never
    truncated), then rounded half up; ``B / m`` when the rate is 0.

    Examples
    --------
    >>> constant_instalment(Decimal("11200"), Decimal("0.12"), 12, 2)
    Decimal('6627.02')
    >>> constant_instalment(Decimal("1000"), Decimal("0"), 1, 3)
    Decimal('333.33')
    """
    if annual_rate == 0:
        return _half_up_cents(Fraction(base) / periods)
    rate = Fraction(annual_rate) * period_months / 12
    growth = (1 + rate) ** periods
    return _half_up_cents(Fraction(base) * rate * growth / (growth - 1))


def periodic_interest(outstanding: Decimal, annual_rate: Decimal, period_months: int) -> Decimal:
    """Interest of one period, ``round(B × annual_rate × p / 12)``: multiplied before dividing.

    Dividing first (``0,04 / 12 = 0,00333…``, cut at 28 digits) loses the exact half cents.

    Examples
    --------
    150 001,50 € at 4 % a year, monthly: the exact interest is 500,005 €, rounded half up.

    >>> periodic_interest(Decimal("150001.50"), Decimal("0.04"), 1)
    Decimal('500.01')
    >>> round_cents(Decimal("150001.50") * (Decimal("0.04") / 12))  # dividing first: half a cent lost
    Decimal('500.00')
    """
    return round_cents(outstanding * annual_rate * period_months / 12)


def _periods(amount: Decimal, terms: LoanTerms) -> list[_Period]:
    """``(period, month, instalment, interest, capitalised, principal, outstanding)`` per period.

    Every interest is ``round(B × annual_rate × p / 12)`` and the constant instalment is exact
    (:func:`constant_instalment`).
    """
    period = terms.periodicity.months
    n = terms.duration_months // period
    d = terms.deferral_months // period
    annual = terms.annual_rate
    drawdown = terms.drawdown_month
    outstanding = round_cents(amount)
    result: list[_Period] = []
    total_deferral = terms.deferral_kind is DeferralKind.TOTAL
    for k in range(1, d + 1):
        interest = periodic_interest(outstanding, annual, period)
        if total_deferral:
            outstanding += interest
            result.append((k, drawdown + k * period, ZERO, interest, interest, ZERO, outstanding))
        else:
            result.append((k, drawdown + k * period, interest, interest, ZERO, ZERO, outstanding))

    remaining = n - d
    base = outstanding
    constant_instalment_profile = terms.amortisation is Amortisation.CONSTANT_INSTALMENT
    if constant_instalment_profile:
        payment = constant_instalment(base, annual, period, remaining)
    else:
        payment = round_cents(base / remaining)
    for j in range(1, remaining + 1):
        interest = periodic_interest(outstanding, annual, period)
        if j == remaining:
            principal = outstanding
        elif constant_instalment_profile:
            principal = min(payment - interest, outstanding)
        else:
            principal = min(payment, outstanding)
        outstanding -= principal
        k = d + j
        result.append((k, drawdown + k * period, interest + principal, interest, ZERO, principal, outstanding))
    return result


def _rows(amount: Decimal, terms: LoanTerms, start_date: date | None) -> list[LoanRow]:
    """Schedule rows, dated from ``start_date`` (month 0 of the plan) if given."""
    return [
        LoanRow(
            period=k,
            month_index=month,
            date=add_months(start_date, month) if start_date is not None else None,
            instalment=instalment,
            interest=interest,
            capitalised_interest=capitalised,
            principal=principal,
            outstanding=outstanding,
        )
        for k, month, instalment, interest, capitalised, principal, outstanding in _periods(amount, terms)
    ]


def loan_schedule(
    amount: Decimal, terms: LoanTerms, *, start_date: date | None = None, label: str = ""
) -> LoanSchedule:
    """Amortisation schedule of a loan.

    Parameters
    ----------
    amount : Decimal
        Principal drawn, in euros.
    terms : LoanTerms
        Duration and deferral (months), annual rate, periodicity, amortisation
        profile, deferral kind and drawdown month.
    start_date : date, optional
        Date of month 0 of the plan, to date each row.
    label : str, optional
        Name of the loan, kept in the result.

    Returns
    -------
    LoanSchedule
        One row per period: instalment, interest, capitalised interest,
        principal and outstanding after payment.

    Raises
    ------
    PlanInputError
        Negative amount, duration beyond 30 years, rate outside 0–20 %,
        deferral not shorter than the duration or not a whole number of periods.

    Notes
    -----
    Constant instalment after ``d`` deferral periods, over ``m = n − d``
    periods at periodic rate ``r = annual_rate × p / 12``:

    .. math:: A = B_d \\frac{r}{1 - (1 + r)^{-m}}

    with ``A = B_d / m`` when ``r = 0``. Interest is rounded to the cent each
    period and the last instalment repays the exact outstanding principal.

    Examples
    --------
    The demo plan's BdT subordinated loan: 130,000 € over 10 years, 3 years of
    interest-only deferral, 1 % a year, monthly constant instalments.

    >>> from decimal import Decimal
    >>> terms = LoanTerms(duration_months=120, deferral_months=36, annual_rate=Decimal("0.01"))
    >>> schedule = loan_schedule(Decimal("130000"), terms, start_date=date(2026, 9, 1))
    >>> first = schedule.rows[0]
    >>> first.date, first.instalment, first.principal
    (datetime.date(2026, 10, 1), Decimal('108.33'), Decimal('0.00'))
    >>> row = schedule.rows[36]  # first amortising month
    >>> row.instalment, row.interest, row.principal, row.outstanding
    (Decimal('1603.06'), Decimal('108.33'), Decimal('1494.73'), Decimal('128505.27'))
    >>> last = schedule.rows[-1]
    >>> last.period, last.instalment, last.outstanding
    (120, Decimal('1603.23'), Decimal('0.00'))
    >>> schedule.total_principal, schedule.total_interest
    (Decimal('130000.00'), Decimal('8557.09'))
    """
    errors: list[InputError] = []
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        errors.append(InputError("amount", "Valeur numérique attendue (Decimal ou entier, jamais un flottant)."))
    elif amount < 0:
        errors.append(
            InputError("amount", f"Le montant ne peut pas être négatif (reçu : {format_eur(Decimal(amount))}).")
        )
    errors.extend(loan_terms_errors(terms, path="terms"))
    if errors:
        raise PlanInputError(errors)
    rows = tuple(_rows(Decimal(amount), terms, start_date))
    return LoanSchedule(label=label, amount=round_cents(Decimal(amount)), terms=terms, rows=rows)


def unit_cumulative_net_cash(terms: LoanTerms, months: int) -> list[Fraction]:
    """Cumulative cash brought by a loan of 1 € per month, exact (rational, never rounded).

    A loan's flows are proportional to its amount before rounding, so ``L × u_t`` is the cash a
    loan of ``L`` euros brings by month ``t`` on its exact schedule (used to size the loan covering a
    cash shortfall). Closed form, the same as the workbook's « Calculs » sheet: with ``p`` months per
    period, ``n`` periods, ``d`` deferral periods, the periodic rate ``r = annual_rate × p / 12``,
    ``k = min(n, ⌊(t − drawdown) / p⌋)`` periods paid by month ``t`` and ``j = max(0, k − d)`` of
    them amortising (``m = n − d``):

    * ``u_t = 0`` before the drawdown month, else ``u_t = 1 − D_t − A_t``;
    * deferral: ``D_t = min(k, d) × r`` when the interest is paid, 0 when it is capitalised; the
      outstanding per euro after the deferral is ``b = (1 + r)^d`` if capitalised, else 1;
    * constant instalment: ``A_t = j × b × r / (1 − (1 + r)^−m)`` (``j × b / m`` at 0 %);
    * constant principal: ``A_t = j × b / m + r × b × (j − j (j − 1) / (2m))`` (principal ``b / m``
      a period plus the interest on the outstanding).

    Examples
    --------
    12 % a year, monthly, 3 years of interest-only deferral: 1 % of interest a month.

    >>> terms = LoanTerms(duration_months=120, deferral_months=36, annual_rate=Decimal("0.12"))
    >>> [str(u) for u in unit_cumulative_net_cash(terms, 3)]
    ['1', '99/100', '49/50']
    """
    p = terms.periodicity.months
    n = terms.duration_months // p
    d = terms.deferral_months // p
    m = n - d
    r = Fraction(terms.annual_rate) * p / 12
    capitalised = terms.deferral_kind is DeferralKind.TOTAL
    base = (1 + r) ** d if capitalised else Fraction(1)
    if terms.amortisation is Amortisation.CONSTANT_INSTALMENT:
        instalment = base / m if r == 0 else base * r / (1 - (1 + r) ** -m)
    units: list[Fraction] = []
    for t in range(months):
        if t < terms.drawdown_month:
            units.append(Fraction(0))
            continue
        k = min(n, (t - terms.drawdown_month) // p)
        j = max(0, k - d)
        deferral = Fraction(0) if capitalised else min(k, d) * r
        if terms.amortisation is Amortisation.CONSTANT_INSTALMENT:
            amortised = j * instalment
        else:
            amortised = j * base / m + r * base * (j - Fraction(j * (j - 1), 2 * m))
        units.append(1 - deferral - amortised)
    return units


def loan_cash_flows(schedule: LoanSchedule) -> list[tuple[int, Decimal, Decimal]]:
    """``(month, interest paid, principal repaid)`` of each period of a schedule."""
    return [(row.month_index, row.interest - row.capitalised_interest, row.principal) for row in schedule.rows]
