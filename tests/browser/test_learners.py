"""The youth follow-up in the browser: the school's staff list their youths, open a record and its
tabs, enter a week's hours and read the impact page; the Région cannot open a youth's record.
Screenshots in the browser screenshots folder."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from essaim.demo import data
from essaim.demo.learners import DEMO_SCHOOL_NAME, learners_demo_load
from essaim.demo.services import DemoReport
from essaim.learners.models import Learner
from essaim.organizations.enums import MembershipRole
from essaim.organizations.models import Membership, Organization
from essaim.schools.models import ProductionSchool, Workshop
from essaim.territories.models import Commune
from essaim.trades.models import Trade
from tests.accounts.factories import UserFactory
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "mot-de-passe-jeunes-2026"


@pytest.fixture
def demo_school(demo_world):
    """The demo open school (created by the orders demo; created here if that demo is not there yet),
    its fictitious youths, and a member of its staff."""
    school = ProductionSchool.objects.filter(name=DEMO_SCHOOL_NAME).first()
    if school is None or not school.workshops.exists():
        organization = Organization.objects.get(name=data.DEMO_HOLDERS[0]["name"])
        school = ProductionSchool.objects.create(
            name=DEMO_SCHOOL_NAME,
            commune=Commune.objects.get(code=data.DEMO_HOLDERS[0]["commune"]),
            organization=organization,
            sources="https://exemple.fr",
        )
        for slug, name in [("usinage", "Atelier usinage"), ("metallerie-chaudronnerie", "Atelier chaudronnerie")]:
            Workshop.objects.create(school=school, trade=Trade.objects.get(slug=slug), name=name)
        learners_demo_load(DemoReport())
    user = UserFactory(email="equipe.ecole@essaim.test", password=PASSWORD)
    Membership.objects.create(user=user, organization=school.organization, role=MembershipRole.ADMIN)
    return school


def test_school_staff_follow_their_youths(page, live_server, demo_school, screenshot):
    assert Learner.objects.filter(school=demo_school).count() >= 24
    login(page, live_server, "equipe.ecole@essaim.test", PASSWORD)
    page.goto(f"{live_server.url}/jeunes/ecole/{demo_school.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jeunes de l'école")
    expect(page.get_by_text("Données de mineurs")).to_be_visible()
    screenshot("learners-01-liste")

    learner = Learner.objects.filter(school=demo_school, exit_date__isnull=True, diploma__isnull=False).first()
    page.get_by_role("link", name=str(learner)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(learner))
    screenshot("learners-02-parcours")
    page.get_by_role("link", name="Compétences").click()
    expect(page.get_by_text("à vérifier").first).to_be_visible()
    screenshot("learners-03-competences")
    page.get_by_role("link", name="Heures", exact=True).click()
    expect(page.get_by_role("heading", name="Heures par semaine")).to_be_visible()
    screenshot("learners-04-heures")
    page.get_by_role("link", name="Sortie et suivi").click()
    expect(page.get_by_role("heading", name="Sortie", exact=True)).to_be_visible()
    screenshot("learners-05-suivi")

    page.goto(f"{live_server.url}/jeunes/ecole/{demo_school.pk}/heures/?semaine=2026-11-30")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Heures de la semaine 49")
    page.get_by_label(f"Heures en production — {learner}").fill("24,5")
    page.get_by_label(f"Heures d'enseignement — {learner}").fill("11")
    screenshot("learners-06-saisie-semaine")
    page.get_by_role("button", name="Enregistrer la semaine").click()
    expect(page.get_by_text("Semaine du 30/11/2026 enregistrée")).to_be_visible()
    assert learner.weekly_hours.get(week_start=dt.date(2026, 11, 30)).production_hours == 24.5

    page.get_by_role("link", name="Activité et impact des jeunes").click()
    expect(page.locator("svg.learners-chart")).to_have_count(1)
    expect(page.get_by_text("de réussite au diplôme (")).to_be_visible()
    screenshot("learners-07-impact")


def test_region_cannot_open_a_youths_record(page, live_server, demo_school):
    learner = Learner.objects.filter(school=demo_school).first()
    login(page, live_server, "region@essaim.demo", data.DEMO_PASSWORD)
    response = page.goto(f"{live_server.url}/jeunes/{learner.pk}/")
    assert response.status == 404
    response = page.goto(f"{live_server.url}/jeunes/ecole/{demo_school.pk}/")
    assert response.status == 404
