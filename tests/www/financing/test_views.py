import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from essaim.financing import services
from essaim.financing.enums import VersionStatus
from essaim.financing.models import FinancingPlanVersion
from essaim.jobs.models import Job
from financing_engine import demo_plan, plan_to_dict
from tests.financing.factories import editor_post_data, plan_with_draft

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.fixture(autouse=True)
def _few_scenarios(settings):
    settings.ESSAIM_RISK_SCENARIOS = 200


@pytest.fixture
def plan(project):
    return plan_with_draft(project)


def _edit_url(plan, tab=None):
    url = reverse("financing:plan_edit", args=[plan.project_id, plan.pk])
    return f"{url}?vue={tab}" if tab else url


def _draft(plan):
    return plan.versions.get(status=VersionStatus.DRAFT)


def test_plan_list_query_count_does_not_grow(holder_client, project, django_assert_num_queries):
    """The list of a project's plans runs a fixed number of queries, whatever the number of plans."""
    plan_with_draft(project)
    url = reverse("financing:plan_list", args=[project.pk])
    with django_assert_num_queries(6):
        response = holder_client.get(url)
    assert response.status_code == 200
    for i in range(3):
        services.plan_version_submit(version=_draft(plan_with_draft(project, name=f"Variante {i}")))
    with django_assert_num_queries(6):
        response = holder_client.get(url)
    assert response.content.decode().count("Variante") == 3
    assert "Soumise" in response.content.decode()


def test_version_page_query_count(holder_client, plan, django_assert_num_queries):
    """The plan page (the three views) runs a fixed, small number of queries; the cash view also looks up
    the latest risk analysis job of this version (issue 13)."""
    url = reverse("financing:plan_detail", args=[plan.project_id, plan.pk])
    holder_client.get(url)  # warm up the session
    for tab, queries in (("investissement", 6), ("fonctionnement", 6), ("tresorerie", 7)):
        with django_assert_num_queries(queries):
            response = holder_client.get(url, {"vue": tab})
        assert response.status_code == 200
        assert response.context["tab"] == tab


def test_version_page_shows_french_figures_and_accessible_chart(holder_client, plan):
    """The cash view draws an SVG chart with title and description, the floor and trough, and its table."""
    response = holder_client.get(
        reverse("financing:plan_detail", args=[plan.project_id, plan.pk]), {"vue": "tresorerie"}
    )
    html = response.content.decode()
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert f"Plancher de sécurité : 20{NNBSP}000,00{NBSP}€" in html
    assert f"Point bas avec les prêts : -145{NNBSP}341,65{NBSP}€ (02/2027)" in html
    assert html.count('<th scope="row">') >= 84  # one row per month
    assert f"294{NNBSP}800,00{NBSP}€" in html  # working-capital requirement
    investment = holder_client.get(reverse("financing:plan_detail", args=[plan.project_id, plan.pk])).content.decode()
    assert f"450{NNBSP}000,00{NBSP}€" in investment
    assert "Échéancier par année scolaire" in investment


