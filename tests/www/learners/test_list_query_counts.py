"""No N+1 on the youths' pages: each table is read with a few rows, then with clearly more rows, under
the same bound. Youths' records are minors' data: only the school's own staff (here an administrateur of
the school's organisation, the organisation they act for) read them.

Complements tests/www/learners/test_views.py (the list of youths): the weekly hours grid, the school's
impact and its exports, the tabs of a youth's record and the record export."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from essaim.learners.enums import BlockStatus, EmploymentOutcome, ExitReason, OutcomeMoment
from essaim.learners.models import BlockProgress, Diploma, Incident, LearnerOutcome, RecordExport, SkillBlock
from essaim.organizations.enums import MembershipRole
from essaim.schools.models import Workshop
from tests.learners.factories import (
    EnrolmentFactory,
    LearnerFactory,
    OpenSchoolFactory,
    SchoolYearFactory,
    WeeklyHoursFactory,
    WorkshopFactory,
)
from tests.organizations.factories import MembershipFactory
from tests.rendered import table_rows

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 9, 7)


@pytest.fixture
def school():
    return OpenSchoolFactory()


@pytest.fixture
def staff(client, school):
    user = MembershipFactory(organization=school.organization, role=MembershipRole.ADMIN).user
    client.force_login(user)
    return user


def _youths(school, n, *, exited=False):
    """``n`` youths in a new workshop, enrolled, with hours on two weeks and, when exited, followed up."""
    workshop = WorkshopFactory(school=school)
    learners = []
    for _ in range(n):
        learner = LearnerFactory(school=school, workshop=workshop, exited=exited)
        EnrolmentFactory(learner=learner)
        WeeklyHoursFactory(learner=learner, week_start=MONDAY)
        WeeklyHoursFactory(learner=learner, week_start=MONDAY + dt.timedelta(days=7), production_hours=Decimal(20))
        if exited:
            LearnerOutcome.objects.create(
                learner=learner, moment=OutcomeMoment.AT_EXIT, outcome=EmploymentOutcome.EMPLOYED,
                observed_on=dt.date(2027, 7, 3),
            )  # fmt: skip
        learners.append(learner)
    return learners


def assert_constant(client, target, grow, bound, django_assert_max_num_queries):
    client.get(target)  # warm up the session
    with django_assert_max_num_queries(bound) as small:
        assert client.get(target).status_code == 200
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(target)
    assert response.status_code == 200
    return response


def test_weekly_hours_grid(client, staff, school, django_assert_max_num_queries):
    _youths(school, 2)
    target = reverse("learners:school_hours", kwargs={"school_pk": school.pk}) + f"?semaine={MONDAY:%Y-%m-%d}"
    response = assert_constant(client, target, lambda: _youths(school, 12), 14, django_assert_max_num_queries)
    lines = response.context["lines"]
    rows = table_rows(response)
    assert len(rows) == len(lines) == 14
    for row, (learner, _form) in zip(rows, lines, strict=True):
        assert row.startswith(f"{learner} | {learner.workshop.name} | Heures en production — {learner} | "), row


def _both(school, n):
    _youths(school, n)
    _youths(school, n, exited=True)


def test_school_impact(client, staff, school, django_assert_max_num_queries):
    _both(school, 5)
    target = reverse("learners:impact", kwargs={"school_pk": school.pk})
    response = assert_constant(
        client, target, lambda: [_both(school, 5) for _ in range(2)], 16, django_assert_max_num_queries
    )
    # One row per workshop (six, of five youths each) then the total, before the table of months.
    workshops = {workshop.name for workshop in Workshop.objects.filter(school=school)}
    rows = table_rows(response)[:7]
    assert len(workshops) == 6
    assert {row.split(" | ")[0] for row in rows[:6]} == workshops
    assert [row.split(" | ")[1] for row in rows] == ["5"] * 6 + ["30"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_impact_export(client, staff, school, django_assert_max_num_queries, fmt):
    _both(school, 5)
    target = reverse("learners:impact_export", kwargs={"school_pk": school.pk, "fmt": fmt})
    assert_constant(client, target, lambda: [_both(school, 5) for _ in range(2)], 14, django_assert_max_num_queries)


def _filled_record(school, staff, n):
    """A youth with ``n`` enrolments, weeks of hours, incidents, record exports and blocs in progress."""
    diploma = Diploma.objects.create(code=f"cap-essai-{n}", name=f"CAP d'essai {n}")
    learner = LearnerFactory(school=school, diploma=diploma, exited=True)
    for index in range(n):
        year = SchoolYearFactory(
            school=school, label=f"{2000 + index}-{2001 + index} ({n})",
            start_date=dt.date(2000 + index, 9, 1), end_date=dt.date(2001 + index, 7, 3),
        )  # fmt: skip
        EnrolmentFactory(learner=learner, school_year=year, workshop=WorkshopFactory(school=school))
        WeeklyHoursFactory(learner=learner, week_start=MONDAY + dt.timedelta(days=7 * index))
        Incident.objects.create(
            learner=learner, date=dt.date(2026, 10, 5), kind="lateness", description=f"Fait {index}"
        )
        RecordExport.objects.create(learner=learner, exported_by=staff, format="pdf")
        block = SkillBlock.objects.create(diploma=diploma, position=index + 1, name=f"Bloc {index}")
        BlockProgress.objects.create(
            learner=learner, block=block, status=BlockStatus.IN_PROGRESS, started_on=dt.date(2026, 9, 1)
        )
    for moment in list(OutcomeMoment)[: min(n, len(OutcomeMoment))]:
        LearnerOutcome.objects.create(
            learner=learner, moment=moment, outcome=EmploymentOutcome.EMPLOYED, observed_on=dt.date(2028, 1, 3)
        )
    learner.exit_reason = ExitReason.COMPLETED
    return learner


@pytest.mark.parametrize("tab", ["parcours", "heures", "competences", "incidents", "suivi"])
def test_record_tabs(client, staff, school, django_assert_max_num_queries, tab):
    """The second youth brings 12 more of every row, and 12 more school years and workshops to the
    enrolment form's options."""
    few = _filled_record(school, staff, 1)
    with django_assert_max_num_queries(16) as small:
        assert client.get(reverse("learners:detail_tab", kwargs={"pk": few.pk, "tab": tab})).status_code == 200
    many = _filled_record(school, staff, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("learners:detail_tab", kwargs={"pk": many.pk, "tab": tab})).content.decode()
    expected = {"parcours": "2011-2012", "heures": "23/11/2026", "competences": "Bloc 11", "incidents": "Fait 11"}
    if tab in expected:
        assert expected[tab] in page
    rows = table_rows(page)  # one row per enrolment, week, bloc or incident (12), per follow-up moment
    assert len(rows) == (len(OutcomeMoment) if tab == "suivi" else 12)
    if tab in expected:
        assert any(expected[tab] in row for row in rows)


