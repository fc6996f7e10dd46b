"""One dossier from deposit to payment, driven through the API by a client built only from the
OpenAPI description (tests/api/openapi_client.py), each request and answer checked against it."""

import pytest

from tests.api.openapi_client import OpenApiClient
from tests.funding_applications.factories import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def transport(client):
    """Plain HTTP through Django's test client: method, path, headers, bytes; nothing else."""

    def send(method, url, headers, body):
        extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
        extra.pop("HTTP_CONTENT_TYPE", None)
        response = client.generic(method, url, body or b"", content_type=headers.get("Content-Type", ""), **extra)
        return response.status_code, dict(response.headers), response.content

    return send


def test_deposit_to_payment_through_the_api(fa, api, transport):
    advance(fa.application, until="fnep_validated", actors=fa.actors)
    status, _, raw = transport("GET", "/api/v1/openapi.json", {}, None)
    assert status == 200
    import json

    description = json.loads(raw)
    fnep = OpenApiClient(description, transport, token=api.secrets["fnep"])
    bdt = OpenApiClient(description, transport, token=api.secrets["bdt"])
    holder = OpenApiClient(description, transport, token=api.secrets["holder"])
    dossier = {"application_id": fa.application.pk}

    # FNEP deposits the dossier with the Banque des Territoires.
    answer = fnep.call(
        "applications_transition", path=dossier, body={"action": "deposit", "effective_date": "2026-09-15"}
    )
    assert answer.status == 200 and answer.data["state"] == "deposited"
    # The funder finds it in its list, filtered on its state.
    listed = bdt.call("applications_list", query={"state": "deposited"})
    assert [item["id"] for item in listed.data["items"]] == [fa.application.pk]
    assert "start_review" in bdt.call("applications_get", path=dossier).data["available_actions"]

    bdt.call("applications_transition", path=dossier, body={"action": "start_review", "effective_date": "2026-09-20"})
    # A decision without its amount is refused, naming the field, and changes nothing.
    refused = bdt.call("applications_transition", path=dossier, body={"action": "grant"})
    assert refused.status == 422 and refused.content_type == "application/problem+json"
    assert refused.data["errors"][0]["field"] == "decided_amount"
    granted = bdt.call(
        "applications_transition",
        path=dossier,
        body={
            "action": "grant",
            "decided_amount": "120000.00",
            "conditions": "Garantie de la collectivité.",
            "effective_date": "2026-10-15",
        },
    )
    assert granted.data["state"] == "granted" and granted.data["decided_amount"] == "120000.00"
    # A payment before the convention is refused with the reason.
    early = bdt.call("applications_record_payment", path=dossier, body={"amount": "1.00", "paid_date": "2026-11-05"})
    assert early.status == 409
    bdt.call(
        "applications_transition",
        path=dossier,
        body={"action": "sign_convention", "convention_signed_date": "2026-11-01"},
    )
    first = bdt.call(
        "applications_record_payment",
        path=dossier,
        body={"amount": "50000.00", "paid_date": "2026-11-05", "label": "1re tranche"},
    )
    assert first.status == 201
    too_much = bdt.call(
        "applications_record_payment", path=dossier, body={"amount": "70000.01", "paid_date": "2026-11-10"}
    )
    assert too_much.status == 422 and too_much.data["errors"][0]["field"] == "amount"
    last = bdt.call("applications_record_payment", path=dossier, body={"amount": "70000.00", "paid_date": "2026-11-20"})
    assert last.data["disbursed_amount"] == "120000.00" and last.data["remaining_amount"] == "0.00"

    # The holder reads the whole story, logged like on the pages.
    story = holder.call("applications_get", path=dossier).data
    assert [t["action"] for t in story["transitions"]] == [
        "submit",
        "validate",
        "deposit",
        "start_review",
        "grant",
        "sign_convention",
    ]
    assert [p["amount"] for p in story["payments"]] == ["50000.00", "70000.00"]
    assert story["transitions"][-1]["organization"]["name"] == fa.orgs["bdt"].name
