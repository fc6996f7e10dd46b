"""Issue 16 item 4: named variants of a version, compared side by side; the risk analysis starts from one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from essaim.financing import services
from essaim.financing.enums import VersionStatus
from essaim.financing.models import PlanScenario
from essaim.jobs.models import Job
from tests.financing.factories import plan_with_draft
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _few_scenarios(settings):
    settings.ESSAIM_RISK_SCENARIOS = 200


@pytest.fixture
def plan(project):
    return plan_with_draft(project)


def _url(plan, number=1):
    return reverse("financing:scenario_list", args=[plan.project_id, plan.pk, number])


def test_presets_are_added_and_compared_side_by_side(holder_client, plan, django_assert_max_num_queries):
    response = holder_client.post(_url(plan), {"presets": "1"}, follow=True)
    assert response.status_code == 200
    names = list(plan.versions.get().scenarios.values_list("name", flat=True))
    assert names == ["prudent", "retard FEDER de 6 mois", "effectif −20 %"]
    with django_assert_max_num_queries(8):
        html = holder_client.get(_url(plan)).content.decode()
    for text in (
        "Version 1",
        "prudent",
        "retard FEDER de 6 mois",
        "effectif −20 %",
        "Union européenne (FEDER, FSE+) +6",
    ):
        assert text in html, text
    assert html.count('data-figure="requirement"') == 4
    assert plan.versions.get().content == plan_with_draft(plan.project).versions.get().content  # content unchanged


def test_a_custom_scenario_with_french_errors(holder_client, plan):
    response = holder_client.post(_url(plan), {"name": "dur", "headcount": "250", "sales": "abc", "delay_eu": "500"})
    html = response.content.decode()
    assert "Saisissez un pourcentage entre 0 et 200." in html
    assert "Saisissez un nombre" in html and "inférieur ou égal à 120" in html
    assert not PlanScenario.objects.exists()
    holder_client.post(_url(plan), {"name": "dur", "headcount": "80", "sales": "90", "delay_eu": "6"})
    scenario = PlanScenario.objects.get()
    assert (scenario.headcount_factor, scenario.sales_factor, scenario.payment_delays) == (
        Decimal("0.8"),
        Decimal("0.9"),
        {"eu": 6},
    )
    response = holder_client.post(_url(plan), {"name": "dur", "headcount": "80", "sales": "90"})
    assert "Un scénario porte déjà ce nom" in response.content.decode()


def test_a_submitted_version_takes_scenarios_and_stays_intact(holder_client, plan):
    version = services.plan_version_submit(version=plan.versions.get(status=VersionStatus.DRAFT))
    holder_client.post(_url(plan), {"presets": "1"})
    version.refresh_from_db()
    assert version.scenarios.count() == 3 and version.is_intact


def test_the_risk_analysis_starts_from_a_scenario(holder_client, plan):
    services.plan_scenarios_add_presets(version=plan.versions.get())
    prudent = PlanScenario.objects.get(name="prudent")
    url = reverse("financing:version_risk", args=[plan.project_id, plan.pk, 1])
    base = holder_client.post(url, **HTMX).content.decode()
    variant = holder_client.post(url, {"scenario": prudent.pk}, **HTMX).content.decode()
    assert "Scénario « prudent »" in variant and "Scénario" not in base
    assert "Scénario « prudent »" in holder_client.get(url, {"scenario": prudent.pk}, **HTMX).content.decode()
    other = plan_with_draft(plan.project, name="Autre")
    services.plan_scenarios_add_presets(version=other.versions.get())
    foreign = PlanScenario.objects.filter(version__plan=other).first()
    assert holder_client.get(url, {"scenario": foreign.pk}, **HTMX).status_code == 404
    assert holder_client.post(url, {"scenario": foreign.pk}, **HTMX).status_code == 404


def test_scenarios_are_deleted(holder_client, plan):
    services.plan_scenarios_add_presets(version=plan.versions.get())
    scenario = PlanScenario.objects.first()
    url = reverse("financing:scenario_delete", args=[plan.project_id, plan.pk, 1, scenario.pk])
    holder_client.post(url)
    assert PlanScenario.objects.count() == 2


def test_the_excel_export_compares_the_scenarios(holder_client, plan):
    """The workbook's « Scénarios » sheet: the plan (formulas) and each variant, with the engine's figures."""
    import io

    from openpyxl import load_workbook

    from essaim.financing.xlsx import layout as L
    from financing_engine import plan_from_dict
    from financing_engine.scenarios import evaluate_scenario

    services.plan_scenarios_add_presets(version=plan.versions.get())
    response = holder_client.get(reverse("financing:version_export_xlsx", args=[plan.project_id, plan.pk, 1]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))[L.SCENARIOS]
    headers = [cell.value for cell in sheet[L.TABLE_HEADER_ROW]]
    names = [scenario.name for scenario in PlanScenario.objects.order_by("pk")]
    assert headers == ["Indicateur", "Plan", *names]
    labels = [sheet.cell(row=r, column=1).value for r in range(L.TABLE_FIRST_ROW, L.TABLE_FIRST_ROW + 11)]
    plan_input = plan_from_dict(plan.versions.get().content)
    for col, scenario in enumerate(PlanScenario.objects.order_by("pk"), start=3):
        result = evaluate_scenario(plan_input, scenario.as_engine())
        value = {label: sheet.cell(row=L.TABLE_FIRST_ROW + i, column=col).value for i, label in enumerate(labels)}
        assert Decimal(str(value["Besoin en fonds de roulement"])) == result.working_capital.requirement
        assert Decimal(str(value["Prêt couvrant le besoin"])).quantize(Decimal("0.01")) == (
            result.working_capital.loan_needed
        )
        total = sum((year.result for year in result.years), Decimal(0))
        assert Decimal(str(value["Résultat cumulé sur l'horizon"])).quantize(Decimal("0.01")) == total
    assert sheet["B5"].value == "=1" and str(sheet["B13"].value).startswith("='Synthèse'!")


def test_a_stored_scenario_out_of_the_engine_bounds_is_refused_before_queuing(holder_client, plan):
    """A factor stored outside 0–200 % (older data, a direct write) never reaches the worker: the risk
    analysis is refused in French and no job is queued."""
    services.plan_scenarios_add_presets(version=plan.versions.get())
    broken = PlanScenario.objects.get(name="prudent")
    PlanScenario.objects.filter(pk=broken.pk).update(headcount_factor=Decimal("9.5"))
    url = reverse("financing:version_risk", args=[plan.project_id, plan.pk, 1])
    before = Job.objects.count()
    response = holder_client.post(url, {"scenario": broken.pk}, **HTMX)
    assert response.status_code == 200
    assert "effectif" in response.content.decode().lower()
    assert Job.objects.count() == before


def test_the_scenarios_page_finds_its_risk_analysis_again_after_a_reload(
    holder_client, holder_membership, plan, settings
):
    """Issue 13: a job survives a page reload and is found again from the page that started it. The scenarios
    page shows the latest analysis started from it (progress while it waits, then its result, or its French
    error); without htmx the form comes back to it, and « Mes traitements » links back to it."""
    services.plan_scenarios_add_presets(version=plan.versions.get())
    prudent = PlanScenario.objects.get(name="prudent")
    risk_url = reverse("financing:version_risk", args=[plan.project_id, plan.pk, 1])
    assert 'name="depuis" value="scenarios"' in holder_client.get(_url(plan)).content.decode()

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    response = holder_client.post(risk_url, {"scenario": prudent.pk, "depuis": "scenarios"})
    assert response.status_code == 302 and response["Location"] == f"{_url(plan)}#risk-result"
    job = Job.objects.get()
    assert job.status == "pending" and job.origin_url == f"{_url(plan)}#risk-result"
    html = holder_client.get(_url(plan)).content.decode()
    assert "En attente d'un processus de calcul" in html
    assert f'hx-get="{risk_url}?scenario={prudent.pk}" hx-trigger="every 2s"' in html  # polls until it ends
    assert 'data-figure="shortfall"' not in html
    poll = holder_client.get(risk_url, {"scenario": prudent.pk}, **HTMX)
    assert "En attente" in poll.content.decode() and "HX-Trigger" not in poll
    detail = holder_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'href="{_url(plan)}#risk-result"' in detail

    Job.objects.filter(pk=job.pk).update(status="failed", error="Ce scénario a été supprimé.")
    html = holder_client.get(_url(plan)).content.decode()
    assert "Ce scénario a été supprimé." in html and "Relancer" in html
    # The block's last poll: the job has ended, the page hears it (htmx event, essaim/www/jobs/events.py).
    poll = holder_client.get(risk_url, {"scenario": prudent.pk}, **HTMX)
    assert poll["HX-Trigger"] == "jobFinished" and "every 2s" not in poll.content.decode()

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
    holder_client.post(risk_url, {"scenario": prudent.pk, "depuis": "scenarios"})
    html = holder_client.get(_url(plan)).content.decode()
    assert "Scénario « prudent »" in html and 'data-figure="shortfall"' in html and "every 2s" not in html

    # The version itself, started from the same page: the latest analysis is that one.
    holder_client.post(risk_url, {"depuis": "scenarios"})
    html = holder_client.get(_url(plan)).content.decode()
    assert 'data-figure="shortfall"' in html and "Scénario « prudent »" not in html

    # A colleague in the same organisation sees the page, not the holder's analyses (they are the requester's).
    colleague = Client()
    colleague.force_login(MembershipFactory(organization=holder_membership.organization).user)
    response = colleague.get(_url(plan))
    assert response.status_code == 200 and response.context["risk_job"] is None


def test_the_risk_analysis_of_a_deleted_scenario_is_not_shown(holder_client, plan):
    services.plan_scenarios_add_presets(version=plan.versions.get())
    prudent = PlanScenario.objects.get(name="prudent")
    risk_url = reverse("financing:version_risk", args=[plan.project_id, plan.pk, 1])
    holder_client.post(risk_url, {"scenario": prudent.pk, "depuis": "scenarios"})
    assert holder_client.get(_url(plan)).context["risk_job"] is not None
    prudent.delete()
    response = holder_client.get(_url(plan))
    assert response.context["risk_job"] is None and "Scénario « prudent »" not in response.content.decode()
