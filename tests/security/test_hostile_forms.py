"""Hostile input to every form of every area, as an actor allowed to use it (issue 12, a standing test).

The forms are discovered from the permission matrix (tests/www/matrix/): every POST row names a URL,
the actors allowed and a valid submission. For each, hypothesis replaces one field of that submission
by a hostile value (huge, negative, NaN, exponent, unicode, empty, over-long, wrong type, out-of-range
id: tests/security/hostile.py) and posts it. The pages with a GET form (filters) get hostile query
strings in the same way, on the field names read from the page itself.

Asserted for every example:
* never a 5xx (nor an exception out of the view);
* a refusal (the form shown again with an error) is in French and writes nothing to the database (no
  INSERT, UPDATE or DELETE but the session's and the login throttle's);
* an accepted value leads to a page that renders (the next page never breaks on what was just saved).

Each example runs in its own savepoint, rolled back. A few examples per form keep the whole run short
(``max_examples`` below); hypothesis' database replays past failures first.
"""

import re
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.hostile import hostile_value
from tests.www.test_permission_matrix import MATRIX

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=5,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
UNWATCHED_TABLES = ("django_session", "axes_")
# Django's own messages when a translation is missing: none may reach a user.
ENGLISH = re.compile(
    r"Enter a (?:valid|whole|number)|This field is required|Select a valid choice|Ensure this value"
    r"|is not a valid value|Ensure that there are no more|Enter a list of values|The submitted file"
)
ERROR_MARKUP = ('class="errorlist', "message-error", "field-error", 'role="alert"')


def _actor(row):
    allowed = sorted(actor for actor in row[5] if actor != "anonymous")
    return allowed[0] if allowed else None


POST_ROWS = [row for row in MATRIX if row[3] == "post" and _actor(row)]
GET_ROWS = [row for row in MATRIX if row[3] == "get" and _actor(row)]
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}


def _writes(queries):
    return [q["sql"] for q in queries if WRITE.match(q["sql"]) and not any(t in q["sql"] for t in UNWATCHED_TABLES)]


def _rewind(data):
    for value in data.values():
        if hasattr(value, "seek"):
            value.seek(0)


class _Savepoint:
    """An atomic block rolled back at the end; services opening ``atomic(durable=True)`` see it as the
    test's own transaction (as the permission matrix does)."""

    def __enter__(self):
        self.block = transaction.atomic()
        self.block._from_testcase = True
        self.block.__enter__()

    def __exit__(self, *exc):
        transaction.set_rollback(True)
        self.block.__exit__(*exc)


def _check_page(client, response, what):
    assert response.status_code < 500, f"{what} : erreur {response.status_code}"
    body = response.content.decode(errors="replace") if response.get("Content-Type", "").startswith("text/") else ""
    english = ENGLISH.search(body)
    assert english is None, f"{what} : message en anglais « {english.group(0)} »"
    return body


@pytest.mark.parametrize("row", POST_ROWS, ids=[row[0] for row in POST_ROWS])
def test_hostile_values_posted_to_every_form(client, world, row):
    _, url_name, kwargs_builder, _, data_builder, _ = row[:6]
    client.force_login(world["users"][_actor(row)])
    url = reverse(url_name, kwargs=kwargs_builder(world) if kwargs_builder else None)
    base = data_builder(world) if data_builder else {}
    fields = sorted(name for name, value in base.items() if name not in SKIPPED_FIELDS and not hasattr(value, "read"))
    if not fields:
        pytest.skip("action sans champ (un bouton)")

    @FUZZ
    @given(field=st.sampled_from(fields), value=hostile_value)
    def post_one(field, value):
        data = dict(base)
        _rewind(data)
        data[field] = value
        what = f"POST {url_name} {field}={str(value)[:60]!r}"
        with _Savepoint():
            with CaptureQueriesContext(connection) as queries:
                response = client.post(url, data)
            body = _check_page(client, response, what)
            if response.status_code == 200 and any(marker in body for marker in ERROR_MARKUP):
                assert _writes(queries.captured_queries) == [], f"{what} : refusé mais des données ont changé"
            elif response.status_code == 302:
                _check_page(client, client.get(response["Location"]), f"{what} → {response['Location']}")

    post_one()


FORM_GET = re.compile(r"<form\b(?![^>]*method=\"post\")[^>]*>(.*?)</form>", re.S | re.I)
FIELD_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"", re.I)


@pytest.mark.parametrize("row", GET_ROWS, ids=[row[0] for row in GET_ROWS])
def test_hostile_query_strings_on_every_filter_form(client, world, row):
    _, url_name, kwargs_builder = row[:3]
    client.force_login(world["users"][_actor(row)])
    url = reverse(url_name, kwargs=kwargs_builder(world) if kwargs_builder else None)
    page = client.get(url)
    if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
        pytest.skip("pas une page HTML")
    names = sorted({name for form in FORM_GET.findall(page.content.decode()) for name in FIELD_NAME.findall(form)})
    if not names:
        pytest.skip("pas de formulaire de filtre")

    @settings(FUZZ, max_examples=3)
    @given(field=st.sampled_from(names), value=hostile_value)
    def get_one(field, value):
        query = urlencode({field: value}, doseq=True)
        with _Savepoint():
            _check_page(client, client.get(f"{url}?{query}"), f"GET {url_name}?{query[:80]}")

    get_one()
