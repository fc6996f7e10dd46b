import csv
import datetime as dt
import html
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from essaim.learners.enums import EmploymentOutcome, OutcomeMoment
from essaim.learners.models import Diploma, Enrolment, Learner, RecordExport, WeeklyHours
from essaim.learners.publication import date_history_before_period
from essaim.organizations.enums import MembershipRole
from tests.learners.factories import (
    EnrolmentFactory,
    LearnerFactory,
    LearnerOutcomeFactory,
    OpenSchoolFactory,
    SchoolYearFactory,
    WeeklyHoursFactory,
    WorkshopFactory,
)
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def school():
    return OpenSchoolFactory()


@pytest.fixture
def staff(client, school):
    user = MembershipFactory(organization=school.organization, role=MembershipRole.ADMIN).user
    client.force_login(user)
    return user


def _youths(school, n, workshop=None, **extra):
    workshop = workshop or WorkshopFactory(school=school)
    learners = [LearnerFactory(school=school, workshop=workshop, **extra) for _ in range(n)]
    for learner in learners:
        EnrolmentFactory(learner=learner)
        WeeklyHoursFactory(learner=learner)
    return learners


def test_list_query_count_does_not_grow(client, staff, school, django_assert_max_num_queries):
    _youths(school, 3)
    url = reverse("learners:list", kwargs={"school_pk": school.pk})
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    _youths(school, 20, workshop=WorkshopFactory(school=school))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert _text(response).count('href="/jeunes/') >= 23
    assert "69\u00a0%" in _text(response)  # 24 h / 35 h


def test_create_refuses_a_youth_too_young_with_a_field_error(client, staff, school):
    workshop = WorkshopFactory(school=school)
    year = SchoolYearFactory(school=school)
    data = {
        "first_name": "Nina",
        "last_name": "Fictive",
        "birth_date": "2012-01-10",
        "last_school_level": "fourth",
        "diploma_held": "none",
        "school_year": year.pk,
        "workshop": workshop.pk,
        "entry_date": "2026-09-01",
    }
    url = reverse("learners:create", kwargs={"school_pk": school.pk})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "le jeune aurait 14 ans" in _text(response)
    assert not Learner.objects.exists()
    response = client.post(url, data | {"birth_date": "2010-01-10"})
    learner = Learner.objects.get()
    assert response.status_code == 302 and learner.workshop == workshop
    assert Enrolment.objects.get(learner=learner).school_year == year


def test_week_entry_saves_every_youth_or_nothing(client, staff, school):
    first, second = _youths(school, 2)
    url = reverse("learners:school_hours", kwargs={"school_pk": school.pk}) + "?semaine=2026-10-07"
    response = client.get(url)
    assert "Heures de la semaine 41" in _text(response)
    bad = {
        f"j{first.pk}-production_hours": "24,5",
        f"j{first.pk}-theory_hours": "11",
        f"j{second.pk}-production_hours": "abc",
    }
    response = client.post(url, bad)
    assert "Saisissez un nombre d'heures" in _text(response)
    assert not WeeklyHours.objects.filter(week_start=dt.date(2026, 10, 5)).exists()
    good = bad | {f"j{second.pk}-production_hours": "20", f"j{second.pk}-theory_hours": "12"}
    response = client.post(url, good)
    assert response.status_code == 302
    rows = WeeklyHours.objects.filter(week_start=dt.date(2026, 10, 5)).order_by("learner_id")
    assert [(r.production_hours, r.theory_hours) for r in rows] == [(Decimal("24.5"), 11), (20, 12)]


def test_skills_tab_records_progress_per_block(client, staff, school):
    (learner,) = _youths(school, 1)
    learner.diploma = Diploma.objects.get(code="cap-menuisier-fabricant")
    learner.save()
    blocks = list(learner.diploma.blocks.order_by("position"))
    data = {f"bloc-{b.pk}-status": "not_started" for b in blocks}
    data |= {f"bloc-{blocks[0].pk}-status": "acquired", f"bloc-{blocks[0].pk}-started_on": "2026-09-07"}
    response = client.post(reverse("learners:skills_edit", kwargs={"pk": learner.pk}), data)
    assert "date à laquelle le bloc a été acquis" in _text(response)
    assert not learner.block_progress.exists()
    data[f"bloc-{blocks[0].pk}-acquired_on"] = "2026-11-02"
    response = client.post(reverse("learners:skills_edit", kwargs={"pk": learner.pk}), data)
    assert response.status_code == 302
    assert learner.block_progress.get(block=blocks[0]).acquired_on == dt.date(2026, 11, 2)
    page = _text(client.get(reverse("learners:detail_tab", kwargs={"pk": learner.pk, "tab": "competences"})))
    assert "1 bloc acquis sur 8" in page and "à vérifier" in page


