"""Demo youths of the demo open school: fictitious names (marked « fictif »), four cohorts with
enrolments, weekly hours, blocs, diploma results, exits and outcomes at exit, 6 and 12 months —
enough youths for the aggregates and their suppression to show.

Runs after the orders demo (which creates « École de production de démonstration », its workshops and
staff); skips with a note when that school is absent. Idempotent: youths are found by school and
name, and every row is created only when missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from essaim.learners.defaults import seed_default_diplomas
from essaim.learners.enums import (
    BlockStatus,
    DiplomaHeld,
    DiplomaResult,
    EmploymentOutcome,
    ExitReason,
    IncidentKind,
    OutcomeMoment,
    SchoolLevel,
)
from essaim.learners.models import (
    BlockProgress,
    Diploma,
    Enrolment,
    Incident,
    Learner,
    LearnerOutcome,
    SkillBlock,
    WeeklyHours,
    monday_of,
)
from essaim.learners.publication import date_history_before_period
from essaim.schools.models import ProductionSchool, SchoolYear
from essaim.trades.models import Trade

DEMO_SCHOOL_NAME = "École de production de démonstration"
FICTITIOUS = "(fictif)"
TODAY = dt.date(2026, 11, 26)  # the demo's « today »: fixed so that two runs give the same data

FIRST_NAMES = [
    "Lucas", "Inès", "Nathan", "Jade", "Mathis", "Lina", "Enzo", "Chloé", "Hugo", "Manon",
    "Théo", "Léa", "Noah", "Camille", "Yanis", "Sarah", "Louis", "Emma", "Adam", "Zoé",
    "Rayan", "Louna", "Tom", "Maëlys", "Kylian", "Anaïs", "Sacha", "Nina", "Ethan", "Elsa",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
    "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
    "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
]  # fmt: skip

# (label, rentrée, end of the school year)
SCHOOL_YEARS = [
    ("2023-2024", dt.date(2023, 9, 4), dt.date(2024, 7, 5)),
    ("2024-2025", dt.date(2024, 9, 2), dt.date(2025, 7, 4)),
    ("2025-2026", dt.date(2025, 9, 1), dt.date(2026, 7, 3)),
    ("2026-2027", dt.date(2026, 9, 1), dt.date(2027, 7, 2)),
]
# Cohorts: (first school year index, number of youths). A CAP takes two school years.
COHORTS = [(0, 8), (1, 8), (2, 8), (3, 6)]
# Outcomes of the first cohort (exit 07/2025) at exit, 6 and 12 months; the second (exit 07/2026) at exit only.
E, A, F, J, U = (
    EmploymentOutcome.EMPLOYED,
    EmploymentOutcome.APPRENTICESHIP,
    EmploymentOutcome.FURTHER_TRAINING,
    EmploymentOutcome.JOB_SEEKING,
    EmploymentOutcome.UNKNOWN,
)
COHORT_OUTCOMES = {
    0: [(E, E, E), (A, A, E), (F, F, F), (J, E, E), (E, E, E), (J, J, A), (F, F, E), (U, U, U)],
    1: [(E,), (A,), (F,), (E,), (J,), (A,), (E,), (F,)],
}
LEVELS = [SchoolLevel.THIRD, SchoolLevel.SECOND_PRO, SchoolLevel.THIRD_SEGPA, SchoolLevel.CAP_FIRST_YEAR]


def _school_weeks(start: dt.date, end: dt.date):
    """Mondays from ``start`` to ``end``, without July and August (summer holidays)."""
    week = monday_of(start)
    if week < start:
        week += dt.timedelta(days=7)
    while week <= end:
        if week.month not in (7, 8):
            yield week
        week += dt.timedelta(days=7)


@transaction.atomic
def learners_demo_load(report) -> None:
    school = ProductionSchool.objects.filter(name=DEMO_SCHOOL_NAME).first()
    if school is None:
        report.count("jeunes fictifs : école de démonstration absente, rien à charger", False)
        return
    workshops = list(school.workshops.filter(is_active=True).order_by("name"))
    if not workshops:
        report.count("jeunes fictifs : l'école de démonstration n'a pas d'atelier, rien à charger", False)
        return
    seed_default_diplomas(Diploma, SkillBlock, Trade)
    diplomas = {workshop.pk: Diploma.objects.filter(trade_id=workshop.trade_id).first() for workshop in workshops}
    years = []
    for label, start, end in SCHOOL_YEARS:
        year, _ = SchoolYear.objects.get_or_create(
            school=school, label=label, defaults={"start_date": start, "end_date": end}
        )
        years.append(year)

    index = 0
    for cohort, (first_year, size) in enumerate(COHORTS):
        for position in range(size):
            _load_youth(
                report, school, workshops[index % len(workshops)], diplomas, years, cohort, first_year, position, index
            )
            index += 1
    # The fictitious records stand for entries made over past months: the partners' figures, published at
    # the end of the last closed quarter (learners/publication.py), include them.
    date_history_before_period(school)


def _load_youth(report, school, workshop, diplomas, years, cohort, first_year, position, index):
    entry_year = years[first_year]
    entry_date = entry_year.start_date
    birth_date = dt.date(entry_date.year - 16, 1 + (index * 5) % 12, 1 + (index * 7) % 27)
    diploma = diplomas[workshop.pk]
    exit_date = exit_reason = None
    result, result_date = DiplomaResult.PENDING, None
    second_year = years[first_year + 1] if first_year + 1 < len(years) else None
    if cohort in (0, 1):
        end = second_year.end_date
        if cohort == 1 and position == 7:
            exit_date, exit_reason = dt.date(2025, 2, 14), ExitReason.APPRENTICESHIP
        else:
            exit_date, exit_reason = end, ExitReason.COMPLETED
            result = DiplomaResult.FAILED if position == 3 else DiplomaResult.PASSED
            result_date = dt.date(end.year, 7, 1)
    learner, created = Learner.objects.update_or_create(
        school=school,
        first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
        last_name=f"{LAST_NAMES[index % len(LAST_NAMES)]} {FICTITIOUS}",
        defaults={
            "workshop": workshop,
            "birth_date": birth_date,
            "is_neet": position % 3 != 2,
            "last_school_level": LEVELS[index % len(LEVELS)],
            "left_school_on": dt.date(entry_date.year - (position % 2), 6, 30),
            "diploma_held": DiplomaHeld.NONE if position % 2 else DiplomaHeld.DNB,
            "diploma": diploma,
            "diploma_result": result,
            "diploma_result_date": result_date,
            "exit_date": exit_date,
            "exit_reason": exit_reason or "",
        },
    )
    report.count("jeunes fictifs", created)
    Enrolment.objects.get_or_create(
        learner=learner, school_year=entry_year, defaults={"workshop": workshop, "entry_date": entry_date}
    )
    continues = second_year is not None and second_year.start_date <= TODAY
    if continues and (exit_date is None or exit_date > second_year.start_date):
        Enrolment.objects.get_or_create(
            learner=learner,
            school_year=second_year,
            defaults={"workshop": workshop, "entry_date": second_year.start_date},
        )
    # Weekly hours: about 24 h in production and 11 h of teaching, varying by youth and week.
    last_day = min(exit_date or TODAY, TODAY)
    existing = set(learner.weekly_hours.values_list("week_start", flat=True))
    rows = []
    for n, week in enumerate(_school_weeks(entry_date, last_day)):
        if week in existing:
            continue
        wobble = (index * 3 + n * 7) % 5  # 0..4
        production = Decimal(21 + wobble) if n % 9 else Decimal(14)  # a lighter week now and then (exams, internship)
        rows.append(
            WeeklyHours(learner=learner, week_start=week, production_hours=production, theory_hours=Decimal(10 + n % 3))
        )
    WeeklyHours.objects.bulk_create(rows)
    # Blocs: all acquired for those admitted, most for the others, progressing for those present.
    if diploma is not None:
        blocks = list(diploma.blocks.order_by("position"))
        months_in = (last_day.year - entry_date.year) * 12 + last_day.month - entry_date.month
        acquired_count = len(blocks) if result == DiplomaResult.PASSED else min(len(blocks) - 1, months_in // 4)
        for i, block in enumerate(blocks):
            if i < acquired_count:
                status, started, acquired = (
                    BlockStatus.ACQUIRED,
                    entry_date,
                    entry_date + dt.timedelta(days=120 + 60 * i),
                )
                acquired = min(acquired, last_day)
            elif i < acquired_count + 2 and exit_date is None:
                status, started, acquired = BlockStatus.IN_PROGRESS, entry_date + dt.timedelta(days=30), None
            else:
                status, started, acquired = BlockStatus.NOT_STARTED, None, None
            BlockProgress.objects.get_or_create(
                learner=learner,
                block=block,
                defaults={"status": status, "started_on": started, "acquired_on": acquired},
            )
    if position in (2, 5):
        Incident.objects.get_or_create(
            learner=learner,
            date=entry_date + dt.timedelta(days=45),
            defaults={"kind": IncidentKind.LATENESS, "description": "Trois retards dans la semaine (exemple fictif)."},
        )
    for values in [COHORT_OUTCOMES.get(cohort, [])[position]] if cohort in COHORT_OUTCOMES else []:
        for moment, outcome, months in zip(
            (OutcomeMoment.AT_EXIT, OutcomeMoment.MONTH_6, OutcomeMoment.MONTH_12), values, (0, 6, 12), strict=False
        ):
            observed = _add_months(exit_date, months)
            LearnerOutcome.objects.get_or_create(
                learner=learner, moment=moment, defaults={"outcome": outcome, "observed_on": observed}
            )


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, min(day.day, 28))
