import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from essaim.learners.enums import BlockStatus
from essaim.learners.models import BlockProgress, Enrolment, SkillBlock, WeeklyHours, age_on
from tests.learners.factories import EnrolmentFactory, LearnerFactory, SchoolYearFactory

pytestmark = pytest.mark.django_db


def test_age_on_counts_whole_years():
    assert age_on(dt.date(2010, 9, 2), dt.date(2026, 9, 1)) == 15
    assert age_on(dt.date(2010, 9, 1), dt.date(2026, 9, 1)) == 16
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17


@pytest.mark.parametrize(
    ("birth_date", "ok"),
    [
        (dt.date(2011, 9, 2), False),  # 14 at entry
        (dt.date(2011, 9, 1), True),  # 15 on the day
        (dt.date(2007, 9, 2), True),  # 18, the day before turning 19
        (dt.date(2007, 9, 1), False),  # 19
    ],
)
def test_first_enrolment_requires_age_15_to_18(birth_date, ok):
    learner = LearnerFactory(birth_date=birth_date)
    year = SchoolYearFactory(school=learner.school)
    enrolment = Enrolment(learner=learner, school_year=year, workshop=learner.workshop, entry_date=dt.date(2026, 9, 1))
    if ok:
        enrolment.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            enrolment.full_clean()
        message = error.value.message_dict["entry_date"][0]
        assert "entre 15 et 18 ans" in message and "à la date d'entrée" in message.lower()


def test_a_second_year_enrolment_does_not_check_the_age_again():
    learner = LearnerFactory(birth_date=dt.date(2007, 10, 1))  # 18 at entry, 19 a year later
    EnrolmentFactory(learner=learner)
    next_year = SchoolYearFactory(
        school=learner.school, label="2027-2028", start_date=dt.date(2027, 9, 1), end_date=dt.date(2028, 7, 1)
    )
    Enrolment(
        learner=learner, school_year=next_year, workshop=learner.workshop, entry_date=dt.date(2027, 9, 1)
    ).full_clean()


def test_enrolment_must_fall_in_its_school_year_and_school():
    learner = LearnerFactory()
    other_year = SchoolYearFactory()  # another school's
    enrolment = Enrolment(
        learner=learner, school_year=other_year, workshop=learner.workshop, entry_date=dt.date(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        enrolment.full_clean()
    assert "école du jeune" in error.value.message_dict["school_year"][0]
    assert "comprise dans l'année scolaire" in error.value.message_dict["entry_date"][0]


def test_weekly_hours_start_on_monday_and_stay_plausible():
    learner = LearnerFactory()
    with pytest.raises(ValidationError) as error:
        WeeklyHours(learner=learner, week_start=dt.date(2026, 9, 8), production_hours=24, theory_hours=11).full_clean()
    assert error.value.message_dict["week_start"] == ["La semaine commence un lundi."]
    with pytest.raises(ValidationError) as error:
        WeeklyHours(
            learner=learner, week_start=dt.date(2026, 9, 7), production_hours=Decimal(50), theory_hours=Decimal(11)
        ).full_clean()
    assert "Plus de 60 heures" in error.value.message_dict["theory_hours"][0]
    row = WeeklyHours(
        learner=learner, week_start=dt.date(2026, 9, 7), production_hours=Decimal(24), theory_hours=Decimal(12)
    )
    assert row.production_share == Decimal(24) / Decimal(36)
    assert row.iso_week == 37


def test_block_progress_dates_follow_the_status():
    learner = LearnerFactory()
    block = SkillBlock.objects.first()
    progress = BlockProgress(learner=learner, block=block, status=BlockStatus.ACQUIRED)
    with pytest.raises(ValidationError) as error:
        progress.full_clean()
    assert "date à laquelle le bloc a été acquis" in error.value.message_dict["acquired_on"][0]
    progress.started_on, progress.acquired_on = dt.date(2026, 10, 1), dt.date(2026, 9, 1)
    with pytest.raises(ValidationError):
        progress.full_clean()


def test_default_diplomas_carry_their_blocks_marked_to_check():
    from essaim.learners.models import Diploma

    cip = Diploma.objects.get(code="cap-conducteur-installations-production")
    assert cip.trade.slug == "usinage"
    assert cip.blocks.count() == 8
    assert not cip.blocks.filter(is_verified=True).exists()
    assert Diploma.objects.filter(trade__slug="automobile").exists()
