"""The steering dashboard in the browser: the Région opens it, changes the scope and the date, downloads
both reports; a collectivité sees its territory. Screenshots in the browser screenshots folder."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from essaim.demo import data
from essaim.funding_programmes.models import FundingLine
from tests.browser.conftest import login, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_region_steers_and_downloads_the_reports(page, live_server, demo_world, screenshot):
    login(page, live_server, "region@essaim.demo", data.DEMO_PASSWORD)
    page.get_by_role("link", name="Pilotage", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage du programme — Hauts-de-France")
    expect(page.get_by_text("5 écoles de production ouvertes en Hauts-de-France au 31/12/2023").first).to_be_visible()
    expect(page.locator("svg.timeline")).to_have_count(1)
    expect(page.locator("svg.steering-map")).to_have_count(1)
    screenshot("steering-01-tableau-de-bord")
    page.locator("#objectives-title").scroll_into_view_if_needed()
    page.locator("#timeline-title").scroll_into_view_if_needed()
    expect(page.locator("#timeline-title")).to_have_text("Frise des projets, de l'idée à l'ouverture")
    expect(page.locator("#timeline-title")).to_be_in_viewport()
    screenshot("steering-02-frise")
    page.locator("#money-title").scroll_into_view_if_needed()
    expect(page.locator("#money-title")).to_have_text("Financements demandés, obtenus et versés")
    expect(page.locator("#money-title")).to_be_in_viewport()
    screenshot("steering-03-financements")

    page.get_by_label("Territoire", exact=True).select_option("59")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(r"[?&]departement=59(&|$)"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nord (59)")
    settled(page)

    # The report is prepared as a background job: its progress panel (role="status") ends with the file.
    page.get_by_role("button", name="Préparer le rapport du comité de pilotage (PDF)").click()
    panel = page.get_by_role("status").filter(has_text="Rapport du comité de pilotage (PDF)")
    expect(panel).to_contain_text("Terminé en")
    with page.expect_download() as pdf_info:
        panel.get_by_role("link", name=re.compile("Télécharger")).click()
    pdf = pdf_info.value
    assert pdf.suggested_filename.endswith(".pdf") and "59" in pdf.suggested_filename
    text = "\n".join(p.extract_text() for p in PdfReader(pdf.path()).pages)
    assert "Rapport du comité de pilotage" in text and "Nord (59)" in text
    screenshot("steering-06-rapport-pret")

    page.get_by_label("Territoire", exact=True).select_option("")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(r"[?&]departement=(&|$)"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage du programme — Hauts-de-France")
    settled(page)
    page.get_by_role("button", name="Préparer le rapport du comité de pilotage (Excel)").click()
    panel = page.get_by_role("status").filter(has_text="Rapport du comité de pilotage (Excel)")
    expect(panel).to_contain_text("Terminé en")
    with page.expect_download() as xlsx_info:
        panel.get_by_role("link", name=re.compile("Télécharger")).click()
    with open(xlsx_info.value.path(), "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    summary = {row[0]: row[1] for row in workbook["Synthèse"].iter_rows(min_row=2, values_only=True) if row[0]}
    requested = sum(line.requested_amount for line in FundingLine.objects.all())
    assert round(float(summary["Montant demandé"]), 2) == round(float(requested), 2)
    assert "Sources" in workbook.sheetnames


def test_collectivite_sees_its_territory(page, live_server, demo_world, screenshot):
    login(page, live_server, "collectivite@essaim.demo", data.DEMO_PASSWORD)
    page.get_by_role("link", name="Pilotage", exact=True).click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "Hauts-de-France" not in heading
    expect(page.get_by_label("Territoire", exact=True)).to_have_count(0)
    screenshot("steering-04-collectivite")
