"""Keys read from a query string: only what the database can hold is looked up."""

import pytest

from essaim.common.forms import key_or_none
from essaim.organizations.models import Organization

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        (" 12 ", 12),
        ("-3", -3),
        ("", None),
        (None, None),
        ("99999999999999999999", None),
        ("9223372036854775808", None),
        ("²", None),
        ("١٢", None),
        ("1e3", None),
        ("12abc", None),
    ],
)
def test_key_or_none(value, expected):
    assert key_or_none(Organization, value) == expected
