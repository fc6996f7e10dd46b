import re

import pytest
from playwright.sync_api import expect

from essaim.demo import data
from tests.browser.conftest import login, settled

pytestmark = pytest.mark.django_db(transaction=True)


def _open_demo_plan(page, live_server):
    login(page, live_server, "porteur@essaim.demo", data.DEMO_PASSWORD)
    page.get_by_role("link", name="Projets", exact=True).click()
    # The demo holder carries two projects (the list's order follows the database's collation): open the
    # Dunkerque one, whose plan is the demo plan.
    page.locator("table tbody tr").filter(has_text="École de production de Dunkerque").get_by_role("link").first.click()
    page.get_by_role("link", name="Plan de financement", exact=True).click()
    page.get_by_role("link", name=data.DEMO_PLAN_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^\s*" + re.escape(data.DEMO_PLAN_NAME)))
    settled(page)


def test_holder_edits_the_plan_and_sees_figures_update(page, live_server, demo_world, screenshot):
    """The demo holder opens the plan, edits an amount and sees totals and working capital update in place."""
    _open_demo_plan(page, live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^\s*" + re.escape(data.DEMO_PLAN_NAME)))
    total_uses = page.locator('[data-figure="total-uses"]')
    expect(total_uses).to_have_text("470\u202f000,00\u00a0€")
    screenshot("10-plan-investissement")
    page.get_by_role("link", name="Trésorerie", exact=True).click()
    expect(page.locator("svg.cash-chart")).to_be_visible()
    screenshot("11-plan-tresorerie")
    page.get_by_role("link", name="Fonctionnement", exact=True).click()
    expect(page.get_by_role("heading", name="Budgets de fonctionnement")).to_be_visible()
    expect(page.get_by_role("table", name="Produits, charges et résultat par année scolaire")).to_be_visible()
    screenshot("12-plan-fonctionnement")

    page.get_by_role("link", name=re.compile("Modifier le brouillon")).click()
    page.get_by_role("link", name="Investissement", exact=True).click()
    url_before = page.url
    working_capital = page.locator('[data-figure="working-capital"]')
    wcr_before = working_capital.inner_text()
    amount = page.get_by_label("Montant (€), emploi 1", exact=True)
    amount.fill("380 000")
    amount.press("Tab")
    # The live recomputation (htmx) updates the figure; ``expect`` polls without evaluating a string (the
    # Content-Security-Policy forbids eval, so ``wait_for_function`` with a string cannot run).
    expect(page.locator('[data-figure="total-uses"]')).to_have_text("570\u202f000,00\u00a0€", timeout=10_000)
    assert working_capital.inner_text() != wcr_before
    assert page.url == url_before  # no reload
    expect(page.locator("#save-status")).to_contain_text("Brouillon enregistré")
    screenshot("13-plan-editeur")

    amount.fill("-5")
    amount.press("Tab")
    error = page.locator("#id_uses-0-amount-error")
    error.get_by_text("Le montant ne peut pas être négatif.").wait_for()
    expect(page.locator("#save-status")).to_contain_text("non enregistrée")
    screenshot("14-plan-editeur-erreur")
    amount.fill("")
    amount.press_sequentially("280000", delay=40)  # typing alone (no Tab) saves after a short pause
    page.get_by_text("Brouillon enregistré").wait_for()
    expect(page.locator('[data-figure="total-uses"]')).to_have_text("470\u202f000,00\u00a0€")

    page.get_by_role("link", name="Voir le plan et le soumettre").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter en Excel (.xlsx)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-v1.xlsx")
    assert download.path().read_bytes()[:2] == b"PK"  # a zip container, as every .xlsx

    page.get_by_role("link", name="Trésorerie", exact=True).click()
    page.get_by_role("button", name="Lancer l'analyse de risque").click()
    page.locator('[data-figure="wcr-p95"]').wait_for(timeout=30_000)
    expect(page.locator('[data-figure="shortfall"]')).to_contain_text("%")
    page.locator("#risk-title").scroll_into_view_if_needed()
    screenshot("15-plan-risque")


def test_bank_reads_the_submitted_plan_and_compares(page, live_server, demo_world, screenshot):
    """The Banque des Territoires reads the submitted plan of the secured project, frozen, without edit buttons."""
    login(page, live_server, "bdt@essaim.demo", data.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/projets/")
    page.get_by_role("link", name="Atelier Sud-Oise – métallerie (démo)").click()
    page.get_by_role("link", name="Plan de financement", exact=True).click()
    page.get_by_role("link", name=data.DEMO_PLAN_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("soumise")
    expect(page.get_by_text("contenu intact")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Modifier"))).to_have_count(0)
    screenshot("16-plan-soumis-bdt")


def test_editor_is_keyboard_usable(page, live_server, demo_world):
    """Every editor field has a label and is reached with the keyboard."""
    _open_demo_plan(page, live_server)
    page.get_by_role("link", name=re.compile("Modifier le brouillon")).click()
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('form input:not([type=hidden]), form select')]
              .filter(el => !el.labels || el.labels.length === 0).map(el => el.name)"""
    )
    assert unlabeled == []
    page.get_by_label("Montant (€), emploi 1", exact=True).focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "uses-0-month"


def test_holder_sets_the_working_capital_loan_terms(page, live_server, demo_world, screenshot):
    """The « Trésorerie » tab of the editor: the working-capital loan's own terms, saved and recomputed live."""
    _open_demo_plan(page, live_server)
    page.get_by_role("link", name=re.compile("Modifier le brouillon")).click()
    page.get_by_role("link", name="Trésorerie", exact=True).click()
    loan = page.locator('[data-figure="loan-needed"]')
    loan_before = loan.inner_text()
    custom = page.get_by_label("Conditions propres au prêt de BFR")
    custom.check()
    page.get_by_text("Brouillon enregistré").wait_for()
    duration = page.get_by_label("Durée du prêt de BFR (mois)")
    duration.fill("480")
    duration.press("Tab")
    page.locator("#id_params-wc_duration_months-error").get_by_text("inférieur ou égal à 360").wait_for()
    duration.fill("84")
    page.get_by_label("Taux annuel (%)").last.fill("3")
    page.get_by_label("Taux annuel (%)").last.press("Tab")
    page.get_by_text("Brouillon enregistré").wait_for()
    page.get_by_role("heading", name=re.compile("Prêt de BFR")).scroll_into_view_if_needed()
    screenshot("17-plan-editeur-pret-bfr")
    assert loan.inner_text() != loan_before  # recomputed in place with the loan's own terms
