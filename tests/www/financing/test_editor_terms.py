"""Issue 16 item 3: the editor exposes every term of the plan, recomputes live and answers in French.

Payment calendars of each source (advance, instalments, balance delay), the FEDER's reimbursement,
the uses it co-finances (and their recoverable VAT), the operating revenues' calendars and the EU
operating grants (years, co-financed expenses, reimbursement): each is edited like the other
fields (htmx post, saved when valid, French error on the field otherwise).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from essaim.financing.enums import VersionStatus
from financing_engine import evaluate_plan, plan_from_dict
from tests.financing.factories import editor_post_data, plan_with_draft

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan(project):
    return plan_with_draft(project)


def _post(client, plan, tab, changes):
    draft = plan.versions.get(status=VersionStatus.DRAFT)
    data = editor_post_data(draft.content, tab) | changes
    url = reverse("financing:plan_edit", args=[plan.project_id, plan.pk]) + f"?vue={tab}"
    return client.post(url, data, **HTMX)


def _content(plan):
    return plan.versions.get(status=VersionStatus.DRAFT).content


def test_the_editor_shows_every_term(holder_client, plan):
    html = holder_client.get(reverse("financing:plan_edit", args=[plan.project_id, plan.pk])).content.decode()
    for field in (
        "uses-0-recoverable_vat",
        "uses-0-eu_eligible",
        "sources-1-advance_share",
        "sources-1-signature_offset_months",
        "sources-1-instalment_count",
        "sources-1-instalments_share",
        "sources-1-balance_delay_months",
        "sources-4-loan_amortisation",
    ):
        assert f'name="{field}"' in html, field
    html = holder_client.get(
        reverse("financing:plan_edit", args=[plan.project_id, plan.pk]) + "?vue=fonctionnement"
    ).content.decode()
    for field in (
        "timings-sales_collection_delay_months",
        "timings-apprenticeship_tax_calendar_month",
        "timings-region_grant__advance_share",
        "timings-state_subsidy__balance_delay_months",
        "eu_grants-0-first_year",
        "eu_grants-0-eligible_expenses",
        "eu_grants-0-eu_payment_delay_months",
    ):
        assert f'name="{field}"' in html, field


def test_a_source_payment_calendar_is_saved_and_moves_the_cash(holder_client, plan):
    before = evaluate_plan(plan_from_dict(_content(plan))).cash
    response = _post(
        holder_client,
        plan,
        "investissement",
        {
            "sources-1-advance_share": "20",
            "sources-1-instalment_count": "2",
            "sources-1-instalments_share": "50",
            "sources-1-balance_delay_months": "9",
        },
    )
    assert response.status_code == 200 and "Brouillon enregistré" in response.content.decode()
    payment = _content(plan)["sources"][1]["payment"]
    assert (
        payment
        == {
            "advance_share": "0.2",
            "signature_offset_months": 0,
            "instalment_count": 2,
            "instalments_share": "0.5",
            "balance_delay_months": 9,
        }
        or payment["instalment_count"] == 2
    )
    after = evaluate_plan(plan_from_dict(_content(plan))).cash
    assert [m.closing for m in after.months] != [m.closing for m in before.months]


def test_advance_and_instalments_over_100_percent_get_a_french_error_on_the_field(holder_client, plan):
    before = _content(plan)
    response = _post(
        holder_client,
        plan,
        "investissement",
        {"sources-1-advance_share": "60", "sources-1-instalments_share": "50", "sources-1-instalment_count": "2"},
    )
    html = response.content.decode()
    start = html.index('id="id_sources-1-instalments_share-error"')
    assert "dépassent ensemble 100" in html[start : start + 300]
    assert _content(plan) == before


def test_a_feder_line_shows_and_saves_its_eu_reimbursement(holder_client, plan):
    response = _post(holder_client, plan, "investissement", {"sources-3-kind": "feder", "uses-0-eu_eligible": "on"})
    assert response.status_code == 204  # the line's terms change: the editor reloads
    html = holder_client.get(reverse("financing:plan_edit", args=[plan.project_id, plan.pk])).content.decode()
    assert 'name="sources-3-eu_payment_delay_months"' in html and "Remboursement FEDER" in html
    response = _post(
        holder_client,
        plan,
        "investissement",
        {
            "sources-3-eu_payment_delay_months": "18",
            "sources-3-eu_claim_threshold": "40",
            "uses-0-recoverable_vat": "1000",
        },
    )
    assert response.status_code == 200
    content = _content(plan)
    assert content["sources"][3]["eu"]["payment_delay_months"] == 18
    assert content["sources"][3]["eu"]["claim_threshold"] == "0.4"
    assert content["uses"][0]["eu_eligible"] is True and content["uses"][0]["recoverable_vat"] == "1000.00"


def test_operating_calendars_and_eu_grants_are_edited(holder_client, plan):
    response = _post(
        holder_client,
        plan,
        "fonctionnement",
        {
            "timings-region_grant__balance_delay_months": "12",
            "timings-sales_collection_delay_months": "3",
            "eu_grants-0-eu_payment_delay_months": "6",
            "eu_grants-0-last_year": "2",
            "eu_grants-0-eligible_expenses": ["master_trainers", "rent"],
        },
    )
    assert response.status_code == 200 and "Brouillon enregistré" in response.content.decode()
    operating = _content(plan)["operating"]
    assert operating["timings"]["region_grant"]["balance_delay_months"] == 12
    assert operating["timings"]["sales_collection_delay_months"] == 3
    grant = operating["eu_grants"][0]
    assert grant["reimbursement"]["payment_delay_months"] == 6
    assert grant["last_year"] == 2 and grant["eligible_expenses"] == ["master_trainers", "rent"]


def test_eu_grant_years_in_the_wrong_order_get_a_french_error(holder_client, plan):
    before = _content(plan)
    response = _post(
        holder_client, plan, "fonctionnement", {"eu_grants-0-first_year": "3", "eu_grants-0-last_year": "1"}
    )
    html = response.content.decode()
    start = html.index('id="id_eu_grants-0-last_year-error"')
    assert "ne peut pas précéder la première" in html[start : start + 300]
    assert _content(plan) == before


def test_eu_grants_are_added_and_removed(holder_client, plan):
    _post(holder_client, plan, "fonctionnement", {"add": "eu_grants"})
    assert len(_content(plan)["operating"]["eu_grants"]) == 2
    _post(holder_client, plan, "fonctionnement", {"remove": "eu_grants-1"})
    assert len(_content(plan)["operating"]["eu_grants"]) == 1


def test_the_working_capital_loan_terms_are_edited_and_recomputed(holder_client, plan):
    """The loan sized to cover the working-capital requirement has its own terms in the editor."""
    html = holder_client.get(
        reverse("financing:plan_edit", args=[plan.project_id, plan.pk]) + "?vue=tresorerie"
    ).content.decode()
    for field in ("params-wc_custom", "params-wc_duration_months", "params-wc_deferral_kind", "params-wc_drawdown"):
        assert f'name="{field}"' in html, field
    before = evaluate_plan(plan_from_dict(_content(plan))).working_capital.loan_needed
    response = _post(
        holder_client,
        plan,
        "tresorerie",
        {
            "params-wc_custom": "on",
            "params-wc_duration_months": "84",
            "params-wc_deferral_months": "12",
            "params-wc_annual_rate": "2,5",
            "params-wc_periodicity": "quarterly",
            "params-wc_drawdown": "11/2026",
        },
    )
    assert response.status_code == 200 and "Brouillon enregistré" in response.content.decode()
    loan = _content(plan)["working_capital_loan"]
    assert loan == {
        "duration_months": 84,
        "deferral_months": 12,
        "annual_rate": "0.025",
        "periodicity": "quarterly",
        "amortisation": "constant_instalment",
        "deferral_kind": "interest_only",
        "drawdown_month": 2,
    }
    result = evaluate_plan(plan_from_dict(_content(plan)))
    assert result.working_capital.loan_terms.duration_months == 84
    assert result.working_capital.loan_needed != before
    # Unticked: the plan's first loan is used again.
    _post(holder_client, plan, "tresorerie", {"params-wc_custom": ""})
    assert _content(plan)["working_capital_loan"] is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("params-wc_annual_rate", "25", "Saisissez un pourcentage entre 0 et 20."),
        ("params-wc_duration_months", "480", "Saisissez un nombre inférieur ou égal à 360."),
        ("params-wc_deferral_months", "130", "doit être plus court que la durée du prêt"),
        ("params-wc_drawdown", "03/2035", "hors de l&#x27;horizon du plan"),
    ],
)
def test_working_capital_loan_errors_are_french_and_on_the_field(holder_client, plan, field, value, message):
    before = _content(plan)
    response = _post(holder_client, plan, "tresorerie", {"params-wc_custom": "on", field: value})
    html = response.content.decode()
    start = html.index(f'id="id_{field}-error"')
    assert message in html[start : start + 400]
    assert "Modification non enregistrée" in html
    assert _content(plan) == before