def test_a_change_of_diploma_keeps_earlier_blocs_apart(client, staff, school):
    (learner,) = _youths(school, 1)
    learner.diploma = Diploma.objects.get(code="cap-menuisier-fabricant")
    learner.save()
    old_block = learner.diploma.blocks.order_by("position").first()
    learner.block_progress.create(
        block=old_block, status="acquired", started_on=dt.date(2026, 9, 7), acquired_on=dt.date(2026, 11, 2)
    )
    learner.diploma = Diploma.objects.get(code="cap-realisations-industrielles-chaudronnerie-soudage")
    learner.save()
    new_count = learner.diploma.blocks.count()
    page = _text(client.get(reverse("learners:detail_tab", kwargs={"pk": learner.pk, "tab": "competences"})))
    assert f"0 bloc acquis sur {new_count}" in page  # the earlier bloc does not count toward the new diploma
    earlier = page.split("Blocs d'un diplôme préparé auparavant", 1)[1]
    assert old_block.name in earlier and "02/11/2026" in earlier
    assert "Acquis" in earlier
    # The record export names the diploma of each bloc.
    record = json.loads(client.post(reverse("learners:export", kwargs={"pk": learner.pk, "fmt": "json"})).content)
    (bloc,) = record["diplôme préparé"]["blocs"]
    assert (bloc["diplôme"], bloc["bloc"], bloc["acquis le"]) == (old_block.diploma.name, old_block.name, "02/11/2026")


def test_outcome_needs_an_exit_and_exit_then_outcome_work(client, staff, school):
    (learner,) = _youths(school, 1)
    outcome_url = reverse("learners:outcome_add", kwargs={"pk": learner.pk})
    response = client.post(
        outcome_url, {"moment": "month_6", "outcome": "employed", "observed_on": "2027-12-01"}, follow=True
    )
    assert "Enregistrez d'abord la sortie" in _text(response)
    response = client.post(
        reverse("learners:exit_edit", kwargs={"pk": learner.pk}),
        {"exit_date": "2026-08-01", "exit_reason": "completed"},
    )
    assert "La sortie précède l'entrée" in _text(response)
    client.post(
        reverse("learners:exit_edit", kwargs={"pk": learner.pk}),
        {"exit_date": "2027-07-02", "exit_reason": "completed"},
    )
    client.post(outcome_url, {"moment": "month_6", "outcome": "employed", "observed_on": "2028-01-05"})
    assert learner.outcomes.get(moment=OutcomeMoment.MONTH_6).outcome == EmploymentOutcome.EMPLOYED


def test_record_export_pdf_and_json_are_logged(client, staff, school):
    (learner,) = _youths(school, 1)
    response = client.post(reverse("learners:export", kwargs={"pk": learner.pk, "fmt": "json"}))
    record = json.loads(response.content)
    assert record["jeune"]["prénom"] == learner.first_name and record["heures par semaine"]
    response = client.post(reverse("learners:export", kwargs={"pk": learner.pk, "fmt": "pdf"}))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert list(RecordExport.objects.values_list("exported_by", "format")) == [(staff.pk, "pdf"), (staff.pk, "json")]
    assert client.get(reverse("learners:export", kwargs={"pk": learner.pk, "fmt": "json"})).status_code == 405


def test_impact_page_and_suppressed_export(client, staff, school):
    big, small = WorkshopFactory(school=school, name="Usinage"), WorkshopFactory(school=school, name="Soudure")
    exited = [LearnerFactory(school=school, workshop=big, exited=True, passed=True) for _ in range(6)]
    exited += [LearnerFactory(school=school, workshop=small, exited=True, passed=True) for _ in range(2)]
    for learner in exited:
        WeeklyHoursFactory(learner=learner)
        LearnerOutcomeFactory(learner=learner)
    # The export shows the published period (the last closed quarter): these records were made in it.
    date_history_before_period(school)
    page = _text(client.get(reverse("learners:impact", kwargs={"school_pk": school.pk})))
    assert "Soudure" in page and "<svg" in page and "100\u00a0%" in page
    response = client.get(reverse("learners:impact_export", kwargs={"school_pk": school.pk, "fmt": "csv"}))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    by_name = {row[0]: row for row in rows[1:]}
    # 2 youths in « Soudure »: hidden; « Usinage » hidden too (else total − Usinage = Soudure); the total (8) published.
    assert by_name["Soudure"][1] == "< 5" and by_name["Usinage"][1] == "< 5" and by_name["Total"][1] == "8"
    response = client.get(reverse("learners:impact_export", kwargs={"school_pk": school.pk, "fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet["B"]][1:] == ["< 5", "< 5", "8"]


def test_anonymised_record_is_read_only(client, staff, school):
    (learner,) = _youths(school, 1)
    Learner.objects.filter(pk=learner.pk).update(
        first_name="", last_name="", birth_date=None, anonymized_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    page = _text(client.get(reverse("learners:detail", kwargs={"pk": learner.pk})))
    assert "Jeune anonymisé" in page and "Modifier" not in page
    # The record is still the school's to see: changing it is refused (403), not hidden.
    assert client.get(reverse("learners:edit", kwargs={"pk": learner.pk})).status_code == 403


def test_another_schools_youth_is_a_404(client, staff):
    other = LearnerFactory(school=OpenSchoolFactory())
    assert client.get(reverse("learners:detail", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("learners:list", kwargs={"school_pk": other.school_id})).status_code == 404


@pytest.mark.parametrize("workshop", ["99999999999999999999", "-99999999999999999999", "²", "١٢", "1e3", " 7 "])
def test_list_ignores_a_workshop_filter_the_database_cannot_hold(client, staff, school, workshop):
    """Found by the hostile query-string fuzzer: « ?atelier=99999999999999999999 » was an OverflowError on
    SQLite, « ² » (a digit for str.isdigit) a ValueError. Such a filter is ignored: every youth is listed."""
    _youths(school, 2)
    response = client.get(reverse("learners:list", kwargs={"school_pk": school.pk}), {"atelier": workshop})
    assert response.status_code == 200
    assert _text(response).count('href="/jeunes/') >= 2
