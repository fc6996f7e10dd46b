"""Aggregates that leave the school: values, formulas and suppression, on the database."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from essaim.learners.enums import EmploymentOutcome, OutcomeMoment
from essaim.learners.secrecy import THRESHOLD
from essaim.learners.selectors import (
    programme_learner_outcomes,
    school_learner_outcomes,
    workshop_learner_outcomes,
)
from tests.learners.factories import (
    LearnerFactory,
    LearnerOutcomeFactory,
    OpenSchoolFactory,
    WeeklyHoursFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


def _school_with(n_passed=0, n_failed=0, n_present=0, outcomes_6=(), outcomes_12=()):
    school = OpenSchoolFactory()
    workshop = WorkshopFactory(school=school)
    learners = []
    for trait in ["passed"] * n_passed + ["failed"] * n_failed:
        learners.append(LearnerFactory(school=school, workshop=workshop, exited=True, **{trait: True}))
    learners += [LearnerFactory(school=school, workshop=workshop) for _ in range(n_present)]
    for learner in learners:
        WeeklyHoursFactory(learner=learner, production_hours=Decimal(24), theory_hours=Decimal(12))
    exited = [learner for learner in learners if learner.exit_date]
    for learner, outcome in zip(exited, outcomes_6, strict=False):
        LearnerOutcomeFactory(learner=learner, moment=OutcomeMoment.MONTH_6, outcome=outcome)
    for learner, outcome in zip(exited, outcomes_12, strict=False):
        LearnerOutcomeFactory(
            learner=learner, moment=OutcomeMoment.MONTH_12, outcome=outcome, observed_on=dt.date(2028, 7, 3)
        )
    return school


E, A, F, J, U = (
    EmploymentOutcome.EMPLOYED,
    EmploymentOutcome.APPRENTICESHIP,
    EmploymentOutcome.FURTHER_TRAINING,
    EmploymentOutcome.JOB_SEEKING,
    EmploymentOutcome.UNKNOWN,
)


def test_programme_outcomes_worked_example(django_assert_num_queries):
    """The worked example of docs/learners.md."""
    big = _school_with(
        n_passed=9, n_failed=1, n_present=2, outcomes_6=[E, E, A, F, J, E, U, E], outcomes_12=[E, E, A, F, E]
    )
    medium = _school_with(n_passed=5, n_present=2, outcomes_6=[E, E, J, A, F])
    small = _school_with(n_passed=2, n_present=1, outcomes_6=[E, J])
    with django_assert_num_queries(3):
        table = programme_learner_outcomes(schools=[big, medium, small])
    rows = {row.key: row for row in table.rows}
    row = rows[big.pk]
    assert row.enrolled.value == 12
    # 2, 2 and 1 youths present: every school hidden, the total (5) published.
    assert all(r.current.suppressed for r in table.rows) and table.total.current.value == 5
    assert row.production_hours.value == Decimal(288) and row.production_hours.base == 12
    assert row.production_share.value == Decimal("0.667")
    assert row.diploma_success_rate.value == Decimal("0.900") and row.diploma_success_rate.base == 10
    assert row.insertion_rate_6_months.value == Decimal("0.750")  # 6 of 8 (E, E, A, F, E, E)
    assert row.insertion_rate_12_months.value == Decimal("1.000") and row.insertion_rate_12_months.base == 5
    # The small school (3 youths) is suppressed; the medium one (7) too, by complementary suppression:
    # otherwise the total minus the big school would give the small one.
    for measure in ("enrolled", "production_hours", "production_share", "insertion_rate_6_months"):
        assert rows[small.pk].cells[measure].suppressed, measure
        assert rows[medium.pk].cells[measure].suppressed, measure
        assert rows[small.pk].cells[measure].value is None
    assert table.total.enrolled.value == 22
    assert table.total.insertion_rate_6_months.value == Decimal("0.733")  # 11 of 15
    # No 12-month outcome in the small and medium schools: their cells are « — », nothing to hide.
    assert rows[small.pk].insertion_rate_12_months.base == 0 and not rows[small.pk].insertion_rate_12_months.suppressed


def test_school_own_figures_are_not_suppressed_but_exports_are():
    school = _school_with(n_passed=3, n_present=1)
    own = school_learner_outcomes(school=school)
    assert own.total.enrolled.value == 4 and not own.has_hidden_cells
    out = workshop_learner_outcomes(school=school)
    assert out.total.enrolled.suppressed and out.has_hidden_cells


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=4))
def test_no_published_programme_cell_rests_on_one_to_four_youths(sizes):
    schools = [_school_with(n_passed=n // 2, n_failed=n % 2, outcomes_6=[E] * n) for n in sizes]
    table = programme_learner_outcomes(schools=schools)
    for row in [*table.rows, table.total]:
        for measure, cell in row.cells.items():
            assert cell.suppressed or cell.base == 0 or cell.base >= THRESHOLD, (measure, cell)
