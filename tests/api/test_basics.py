"""Authentication, errors in problem+json, the description and the documentation page."""

import json

import pytest

from essaim.api_tokens.enums import TokenScope
from essaim.api_tokens.models import ApiToken, ApiTokenUse
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db


def test_me_names_the_token_organisation_and_role(api, fa):
    response = api.get("/me", as_="bdt")
    assert response.status_code == 200
    data = response.json()
    assert data["organization"]["name"] == fa.orgs["bdt"].name
    assert data["role"] == "member"
    assert data["scope"] == "write"


@pytest.mark.parametrize("header", [None, "Bearer nope", "Bearer essaim_inconnu", "Basic abc"])
def test_no_or_bad_token_is_a_french_problem_401(client, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/projects", **headers)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 401
    assert problem["title"] == "Authentification requise"
    assert "Mon compte" in problem["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_browser_session_does_not_open_the_api(client, fa):
    client.force_login(fa.users["bdt"])
    assert client.get("/api/v1/projects").status_code == 401


def test_revoked_and_expired_tokens_stop_working(api, fa):
    from django.utils import timezone

    token = ApiToken.objects.get(user=fa.users["bdt"])
    token.revoked_at = timezone.now()
    token.save()
    assert api.get("/me", as_="bdt").status_code == 401
    secret = make_token(fa.users["fnep"], name="Second")
    ApiToken.objects.filter(name="Second").update(expires_at=timezone.now())
    assert api.get("/me", as_=secret).status_code == 401


def test_deactivated_membership_disables_its_tokens(api, fa):
    fa.users["bdt"].memberships.update(is_active=False)
    assert api.get("/me", as_="bdt").status_code == 401


def test_every_use_is_logged_with_address_and_status(api, fa):
    api.get("/me", as_="bdt")
    api.get("/projects/999999", as_="bdt")
    token = ApiToken.objects.get(user=fa.users["bdt"])
    assert token.use_count == 2
    assert token.last_used_ip == "127.0.0.1"
    assert token.last_used_at is not None
    uses = list(ApiTokenUse.objects.filter(token=token).order_by("at", "pk").values_list("path", "status_code"))
    assert uses == [("/api/v1/me", 200), ("/api/v1/projects/999999", 404)]


def test_invalid_query_names_the_field_in_french(api):
    response = api.get("/funding-applications", as_="bdt", state="nimporte", updated_since="hier")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert fields["state"].startswith("Valeur inconnue ; valeurs possibles")
    assert fields["updated_since"].startswith("Date et heure attendues")


def test_forged_cursor_is_refused_naming_the_cursor(api):
    response = api.get("/projects", as_="bdt", cursor="abc")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"


def test_rate_limit_per_token(api, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ESSAIM_API_RATE = "3/min"
    assert [api.get("/me", as_="bdt").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/me", as_="bdt")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Trop de requêtes" in response.json()["detail"]
    # Another token has its own budget.
    assert api.get("/me", as_="fnep").status_code == 200
    cache.clear()


def test_read_only_token_cannot_write(api, fa):
    secret = make_token(fa.users["bdt"], scope=TokenScope.READ, name="Lecture")
    response = api.post(
        f"/funding-applications/{fa.application.pk}/transitions", {"action": "start_review"}, as_=secret
    )
    assert response.status_code == 403
    assert "lecture seule" in response.json()["detail"]


def test_openapi_description_is_3_1_with_problem_json_errors(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    operation = schema["paths"]["/api/v1/funding-applications/{application_id}/transitions"]["post"]
    assert "application/problem+json" in operation["responses"]["409"]["content"]
    version = schema["components"]["schemas"]["VersionOut"]["properties"]["content"]
    assert version["$ref"] == "#/components/schemas/Plan"
    assert "PlanSourceLine" in schema["components"]["schemas"]
    json.dumps(schema)


def test_documentation_page_is_french_and_local(client):
    response = client.get("/api/v1/documentation/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Documentation de l'API" in html
    assert "Faire avancer le dossier dans son cycle de vie" in html
    assert 'id="erreur-conflit"' in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
