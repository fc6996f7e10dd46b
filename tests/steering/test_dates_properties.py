"""Property tests (hypothesis) of issue #15: the state at a date D depends only on the events whose
effective date is on or before D; planned and actual money add up per dossier, envelope and programme."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from essaim.funding_applications import schedule
from essaim.funding_programmes.selectors import ZERO, LineVersion, payments_from_versions
from essaim.projects.enums import ProjectStage
from essaim.steering import progress

DAYS = st.dates(min_value=dt.date(2020, 12, 1), max_value=dt.date(2027, 12, 31))
STAGES = st.sampled_from([stage.value for stage in ProjectStage])
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


@st.composite
def histories(draw):
    """A project's start and a sequence of moves with their effective dates (in any order of entry)."""
    start = draw(DAYS)
    days = sorted(draw(st.lists(DAYS.filter(lambda d: d >= start), max_size=8)))
    stages = draw(st.lists(STAGES, min_size=len(days) + 1, max_size=len(days) + 1))
    moves = [progress.Move(at=_at(start), from_stage="", to_stage=stages[0])]
    for index, day in enumerate(days):
        moves.append(progress.Move(at=_at(day), from_stage=stages[index], to_stage=stages[index + 1]))
    return start, moves, stages[-1]


@settings(max_examples=200, deadline=None)
@given(histories(), DAYS)
def test_the_stage_at_a_date_depends_only_on_the_events_until_then(history, on):
    start, moves, current = history
    until = _end(on)
    full = progress.stage_segments(created_at=_at(start), current_stage=current, moves=moves, until=until)
    known = [move for move in moves if move.at <= until]
    partial = progress.stage_segments(
        created_at=_at(start), current_stage=known[-1].to_stage if known else current, moves=known, until=until
    )
    assert [(s.stage, s.start, s.end) for s in full] == [(s.stage, s.start, s.end) for s in partial]
    if start > on:
        assert full == []


TRANCHES = st.lists(st.tuples(DAYS, AMOUNTS), max_size=6)


@settings(max_examples=200, deadline=None)
@given(TRANCHES, TRANCHES, DAYS)
def test_planned_and_paid_at_a_date_depend_only_on_the_events_until_then(tranches, payments, on):
    full = schedule.compare(tranches=tranches, payments=payments, on=on)
    past = schedule.compare(
        tranches=[t for t in tranches if t[0] <= on], payments=[p for p in payments if p[0] <= on], on=on
    )
    assert (full.planned_due, full.paid) == (past.planned_due, past.paid)
    assert full.planned_due + full.planned_later == full.planned_total
    assert full.behind >= 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TRANCHES, TRANCHES, st.sampled_from(["E1", "E2"])), max_size=6), DAYS)
def test_planned_and_paid_add_up_per_dossier_envelope_and_programme(dossiers, on):
    per_dossier = [(schedule.compare(tranches=t, payments=p, on=on), envelope) for t, p, envelope in dossiers]
    per_envelope = {}
    for comparison, envelope in per_dossier:
        per_envelope[envelope] = per_envelope.get(envelope, schedule.empty(on)) + comparison
    programme = sum((c for c in per_envelope.values()), schedule.empty(on))
    everything = schedule.compare(
        tranches=[t for ts, _, _ in dossiers for t in ts], payments=[p for _, ps, _ in dossiers for p in ps], on=on
    )
    for name in ("planned_total", "planned_due", "paid", "planned_later"):
        assert getattr(programme, name) == getattr(everything, name)
        assert getattr(programme, name) == sum((getattr(c, name) for c, _ in per_dossier), Decimal(0))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(DAYS, AMOUNTS), max_size=8), st.randoms(use_true_random=False), DAYS)
def test_a_manual_line_is_paid_at_a_date_exactly_whatever_the_order_payments_were_entered(payments, random, on):
    """A line without dossier nor envelope: its payments, entered in any order (each version of the line
    carries the new total and that payment's date), are read back each with its own date."""
    entered = list(payments)
    random.shuffle(entered)
    versions, total = [LineVersion(ZERO, None, dt.date(2020, 12, 1), dt.date(2026, 12, 7))], ZERO
    for day, amount in entered:
        total += amount
        versions.append(LineVersion(total, day, dt.date(2020, 12, 1), dt.date(2026, 12, 7)))
    read = payments_from_versions(versions)
    assert sorted(read) == sorted(payments)
    assert sum((a for d, a in read if d <= on), ZERO) == sum((a for d, a in payments if d <= on), ZERO)
    assert sum((a for _, a in read), ZERO) == total


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(DAYS, AMOUNTS), min_size=1, max_size=6), st.data())
def test_a_correction_of_a_manual_line_cancels_the_last_payments_entered(payments, data):
    versions, total = [], ZERO
    for day, amount in payments:
        total += amount
        versions.append(LineVersion(total, day, None, dt.date(2026, 12, 7)))
    corrected = data.draw(st.decimals(min_value=ZERO, max_value=total, places=2))
    versions.append(LineVersion(corrected, payments[-1][0], None, dt.date(2026, 12, 7)))
    read = payments_from_versions(versions)
    assert sum((a for _, a in read), ZERO) == corrected
    assert all(a > 0 for _, a in read)
    # What remains is the payments first entered, the last one kept possibly reduced.
    if read:
        kept = len(read)
        assert read[:-1] == [tuple(p) for p in payments[: kept - 1]]
        assert read[-1][0] == payments[kept - 1][0] and read[-1][1] <= payments[kept - 1][1]


def test_a_payment_without_its_own_date():
    """Entered already paid (first version): paid on the decision's date; paid later without a date: on the
    day it was recorded (never earlier than Essaim knew it)."""
    entered_paid = [LineVersion(Decimal("90000"), None, dt.date(2025, 3, 1), dt.date(2026, 12, 7))]
    assert payments_from_versions(entered_paid) == [(dt.date(2025, 3, 1), Decimal("90000"))]
    paid_later = [
        LineVersion(ZERO, None, dt.date(2025, 2, 1), dt.date(2025, 1, 2)),
        LineVersion(Decimal("50000"), None, dt.date(2025, 2, 1), dt.date(2026, 12, 7)),
    ]
    assert payments_from_versions(paid_later) == [(dt.date(2026, 12, 7), Decimal("50000"))]
