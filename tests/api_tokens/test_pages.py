"""The « Jetons d'accès à l'API » pages: create (secret shown once, only its hash stored), list, revoke."""

import datetime as dt
import hashlib
import re

import pytest
from django.utils import timezone

from essaim.api_tokens.models import ApiToken
from essaim.organizations.enums import MembershipRole
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    membership = MembershipFactory(role=MembershipRole.MEMBER)
    client.force_login(membership.user)
    return membership


def _post(client, membership, **data):
    payload = {
        "name": "Progiciel des subventions",
        "membership": membership.pk,
        "scope": "write",
        "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
    } | data
    return client.post("/compte/jetons/", payload)


def test_create_shows_the_secret_once_and_stores_only_its_hash(client, member):
    response = _post(client, member)
    assert response.status_code == 200
    html = response.content.decode()
    secret = re.search(r'value="(essaim_[^"]+)"', html).group(1)
    token = ApiToken.objects.get()
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {str(v) for v in ApiToken.objects.values_list("name", "prefix", "secret_hash").get()}
    assert "il ne sera plus jamais affiché" in html
    assert response["Cache-Control"] == "no-store"
    # The list never shows it again.
    assert secret not in client.get("/compte/jetons/").content.decode()
    # And it works on the API.
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.json()["organization"]["name"] == member.organization.name


def test_reader_cannot_create_a_write_token(client):
    membership = MembershipFactory(role=MembershipRole.READER)
    client.force_login(membership.user)
    response = _post(client, membership)
    assert response.status_code == 422
    assert "Un lecteur ne peut créer" in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    ("expires_on", "message"),
    [
        (dt.date(2020, 1, 1), "postérieure à aujourd"),
        (dt.date.today() + dt.timedelta(days=400), "au plus tard dans un an"),
    ],
)
def test_expiry_bounds(client, member, expires_on, message):
    response = _post(client, member, expires_on=expires_on.isoformat())
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_stops_the_token(client, member):
    html = _post(client, member).content.decode()
    secret = re.search(r'value="(essaim_[^"]+)"', html).group(1)
    token = ApiToken.objects.get()
    response = client.post(f"/compte/jetons/{token.uid}/revoquer/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert "révoqué" in client.get("/compte/jetons/").content.decode()


def test_someone_elses_token_is_a_404(client, member):
    other = MembershipFactory()
    from essaim.api_tokens.services import api_token_create

    token, _ = api_token_create(
        user=other.user,
        membership=other,
        name="x",
        scope="read",
        expires_on=timezone.localdate() + dt.timedelta(days=3),
    )
    assert client.post(f"/compte/jetons/{token.uid}/revoquer/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
