"""Aggregates of the youth follow-up: what leaves the school, and the school's own figures.

Everything that leaves the school (the programme dashboard, the Région, FNEP, exports) comes from
``programme_learner_outcomes`` or ``workshop_learner_outcomes``: counts and rates per group, with
groups under 5 youths suppressed and complementary suppression (``secrecy.py``). These functions do
not check who asks — the figures they return are safe to show to any programme partner; the caller
chooses the schools.

Figures that leave the school are also published on a fixed period (``as_of``, see ``publication.py``):
the records as they stood at the end of the last closed quarter, read from their history, so that
recording one outcome does not move a published rate until the quarter closes.

``school_learner_outcomes`` gives the school its own figures unsuppressed: its staff already see
every record; the view checks ``learners.view_learners`` first.

Measures (formulas and a worked example in docs/learners.md):

- ``enrolled``: youths ever enrolled (base: themselves); ``current``: youths still at school;
- ``production_hours``: sum of the production hours entered (base: youths with hours);
- ``production_share``: production hours / (production + theory hours) (same base);
- ``diploma_success_rate``: admis / (admis + refusé); pending results are left out (base: youths
  with a result);
- ``insertion_rate_6_months`` / ``_12_months``: youths in employment, apprenticeship or further
  training / youths whose situation at 6 (12) months was recorded, « inconnu » included (base: those
  youths).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from essaim.learners.enums import POSITIVE_OUTCOMES, DiplomaResult, OutcomeMoment
from essaim.learners.models import Learner, LearnerOutcome, WeeklyHours
from essaim.learners.secrecy import THRESHOLD, Cell, suppress_table

# Target share of the timetable in production (domain.md §1.5: 2/3; accepted 55–70 %).
PRODUCTION_SHARE_TARGET = Decimal(2) / Decimal(3)
PRODUCTION_SHARE_RANGE = (Decimal("0.55"), Decimal("0.70"))
RATE_QUANTUM = Decimal("0.001")

MEASURES = (
    "enrolled",
    "current",
    "production_hours",
    "production_share",
    "diploma_success_rate",
    "insertion_rate_6_months",
    "insertion_rate_12_months",
)
MEASURE_LABELS = {
    "enrolled": "Jeunes inscrits depuis l'ouverture",
    "current": "Jeunes présents",
    "production_hours": "Heures en production",
    "production_share": "Part du temps en production",
    "diploma_success_rate": "Taux de réussite au diplôme",
    "insertion_rate_6_months": "Taux d'insertion à 6 mois",
    "insertion_rate_12_months": "Taux d'insertion à 12 mois",
}
RATE_MEASURES = frozenset(
    {"production_share", "diploma_success_rate", "insertion_rate_6_months", "insertion_rate_12_months"}
)


def rate(numerator, denominator) -> Decimal | None:
    """numerator / denominator as a fraction rounded to 0.1 point (half up), None when the base is 0."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)


@dataclass
class RawFigures:
    """Unsuppressed sums of one group (a school, a workshop). Never leaves this module unsuppressed
    except through ``school_learner_outcomes``."""

    enrolled: int = 0
    current: int = 0
    production_hours: Decimal = Decimal(0)
    theory_hours: Decimal = Decimal(0)
    youths_with_hours: int = 0
    diploma_passed: int = 0
    diploma_decided: int = 0
    positive_6: int = 0
    recorded_6: int = 0
    positive_12: int = 0
    recorded_12: int = 0

    def __add__(self, other: RawFigures) -> RawFigures:
        return RawFigures(**{name: getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__})

    def measures(self) -> dict[str, tuple[Any, int]]:
        """(value, base) of each published measure."""
        total_hours = self.production_hours + self.theory_hours
        return {
            "enrolled": (self.enrolled, self.enrolled),
            "current": (self.current, self.current),
            "production_hours": (self.production_hours, self.youths_with_hours),
            "production_share": (rate(self.production_hours, total_hours), self.youths_with_hours),
            "diploma_success_rate": (rate(self.diploma_passed, self.diploma_decided), self.diploma_decided),
            "insertion_rate_6_months": (rate(self.positive_6, self.recorded_6), self.recorded_6),
            "insertion_rate_12_months": (rate(self.positive_12, self.recorded_12), self.recorded_12),
        }


@dataclass(frozen=True)
class OutcomeRow:
    """One row of an outcome table: a label (school, workshop or « Total ») and one ``Cell`` per measure."""

    label: str
    key: Any
    cells: dict[str, Cell] = field(default_factory=dict)

    def __getattr__(self, name):
        cells = self.__dict__.get("cells", {})
        if name in cells:
            return cells[name]
        raise AttributeError(name)


@dataclass(frozen=True)
class OutcomeTable:
    """Rows plus a total. ``suppressed`` says whether the secrecy rule was applied (always, for
    anything that leaves the school)."""

    rows: list[OutcomeRow]
    total: OutcomeRow
    suppressed: bool
    threshold: int = THRESHOLD
    measures: tuple[str, ...] = MEASURES

    @property
    def has_hidden_cells(self) -> bool:
        return any(cell.suppressed for row in [*self.rows, self.total] for cell in row.cells.values())


