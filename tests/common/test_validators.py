import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from essaim.common.validators import luhn_is_valid, validate_siren, validate_siret


def test_valid_siren_and_siret_pass():
    """Real identifiers pass: Caisse des Dépôts (SIREN) and an establishment SIRET built on it."""
    validate_siren("180020026")
    validate_siren("180 020 026")
    validate_siret("18002002600019")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("18002002", "Le SIREN doit comporter 9 chiffres (8 saisis)."),
        ("18002002A", "Le SIREN ne doit contenir que des chiffres (9 chiffres)."),
        ("180020027", "Ce SIREN n'est pas valide : sa clé de contrôle est fausse."),
    ],
)
def test_invalid_siren_gets_a_french_message(value, message):
    """Length, digits and key errors each get their own French message."""
    with pytest.raises(ValidationError) as error:
        validate_siren(value)
    assert error.value.messages == [message]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1800200260001", "Le SIRET doit comporter 14 chiffres (13 saisis)."),
        ("1800200260001X", "Le SIRET ne doit contenir que des chiffres (14 chiffres)."),
        ("18002002600018", "Ce SIRET n'est pas valide : sa clé de contrôle est fausse."),
    ],
)
def test_invalid_siret_gets_a_french_message(value, message):
    """A SIRET of the wrong length, with letters or a wrong key is refused."""
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert error.value.messages == [message]


def test_la_poste_siret_follows_its_own_rule():
    """La Poste establishments (SIREN 356 000 000) are checked by digit sum modulo 5."""
    validate_siret("35600000000010")  # digit sum 15
    with pytest.raises(ValidationError):
        validate_siret("35600000000011")


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_luhn_key_digit_always_exists(prefix):
    """For any 8 digits exactly one key digit makes a valid SIREN (property of the Luhn scheme)."""
    valid = [d for d in "0123456789" if luhn_is_valid(prefix + d)]
    assert len(valid) == 1
