"""Browser tests: Playwright drives the system's Chromium (Debian package), headless.

Screenshots go to ``ESSAIM_SCREENSHOTS_DIR`` (``make screenshots`` sets it to docs/screenshots/),
else to ``test-results/screenshots/``.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("ESSAIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


FRENCH_ENV = {"LANGUAGE": "fr", "LANG": "fr_FR.UTF-8"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : lancez « make browser-deps ».")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Chromium takes its interface language (date inputs: jj/mm/aaaa) from LANGUAGE, with the French
        # locale of the chromium-l10n package; the context's locale only sets navigator.language.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, env={**os.environ, **FRENCH_ENV}
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots_dir():
    folder = Path(os.environ.get("ESSAIM_SCREENSHOTS_DIR") or (settings.BASE_DIR / "test-results" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(page, screenshots_dir):
    def take(name):
        page.screenshot(path=str(screenshots_dir / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def demo_world(transactional_db, settings):
    """The reference territories and the demo content, as `make run` loads them."""
    from essaim.demo.services import demo_load
    from essaim.territories.services import territories_load

    territories_load(data_dir=settings.ESSAIM_DATA_DIR)
    demo_load()


def login(page, live_server, email, password):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state("networkidle")
