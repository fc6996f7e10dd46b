"""Pure calculations of the steering dashboard (no database access): where an objective stands at a
date, which stage a project was at on a date, the stages it went through, the leverage of the Banque
des Territoires loans. Formulas and worked examples: docs/steering.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from essaim.common.figures import computed
from essaim.projects import workflow
from essaim.projects.enums import ProjectStage
from essaim.steering.enums import ProgressStatus
from financing_engine.money import round_cents

# --- Objectives ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    value: Decimal  # what is counted at the date (since the baseline date when there is one)
    target: Decimal
    ratio: Decimal  # value / target, rounded to 0,0001 (may exceed 1)
    expected: Decimal  # value expected at the date on a straight line from the start to the target
    status: ProgressStatus
    days_left: int  # days from the date to the due date (negative once past)

    @property
    def bar_ratio(self) -> Decimal:
        """The ratio capped to [0, 1], for progress bars (0 when the ratio is not a number)."""
        if not self.ratio.is_finite():
            return Decimal(0)
        return max(Decimal(0), min(self.ratio, Decimal(1)))


def objective_progress(
    *,
    value: Decimal,
    target: Decimal,
    on: dt.date,
    due_date: dt.date,
    start_date: dt.date,
    baseline: Decimal = Decimal(0),
) -> Progress:
    """Where an objective stands on ``on``.

    - reached: value ≥ target (whatever the date);
    - missed: not reached and ``on`` is after the due date;
    - otherwise the expected value is the straight line from ``baseline`` (the value at the start, 0 by
      default) at ``start_date`` to the target at ``due_date``: on track when value ≥ expected, behind
      otherwise.
    """
    with localcontext() as context:
        # A stored figure however absurd (1E+30, NaN) never makes the dashboard fail: wide precision, and
        # an invalid operation gives NaN (shown « hors limites ») instead of raising (the engine's rounding
        # raises AmountOutOfRange on it, turned into NaN by essaim.common.figures.computed).
        context.prec = 80
        context.traps[InvalidOperation] = False
        return _objective_progress(
            value=value, target=target, on=on, due_date=due_date, start_date=start_date, baseline=baseline
        )


def _objective_progress(*, value, target, on, due_date, start_date, baseline) -> Progress:
    value, target, baseline = Decimal(value), Decimal(target), Decimal(baseline)
    if target <= 0:
        raise ValueError("target must be positive")
    span = (due_date - start_date).days
    elapsed = (on - start_date).days
    if span <= 0:
        fraction = Decimal(1) if elapsed >= 0 else Decimal(0)
    else:
        fraction = Decimal(min(max(elapsed, 0), span)) / Decimal(span)
    expected = computed(round_cents, baseline + (target - baseline) * fraction)  # NaN: « hors limites »
    if value >= target:
        status = ProgressStatus.REACHED
    elif on > due_date:
        status = ProgressStatus.MISSED
    elif value >= expected:
        status = ProgressStatus.ON_TRACK
    else:
        status = ProgressStatus.BEHIND
    ratio = (value / target).quantize(Decimal("0.0001"))
    return Progress(
        value=value, target=target, ratio=ratio, expected=expected, status=status, days_left=(due_date - on).days
    )


# --- Project stages over time ------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    at: dt.datetime
    from_stage: str  # "" for the line that records the creation
    to_stage: str


@dataclass(frozen=True)
class Segment:
    stage: str
    start: dt.datetime
    end: dt.datetime
    is_current: bool  # the stage the project is in at the end of the period
    overdue: bool  # lasted longer than the stage's expected duration (workflow.STAGE_DURATIONS)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def stage_label(self) -> str:
        return ProjectStage(self.stage).label


def stage_segments(
    *, created_at: dt.datetime, current_stage: str, moves: Sequence[Move], until: dt.datetime
) -> list[Segment]:
    """The stages a project went through up to ``until``, each with its start and end.

    The first stage is the one recorded by the creation line (or the origin of the first move, or, for a
    project with no move at all, its current stage) from ``created_at``; every later move closes a
    segment. Nothing is returned for a project created after ``until``.
    """
    if created_at > until:
        return []
    ordered = sorted(moves, key=lambda move: move.at)
    if ordered and not ordered[0].from_stage:
        stage, start, ordered = ordered[0].to_stage, min(created_at, ordered[0].at), ordered[1:]
    elif ordered:
        stage, start = ordered[0].from_stage, created_at
    else:
        stage, start = current_stage, created_at
    spans: list[tuple[str, dt.datetime, dt.datetime]] = []
    for move in ordered:
        if move.at > until:
            break
        spans.append((stage, start, move.at))
        stage, start = move.to_stage, move.at
    spans.append((stage, start, until))
    segments = []
    for index, (name, begin, end) in enumerate(spans):
        expected = workflow.STAGE_DURATIONS.get(name)
        segments.append(
            Segment(
                stage=name,
                start=begin,
                end=end,
                is_current=index == len(spans) - 1,
                overdue=bool(expected) and (end - begin).days > expected.days,
            )
        )
    return segments


def stage_on(segments: Sequence[Segment]) -> str | None:
    """The stage at the end of the period (None when the project did not exist yet)."""
    return segments[-1].stage if segments else None


def reached(stage: str | None, segments: Sequence[Segment], wanted: str) -> bool:
    """Whether a project at ``stage`` has reached ``wanted`` (or a later stage of the sequence) and is
    not abandoned. A project abandoned is not counted, whatever it had reached before."""
    if stage is None or stage not in workflow.SEQUENCE:
        return False
    return workflow.SEQUENCE.index(stage) >= workflow.SEQUENCE.index(wanted)


# --- Schools ----------------------------------------------------------------------------------------


def school_open_since(*, opening_year: int | None, opened_at: dt.date | None) -> dt.date | None:
    """The date from which a school counts as open: the day its project was declared open when known,
    else the 31 December of its published opening year (the only date we are sure of), else None
    (unknown: the school counts as open at any date, see docs/steering.md)."""
    if opened_at:
        return opened_at
    if opening_year:
        return dt.date(opening_year, 12, 31)
    return None


def is_open_on(since: dt.date | None, on: dt.date) -> bool:
    return since is None or since <= on


# --- Money ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leverage:
    total_raised: Decimal  # every amount granted (all funders, the BdT loans included)
    bdt_loans: Decimal  # subordinated loans granted by the Banque des Territoires
    ratio: Decimal | None  # total_raised / bdt_loans, to the cent; None without any BdT loan

    @property
    def others_per_euro(self) -> Decimal | None:
        """Euros of the other funders for each euro of BdT loan (ratio − 1)."""
        return None if self.ratio is None else self.ratio - 1


def leverage(*, total_raised: Decimal, bdt_loans: Decimal) -> Leverage:
    """Total raised per euro of Banque des Territoires subordinated loan (see docs/steering.md)."""
    ratio = round_cents(Decimal(total_raised) / Decimal(bdt_loans)) if bdt_loans > 0 else None
    return Leverage(total_raised=Decimal(total_raised), bdt_loans=Decimal(bdt_loans), ratio=ratio)
