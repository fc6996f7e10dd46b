"""The pure calculations of the steering area: objectives' progress, stages over time, leverage."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from essaim.projects.enums import ProjectStage as S
from essaim.steering import progress
from essaim.steering.enums import ProgressStatus
from tests.steering.factories import at


def _progress(value, on, target=5, start=dt.date(2021, 1, 1), due=dt.date(2023, 12, 31)):
    return progress.objective_progress(
        value=Decimal(value), target=Decimal(target), on=on, due_date=due, start_date=start
    )


def test_objective_statuses():
    """Reached whatever the date; missed after the due date; otherwise on track vs the straight line."""
    assert _progress(6, dt.date(2022, 1, 1)).status == ProgressStatus.REACHED
    assert _progress(5, dt.date(2024, 6, 1)).status == ProgressStatus.REACHED
    assert _progress(4, dt.date(2024, 1, 1)).status == ProgressStatus.MISSED
    # Half-way (547 of 1094 days) the expected value is 2.5: 3 is on track, 2 is behind.
    half = dt.date(2022, 7, 2)
    assert _progress(3, half).expected == Decimal("2.50")
    assert _progress(3, half).status == ProgressStatus.ON_TRACK
    assert _progress(2, half).status == ProgressStatus.BEHIND
    assert _progress(0, dt.date(2020, 6, 1)).status == ProgressStatus.ON_TRACK  # before the start
    assert _progress(6, half).ratio == Decimal("1.2000") and _progress(6, half).bar_ratio == 1


def test_target_must_be_positive():
    with pytest.raises(ValueError):
        _progress(1, dt.date(2022, 1, 1), target=0)


@given(
    value=st.integers(min_value=0, max_value=200),
    target=st.integers(min_value=1, max_value=200),
    days=st.integers(min_value=-400, max_value=3000),
)
def test_progress_invariants(value, target, days):
    """Expected stays between 0 and the target; reached ⇔ value ≥ target; missed only after the due date."""
    on = dt.date(2021, 1, 1) + dt.timedelta(days=days)
    result = _progress(value, on, target=target)
    assert 0 <= result.expected <= target
    assert (result.status == ProgressStatus.REACHED) == (value >= target)
    if result.status == ProgressStatus.MISSED:
        assert on > dt.date(2023, 12, 31)


def test_stage_segments_from_creation_line_and_moves():
    moves = [
        progress.Move(at(2024, 1, 1), "", S.IDEA),
        progress.Move(at(2024, 2, 1), S.IDEA, S.OPPORTUNITY_STUDY),
        progress.Move(at(2025, 6, 1), S.OPPORTUNITY_STUDY, S.ACCREDITATION_PENDING),
    ]
    segments = progress.stage_segments(
        created_at=at(2024, 1, 1), current_stage=S.ACCREDITATION_PENDING, moves=moves, until=at(2025, 1, 1)
    )
    assert [s.stage for s in segments] == [S.IDEA, S.OPPORTUNITY_STUDY]
    assert segments[-1].is_current and segments[-1].end == at(2025, 1, 1)
    # The opportunity study lasted 11 months at that date for 5 expected: overdue.
    assert segments[-1].overdue and not segments[0].overdue
    assert progress.stage_on(segments) == S.OPPORTUNITY_STUDY
    assert (
        progress.stage_segments(created_at=at(2024, 1, 1), current_stage=S.IDEA, moves=moves, until=at(2023, 1, 1))
        == []
    )


def test_stage_segments_without_moves_and_with_moves_only():
    only = progress.stage_segments(
        created_at=at(2024, 1, 1), current_stage=S.ACCREDITED, moves=[], until=at(2024, 2, 1)
    )
    assert [(s.stage, s.start) for s in only] == [(S.ACCREDITED, at(2024, 1, 1))]
    moves = [progress.Move(at(2024, 3, 1), S.ACCREDITED, S.FINANCING_PLAN)]
    two = progress.stage_segments(
        created_at=at(2024, 1, 1), current_stage=S.FINANCING_PLAN, moves=moves, until=at(2024, 4, 1)
    )
    assert [s.stage for s in two] == [S.ACCREDITED, S.FINANCING_PLAN]


def test_reached_ignores_abandoned_projects():
    assert progress.reached(S.OPEN, [], S.ACCREDITED)
    assert progress.reached(S.ACCREDITED, [], S.ACCREDITED)
    assert not progress.reached(S.OPPORTUNITY_STUDY, [], S.ACCREDITED)
    assert not progress.reached(S.ABANDONED, [], S.IDEA)
    assert not progress.reached(None, [], S.IDEA)


def test_school_open_dates():
    assert progress.school_open_since(opening_year=2021, opened_at=None) == dt.date(2021, 12, 31)
    assert progress.school_open_since(opening_year=2021, opened_at=dt.date(2021, 9, 15)) == dt.date(2021, 9, 15)
    assert progress.school_open_since(opening_year=None, opened_at=None) is None
    assert progress.is_open_on(None, dt.date(2000, 1, 1))
    assert not progress.is_open_on(dt.date(2021, 12, 31), dt.date(2021, 12, 30))


def test_leverage_worked_example():
    """docs/steering.md: 650 000 € obtained in all, of which 200 000 € of BdT loan → 3,25 € per euro."""
    result = progress.leverage(total_raised=Decimal("650000"), bdt_loans=Decimal("200000"))
    assert result.ratio == Decimal("3.25") and result.others_per_euro == Decimal("2.25")
    assert progress.leverage(total_raised=Decimal("1000"), bdt_loans=Decimal(0)).ratio is None


@given(
    loan=st.decimals(min_value=1, max_value=10_000_000, places=2),
    others=st.decimals(min_value=0, max_value=10_000_000, places=2),
)
def test_leverage_identity(loan, others):
    """Leverage is never below 1 when the loan is part of the total, and ratio − 1 = others ÷ loan (to the cent)."""
    result = progress.leverage(total_raised=loan + others, bdt_loans=loan)
    assert result.ratio >= 1
    assert abs(result.others_per_euro - others / loan) <= Decimal("0.005")
