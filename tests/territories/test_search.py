import pytest

from essaim.accounts.models import User
from essaim.territories.search import normalize, territories_search
from tests.territories.factories import CommuneFactory, EpciFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return User.objects.create_user(email="lecteur@example.org", password="mot-de-passe-solide")


def test_normalize_ignores_case_accents_punctuation_and_saint_abbreviation():
    """« St-Léger-lès-Domart » and « saint leger les domart » compare equal."""
    assert normalize("St-Léger-lès-Domart") == normalize("saint leger les domart") == "saint leger les domart"
    assert normalize("Œuilly") == "oeuilly"


def test_search_finds_communes_without_accents_best_match_first(user):
    """« peronne » finds Péronne; exact names come before longer ones, then larger populations."""
    CommuneFactory(code="80620", name="Péronne", population=7_500)
    CommuneFactory(code="59460", name="Péronne-en-Mélantois", population=900)
    CommuneFactory(code="62999", name="Mont-Saint-Éloi", population=1_000)

    results = territories_search(user=user, query="peronne")

    assert [c.name for c in results.communes] == ["Péronne", "Péronne-en-Mélantois"]
    assert results.communes[0].population == 7_500


def test_search_matches_codes_by_prefix(user):
    """A code prefix finds communes by INSEE code and EPCI by SIREN."""
    CommuneFactory(code="02001", name="Abbécourt")
    CommuneFactory(code="59350", name="Lille")
    EpciFactory(siren="200093201", name="Métropole Européenne de Lille")

    assert [c.code for c in territories_search(user=user, query="0200").communes] == ["02001"]
    assert [e.code for e in territories_search(user=user, query="20009").epcis] == ["200093201"]
    assert [e.name for e in territories_search(user=user, query="lille").epcis] == ["Métropole Européenne de Lille"]


def test_search_needs_two_characters_and_a_signed_in_user(user):
    """One character returns nothing; an anonymous user sees nothing."""
    from django.contrib.auth.models import AnonymousUser

    CommuneFactory(name="Lille")

    assert territories_search(user=user, query="L").is_empty
    assert territories_search(user=AnonymousUser(), query="Lille").is_empty
    assert not territories_search(user=user, query="  Lil  ").is_empty