def _raw_by(learners, group: str) -> dict[Any, RawFigures]:
    """Raw figures of ``learners`` grouped by ``group`` (``school_id`` or ``workshop_id``): 4 queries."""
    raw: dict[Any, RawFigures] = defaultdict(RawFigures)
    for row in (
        learners.order_by()
        .values(group)
        .annotate(
            n=Count("pk"),
            current=Count("pk", filter=Q(exit_date__isnull=True)),
            passed=Count("pk", filter=Q(diploma_result=DiplomaResult.PASSED)),
            decided=Count("pk", filter=Q(diploma_result__in=[DiplomaResult.PASSED, DiplomaResult.FAILED])),
        )
    ):
        figures = raw[row[group]]
        figures.enrolled, figures.current = row["n"], row["current"]
        figures.diploma_passed, figures.diploma_decided = row["passed"], row["decided"]
    learner_ids = learners.order_by().values("pk")
    for row in (
        WeeklyHours.objects.filter(learner__in=learner_ids)
        .order_by()
        .values(f"learner__{group}")
        .annotate(prod=Sum("production_hours"), theory=Sum("theory_hours"), youths=Count("learner", distinct=True))
    ):
        figures = raw[row[f"learner__{group}"]]
        figures.production_hours = row["prod"] or Decimal(0)
        figures.theory_hours = row["theory"] or Decimal(0)
        figures.youths_with_hours = row["youths"]
    for row in (
        LearnerOutcome.objects.filter(
            learner__in=learner_ids, moment__in=[OutcomeMoment.MONTH_6, OutcomeMoment.MONTH_12]
        )
        .order_by()
        .values(f"learner__{group}", "moment")
        .annotate(n=Count("pk"), positive=Count("pk", filter=Q(outcome__in=list(POSITIVE_OUTCOMES))))
    ):
        figures = raw[row[f"learner__{group}"]]
        if row["moment"] == OutcomeMoment.MONTH_6:
            figures.recorded_6, figures.positive_6 = row["n"], row["positive"]
        else:
            figures.recorded_12, figures.positive_12 = row["n"], row["positive"]
    return raw


def _raw_as_of(school_ids, group: str, as_of: dt.datetime) -> dict[Any, RawFigures]:
    """Raw figures of the youths of ``school_ids`` as recorded strictly before ``as_of`` (their history:
    the latest version of each record then, records deleted since counted, records created or changed
    since ignored). Grouped by ``group`` (``school_id`` or ``workshop_id``) as they were then; 4 queries."""
    moment = as_of - dt.timedelta(microseconds=1)
    learners = Learner.history.as_of(moment).filter(school_id__in=list(school_ids))
    raw: dict[Any, RawFigures] = defaultdict(RawFigures)
    group_of = {}
    for learner_id, key, exited, result in learners.order_by().values_list("id", group, "exit_date", "diploma_result"):
        group_of[learner_id] = key
        figures = raw[key]
        figures.enrolled += 1
        figures.current += exited is None
        figures.diploma_passed += result == DiplomaResult.PASSED
        figures.diploma_decided += result in (DiplomaResult.PASSED, DiplomaResult.FAILED)
    with_hours: dict[Any, set] = defaultdict(set)
    for learner_id, production, theory in (
        WeeklyHours.history.as_of(moment)
        .filter(learner_id__in=list(group_of))
        .order_by()
        .values_list("learner_id", "production_hours", "theory_hours")
    ):
        key = group_of[learner_id]
        raw[key].production_hours += production or Decimal(0)
        raw[key].theory_hours += theory or Decimal(0)
        with_hours[key].add(learner_id)
    for key, youths in with_hours.items():
        raw[key].youths_with_hours = len(youths)
    for learner_id, moment_, outcome in (
        LearnerOutcome.history.as_of(moment)
        .filter(learner_id__in=list(group_of), moment__in=[OutcomeMoment.MONTH_6, OutcomeMoment.MONTH_12])
        .order_by()
        .values_list("learner_id", "moment", "outcome")
    ):
        figures = raw[group_of[learner_id]]
        positive = outcome in POSITIVE_OUTCOMES
        if moment_ == OutcomeMoment.MONTH_6:
            figures.recorded_6 += 1
            figures.positive_6 += positive
        else:
            figures.recorded_12 += 1
            figures.positive_12 += positive
    return raw


def _table(groups: list[tuple[Any, str]], raw: dict[Any, RawFigures], *, suppress: bool) -> OutcomeTable:
    total_raw = sum((raw.get(key, RawFigures()) for key, _ in groups), RawFigures())
    rows = {key: raw.get(key, RawFigures()).measures() for key, _ in groups}
    total = total_raw.measures()
    if suppress:
        row_cells, total_cells = suppress_table(rows, total)
    else:
        row_cells = {
            key: {m: Cell(value=v, base=b) for m, (v, b) in measures.items()} for key, measures in rows.items()
        }
        total_cells = {m: Cell(value=v, base=b) for m, (v, b) in total.items()}
    return OutcomeTable(
        rows=[OutcomeRow(label=label, key=key, cells=row_cells[key]) for key, label in groups],
        total=OutcomeRow(label="Total", key=None, cells=total_cells),
        suppressed=suppress,
    )


