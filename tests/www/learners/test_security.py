"""Attacks on youths' records (minors' data) that the permission matrix does not try: another school's
school year, workshop or youth posted in forms, people outside the school (platform administrators,
programme partners, another school) reaching a record or an export, and figures that leave the school
without the secrecy rule."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from essaim.learners import selectors
from essaim.learners.models import Enrolment, Learner, RecordExport, WeeklyHours
from essaim.learners.publication import date_history_before_period
from essaim.organizations.enums import MembershipRole, OrganizationKind
from tests.learners.factories import (
    EnrolmentFactory,
    LearnerFactory,
    OpenSchoolFactory,
    SchoolYearFactory,
    WeeklyHoursFactory,
    WorkshopFactory,
)
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools():
    return OpenSchoolFactory(), OpenSchoolFactory()


def staff_of(school, role=MembershipRole.ADMIN):
    return MembershipFactory(organization=school.organization, role=role).user


def create_data(school_year, workshop, **extra):
    return {
        "first_name": "Alex",
        "last_name": "Fictif",
        "birth_date": "2010-05-02",
        "is_neet": "on",
        "last_school_level": "",
        "left_school_on": "",
        "diploma_held": "",
        "diploma": "",
        "school_year": school_year.pk,
        "workshop": workshop.pk,
        "entry_date": "2026-09-07",
    } | extra


def test_enrolment_cannot_use_another_schools_year_or_workshop(client, schools):
    mine, other = schools
    client.force_login(staff_of(mine))
    own_year, own_workshop = SchoolYearFactory(school=mine), WorkshopFactory(school=mine)
    foreign_year, foreign_workshop = SchoolYearFactory(school=other), WorkshopFactory(school=other)
    create = reverse("learners:create", args=[mine.pk])
    response = client.post(create, create_data(foreign_year, own_workshop))
    assert response.status_code == 200 and "school_year" in response.context["form"].errors
    response = client.post(create, create_data(own_year, foreign_workshop))
    assert response.status_code == 200 and "workshop" in response.context["form"].errors
    assert not Learner.objects.exists()
    # Enrolling into another school's year from an existing record.
    youth = LearnerFactory(school=mine, workshop=own_workshop)
    EnrolmentFactory(learner=youth, school_year=own_year)
    next_foreign = SchoolYearFactory(
        school=other, label="2027-2028", start_date=dt.date(2027, 9, 1), end_date=dt.date(2028, 7, 1)
    )
    response = client.post(
        reverse("learners:enrolment_add", args=[youth.pk]),
        {"school_year": next_foreign.pk, "workshop": own_workshop.pk, "entry_date": "2027-09-06"},
    )
    assert response.status_code == 200
    assert list(Enrolment.objects.filter(learner=youth).values_list("school_year", flat=True)) == [own_year.pk]


def test_week_entry_ignores_rows_posted_for_another_schools_youth(client, schools):
    mine, other = schools
    client.force_login(staff_of(mine))
    own = LearnerFactory(school=mine)
    EnrolmentFactory(learner=own)
    foreign = LearnerFactory(school=other)
    EnrolmentFactory(learner=foreign)
    url = reverse("learners:school_hours", args=[mine.pk]) + "?semaine=2026-09-14"
    page = client.get(url).content.decode()
    assert own.last_name in page and foreign.last_name not in page
    client.post(
        url,
        {
            f"j{own.pk}-production_hours": "20",
            f"j{own.pk}-theory_hours": "10",
            f"j{foreign.pk}-production_hours": "40",
            f"j{foreign.pk}-theory_hours": "0",
        },
    )
    assert WeeklyHours.objects.filter(learner=own).exists()
    assert not WeeklyHours.objects.filter(learner=foreign).exists()
    # Another school's hours page is closed.
    assert client.get(reverse("learners:school_hours", args=[other.pk])).status_code in (403, 404)


@pytest.mark.parametrize("outsider", ["platform_admin", "region", "other_school_admin", "holder_of_project"])
def test_only_the_schools_own_staff_reach_a_youths_record(client, schools, outsider):
    mine, other = schools
    youth = LearnerFactory(school=mine, last_name="Confidentiel")
    EnrolmentFactory(learner=youth)
    if outsider == "platform_admin":
        user = MembershipFactory(organization=OrganizationFactory(fnep=True)).user
        user.is_staff = user.is_superuser = True
        user.save()
    elif outsider == "region":
        user = MembershipFactory(organization=OrganizationFactory(region=True)).user
    elif outsider == "other_school_admin":
        user = staff_of(other)
    else:
        user = MembershipFactory(organization=OrganizationFactory(kind=OrganizationKind.PROJECT_HOLDER)).user
    client.force_login(user)
    for name in ("detail", "edit"):
        assert client.get(reverse(f"learners:{name}", args=[youth.pk])).status_code == 404
    for tab in ("parcours", "heures", "incidents", "suivi", "competences"):
        assert client.get(reverse("learners:detail_tab", args=[youth.pk, tab])).status_code == 404
    for fmt in ("json", "pdf"):
        assert client.post(reverse("learners:export", args=[youth.pk, fmt])).status_code == 404
    for name in ("list", "school_hours", "impact"):
        response = client.get(reverse(f"learners:{name}", args=[mine.pk]))
        assert response.status_code in (403, 404) and b"Confidentiel" not in response.content
    response = client.get(reverse("learners:impact_export", args=[mine.pk, "csv"]))
    assert response.status_code in (403, 404)
    assert not RecordExport.objects.exists()
    # The admin does not list youths at all.
    if outsider == "platform_admin":
        assert client.get("/admin/learners/learner/").status_code == 404
    # Another school's staff see nothing of this youth in their own pages either.
    if outsider == "other_school_admin":
        assert b"Confidentiel" not in client.get(reverse("learners:list", args=[other.pk]) + "?statut=tous").content


def test_reader_of_the_school_sees_no_incident_and_exports_no_record(client, schools):
    mine, _ = schools
    youth = LearnerFactory(school=mine)
    EnrolmentFactory(learner=youth)
    client.force_login(staff_of(mine, MembershipRole.READER))
    assert client.get(reverse("learners:detail", args=[youth.pk])).status_code == 200
    assert client.get(reverse("learners:detail_tab", args=[youth.pk, "incidents"])).status_code == 404
    assert client.post(reverse("learners:export", args=[youth.pk, "json"])).status_code == 403
    assert not RecordExport.objects.exists()


def test_figures_leaving_the_school_hide_groups_under_five(client, schools):
    mine, other = schools
    small, large = WorkshopFactory(school=mine, name="Petit atelier"), WorkshopFactory(school=mine, name="Grand")
    for workshop, count in ((small, 3), (large, 7)):
        for _ in range(count):
            youth = LearnerFactory(school=mine, workshop=workshop)
            EnrolmentFactory(learner=youth)
            WeeklyHoursFactory(learner=youth, production_hours=Decimal(24), theory_hours=Decimal(11))
    # The export shows the published period (the last closed quarter): these records were made in it.
    date_history_before_period(mine)
    client.force_login(staff_of(mine))
    response = client.get(reverse("learners:impact_export", args=[mine.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    small_row = next(row for row in rows if row and row[0] == "Petit atelier")
    large_row = next(row for row in rows if row and row[0] == "Grand")
    assert "3" not in small_row[1:] and "< 5" in small_row
    # Complementary suppression: with the total published, the large workshop's 7 would give 3 away.
    assert "7" not in large_row[1:]
    # Programme figures (one school of 3 youths beside one of 10): neither school row can be recalculated.
    for _ in range(3):
        EnrolmentFactory(learner=LearnerFactory(school=other))
    table = selectors.programme_learner_outcomes(schools=[mine, other])
    by_school = {row.key: row for row in table.rows}
    assert by_school[other.pk].cells["enrolled"].suppressed
    assert by_school[mine.pk].cells["enrolled"].suppressed
    assert not table.total.cells["enrolled"].suppressed and table.total.cells["enrolled"].value == 13
