"""Benchmark of the youth aggregates that leave the schools (with statistical secrecy) and of a
school's youth list.

Builds S open schools with N youths in all (each with W weeks of hours, a diploma result and, for
those who left, outcomes at 6 and 12 months) in a throw-away database, then times
``programme_learner_outcomes`` over every school, ``workshop_learner_outcomes`` for one school, and
the pure suppression over a 1 000-row table. Run:
``.venv/bin/python bench/bench_learners.py [youths] [schools] [weeks]`` (figures in docs/performance.md).
"""

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.test.runner import DiscoverRunner  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402


def main(youths: int, schools: int, weeks: int) -> None:
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        _run(youths, schools, weeks)
    finally:
        runner.teardown_databases(old)
        teardown_test_environment()


def _timed(label, function, repeat=5):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label}: {best * 1000:.1f} ms (meilleur de {repeat})")
    return result


def _run(youths: int, schools: int, weeks: int) -> None:
    from essaim.learners.enums import DiplomaResult, EmploymentOutcome, ExitReason, OutcomeMoment
    from essaim.learners.models import Learner, LearnerOutcome, WeeklyHours
    from essaim.learners.secrecy import suppress_table
    from essaim.learners.selectors import programme_learner_outcomes, workshop_learner_outcomes
    from essaim.schools.models import ProductionSchool, Workshop
    from essaim.trades.defaults import seed_default_trades
    from essaim.trades.models import Trade
    from tests.learners.factories import OpenSchoolFactory

    seed_default_trades(Trade)
    trade = Trade.objects.get(slug="usinage")
    start = time.perf_counter()
    school_list = [OpenSchoolFactory() for _ in range(schools)]
    workshops = {
        s.pk: [Workshop.objects.create(school=s, trade=trade, name=f"Atelier {i}") for i in range(3)]
        for s in school_list
    }
    learners = []
    outcomes = [EmploymentOutcome.EMPLOYED, EmploymentOutcome.APPRENTICESHIP, EmploymentOutcome.JOB_SEEKING]
    for i in range(youths):
        # Uneven school sizes (some under 5 youths) so that suppression has work to do.
        school = school_list[schools - 5 + i // 2] if i < 10 else school_list[i % (schools - 5)]
        exited = i % 3 == 0
        learners.append(
            Learner(
                school=school,
                workshop=workshops[school.pk][i % 3],
                first_name=f"Prénom{i}",
                last_name="Fictif",
                birth_date=dt.date(2009, 1, 1),
                exit_date=dt.date(2025, 7, 4) if exited else None,
                exit_reason=ExitReason.COMPLETED if exited else "",
                diploma_result=(DiplomaResult.PASSED if i % 10 else DiplomaResult.FAILED)
                if exited
                else DiplomaResult.PENDING,
                diploma_result_date=dt.date(2025, 7, 1) if exited else None,
            )
        )
    Learner.objects.bulk_create(learners, batch_size=2000)
    learners = list(Learner.objects.all())
    monday = dt.date(2024, 9, 2)
    hours = [
        WeeklyHours(
            learner=learner,
            week_start=monday + dt.timedelta(days=7 * w),
            production_hours=Decimal(24),
            theory_hours=Decimal(11),
        )
        for learner in learners
        for w in range(weeks)
    ]
    WeeklyHours.objects.bulk_create(hours, batch_size=5000)
    rows = []
    for n, learner in enumerate(learners):
        if learner.exit_date:
            for moment, months in ((OutcomeMoment.MONTH_6, 6), (OutcomeMoment.MONTH_12, 12)):
                rows.append(
                    LearnerOutcome(
                        learner=learner,
                        moment=moment,
                        outcome=outcomes[n % 3],
                        observed_on=dt.date(2025 + months // 12, 1 + (6 + months) % 12, 5),
                    )
                )
    LearnerOutcome.objects.bulk_create(rows, batch_size=5000)
    print(
        f"Jeu de données : {schools} écoles, {len(learners)} jeunes, {len(hours)} semaines d'heures, "
        f"{len(rows)} situations ({time.perf_counter() - start:.1f} s)"
    )
    all_schools = list(ProductionSchool.objects.all())
    table = _timed(
        "programme_learner_outcomes (toutes les écoles)", lambda: programme_learner_outcomes(schools=all_schools)
    )
    hidden = sum(cell.suppressed for row in table.rows for cell in row.cells.values())
    print(f"  cellules masquées : {hidden} sur {len(table.rows) * len(table.measures)}")
    _timed("workshop_learner_outcomes (une école)", lambda: workshop_learner_outcomes(school=all_schools[0]))
    big = {i: {"m": (i % 9, i % 9)} for i in range(1000)}
    _timed(
        "suppress_table (1 000 lignes, 1 mesure)",
        lambda: suppress_table(big, {"m": (0, sum(i % 9 for i in range(1000)))}),
    )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [10_000, 60, 20][len(args) :]))
