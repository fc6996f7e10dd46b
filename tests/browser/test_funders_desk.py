"""The funder's desk in the browser (issue 17): a correction request answered, then the dossier
withdrawn by its holder; a decision previewed as a letter, confirmed, and the letter kept.

Screenshots: 40-desk-correction-demandee, 41-desk-correction-porteur, 42-desk-retire,
43-desk-decision, 44-desk-lettre (the letter as printed), 45-desk-lettre-gardee, 46-desk-plan-fige.
"""

import io
import re

import pytest
from playwright.sync_api import expect

from essaim.demo import data
from essaim.financing.models import FinancingPlanVersion
from essaim.funding_applications import services
from essaim.funding_applications.defaults import seed_default_document_kinds
from essaim.funding_applications.enums import ApplicationState as S
from essaim.funding_applications.letters import letter_html
from essaim.funding_applications.models import CorrectionRequest, DecisionLetter, RequiredDocumentKind
from essaim.organizations.enums import OrganizationKind
from essaim.organizations.models import Membership, Organization
from tests.browser.conftest import login, logout
from tests.browser.test_funding_application import act, expect_done, open_dossier
from tests.funding_applications.factories import advance, frozen_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _dossier_in_review():
    seed_default_document_kinds(RequiredDocumentKind)
    holder = Membership.objects.get(user__email="porteur@essaim.demo")
    project = holder.organization.projects.order_by("pk").first()
    version = FinancingPlanVersion.objects.submitted().filter(plan__project=project).first() or frozen_version(
        project, user=holder.user
    )
    bdt = Organization.objects.get(kind=OrganizationKind.BANQUE_DES_TERRITOIRES)
    actors = {
        "holder": holder.user,
        "fnep": Membership.objects.get(user__email="fnep@essaim.demo").user,
        "funder": Membership.objects.get(user__email="bdt@essaim.demo").user,
    }
    application = services.funding_application_create(
        project=project,
        funder=bdt,
        plan_version=version,
        requested_amount=1000,
        title="Prêt subordonné",
        by=holder.user,
    )
    return advance(application, until=S.IN_REVIEW, actors=actors)


def test_correction_request_answered_then_dossier_withdrawn(page, live_server, demo_world, screenshot):
    application = _dossier_in_review()

    login(page, live_server, "bdt@essaim.demo", data.DEMO_PASSWORD)
    open_dossier(page, live_server, application)
    form = page.locator("#actions form", has=page.get_by_role("button", name="Demander des compléments"))
    form.get_by_label("Motif de la demande de correction").select_option(label="Pièce ou information périmée")
    form.get_by_label("Ce que le porteur doit compléter").fill(
        "Les statuts joints datent de 2019 : merci de joindre la version en vigueur."
    )
    form.get_by_role("button", name="Demander des compléments").click()
    expect_done(page, "Demander des compléments")
    expect(page.locator("#corrections")).to_contain_text("Pièce ou information périmée")
    screenshot("40-desk-correction-demandee")
    logout(page)

    login(page, live_server, "porteur@essaim.demo", data.DEMO_PASSWORD)
    open_dossier(page, live_server, application)
    expect(page.locator("#corrections")).to_contain_text("En attente de correction")
    act(
        page,
        "#actions",
        "Renvoyer le dossier complété",
        {"Réponse aux demandes de compléments": "Statuts 2025 joints."},
    )
    expect(page.locator("#corrections")).to_contain_text("Corrigée")
    expect(page.locator("#corrections")).to_contain_text("Statuts 2025 joints.")
    screenshot("41-desk-correction-porteur")
    correction = CorrectionRequest.objects.get(application=application)
    assert correction.status == "closed" and correction.answered_by.email == "porteur@essaim.demo"

    page.locator("#actions summary", has_text="Retirer le dossier").click()
    act(page, "#actions", "Retirer le dossier", {"Motif du retrait": "Le projet est reporté à la rentrée 2028."})
    application.refresh_from_db()
    assert application.state == S.WITHDRAWN
    expect(page.get_by_text(re.compile("Dossier retiré par le porteur le"))).to_be_visible()
    screenshot("42-desk-retire")


def test_decision_preview_then_letter(page, live_server, demo_world, screenshot):
    from pypdf import PdfReader

    application = _dossier_in_review()
    login(page, live_server, "bdt@essaim.demo", data.DEMO_PASSWORD)
    open_dossier(page, live_server, application)
    decision = page.locator("#decision form", has=page.get_by_role("button", name="Accorder", exact=True))
    decision.get_by_label("Montant accordé (€)").fill("1 000")
    decision.get_by_label("Conditions").fill("Décaissement après notification de la subvention de l'EPCI.")
    screenshot("43-desk-decision")
    # The preview button posts the form to the preview URL: fetch it as the browser would.
    token = decision.locator("input[name=csrfmiddlewaretoken]").input_value()
    preview = page.request.post(
        f"{live_server.url}/dossiers/{application.pk}/decision/grant/apercu/",
        form={
            "csrfmiddlewaretoken": token,
            "decided_amount": "1 000",
            "conditions": "Décaissement après notification.",
        },
        headers={"Referer": page.url},
    )
    assert preview.status == 200 and preview.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(preview.body())).pages)
    assert "APERÇU" in text and "1 000,00" in text.replace("\u202f", " ") and application.reference in text
    assert not DecisionLetter.objects.exists()

    decision.get_by_role("button", name="Accorder", exact=True).click()
    expect_done(page, "Accorder")
    application.refresh_from_db()
    assert application.state == S.GRANTED
    letter = DecisionLetter.objects.get(application=application)
    with letter.file.open("rb") as opened:
        stored = opened.read()
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(stored)).pages)
    assert "APERÇU" not in pdf_text and "Décaissement après notification" in pdf_text
    expect(page.get_by_role("link", name=re.compile("attestation de décision du"))).to_be_visible()
    screenshot("45-desk-lettre-gardee")

    # Look at the letter as it is printed (the PDF is this page).
    page.set_content(
        letter_html(application, "grant", amount=application.decided_amount, conditions=application.conditions)
    )
    screenshot("44-desk-lettre")

    page.goto(f"{live_server.url}/dossiers/{application.pk}/plan/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan de financement figé")
    screenshot("46-desk-plan-fige")
