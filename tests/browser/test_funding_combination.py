"""Following the suggested combination, in the browser, on the demo: from the matching page, each
programme of the « combinaison suggérée » is added to the plan with its prefilled amount; the plan ends
with no blocking rule and is submitted. Screenshots in the browser screenshots folder."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from essaim.demo import data
from essaim.financing.models import FinancingPlanVersion
from essaim.projects.models import Project
from financing_engine import Severity, evaluate_plan, plan_from_dict
from tests.browser.conftest import login, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DUNKERQUE = "École de production de Dunkerque – usinage (démo)"


def _blocking(version):
    return [r for r in evaluate_plan(plan_from_dict(version.content)).rules if r.severity is Severity.BLOCKING]


def test_the_suggested_combination_leads_to_a_plan_that_can_be_submitted(page, live_server, demo_world, screenshot):
    project = Project.objects.get(name=DUNKERQUE)
    login(page, live_server, "porteur@essaim.demo", data.DEMO_PASSWORD)
    matching = f"{live_server.url}/financements/projets/{project.pk}/eligibilite/"
    page.goto(matching)
    mix = page.locator("section.fp-mix")
    expect(mix.get_by_role("heading", name="Combinaison suggérée pour le plan d'investissement")).to_be_visible()
    screenshot("funding-combination-01-combinaison")
    names = [link.inner_text() for link in mix.locator("tbody th a").all()]
    assert names, "la combinaison suggérée est vide"
    for name in names:
        page.goto(matching)
        card = page.locator("section.fp-match", has_text=name).first
        expect(card).not_to_contain_text("Non éligible")
        amount = card.get_by_label("Montant à inscrire (€)")
        expect(amount).not_to_have_value("")
        card.get_by_role("button", name="Ajouter au plan").click()
        expect(page.locator(".messages")).to_contain_text(re.compile("Ressource « .* » (ajoutée|mise à jour)"))
        settled(page)
    screenshot("funding-combination-02-plan-apres-combinaison")
    draft = FinancingPlanVersion.objects.filter(plan__project=project, status="draft").get()
    assert [r.code for r in _blocking(draft)] in ([], ["investment_plan_unbalanced"])
    if _blocking(draft):
        # The combination replaces some resources of the plan by nothing (the page names them): the holder
        # removes them in the editor, and the plan balances.
        page.goto(matching)
        warning = page.locator("section.fp-mix .message-warning")
        expect(warning).to_contain_text("que la combinaison ne retient pas")
        removed = re.findall(r"« ([^»]+) »", warning.inner_text())
        version_url = live_server.url + reverse(
            "financing:version_detail",
            kwargs={"project_pk": project.pk, "plan_pk": draft.plan_id, "number": draft.number},
        )
        for label in removed:
            content = plan_from_dict(FinancingPlanVersion.objects.get(pk=draft.pk).content)
            index = next(i for i, s in enumerate(content.sources) if s.label == label)
            page.goto(
                live_server.url
                + reverse("financing:plan_edit", kwargs={"project_pk": project.pk, "plan_pk": draft.plan_id})
            )
            page.get_by_role("link", name="Investissement", exact=True).click()
            page.get_by_role("button", name=f"Supprimer la ressource {index + 1}").click()
            expect(page.locator(".messages")).to_contain_text("Brouillon enregistré.")
            settled(page)
        page.goto(version_url)
        screenshot("funding-combination-03-plan-equilibre")
    draft.refresh_from_db()
    assert _blocking(draft) == []
    page.get_by_role("button", name=re.compile("Soumettre la version")).click()
    expect(page.locator(".messages")).to_contain_text(
        f"La version {draft.number} est soumise : elle est désormais figée."
    )
    settled(page)
    screenshot("funding-combination-04-soumis")
    draft.refresh_from_db()
    assert draft.status == "submitted"
