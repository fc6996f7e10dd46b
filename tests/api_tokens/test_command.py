import pytest
from django.core.management import CommandError, call_command

from essaim.api_tokens.models import ApiToken
from essaim.api_tokens.services import hash_secret
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_command_creates_a_token_and_prints_it_once(capsys):
    membership = MembershipFactory()
    call_command("api_tokens", "create", membership.user.email, "--scope", "write")
    secret = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    assert token.secret_hash == hash_secret(secret)
    assert token.membership == membership and token.scope == "write"


def test_command_refuses_an_unknown_address():
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("api_tokens", "create", "personne@exemple.fr")