def test_create_form_with_more_school_years_and_workshops(client, staff, school, django_assert_max_num_queries):
    _filled_record(school, staff, 1)
    target = reverse("learners:create", kwargs={"school_pk": school.pk})
    response = assert_constant(
        client, target, lambda: _filled_record(school, staff, 12), 14, django_assert_max_num_queries
    )
    assert "2011-2012" in response.content.decode()


def test_record_export_json(client, staff, school, django_assert_max_num_queries):
    few = _filled_record(school, staff, 1)
    with django_assert_max_num_queries(20) as small:
        assert client.post(reverse("learners:export", kwargs={"pk": few.pk, "fmt": "json"})).status_code == 200
    many = _filled_record(school, staff, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.post(reverse("learners:export", kwargs={"pk": many.pk, "fmt": "json"}))
    assert "Fait 11" in response.content.decode()


@pytest.mark.parametrize("status", ["sortis", "tous"])
def test_list_of_youths_who_left_and_of_all(client, staff, school, django_assert_max_num_queries, status):
    """tests/www/learners/test_views.py grows the youths present; here those who left, with their outcomes."""
    _both(school, 2)
    target = reverse("learners:list", kwargs={"school_pk": school.pk}) + f"?statut={status}"
    response = assert_constant(client, target, lambda: _both(school, 10), 12, django_assert_max_num_queries)
    shown = response.context["rows"]
    rows = table_rows(response)
    assert len(rows) == len(shown) == (12 if status == "sortis" else 24)
    for row, line in zip(rows, shown, strict=True):
        assert row.startswith(f"{line['learner']} | "), row
    present = [row for row in rows if row.endswith(" | présent")]
    assert len(present) == (0 if status == "sortis" else 12)
