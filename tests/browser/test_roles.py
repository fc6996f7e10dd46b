import re

import pytest
from playwright.sync_api import expect

from essaim.demo import data
from essaim.projects.models import Project
from essaim.schools.models import ProductionSchool
from tests.browser.conftest import login, logout, settled

pytestmark = pytest.mark.django_db(transaction=True)

# The home page title each demo account must reach.
HOME_TITLES = {
    "admin@essaim.demo": "Accueil",
    "region@essaim.demo": "Programme",
    "lecteur.region@essaim.demo": "Programme",
    "bdt@essaim.demo": "À instruire",
    "fnep@essaim.demo": "À valider",
    "collectivite@essaim.demo": "Sur mon territoire",
    "porteur@essaim.demo": "Mes projets",
}


def test_every_demo_account_reaches_its_home_page(page, live_server, demo_world, screenshot):
    """Each demo account (one per role) signs in through the form and lands on its own home page."""
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/connexion/")
    screenshot("01-connexion")
    for email, *_ in data.DEMO_ACCOUNTS:
        login(page, live_server, email, data.DEMO_PASSWORD)
        heading = page.get_by_role("heading", level=1)
        expect(heading, email).to_have_text(HOME_TITLES[email])
        screenshot(f"02-accueil-{email.split('@')[0]}")
        logout(page)
        assert "/connexion/" in page.url


def test_holder_sees_own_project_and_region_browses_territories(page, live_server, demo_world, screenshot):
    """A project holder sees only its project; the Région browses partners, schools and a territory map."""
    login(page, live_server, "porteur@essaim.demo", data.DEMO_PASSWORD)
    page.get_by_role("link", name="Projets", exact=True).click()
    rows = page.locator("table tbody tr")
    # The demo holder carries the Dunkerque project and the project its open demo school came from.
    own = set(
        Project.objects.filter(holder__memberships__user__email="porteur@essaim.demo").values_list("name", flat=True)
    )
    assert len(own) == 2 and Project.objects.count() > len(own)
    expect(rows).to_have_count(len(own))
    assert {rows.nth(i).get_by_role("link").first.inner_text() for i in range(rows.count())} == own
    rows.filter(has_text="École de production de Dunkerque").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^\s*" + re.escape("École de production de Dunkerque"))
    )
    screenshot("03-projet-porteur")
    logout(page)

    login(page, live_server, "region@essaim.demo", data.DEMO_PASSWORD)
    page.get_by_role("link", name="Projets", exact=True).click()
    assert Project.objects.count() == len(data.DEMO_PROJECTS) + 1
    expect(page.locator("table tbody tr")).to_have_count(Project.objects.count())
    screenshot("04-projets-region")
    page.get_by_role("link", name="Écoles de production", exact=True).click()
    assert ProductionSchool.objects.count() == len(data.SCHOOLS) + 1
    expect(page.locator("table tbody tr")).to_have_count(ProductionSchool.objects.count())
    screenshot("05-ecoles")
    page.get_by_role("link", name="Partenaires").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partenaires du programme")
    expect(page.locator("table tbody tr").first).to_be_visible()
    screenshot("06-partenaires")
    page.get_by_role("link", name="Territoires", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Territoires des Hauts-de-France"))
    screenshot("07-territoires")
    page.goto(f"{live_server.url}/territoires/departements/59/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nord (59)")
    expect(page.locator("svg").first).to_be_visible()
    screenshot("08-departement-nord")


def test_keyboard_user_can_sign_in(page, live_server, demo_world):
    """The sign-in form works with the keyboard alone (skip link, tab order, Enter)."""
    page.goto(f"{live_server.url}/connexion/")
    assert page.evaluate("document.activeElement.id") == "id_username"  # autofocus on the e-mail field
    page.keyboard.type("fnep@essaim.demo")
    page.keyboard.press("Tab")
    page.keyboard.type(data.DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("À valider")
    settled(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
