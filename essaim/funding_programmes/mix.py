"""Suggested combination of programmes for a project's investment plan (pure Python, no Django).

Matching judges each programme alone. This module answers the next question a project holder and
FNEP ask: *which programmes together, and how much of each, cover the investment plan?*

Model (a small mixed-integer programme, solved exactly by HiGHS through ``scipy.optimize.milp``):

* one candidate per investment programme that is « éligible » or « à vérifier » with a suggested
  amount ``M_i > 0`` (``eligibility.suggest_amount``: already bounded by the rate, the ceiling and the
  credit left in the envelopes), and its floor ``F_i`` (0 when none);
* variables: the amount ``a_i`` and whether the programme is used, ``y_i ∈ {0, 1}``, with
  ``F_i·y_i ≤ a_i ≤ M_i·y_i``;
* the need: ``Σ a_i ≤ need``, where need = investment uses − resources of the plan that come from no
  programme of the catalogue (own funds, a bank loan, a grant typed by hand…);
* the written condition « prêt seulement avec une subvention d'investissement d'une collectivité »:
  ``y_loan ≤ Σ y_grant`` over the local-authority grants of the combination, unless the plan already
  holds such a grant;
* objective, in this order: cover as much of the need as possible; with grants before loans (money
  that is not repaid first); and « éligible » before « à vérifier ». Weights per euro: grant 1,
  loan 1 − 10⁻³, and − 10⁻⁴ for a programme still « à vérifier ».

Amounts come back in cents (rounded down, then raised to the floor when needed, so that
``Σ a_i ≤ need`` and every ``a_i`` is 0 or within ``[F_i, M_i]``).

Worked example: need 400 000 €; AMI (grant, ≤ 180 000 €), Région (grant, ≤ 100 000 €), BdT loan
(≤ 200 000 €, only with a collectivité grant, floor 100 000 €). Grants first: 180 000 + 100 000; the
loan covers the 120 000 € left (≥ its floor, and the Région's grant is there): covered 400 000 €,
nothing left. Without the Région, the loan could not be used at all: covered 180 000 €.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from financing_engine.money import ZERO, format_eur

__all__ = ["Candidate", "MixLine", "MixResult", "suggest_mix"]

CENT = Decimal("0.01")
LOAN_PENALTY = 1e-3
TO_CHECK_PENALTY = 1e-4


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    name: str
    max_amount: Decimal
    floor: Decimal = ZERO
    is_loan: bool = False
    is_local_authority_grant: bool = False
    requires_local_authority_grant: bool = False
    to_check: bool = False


@dataclass(frozen=True, slots=True)
class MixLine:
    candidate: Candidate
    amount: Decimal


@dataclass(frozen=True, slots=True)
class MixResult:
    need: Decimal
    lines: tuple[MixLine, ...]
    left_out: tuple[tuple[Candidate, str], ...]  # candidates not used, with the reason in French

    @property
    def covered(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def remaining(self) -> Decimal:
        return max(self.need - self.covered, ZERO)

    @property
    def grants(self) -> Decimal:
        return sum((line.amount for line in self.lines if not line.candidate.is_loan), ZERO)

    @property
    def loans(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.candidate.is_loan), ZERO)


def suggest_mix(
    candidates: list[Candidate] | tuple[Candidate, ...],
    *,
    need: Decimal,
    plan_has_local_authority_grant: bool = False,
) -> MixResult:
    """The best combination of ``candidates`` for ``need`` (see the module docstring)."""
    usable = [c for c in candidates if c.max_amount > 0 and c.max_amount >= c.floor]
    if need <= 0 or not usable:
        reason = "le besoin est déjà couvert" if need <= 0 else ""
        return MixResult(need=need, lines=(), left_out=tuple((c, reason) for c in candidates if c.max_amount > 0))
    # numpy and scipy are imported here, not with the module: the web's start-up does not need them.
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(usable)
    upper = np.array([float(c.max_amount) for c in usable])
    floor = np.array([float(c.floor) for c in usable])
    # Variables: a_0..a_{n-1} (euros), then y_0..y_{n-1} (binary).
    weight = np.array(
        [1.0 - (LOAN_PENALTY if c.is_loan else 0.0) - (TO_CHECK_PENALTY if c.to_check else 0.0) for c in usable]
    )
    objective = np.concatenate([-weight, np.zeros(n)])
    rows, lower_bounds, upper_bounds = [], [], []
    total = np.concatenate([np.ones(n), np.zeros(n)])
    rows.append(total)
    lower_bounds.append(0.0)
    upper_bounds.append(float(need))
    for i in range(n):
        cap = np.zeros(2 * n)  # a_i − M_i·y_i ≤ 0
        cap[i], cap[n + i] = 1.0, -upper[i]
        rows.append(cap)
        lower_bounds.append(-np.inf)
        upper_bounds.append(0.0)
        low = np.zeros(2 * n)  # a_i − F_i·y_i ≥ 0
        low[i], low[n + i] = 1.0, -floor[i]
        rows.append(low)
        lower_bounds.append(0.0)
        upper_bounds.append(np.inf)
    grants = [j for j, c in enumerate(usable) if c.is_local_authority_grant]
    if not plan_has_local_authority_grant:
        for i, c in enumerate(usable):
            if c.requires_local_authority_grant:
                link = np.zeros(2 * n)  # y_i − Σ y_grant ≤ 0
                link[n + i] = 1.0
                for j in grants:
                    link[n + j] -= 1.0
                rows.append(link)
                lower_bounds.append(-np.inf)
                upper_bounds.append(0.0)
    solution = milp(
        objective,
        constraints=LinearConstraint(np.array(rows), lower_bounds, upper_bounds),
        integrality=np.concatenate([np.zeros(n), np.ones(n)]),
        bounds=Bounds(np.zeros(2 * n), np.concatenate([upper, np.ones(n)])),
        # The preferences are worth 10⁻⁴ per euro: HiGHS's default relative gap (10⁻⁴) would blur them.
        options={"mip_rel_gap": 1e-12},
    )
    if solution.x is None:  # cannot happen: all zeros is always feasible
        raise RuntimeError(f"HiGHS n'a pas trouvé de combinaison : {solution.message}")
    amounts = _to_cents(solution.x[:n], solution.x[n:], usable, need)
    lines = tuple(MixLine(c, a) for c, a in zip(usable, amounts, strict=True) if a > 0)
    used = {line.candidate.key for line in lines}
    has_grant = plan_has_local_authority_grant or any(line.candidate.is_local_authority_grant for line in lines)
    uncovered = need - sum((line.amount for line in lines), ZERO)
    left_out = tuple((c, _why_left_out(c, has_grant, uncovered)) for c in usable if c.key not in used)
    dropped = tuple(
        (c, f"son plancher ({format_eur(c.floor)}) dépasse le montant possible ({format_eur(c.max_amount)})")
        for c in candidates
        if c.max_amount > 0 and c.max_amount < c.floor
    )
    return MixResult(need=need, lines=lines, left_out=left_out + dropped)


def _to_cents(values, chosen, usable: list[Candidate], need: Decimal) -> list[Decimal]:
    """Cents, rounded down; a used programme is kept within [floor, max]; the total never exceeds the need."""
    amounts = []
    for value, flag, candidate in zip(values, chosen, usable, strict=True):
        if flag < 0.5 or value < 0.005:
            amounts.append(ZERO)
            continue
        amount = Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_DOWN)
        amounts.append(min(max(amount, candidate.floor), candidate.max_amount))
    excess = sum(amounts, ZERO) - need
    # Solver tolerances can leave a few cents above the need: take them from the line with most room.
    while excess > 0:
        room = [(a - c.floor if a > 0 else ZERO, i) for i, (a, c) in enumerate(zip(amounts, usable, strict=True))]
        slack, index = max(room)
        if slack <= 0:
            break
        cut = min(slack, excess)
        amounts[index] -= cut
        excess -= cut
    return amounts


def _why_left_out(candidate: Candidate, has_grant: bool, uncovered: Decimal) -> str:
    if candidate.requires_local_authority_grant and not has_grant:
        return "seulement avec une subvention d'investissement d'une collectivité, absente de la combinaison"
    if uncovered <= 0:
        if candidate.is_loan:
            return "le besoin est couvert par des subventions, qui ne se remboursent pas"
        return "le besoin est déjà couvert par les autres dispositifs"
    if candidate.floor > uncovered:
        return f"le besoin restant ({format_eur(uncovered)}) est sous son plancher ({format_eur(candidate.floor)})"
    return "le besoin restant est couvert par des dispositifs préférés (subventions, dispositifs éligibles)"
