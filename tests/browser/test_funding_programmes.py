"""Funding programmes in the browser, on the demo: the holder reads the « Financements » block of its
project, the programmes it may claim and adds one to its plan; the BdT decides a request on its
envelope; the Région reads the totals per funder. Screenshots in the browser screenshots folder."""

import re

import pytest
from playwright.sync_api import expect

from essaim.demo import data
from essaim.financing.models import FinancingPlanVersion
from essaim.funding_programmes.models import FundingLine
from essaim.projects.models import Project
from tests.browser.conftest import login, logout, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DUNKERQUE = "École de production de Dunkerque – usinage (démo)"


def test_holder_matches_programmes_and_adds_one_to_the_plan(page, live_server, demo_world, screenshot):
    project = Project.objects.get(name=DUNKERQUE)
    login(page, live_server, "porteur@essaim.demo", data.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/projets/{project.pk}/")
    block = page.locator("section.fp-block")
    block.get_by_role("table").wait_for()
    expect(block).to_contain_text("Banque des Territoires")
    screenshot("funding-programmes-01-bloc-projet")

    block.get_by_role("link", name="Financements possibles (éligibilité)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Financements possibles pour {DUNKERQUE}")
    expect(page.get_by_text("Le dispositif est clos depuis le 15/10/2021.")).to_be_visible()
    screenshot("funding-programmes-02-eligibilite")

    card = page.locator("section.fp-match", has_text="Région Hauts-de-France – aide à l'investissement")
    expect(card).to_contain_text("Éligible")
    versions_before = FinancingPlanVersion.objects.filter(plan__project=project).count()
    card.get_by_role("button", name="Ajouter au plan").click()
    expect(page.locator(".messages")).to_contain_text(
        re.compile("Ressource « .* » (ajoutée au plan d.investissement|mise à jour)")
    )
    settled(page)
    screenshot("funding-programmes-03-ajoute-au-plan")
    assert FinancingPlanVersion.objects.filter(plan__project=project).count() >= versions_before


def test_bdt_decides_on_its_envelope_and_region_reads_totals(page, live_server, demo_world, screenshot):
    line = FundingLine.objects.get(project__name=DUNKERQUE, programme__slug="bdt-pret-subordonne")
    login(page, live_server, "bdt@essaim.demo", data.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/financements/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dispositifs de financement")
    screenshot("funding-programmes-04-catalogue")
    page.get_by_role("link", name="Prêt subordonné de la Banque des Territoires aux écoles de production").click()
    expect(page.get_by_text("montant fictif de démonstration").first).to_be_visible()
    screenshot("funding-programmes-05-dispositif")

    page.goto(f"{live_server.url}/financements/lignes/{line.pk}/")
    page.get_by_label("Montant obtenu (€)").fill("150 000")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.locator(".messages")).to_contain_text("« obtenu »")
    settled(page)
    line.refresh_from_db()
    assert line.status == "granted" and line.movements.count() == 1
    screenshot("funding-programmes-06-decision")

    logout(page)
    login(page, live_server, "region@essaim.demo", data.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/financements/suivi/")
    table = page.locator("table.fp-totals")
    assert "Banque des Territoires" in table.inner_text() and "Région" in table.inner_text()
    expect(page.get_by_role("link", name="Exporter en Excel")).to_be_visible()
    screenshot("funding-programmes-07-suivi")
