"""Working-capital requirement (besoin en fonds de roulement) and loan sizing.

Formulas
--------
Let ``C_t`` be the closing cash of month ``t`` *without any loan* (opening
cash plus every flow except loan drawdowns, interest and principal) and ``F``
the safety floor.

* trough: ``C_min = min_t C_t``, reached first in month ``t*``;
* requirement: ``WCR = max(0, F − C_min)``;
* loan sizing: a loan of ``L`` euros on given terms brings ``L × u_t`` of
  cumulative cash by month ``t``, where ``u_t`` is the drawdown (1 from the
  drawdown month) minus the instalments paid up to ``t`` per euro borrowed.
  The cash stays above the floor when ``C_t + L × u_t ≥ F`` for every ``t``:

  .. math:: L = \\max_{t : C_t < F} \\frac{F - C_t}{u_t}

  (impossible if ``u_t ≤ 0`` for a short month, e.g. after the loan is
  repaid). The loan is drawn in its terms' drawdown month, or in the first
  month below the floor if that comes earlier.
  ``L`` is rounded up to the cent, then adjusted cent by cent against the
  real rounded schedule: the result covers every month and one cent less does not.

Worked example: with no floor, a trough of −60,000 € in month 20 and a 0 %
loan drawn in month 0 with 36 months of deferral, ``u_20 = 1`` and
``L = 60,000 €``. If the trough came in month 48, after 12 of 84 monthly
repayments, ``u_48 = 1 − 12/84 = 6/7`` and ``L = 60,000 × 7/6 = 70,000 €``.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from financing_engine.inputs import LoanTerms
from financing_engine.loans import _periods, unit_cumulative_net_cash
from financing_engine.money import CENT, ZERO, round_cents_up

__all__ = ["MAX_LOAN", "covers", "size_loan"]

MAX_LOAN = Decimal("1e15")  # beyond a thousand billion euros, "no loan covers" is the honest answer


_MAX_STEPS = 1000


def covers(amount: Decimal, terms: LoanTerms, closing: list[Decimal], floor: Decimal) -> bool:
    """True when a loan of ``amount`` on ``terms`` (its real, rounded schedule) keeps every month ≥ ``floor``.

    ``closing`` is the closing cash per month without any loan.
    """
    months = len(closing)
    flows = [Decimal(0)] * months
    if terms.drawdown_month < months:
        flows[terms.drawdown_month] += amount
    for _, month, instalment, *_rest in _periods(amount, terms):
        if month < months:
            flows[month] -= instalment
    running = Decimal(0)
    for month in range(months):
        running += flows[month]
        if closing[month] + running < floor:
            return False
    return True


def size_loan(closing_without_loans: list[Decimal], floor: Decimal, terms: LoanTerms) -> Decimal | None:
    """Smallest loan, in cents, on ``terms`` keeping every month's cash at or above ``floor``.

    The exact minimum ``L = max_t (F − C_t) / u_t`` (module docstring) is rounded up to the cent,
    then adjusted against the loan's real schedule (interest rounded each period) until that
    amount covers every month and one cent less does not: the result is the smallest covering
    amount, not the working-capital requirement rounded up (they differ as soon as the loan
    repays or pays interest before the trough).

    Parameters
    ----------
    closing_without_loans : list of Decimal
        Closing cash per month, without any loan flow.
    floor : Decimal
        Safety floor.
    terms : LoanTerms
        Terms of the loan to size; it is drawn in ``terms.drawdown_month`` or
        in the first month below the floor if that is earlier.

    Returns
    -------
    Decimal or None
        The loan amount in cents (0 if no month is below the floor), or ``None``
        if no loan on these terms can cover the shortfall.

    Examples
    --------
    >>> closing = [Decimal(-10000), Decimal(-60000), Decimal(-20000)]
    >>> size_loan(closing, Decimal(0), LoanTerms(duration_months=120, deferral_months=36))
    Decimal('60000.00')
    """
    short = [(t, cash) for t, cash in enumerate(closing_without_loans) if cash < floor]
    if not short:
        return ZERO
    if short[0][0] < terms.drawdown_month:
        terms = replace(terms, drawdown_month=short[0][0])
    unit = unit_cumulative_net_cash(terms, len(closing_without_loans))
    needed = Decimal(0)
    for t, cash in short:
        if unit[t] <= 0:
            return None
        needed = max(needed, (floor - cash) / unit[t])
    if needed > MAX_LOAN:  # a loan almost repaid by then: no sensible amount covers the shortfall
        return None
    amount = round_cents_up(needed)
    # The exact minimum is for a loan without rounding: adjust it cent by cent against the real,
    # rounded schedule until the amount covers and one cent less does not.
    for _ in range(_MAX_STEPS):
        if not covers(amount, terms, closing_without_loans, floor):
            amount += CENT
        elif amount > 0 and covers(amount - CENT, terms, closing_without_loans, floor):
            amount -= CENT
        else:
            return amount
    return None  # pragma: no cover - rounding never drifts by 10 euros
