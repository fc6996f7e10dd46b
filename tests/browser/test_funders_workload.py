"""The funder's workload in the browser (issue 17): the BdT ticks a late dossier in « À traiter », assigns
it to its instructor, finds it in « Mes dossiers » flagged « en retard », then, once granted, uploads the
signed convention with the date read from it; the dossier shows the date, the PDF and its hash.

Screenshots: 47-desk-a-traiter, 48-desk-mes-dossiers, 49-desk-convention-signee.
"""

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from essaim.demo import data
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.letters import letter_pdf
from essaim.funding_applications.models import ApplicationEvent
from essaim.organizations.models import Membership
from tests.browser.conftest import login, settled
from tests.browser.test_funders_desk import _dossier_in_review
from tests.browser.test_funding_application import open_dossier
from tests.funding_applications.factories import advance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONVENTION_HTML = """<html><body style="font-family: sans-serif; margin: 3cm">
<h1>Convention de prêt subordonné</h1>
<p>Entre la Banque des Territoires et le porteur du projet, pour un prêt de 120 000 €.</p>
<p>Fait à Lille, le 03/11/2026.</p><p>Signatures des deux parties.</p></body></html>"""


def test_assign_from_the_queue_then_upload_the_signed_convention(page, live_server, demo_world, screenshot):
    application = _dossier_in_review()  # in review since 20/09/2026: past its 60 days, « en retard »
    bdt = Membership.objects.get(user__email="bdt@essaim.demo").user
    days_late = (timezone.localdate() - dt.date(2026, 11, 19)).days

    login(page, live_server, "bdt@essaim.demo", data.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/dossiers/bureau/a-traiter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("À traiter")
    row = page.locator("tr", has=page.get_by_role("link", name=application.reference))
    expect(row).to_contain_text("non attribué")
    expect(row).to_contain_text(f"19/11/2026 (décision du financeur) en retard de {days_late} j")
    row.get_by_label(f"Sélectionner le dossier {application.reference}").check()
    batch = page.locator("#desk-batch")
    batch.get_by_label("Action sur la sélection").select_option(label="Attribuer à l'instructeur choisi")
    batch.get_by_label("Instructeur").select_option(label="Bernard Delattre (bdt@essaim.demo)")
    screenshot("47-desk-a-traiter")
    batch.get_by_role("button", name="Appliquer à la sélection").click()
    expect(page.get_by_text(f"1 dossier attribué : {application.reference}.")).to_be_visible()
    settled(page)
    application.refresh_from_db()
    assert application.assigned_to == bdt
    assert ApplicationEvent.objects.get(application=application).text == "Dossier attribué à Bernard Delattre."

    page.get_by_role("link", name="Mes dossiers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes dossiers")
    settled(page)
    row = page.locator("tr", has=page.get_by_role("link", name=application.reference))
    expect(row).to_contain_text("Bernard Delattre")
    expect(row).to_contain_text("En instruction")
    expect(row.locator(".badge-warning")).to_have_text(f"en retard de {days_late} j")
    screenshot("48-desk-mes-dossiers")

    # The decision (decided on 15/10/2026 through the services: the letter is tested elsewhere).
    actors = {
        "holder": Membership.objects.get(user__email="porteur@essaim.demo").user,
        "fnep": Membership.objects.get(user__email="fnep@essaim.demo").user,
        "funder": bdt,
    }
    advance(application, until=S.GRANTED, actors=actors)
    open_dossier(page, live_server, application)
    expect(page.locator('[data-field="assignee"]')).to_have_text("Bernard Delattre")
    expect(page.locator('[data-field="due"]')).to_contain_text("signature de la convention")
    expect(page.locator('[data-list="events"]')).to_contain_text("Dossier attribué à Bernard Delattre.")
    pdf = letter_pdf(CONVENTION_HTML)
    form = page.locator('form[data-form="convention"]')
    form.get_by_label("Convention signée (PDF)").set_input_files(
        {"name": "convention-signee-bdt.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    form.get_by_label("Date de signature de la convention").fill("2026-11-03")
    form.get_by_role("button", name="Enregistrer la signature de la convention").click()
    expect(page.get_by_text("La signature de la convention a été enregistrée.")).to_be_visible()
    settled(page)
    convention = page.locator('[data-field="convention"]')
    expect(convention).to_contain_text("03/11/2026")
    expect(convention).to_contain_text("SHA-256 " + hashlib.sha256(pdf).hexdigest()[:14])
    expect(page.get_by_role("heading", level=1)).to_contain_text("Convention signée")
    screenshot("49-desk-convention-signee")
    with page.expect_download() as download_info:
        convention.get_by_role("link", name="convention signée (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "convention-signee-bdt.pdf"
    assert Path(download.path()).read_bytes() == pdf
    application.refresh_from_db()
    assert application.state == S.CONVENTION_SIGNED
    assert application.convention_signed_date == dt.date(2026, 11, 3)
    assert application.transitions.get(name="sign_convention").effective_date == dt.date(2026, 11, 3)
    assert re.fullmatch(r"[0-9a-f]{64}", application.convention_document_sha256)
