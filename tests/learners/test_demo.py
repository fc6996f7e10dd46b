"""The demo youths: loaded into the demo open school, fictitious, idempotent, enough for the aggregates."""

import pytest

from essaim.demo.learners import DEMO_SCHOOL_NAME, learners_demo_load
from essaim.demo.services import DemoReport
from essaim.learners.models import BlockProgress, Learner, LearnerOutcome, WeeklyHours
from essaim.learners.selectors import programme_learner_outcomes
from essaim.schools.models import Workshop
from essaim.trades.models import Trade
from tests.learners.factories import OpenSchoolFactory

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Learner.objects.count(),
        WeeklyHours.objects.count(),
        BlockProgress.objects.count(),
        LearnerOutcome.objects.count(),
        list(Learner.objects.order_by("pk").values_list("first_name", "last_name", "birth_date", "exit_date")),
    )


def test_skips_without_the_demo_school():
    report = DemoReport()
    learners_demo_load(report)
    assert not Learner.objects.exists()
    assert any("absente" in key for key in report.updated)


def test_loads_fictitious_youths_idempotently():
    school = OpenSchoolFactory(name=DEMO_SCHOOL_NAME)
    for slug in ("usinage", "metallerie-chaudronnerie"):
        Workshop.objects.create(school=school, trade=Trade.objects.get(slug=slug), name=f"Atelier {slug}")
    learners_demo_load(DemoReport())
    first = _counts()
    learners_demo_load(DemoReport())
    assert _counts() == first
    assert first[0] >= 24
    assert all(name.endswith("(fictif)") for _, name, _, _ in first[4])
    table = programme_learner_outcomes(schools=[school])
    total = table.total
    assert total.enrolled.value == first[0]
    assert not total.insertion_rate_6_months.suppressed and total.insertion_rate_6_months.base >= 5
    assert not total.diploma_success_rate.suppressed and total.production_share.value is not None
