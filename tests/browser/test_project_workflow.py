"""A project's journey in the browser: the holder moves it forward and adds a partner, FNEP labels it,
the Région looks at the directory and the pipeline. Screenshots 20 to 22."""

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from essaim.demo import data
from essaim.organizations.models import Organization
from essaim.organizations.sirene import sirene_import
from essaim.projects import services
from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project
from essaim.territories.models import Commune
from essaim.trades.models import Trade
from tests.browser.conftest import login, logout, settled

pytestmark = pytest.mark.django_db(transaction=True)

SIRENE_SAMPLE = Path(__file__).parents[1] / "organizations" / "samples" / "sirene_stock_etablissement.csv"
PROJECT_NAME = "École de production du Dunkerquois – chaudronnerie (démo)"


def _move(page, label, comment, stage):
    page.get_by_label(label).check()
    page.get_by_label("Commentaire").fill(comment)
    page.get_by_role("button", name="Enregistrer le changement d'étape").click()
    # The stage is named: the previous move's page said « passé à l'étape » too.
    expect(page.locator(".messages")).to_contain_text(f"Le projet est passé à l'étape « {stage.label} ».")
    settled(page)


def test_holder_moves_project_forward_and_fnep_labels_it(page, live_server, demo_world, screenshot):
    from django.contrib.auth import get_user_model

    sirene_import(data=SIRENE_SAMPLE.read_bytes())
    holder_user = get_user_model().objects.get(email="porteur@essaim.demo")
    holder = holder_user.memberships.get().organization
    created = services.project_create(
        holder=holder,
        name=PROJECT_NAME,
        commune=Commune.objects.get(code="59183"),
        trades=[Trade.objects.get(slug="metallerie-chaudronnerie")],
        places_per_trade=12,
        target_opening_date=dt.date(2028, 9, 4),
        description="Projet fictif : chaudronnerie navale, adossée aux chantiers du port.",
        created_by=holder_user,
    )
    Project.objects.filter(pk=created.pk).update(is_demo=True)  # invented, like the other demo projects

    login(page, live_server, "porteur@essaim.demo", data.DEMO_PASSWORD)
    page.get_by_role("link", name=PROJECT_NAME).first.click()
    _move(
        page,
        "Lancer l'étude d'opportunité",
        "Étude confiée à la CCI Littoral Hauts-de-France.",
        ProjectStage.OPPORTUNITY_STUDY,
    )
    _move(
        page,
        "Demander la labellisation FNEP",
        "Dossier de labellisation envoyé à la FNEP le 20/11.",
        ProjectStage.ACCREDITATION_PENDING,
    )
    expect(page.locator(".stepper [aria-current='step']")).to_have_text(
        re.compile(r"^\s*" + re.escape("Labellisation FNEP en cours"))
    )
    page.get_by_role("link", name="Ajouter un partenaire").click()
    page.get_by_label("Chercher dans l'annuaire").fill("ACIERIES")
    page.get_by_role("button", name="Chercher").click()
    page.locator("#id_organization").select_option(label="ACIERIES DU LITTORAL — Entreprise — Dunkerque")
    page.locator("#id_role").select_option(label="Mécène")
    page.locator("#id_comment").fill("Don de tôles et d'une plieuse ; commandes de pièces.")
    page.get_by_role("button", name="Ajouter").click()
    expect(page.locator(".messages")).to_contain_text("ACIERIES DU LITTORAL est partenaire du projet (Mécène).")
    expect(page.locator("#partenaires")).to_contain_text("ACIERIES DU LITTORAL")
    settled(page)
    # The holder may not label its own project: the choice is not offered.
    expect(page.get_by_label("Labelliser le projet")).to_have_count(0)
    logout(page)

    login(page, live_server, "fnep@essaim.demo", data.DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("À valider")
    page.locator("#section-a-labelliser").locator("xpath=..").get_by_role("link", name=PROJECT_NAME).click()
    _move(page, "Labelliser le projet", "Fondamentaux validés en comité FNEP du 25/11/2026.", ProjectStage.ACCREDITED)
    project = Project.objects.get(name=PROJECT_NAME)
    assert project.stage == "accredited"
    assert list(project.transitions.values_list("to_stage", flat=True)) == [
        "idea",
        "opportunity_study",
        "accreditation_pending",
        "accredited",
    ]
    timeline = page.locator(".timeline").inner_text()
    assert "Fondamentaux validés" in timeline and "Fanny Nowak" in timeline
    screenshot("20-projet-chronologie")
    logout(page)

    login(page, live_server, "region@essaim.demo", data.DEMO_PASSWORD)
    page.get_by_role("link", name="Partenaires").click()
    page.get_by_label("Département").select_option(label="Nord (59)")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"[?&]department=59(&|$)"))
    expect(page.locator("svg.map-svg")).to_be_visible()
    settled(page)
    expect(page.locator("table")).to_contain_text("Mécène")
    assert Organization.objects.filter(siret="73282932000017").exists()
    screenshot("21-partenaires")
    page.get_by_role("link", name="Projets", exact=True).click()
    # The demo projects, the demo school's project and the one created above.
    assert Project.objects.count() == len(data.DEMO_PROJECTS) + 2
    expect(page.locator("table tbody tr")).to_have_count(Project.objects.count())
    screenshot("22-pipeline")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