def test_editor_change_saves_and_returns_recomputed_partials(holder_client, plan):
    """An htmx change saves the draft and returns totals, working capital, loans and rules as partials."""
    data = editor_post_data(_draft(plan).content, "investissement")
    data["uses-0-amount"] = "300 000"
    response = holder_client.post(_edit_url(plan, "investissement"), data, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="plan-keyfigures"')
    assert f"490{NNBSP}000,00{NBSP}€" in html  # total uses
    assert 'id="plan-tab-results" hx-swap-oob="true"' in html
    assert 'id="save-status"' in html and "Brouillon enregistré" in html
    assert 'id="id_uses-0-amount-error" class="field-errors" hx-swap-oob="true"></div>' in html
    assert "Prêts et échéanciers" in html and "Règles de validation" in html
    assert '<svg class="cash-chart"' in html and "Tableau des soldes mensuels" in html
    assert _draft(plan).content["uses"][0]["amount"] == "300000.00"


@pytest.mark.parametrize(
    ("tab", "field", "value", "message"),
    [
        ("investissement", "uses-0-amount", "-5", "Le montant ne peut pas être négatif."),
        ("investissement", "uses-0-amount", "douze mille", "Saisissez un nombre, par exemple 1"),
        (
            "investissement",
            "uses-0-month",
            "03/2035",
            "Le mois 03/2035 est hors de l&#x27;horizon du plan (09/2026 à 08/2033).",
        ),
        ("investissement", "uses-0-month", "mars", "Saisissez un mois au format MM/AAAA"),
        ("investissement", "sources-4-loan_duration_months", "480", "Saisissez un nombre inférieur ou égal à 360."),
        ("investissement", "sources-4-loan_annual_rate", "25", "Saisissez un pourcentage entre 0 et 20."),
        # Errors only the engine sees (a relation between fields) are put back on the field too.
        ("investissement", "sources-4-loan_deferral_months", "130", "doit être plus court que la durée du prêt"),
        ("fonctionnement", "years-2-rent", "-100", "Le montant ne peut pas être négatif."),
        ("fonctionnement", "years-0-youths", "12,5", "Saisissez un nombre entier."),
        ("tresorerie", "params-cash_floor", "beaucoup", "Saisissez un nombre"),
        ("tresorerie", "params-opening_month", "09/2027", "première année scolaire"),
    ],
)
def test_editor_bad_input_shows_french_error_on_the_field_and_saves_nothing(
    holder_client, plan, tab, field, value, message
):
    """Bad input: a French message on the field (htmx out-of-band), nothing saved."""
    before = _draft(plan).content
    data = editor_post_data(before, tab) | {field: value}
    response = holder_client.post(_edit_url(plan, tab), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    start = html.index(f'id="id_{field}-error"')
    assert message in html[start : start + 400]
    assert "Modification non enregistrée" in html
    assert _draft(plan).content == before


def test_editor_without_javascript(holder_client, plan):
    """Without htmx the form posts normally: saved and redirected, or re-rendered with its errors."""
    data = editor_post_data(_draft(plan).content, "tresorerie") | {"params-cash_floor": "30 000,50"}
    response = holder_client.post(_edit_url(plan), data)
    assert response.status_code == 302
    assert _draft(plan).content["cash_floor"] == "30000.50"
    response = holder_client.post(_edit_url(plan), data | {"params-cash_floor": "-1"})
    assert response.status_code == 200
    assert "Le montant ne peut pas être négatif." in response.content.decode()
    assert "<!DOCTYPE html>" in response.content.decode()


def test_editor_adds_and_removes_lines(holder_client, plan):
    """The « add » and « remove » buttons change the lines of the draft."""
    data = editor_post_data(_draft(plan).content, "investissement")
    holder_client.post(_edit_url(plan), data | {"add": "uses"})
    assert len(_draft(plan).content["uses"]) == 8
    data = editor_post_data(_draft(plan).content, "investissement")
    holder_client.post(_edit_url(plan), data | {"remove": "sources-3"})
    assert [s["kind"] for s in _draft(plan).content["sources"]] == [
        "state_grant",
        "region_grant",
        "epci_grant",
        "bdt_subordinated_loan",
    ]


def test_editor_reloads_when_the_horizon_changes(holder_client, plan):
    """Changing the horizon saves and asks htmx to reload the editor (the years table changes shape)."""
    data = editor_post_data(_draft(plan).content, "tresorerie") | {"params-horizon_years": "5"}
    response = holder_client.post(_edit_url(plan, "tresorerie"), data, **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"].endswith("?vue=tresorerie")
    assert len(_draft(plan).content["operating"]["years"]) == 5


def test_source_turned_into_a_loan_gets_bdt_like_terms(holder_client, plan):
    """A source changed into a loan gets default terms (10 years, 3 deferred) and the editor reloads."""
    data = editor_post_data(_draft(plan).content, "investissement") | {"sources-3-kind": "bank_loan"}
    response = holder_client.post(_edit_url(plan, "investissement"), data, **HTMX)
    assert response.status_code == 204
    loan = _draft(plan).content["sources"][3]["loan"]
    assert (loan["duration_months"], loan["deferral_months"]) == (120, 36)


def test_editor_needs_a_draft(holder_client, plan):
    """Once every version is submitted, the editor sends back to the plan page."""
    services.plan_version_submit(version=_draft(plan))
    response = holder_client.get(_edit_url(plan))
    assert response.status_code == 302
    assert response["Location"] == reverse("financing:plan_detail", args=[plan.project_id, plan.pk])


def test_submit_new_version_and_compare(holder_client, plan):
    """Submit freezes version 1, a new version copies it, and the comparison lists the changed line."""
    args = [plan.project_id, plan.pk]
    response = holder_client.post(reverse("financing:version_submit", args=args), {"comment": "Pour la BdT"})
    assert response.status_code == 302
    first = plan.versions.get(number=1)
    assert first.status == VersionStatus.SUBMITTED and first.comment == "Pour la BdT"
    holder_client.post(reverse("financing:version_new", args=args))
    data = editor_post_data(_draft(plan).content, "investissement") | {"sources-4-amount": "180000"}
    data["uses-0-amount"] = "310 000"
    holder_client.post(_edit_url(plan), data)
    page = holder_client.get(reverse("financing:version_detail", args=[*args, 1])).content.decode()
    assert first.content_hash in page
    response = holder_client.get(reverse("financing:version_compare", args=args), {"de": 1, "a": 2})
    html = response.content.decode()
    assert "Prêt subordonné Banque des Territoires" in html
    assert f"130{NNBSP}000,00{NBSP}€" in html and f"180{NNBSP}000,00{NBSP}€" in html
    assert "modifiée" in html


def test_submit_refused_with_blocking_rule(holder_client, plan):
    """A plan breaking a blocking rule stays a draft; the holder reads why."""
    data = editor_post_data(_draft(plan).content, "investissement") | {"uses-0-amount": "1"}
    holder_client.post(_edit_url(plan), data)
    response = holder_client.post(reverse("financing:version_submit", args=[plan.project_id, plan.pk]), follow=True)
    assert "ne peut pas être soumise" in response.content.decode()
    assert _draft(plan).status == VersionStatus.DRAFT


def test_export_json(holder_client, plan):
    """The JSON export is the stored content (docs/plan-schema.json), as an attachment."""
    response = holder_client.get(reverse("financing:version_export_json", args=[plan.project_id, plan.pk, 1]))
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert json.loads(response.content) == plan_to_dict(demo_plan())


def test_import_json_and_errors(holder_client, plan):
    """A JSON plan imports into the draft; an invalid one lists its fields in French and saves nothing."""
    url = reverse("financing:plan_import", args=[plan.project_id, plan.pk])
    content = plan_to_dict(demo_plan()) | {"cash_floor": "12345.00"}
    upload = SimpleUploadedFile("plan.json", json.dumps(content).encode(), content_type="application/json")
    assert holder_client.post(url, {"file": upload}).status_code == 302
    assert _draft(plan).content["cash_floor"] == "12345.00"
    content["sources"][4]["loan"]["annual_rate"] = "0.5"
    upload = SimpleUploadedFile("plan.json", json.dumps(content).encode(), content_type="application/json")
    html = holder_client.post(url, {"file": upload}).content.decode()
    # The field in French words with the line's label (issue 16: never a technical path such as sources[4]…).
    label = content["sources"][4]["label"]
    assert f"Ressource 5 « {label} », prêt : taux annuel : " in html and "entre 0 et 20" in html
    assert "sources[4]" not in html and "annual_rate" not in html
    assert _draft(plan).content["cash_floor"] == "12345.00"


def test_export_xlsx_and_import_back(holder_client, plan):
    """The .xlsx export downloads and imports back unchanged into the draft."""
    from essaim.financing.xlsx import XLSX_CONTENT_TYPE

    response = holder_client.get(reverse("financing:version_export_xlsx", args=[plan.project_id, plan.pk, 1]))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].endswith('-v1.xlsx"')
    services.plan_version_submit(version=_draft(plan))
    upload = SimpleUploadedFile("plan.xlsx", response.content, content_type=XLSX_CONTENT_TYPE)
    url = reverse("financing:plan_import", args=[plan.project_id, plan.pk])
    assert holder_client.post(url, {"file": upload}).status_code == 302
    assert _draft(plan).number == 2
    assert _draft(plan).content == plan.versions.get(number=1).content


def test_import_xlsx_error_names_sheet_and_cell_and_saves_nothing(holder_client, plan):
    """A broken workbook lists sheet, cell and reason, and nothing is imported."""
    import openpyxl

    from essaim.financing.xlsx import plan_to_xlsx
    from essaim.financing.xlsx.layout import PARAMETERS

    workbook = openpyxl.load_workbook(io.BytesIO(plan_to_xlsx(demo_plan())))
    missing = PARAMETERS
    del workbook[missing]
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = list(FinancingPlanVersion.objects.values_list("content", flat=True))
    upload = SimpleUploadedFile("plan.xlsx", buffer.getvalue())
    response = holder_client.post(reverse("financing:plan_import", args=[plan.project_id, plan.pk]), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="col">Feuille</th>' in html and missing in html
    assert list(FinancingPlanVersion.objects.values_list("content", flat=True)) == before


def test_risk_runs_as_a_job_and_its_result_is_shown_again(holder_client, plan):
    """The risk button queues a job (run synchronously in the tests) and the block shows the shortfall
    probability, P95 requirement and loan; the version page shows the stored result again after a reload,
    until the draft is edited."""
    url = reverse("financing:version_risk", args=[plan.project_id, plan.pk, 1])
    html = holder_client.post(url, **HTMX).content.decode()
    assert "<!DOCTYPE" not in html
    assert "Analyse de risque du plan de financement" in html and "Terminé en" in html
    assert "Probabilité d'une trésorerie négative" in html
    assert 'data-figure="wcr-p95"' in html and 'data-figure="loan-p95"' in html
    assert Job.objects.get().status == "succeeded"
    page = holder_client.get(
        reverse("financing:version_detail", args=[plan.project_id, plan.pk, 1]), {"vue": "tresorerie"}
    )
    assert 'data-figure="shortfall"' in page.content.decode()
    redirect = holder_client.post(url)
    assert redirect.status_code == 302 and redirect["Location"].endswith("?vue=tresorerie#risk-title")
    version = plan.versions.get()
    version.save()  # the draft changed: its former analysis no longer applies
    again = holder_client.get(
        reverse("financing:version_detail", args=[plan.project_id, plan.pk, 1]), {"vue": "tresorerie"}
    )
    assert 'data-figure="shortfall"' not in again.content.decode()
    assert again.context["risk_job"].status == "succeeded" and again.context["risk"] is None


def test_plan_creation_and_project_link(holder_client, project):
    """The project page links to its plans; the holder creates a plan from the model plan."""
    detail = holder_client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert reverse("financing:plan_list", args=[project.pk]) in detail
    response = holder_client.post(reverse("financing:plan_create", args=[project.pk]), {"name": "Plan principal"})
    plan = project.financing_plans.get()
    assert response["Location"] == reverse("financing:plan_edit", args=[project.pk, plan.pk])
    assert _draft(plan).content["name"] == project.name
