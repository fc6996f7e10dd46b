"""The suggested combination of programmes (pure engine, ``essaim/funding_programmes/mix.py``)."""

import itertools
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.funding_programmes.mix import LOAN_PENALTY, TO_CHECK_PENALTY, Candidate, suggest_mix

D = Decimal

AMI = Candidate("ami", "AMI", D(180_000))
REGION = Candidate("region", "Région", D(100_000), is_local_authority_grant=True)
LOAN = Candidate("bdt", "Prêt BdT", D(200_000), floor=D(100_000), is_loan=True, requires_local_authority_grant=True)


def amounts(result):
    return {line.candidate.key: line.amount for line in result.lines}


def test_worked_example_grants_first_then_the_loan_for_what_is_left():
    result = suggest_mix([LOAN, REGION, AMI], need=D(400_000))
    assert amounts(result) == {"ami": D(180_000), "region": D(100_000), "bdt": D(120_000)}
    assert (result.covered, result.remaining, result.grants, result.loans) == (D(400_000), 0, D(280_000), D(120_000))


def test_the_loan_needs_a_local_authority_grant_in_the_combination_or_the_plan():
    result = suggest_mix([AMI, LOAN], need=D(400_000))
    assert amounts(result) == {"ami": D(180_000)} and result.remaining == D(220_000)
    ((left, reason),) = result.left_out
    assert left is LOAN and "subvention d'investissement d'une collectivité" in reason
    result = suggest_mix([AMI, LOAN], need=D(400_000), plan_has_local_authority_grant=True)
    assert amounts(result) == {"ami": D(180_000), "bdt": D(200_000)}


def test_a_floor_is_never_undercut_and_grants_that_cover_everything_leave_the_loan_out():
    # Grants cover the 230 000 €: the loan is left out…
    result = suggest_mix([AMI, REGION, LOAN], need=D(230_000))
    assert (result.grants, result.loans, result.remaining) == (D(230_000), 0, 0)
    assert {c.key: r for c, r in result.left_out}["bdt"].startswith("le besoin est couvert par des subventions")
    # …and a need under the floor never gets a loan at all, and says so.
    result = suggest_mix([LOAN], need=D(60_000), plan_has_local_authority_grant=True)
    assert result.lines == () and result.remaining == D(60_000)
    ((_, reason),) = result.left_out
    assert reason == "le besoin restant (60\u202f000,00\u00a0€) est sous son plancher (100\u202f000,00\u00a0€)"
    # A candidate whose floor is above what it may give is listed with its reason, never dropped silently.
    odd = Candidate("odd", "Plancher trop haut", D(50_000), floor=D(80_000))
    result = suggest_mix([AMI, odd], need=D(400_000))
    assert {c.key: r for c, r in result.left_out}["odd"].startswith("son plancher")


def test_nothing_to_cover():
    result = suggest_mix([AMI], need=D(0))
    assert result.lines == () and result.remaining == 0


def brute_force_value(candidates, need, plan_has_grant):
    """Best objective by enumerating every subset, each filled greedily (floors first, then by weight)."""
    best = D(0)
    for flags in itertools.product((0, 1), repeat=len(candidates)):
        chosen = [c for c, f in zip(candidates, flags, strict=True) if f]
        needs_grant = any(c.requires_local_authority_grant for c in chosen)
        if not plan_has_grant and needs_grant and not any(c.is_local_authority_grant for c in chosen):
            continue
        left = need - sum((c.floor for c in chosen), D(0))
        if left < 0:
            continue
        value = sum((weight(c) * c.floor for c in chosen), D(0))
        for c in sorted(chosen, key=weight, reverse=True):
            extra = min(c.max_amount - c.floor, left)
            value += weight(c) * extra
            left -= extra
        best = max(best, value)
    return best


def weight(c):
    return D(1) - (D(str(LOAN_PENALTY)) if c.is_loan else 0) - (D(str(TO_CHECK_PENALTY)) if c.to_check else 0)


candidates = st.builds(
    lambda i, cap, floor_share, loan, grant, requires, check: Candidate(
        key=f"p{i}",
        name=f"P{i}",
        max_amount=D(cap),
        floor=(D(cap) * floor_share).quantize(D("1")),
        is_loan=loan,
        is_local_authority_grant=grant and not loan,
        requires_local_authority_grant=requires and loan,
        to_check=check,
    ),
    st.integers(0, 10_000),
    st.integers(1_000, 300_000),
    st.sampled_from([D(0), D(0), D("0.3"), D("0.8")]),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(candidates, min_size=1, max_size=5, unique_by=lambda c: c.key),
    st.integers(1_000, 900_000),
    st.booleans(),
)
def test_the_combination_is_feasible_and_as_good_as_every_other(cands, need, plan_has_grant):
    need = D(need)
    result = suggest_mix(cands, need=need, plan_has_local_authority_grant=plan_has_grant)
    # Feasible: within the need, every amount 0 or within [floor, max], cents, the loan condition held.
    assert result.covered <= need
    assert result.covered + result.remaining == need
    for line in result.lines:
        assert line.candidate.floor <= line.amount <= line.candidate.max_amount
        assert line.amount == line.amount.quantize(D("0.01"))
    if not plan_has_grant and any(line.candidate.requires_local_authority_grant for line in result.lines):
        assert any(line.candidate.is_local_authority_grant for line in result.lines)
    assert {line.candidate.key for line in result.lines}.isdisjoint(c.key for c, _ in result.left_out)
    # Optimal: no subset does better (to a few cents of rounding per line).
    value = sum((weight(line.candidate) * line.amount for line in result.lines), D(0))
    assert value >= brute_force_value(cands, need, plan_has_grant) - D("0.05") * len(cands)
