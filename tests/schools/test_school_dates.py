"""The dates d'effet of a school's opening and closing, entered in the web pages (issue 15): past days
only, coherent, logged with who and when; they decide whether the steering counts the school at a date."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from essaim.organizations.enums import MembershipRole
from essaim.projects import services as projects
from essaim.projects.models import Project
from essaim.schools.models import ProductionSchool
from essaim.schools.services import production_school_dates_save, production_school_open_from_project
from essaim.steering.selectors import REGION_SCOPE, steering_overview
from essaim.trades.models import Trade
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.schools.factories import RunSchoolFactory
from tests.territories.factories import CommuneFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def school():
    return RunSchoolFactory(name="École de Lens")


def _admin(school, role=MembershipRole.ADMIN):
    return MembershipFactory(organization=school.organization, role=role).user


def test_past_dates_are_recorded_with_who_and_why(school):
    user = _admin(school)
    production_school_dates_save(
        school=school, opened_on=dt.date(2019, 9, 2), closed_on=dt.date(2023, 6, 30), by=user, comment="PV du CA"
    )
    school.refresh_from_db()
    assert (school.opened_on, school.closed_on, school.status) == (
        dt.date(2019, 9, 2),
        dt.date(2023, 6, 30),
        ProductionSchool.Status.CLOSED,
    )
    last = school.history.latest()
    assert (last.history_user, last.history_change_reason) == (user, "PV du CA")
    # A closing entered by mistake is removed: the school is open again, and both entries stay in the log.
    production_school_dates_save(school=school, opened_on=dt.date(2019, 9, 2), closed_on=None, by=user)
    school.refresh_from_db()
    assert (school.closed_on, school.status) == (None, ProductionSchool.Status.OPEN)
    assert school.history.count() == 3


@pytest.mark.parametrize(
    ("opened_on", "closed_on", "field", "message"),
    [
        (
            TODAY + dt.timedelta(days=1),
            None,
            "opened_on",
            "est dans le futur (une ouverture prévue reste « annoncée »)",
        ),
        (dt.date(2020, 9, 1), TODAY + dt.timedelta(days=30), "closed_on", "est dans le futur (une fermeture se saisit"),
        (
            dt.date(2022, 9, 1),
            dt.date(2022, 6, 30),
            "closed_on",
            "Fermée le : le 30/06/2022 précède l'ouverture (01/09/2022).",
        ),
        (None, dt.date(2022, 6, 30), "opened_on", "indiquez aussi le jour de l'ouverture"),
    ],
)
def test_incoherent_dates_are_refused_naming_the_date_and_nothing_is_saved(
    school, opened_on, closed_on, field, message
):
    before = list(ProductionSchool.objects.values_list("opened_on", "closed_on", "status"))
    with pytest.raises(ValidationError) as error:
        production_school_dates_save(school=school, opened_on=opened_on, closed_on=closed_on, by=_admin(school))
    assert message in " ".join(error.value.message_dict[field])
    assert list(ProductionSchool.objects.values_list("opened_on", "closed_on", "status")) == before
    assert school.history.count() == 1


def test_a_school_does_not_open_before_its_project_started():
    holder = OrganizationFactory(name="Porteur de Lens")
    user = MembershipFactory(organization=holder, role=MembershipRole.ADMIN).user
    project = projects.project_create(
        holder=holder,
        name="Projet de Lens",
        commune=CommuneFactory(),
        trades=[Trade.objects.get(slug="usinage")],
        places_per_trade=12,
        created_by=user,
        started_on=dt.date(2022, 1, 10),
    )
    Project.objects.filter(pk=project.pk).update(stage="open")
    school = production_school_open_from_project(project=Project.objects.get(pk=project.pk))
    with pytest.raises(ValidationError) as error:
        production_school_dates_save(school=school, opened_on=dt.date(2021, 9, 1), closed_on=None, by=user)
    assert error.value.message_dict["opened_on"] == [
        "Ouverte le : le 01/09/2021 précède le début du projet « Projet de Lens » (10/01/2022)."
    ]


def test_the_page_records_the_dates_and_shows_who_entered_them(client, school):
    user = _admin(school)
    user.first_name, user.last_name = "Camille", "Durand"
    user.save()
    client.force_login(user)
    url = reverse("schools:school_dates_edit", kwargs={"school_pk": school.pk})
    response = client.post(url, {"opened_on": "2021-09-06", "closed_on": "", "comment": "Registre des entrées"})
    assert response.status_code == 302
    home = client.get(reverse("schools:school_home", kwargs={"school_pk": school.pk})).content.decode()
    assert "06/09/2021" in home and "Dates d'ouverture et de fermeture" in home
    page = client.get(url).content.decode()
    assert "Camille Durand" in page and "Registre des entrées" in page and "06/09/2021" in page


def test_the_page_refuses_a_future_closing_with_its_date(client, school):
    client.force_login(_admin(school))
    url = reverse("schools:school_dates_edit", kwargs={"school_pk": school.pk})
    future = TODAY + dt.timedelta(days=10)
    response = client.post(url, {"opened_on": "2021-09-06", "closed_on": future.isoformat()})
    assert response.status_code == 200
    assert f"Fermée le : le {future:%d/%m/%Y} est dans le futur" in response.content.decode()
    school.refresh_from_db()
    assert (school.opened_on, school.closed_on) == (None, None)


def test_a_membre_reads_the_school_but_cannot_date_it(client, school):
    client.force_login(_admin(school, role=MembershipRole.MEMBER))
    home = client.get(reverse("schools:school_home", kwargs={"school_pk": school.pk})).content.decode()
    assert "Dates d'ouverture et de fermeture" not in home
    url = reverse("schools:school_dates_edit", kwargs={"school_pk": school.pk})
    assert client.post(url, {"opened_on": "2021-09-06"}).status_code == 403


def test_the_steering_counts_the_school_between_its_dates(school):
    region_user = MembershipFactory(organization=OrganizationFactory(region=True)).user
    production_school_dates_save(
        school=school, opened_on=dt.date(2021, 9, 6), closed_on=dt.date(2024, 7, 5), by=_admin(school)
    )

    def counted(day):
        overview = steering_overview(user=region_user, scope=REGION_SCOPE, on=day)
        return [line.school.name for line in overview.schools]

    assert counted(dt.date(2021, 6, 30)) == []
    assert counted(dt.date(2022, 12, 31)) == ["École de Lens"]
    assert counted(dt.date(2024, 12, 31)) == []
