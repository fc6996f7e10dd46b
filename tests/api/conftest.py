import datetime as dt

import pytest
from django.utils import timezone

from essaim.api_tokens.enums import TokenScope
from essaim.api_tokens.services import api_token_create
from essaim.organizations.permissions import membership_writes
from tests.funding_applications.conftest import fa  # noqa: F401  (the dossiers' small world)


def make_token(user, *, scope=TokenScope.WRITE, membership=None, name="Logiciel de test", days=30):
    membership = membership or user.memberships.active().select_related("organization").first()
    if scope == TokenScope.WRITE and not membership_writes(membership):
        scope = TokenScope.READ
    token, secret = api_token_create(
        user=user,
        membership=membership,
        name=name,
        scope=scope,
        expires_on=timezone.localdate() + dt.timedelta(days=days),
    )
    return secret


class Api:
    """A test client that sends a token (``api.get(path, as_="bdt")``)."""

    def __init__(self, client, secrets):
        self.client = client
        self.secrets = secrets

    def _headers(self, as_):
        if as_ is None:
            return {}
        secret = self.secrets.get(as_, as_)
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, path, as_=None, **params):
        return self.client.get(f"/api/v1{path}", params, **self._headers(as_))

    def post(self, path, data=None, as_=None):
        return self.client.post(f"/api/v1{path}", data or {}, content_type="application/json", **self._headers(as_))

    def put(self, path, data=None, as_=None):
        return self.client.put(f"/api/v1{path}", data or {}, content_type="application/json", **self._headers(as_))


@pytest.fixture
def api(client, fa):  # noqa: F811
    """Write tokens (read tokens for lecteurs) for every user of the ``fa`` world, keyed like ``fa.users``."""
    secrets = {key: make_token(user) for key, user in fa.users.items()}
    return Api(client, secrets)
