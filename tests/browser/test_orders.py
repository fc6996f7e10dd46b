"""An open school in the browser (demo data): the holder's staff open « Mon école », read the
structure, write a quote with a line below the market price, send it with a justification, accept it,
deliver, invoice, issue, record a payment and read the activity against the plan; the Région sees the
structure and activity but not the customers. Screenshots in the browser screenshots folder."""

import re

import pytest
from playwright.sync_api import expect

from essaim.demo import data
from essaim.demo.orders import DEMO_SCHOOL_NAME
from essaim.orders.models import Invoice
from essaim.schools.models import ProductionSchool
from tests.browser.conftest import login, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_school_staff_run_an_order_from_quote_to_payment(page, live_server, demo_world, screenshot):
    school = ProductionSchool.objects.get(name=DEMO_SCHOOL_NAME)
    login(page, live_server, "porteur@essaim.demo", data.DEMO_PASSWORD)
    page.get_by_role("link", name="Mon école").click()
    page.wait_for_url(f"{live_server.url}/production/ecoles/{school.pk}/")
    expect(page.get_by_role("heading", name=DEMO_SCHOOL_NAME)).to_be_visible()
    settled(page)
    tabs = page.get_by_role("navigation", name="Rubriques de l'école")
    screenshot("orders-01-structure")

    tabs.get_by_role("link", name="Devis", exact=True).click()
    expect(page.get_by_role("heading", name="Devis", exact=True)).to_be_visible()
    screenshot("orders-02-quotes")
    page.get_by_role("link", name="Nouveau devis").click()
    page.get_by_label("client").select_option(label="Mécanique Dunkerquoise (fictive)")
    page.get_by_label("objet").fill("Série de brides")
    page.get_by_label("Ligne 1 — désignation").fill("Bride usinée")
    page.get_by_label("Ligne 1 — quantité").fill("50")
    page.get_by_label("Ligne 1 — unité").fill("pièce")
    page.get_by_label("Ligne 1 — prix unitaire HT (€)").fill("15,00")
    page.get_by_label("Ligne 1 — prix de marché de référence").select_option(
        label="Pièce usinée simple (série) (pièce)"
    )
    page.get_by_role("button", name="Ajouter une ligne").click()
    page.get_by_label("Ligne 2 — désignation").fill("Livraison")
    page.get_by_label("Ligne 2 — quantité").fill("1")
    page.get_by_label("Ligne 2 — unité").fill("forfait")
    page.get_by_label("Ligne 2 — prix unitaire HT (€)").fill("60")
    screenshot("orders-03-quote-form")
    page.get_by_role("button", name="Enregistrer le devis").click()
    page.wait_for_url(re.compile(rf"/production/ecoles/{school.pk}/devis/[0-9]+/$"))
    expect(page.locator(".messages")).to_contain_text(re.compile(r"Devis .+ enregistré\."))
    expect(page.get_by_text("Prix inférieur au prix de marché")).to_be_visible()
    settled(page)
    screenshot("orders-04-quote-below-market")
    page.get_by_label("justification d'un prix inférieur au marché").fill("Série découverte pour un nouveau client.")
    page.get_by_role("button", name="Marquer comme envoyé").click()
    page.get_by_role("button", name="Accepter et créer la commande").click()
    page.wait_for_url(re.compile(rf"/production/ecoles/{school.pk}/commandes/[0-9]+/$"))
    expect(page.locator(".messages")).to_contain_text(re.compile(r"Devis accepté : commande .+ créée\."))
    expect(page.get_by_role("heading", name="Commande").first).to_be_visible()
    settled(page)
    order_url = page.url
    # A 30 % deposit, issued, then the final invoice deducts it.
    page.get_by_label("Pourcentage de la commande").fill("30")
    page.get_by_role("button", name="Facturer un acompte").click()
    expect(page.get_by_text("Facture d'acompte (brouillon)").first).to_be_visible()
    page.get_by_role("button", name="Émettre").click()
    expect(page.get_by_text("Facture d'acompte émise sous le numéro")).to_be_visible()
    deposit = Invoice.objects.filter(school=school, kind="deposit").exclude(number="").order_by("-sequence").first()
    expect(page.get_by_text(f"Facture d'acompte émise sous le numéro {deposit.number}")).to_be_visible()
    screenshot("orders-05a-deposit")
    page.goto(order_url)
    page.get_by_role("button", name="Enregistrer la livraison").click()
    page.get_by_role("button", name="Préparer la facture").click()
    expect(page.get_by_text(f"Acompte facturé {deposit.number}").first).to_be_visible()
    page.get_by_role("button", name="Émettre").click()
    expect(page.get_by_text("Facture émise sous le numéro")).to_be_visible()
    invoice = Invoice.objects.filter(school=school, kind="invoice").exclude(number="").order_by("-sequence").first()
    assert invoice.total_ttc_amount + deposit.total_ttc_amount == invoice.customer_order.quote.total_ttc_amount
    expect(page.get_by_text(f"Facture émise sous le numéro {invoice.number}")).to_be_visible()
    page.get_by_label("montant reçu (€)").fill("500")
    page.get_by_role("button", name="Enregistrer le règlement").click()
    expect(page.get_by_text("Règlement enregistré.")).to_be_visible()
    settled(page)
    screenshot("orders-05-invoice")
    tabs.get_by_role("link", name="Factures", exact=True).click()
    expect(page.get_by_role("heading", name="Factures et avoirs")).to_be_visible()
    invoices = page.locator("table tbody tr")
    expect(invoices.filter(has_text=invoice.number)).to_have_count(1)
    expect(invoices.filter(has_text=deposit.number)).to_have_count(1)
    screenshot("orders-06-invoices")
    tabs.get_by_role("link", name="Activité", exact=True).click()
    page.wait_for_url(f"{live_server.url}/production/ecoles/{school.pk}/activite/")
    expect(page.locator("svg.activity-chart")).to_be_visible()
    settled(page)
    screenshot("orders-07-activity")


def test_region_sees_the_structure_and_activity_not_the_customers(page, live_server, demo_world, screenshot):
    school = ProductionSchool.objects.get(name=DEMO_SCHOOL_NAME)
    login(page, live_server, "region@essaim.demo", data.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/production/ecoles/{school.pk}/")
    expect(page.get_by_role("heading", name="Ateliers")).to_be_visible()
    expect(page.get_by_text("Fraiseur (fictif)")).to_have_count(0)
    expect(page.get_by_role("link", name="Clients")).to_have_count(0)
    response = page.goto(f"{live_server.url}/production/ecoles/{school.pk}/clients/")
    assert response.status == 404
    page.goto(f"{live_server.url}/production/ecoles/{school.pk}/activite/")
    expect(page.get_by_role("heading", name=re.compile("^Chiffre d'affaires de la production en"))).to_be_visible()
    expect(page.locator("svg.activity-chart")).to_be_visible()
    screenshot("orders-08-activity-region")
