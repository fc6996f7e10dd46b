"""One funding dossier through its whole life, in the browser, as the holder, FNEP and the BdT in turn.

Screenshots: 30-dossier-brouillon, 31-dossier-fnep, 32-dossier-complete, 33-dossier-depose,
34-dossier-instruction, 35-dossier-accorde, 36-dossier-versements, 37-dossier-porteur-final.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from essaim.demo import data
from essaim.financing.models import FinancingPlanVersion
from essaim.funding_applications.defaults import seed_default_document_kinds
from essaim.funding_applications.models import FundingApplication, RequiredDocumentKind
from essaim.funding_applications.workflow import TRANSITIONS
from essaim.organizations.models import Membership
from tests.browser.conftest import login, logout, settled
from tests.funding_applications.factories import PDF_BYTES, frozen_version

pytestmark = pytest.mark.django_db(transaction=True)


def expect_dossier(page, application):
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^\s*" + re.escape(f"Dossier {application.reference}"))
    )


def open_dossier(page, live_server, application):
    page.goto(f"{live_server.url}/dossiers/{application.pk}/")
    expect_dossier(page, application)


def act(page, section, button, fields=None):
    """Fill the fields of one transition form in ``section`` and click its button."""
    form = page.locator(section).locator("form", has=page.get_by_role("button", name=button, exact=True))
    for label, value in (fields or {}).items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name=button, exact=True).click()
    expect_done(page, button)


def expect_done(page, button):
    """Wait for the dossier's page that a transition's button leads to: it says the transition is done."""
    (done,) = {transition.done for transition in TRANSITIONS if transition.label == button}
    expect(page.locator(".messages")).to_contain_text(done)
    settled(page)


def upload(page, kind_label, filename):
    documents = page.locator("#documents")
    documents.get_by_label("Type de pièce").select_option(label=kind_label)
    documents.locator("input[type=file]").set_input_files(
        {"name": filename, "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    documents.get_by_role("button", name="Ajouter la pièce").click()
    page.locator("#documents").get_by_role("link", name=filename).wait_for()


def state_of(application):
    application.refresh_from_db()
    return application.state


def test_dossier_from_draft_to_first_tranche(page, live_server, demo_world, screenshot):
    """Holder creates and submits; FNEP asks completion; holder completes; FNEP validates and deposits;
    the BdT reviews (private note, message), grants, records the convention and a first tranche."""
    seed_default_document_kinds(RequiredDocumentKind)
    holder = Membership.objects.get(user__email="porteur@essaim.demo")
    project = holder.organization.projects.order_by("pk").first()
    if not FinancingPlanVersion.objects.submitted().filter(plan__project=project).exists():
        frozen_version(project, user=holder.user)

    # 1. The holder creates the dossier on the frozen plan, attaches the documents and submits it.
    login(page, live_server, "porteur@essaim.demo", data.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/dossiers/nouveau/")
    page.get_by_label("Projet").select_option(value=str(project.pk))
    page.get_by_label("Financeur").select_option(label="Banque des Territoires – direction régionale Hauts-de-France")
    page.get_by_label("Version figée du plan de financement").select_option(index=1)
    page.get_by_label("Montant demandé (€)").fill("130 000")
    page.get_by_role("button", name="Créer le dossier").click()
    expect(page.locator(".messages")).to_contain_text("Le dossier a été créé en brouillon")
    settled(page)
    application = FundingApplication.objects.get(project=project)
    for kind, filename in [
        ("Statuts de la structure porteuse", "statuts.pdf"),
        ("Budget prévisionnel", "budget-previsionnel.pdf"),
        ("Devis des investissements", "devis-centre-usinage.pdf"),
        ("Lettre d'engagement d'une collectivité", "lettre-engagement-cud.pdf"),
    ]:
        upload(page, kind, filename)
    screenshot("30-dossier-brouillon")
    act(page, "#actions", "Soumettre à la FNEP")
    assert state_of(application) == "submitted_to_fnep"
    logout(page)

    # 2. FNEP reads it and asks for the last approved accounts.
    login(page, live_server, "fnep@essaim.demo", data.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/dossiers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("À valider")
    page.get_by_role("link", name=application.reference).first.click()
    expect_dossier(page, application)
    settled(page)
    screenshot("31-dossier-fnep")
    act(
        page,
        "#actions",
        "Demander des compléments",
        {"Ce que le porteur doit compléter": "Merci de joindre les derniers comptes approuvés de l'association."},
    )
    assert state_of(application) == "completion_requested"
    logout(page)

    # 3. The holder adds the accounts and sends the dossier back.
    login(page, live_server, "porteur@essaim.demo", data.DEMO_PASSWORD)
    open_dossier(page, live_server, application)
    assert "derniers comptes approuvés de l'association" in page.content()
    upload(page, "Derniers comptes approuvés", "comptes-2025.pdf")
    act(
        page,
        "#actions",
        "Renvoyer le dossier complété",
        {"Réponse aux demandes de compléments": "Comptes 2025 approuvés par l'AG du 14/06 joints."},
    )
    assert state_of(application) == "submitted_to_fnep"
    screenshot("32-dossier-complete")
    logout(page)

    # 4. FNEP validates and submits it to the Banque des Territoires (proof of deposit issued).
    login(page, live_server, "fnep@essaim.demo", data.DEMO_PASSWORD)
    open_dossier(page, live_server, application)
    act(page, "#actions", "Valider le dossier")
    act(page, "#actions", "Déposer auprès du financeur")
    assert state_of(application) == "deposited"
    expect(page.get_by_role("link", name="attestation de dépôt (PDF)")).to_be_visible()
    screenshot("33-dossier-depose")
    logout(page)

    # 5. The BdT reviews: private note, message to the holder, decision, convention, first tranche.
    login(page, live_server, "bdt@essaim.demo", data.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/dossiers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("À instruire")
    open_dossier(page, live_server, application)
    act(page, "#actions", "Prendre en instruction")
    assert state_of(application) == "in_review"
    page.get_by_label("Note privée (jamais visible du porteur)").fill(
        "Subvention EPCI encore au stade « demandée » : conditionner le décaissement à sa notification."
    )
    page.get_by_role("button", name="Enregistrer la note").click()
    expect(page.locator(".messages")).to_contain_text("La note privée a été enregistrée.")
    settled(page)
    expect(page.locator("#notes").get_by_text("conditionner le décaissement")).to_be_visible()
    page.get_by_label("Votre message").fill("Pouvez-vous confirmer le calendrier d'achat du centre d'usinage ?")
    page.get_by_role("button", name="Envoyer le message").click()
    page.locator("#thread").get_by_text("calendrier d'achat").wait_for()
    screenshot("34-dossier-instruction")
    act(
        page,
        "#decision",
        "Accorder",
        {"Montant accordé (€)": "130 000", "Conditions": "Décaissement après notification de la subvention de l'EPCI."},
    )
    assert state_of(application) == "granted"
    screenshot("35-dossier-accorde")
    # Issue 15: a signature and a payment are never in the future; both happen today here. Issue 17: the
    # signed convention's PDF is uploaded with the date read from it.
    page.locator("#actions").get_by_label("Convention signée (PDF)").set_input_files(
        {"name": "convention-signee.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    act(
        page,
        "#actions",
        "Enregistrer la signature de la convention",
        {"Date de signature de la convention": timezone.localdate().isoformat()},
    )
    assert state_of(application) == "convention_signed"
    versements = page.locator("#versements")
    versements.get_by_label("Montant versé (€)").fill("65 000")
    versements.get_by_label("Date du versement").fill(timezone.localdate().isoformat())
    versements.get_by_role("button", name="Enregistrer le versement").click()
    expect(page.locator(".messages")).to_contain_text("Le versement a été enregistré.")
    settled(page)
    application.refresh_from_db()
    assert application.disbursed_amount == 65000
    screenshot("36-dossier-versements")
    logout(page)

    # 6. The holder sees the decision, the tranche and the message, never the private note.
    login(page, live_server, "porteur@essaim.demo", data.DEMO_PASSWORD)
    open_dossier(page, live_server, application)
    html = page.content()
    assert "Convention signée" in html and "65\u202f000" in html
    assert "calendrier d'achat" in html
    assert "conditionner le décaissement" not in html and "Notes privées" not in html
    screenshot("37-dossier-porteur-final")