def programme_learner_outcomes(
    *, schools: Iterable, published_supersets: Iterable[Iterable] = (), as_of: dt.datetime | None = None
) -> OutcomeTable:
    """Per school and in total: youths enrolled and present, production hours and share, diploma
    success rate, insertion rates at 6 and 12 months — aggregated, with groups under 5 youths
    suppressed (primary and complementary). Safe to show to programme partners; 4 queries.

    ``schools``: ProductionSchool objects or a queryset of them (the caller's choice of scope).

    ``published_supersets``: larger sets of schools whose totals are published too (the dashboard's
    région, the scope's département). A superset's total minus this total gives the schools outside
    the scope: when that difference rests on 1 to 4 youths, this total's cell is suppressed as well,
    so no subtraction of two published totals reveals a group under 5. The raw figures of every school
    involved are read at once (still 4 queries).

    ``as_of``: the end of the published period (``publication.published_as_of``): the figures as they
    were recorded before it. Every caller that shows the figures outside the school passes it.
    """
    schools = list(schools)
    supersets = [list(superset) for superset in published_supersets]
    ids = {school.pk for school in schools} | {school.pk for superset in supersets for school in superset}
    if as_of is None:
        raw = _raw_by(Learner.objects.filter(school__in=ids), "school_id")
    else:
        raw = _raw_as_of(ids, "school_id", as_of)
    table = _table([(school.pk, school.name) for school in schools], raw, suppress=True)
    inside = {school.pk for school in schools}
    for superset in supersets:
        rest = sum((raw.get(school.pk, RawFigures()) for school in superset if school.pk not in inside), RawFigures())
        for measure, (_, base) in rest.measures().items():
            if base and 0 < base < THRESHOLD and measure in table.total.cells:
                table.total.cells[measure] = Cell.hidden()
    return table


def _workshop_groups(school, learners) -> list[tuple[Any, str]]:
    groups = [(workshop.pk, workshop.name) for workshop in school.workshops.all()]
    if learners.filter(workshop__isnull=True).exists():
        groups.append((None, "Sans atelier"))
    return groups


def workshop_learner_outcomes(*, school, as_of: dt.datetime | None = None) -> OutcomeTable:
    """The school's figures per workshop and in total, suppressed: what the school may send out
    (its export for funders, FNEP or the Région), as of the end of the published period when ``as_of``
    is given (the export and the API give it)."""
    learners = Learner.objects.filter(school=school)
    raw = _raw_by(learners, "workshop_id") if as_of is None else _raw_as_of([school.pk], "workshop_id", as_of)
    groups = _workshop_groups(school, learners)
    if None in raw and all(key is not None for key, _ in groups):
        groups.append((None, "Sans atelier"))
    return _table(groups, raw, suppress=True)


def school_learner_outcomes(*, school) -> OutcomeTable:
    """The school's own figures per workshop, unsuppressed: for its staff only (the caller checks
    ``learners.view_learners`` on the school)."""
    learners = Learner.objects.filter(school=school)
    return _table(_workshop_groups(school, learners), _raw_by(learners, "workshop_id"), suppress=False)


@dataclass(frozen=True)
class MonthHours:
    month: dt.date
    production_hours: Decimal
    theory_hours: Decimal

    @property
    def production_share(self) -> Decimal | None:
        return rate(self.production_hours, self.production_hours + self.theory_hours)


def school_monthly_hours(*, school) -> list[MonthHours]:
    """Production and theory hours of the school per month (a week counts in the month of its
    Monday), for the school's own impact page."""
    rows = (
        WeeklyHours.objects.filter(learner__school=school)
        .annotate(month=TruncMonth("week_start"))
        .order_by("month")
        .values("month")
        .annotate(prod=Sum("production_hours"), theory=Sum("theory_hours"))
    )
    return [MonthHours(month=row["month"], production_hours=row["prod"], theory_hours=row["theory"]) for row in rows]


def learner_hours_summary(learner) -> dict[str, Any]:
    """A youth's totals and production share (for the record's « heures » tab)."""
    totals = learner.weekly_hours.aggregate(prod=Sum("production_hours"), theory=Sum("theory_hours"), weeks=Count("pk"))
    prod, theory = totals["prod"] or Decimal(0), totals["theory"] or Decimal(0)
    return {
        "production_hours": prod,
        "theory_hours": theory,
        "weeks": totals["weeks"],
        "production_share": rate(prod, prod + theory),
    }


def share_status(share: Decimal | None) -> str:
    """« ok » inside the accepted range around the 2/3 target, « low »/« high » outside, « none » without hours."""
    if share is None:
        return "none"
    low, high = PRODUCTION_SHARE_RANGE
    if share < low:
        return "low"
    if share > high:
        return "high"
    return "ok"
