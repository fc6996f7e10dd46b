"""Deny by default: every page of the interface sends an anonymous visitor to the sign-in page.

Walks every named URL of the interface (not the Django admin, which has its own sign-in page, nor the
REST API, which authenticates by token and answers 401: tests/api/test_basics.py), builds
it with placeholder arguments and asks it anonymously, with GET and with POST: the answer is a
redirect to the sign-in page carrying ``next``, before any view runs (the objects need not exist).
The only exceptions are the public pages listed in ``PUBLIC_VIEWS``, which the views mark
``login_not_required`` themselves.
"""

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.www.test_permission_matrix import PUBLIC_VIEWS

pytestmark = pytest.mark.django_db

PLACEHOLDERS = {"int": 1, "uuid": uuid.UUID(int=1), "slug": "x", "str": "x", "path": "x"}
CONVERTER_NAMES = {"IntConverter": "int", "UUIDConverter": "uuid", "SlugConverter": "slug", "StringConverter": "str"}


def _interface_urls(resolver=None, namespace="", converters=None):
    """(URL name, kwargs with placeholders) of every named URL outside the Django admin."""
    resolver = resolver or get_resolver()
    converters = converters or {}
    for pattern in resolver.url_patterns:
        level = {**converters, **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            if pattern.namespace in ("admin", "api"):
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _interface_urls(pattern, ns, level)
        elif isinstance(pattern, URLPattern) and pattern.name:
            kwargs = {name: PLACEHOLDERS[CONVERTER_NAMES[type(c).__name__]] for name, c in level.items()}
            yield f"{namespace}{pattern.name}", kwargs


INTERFACE_URLS = sorted(_interface_urls())


def test_the_walk_finds_the_interface():
    names = {name for name, _ in INTERFACE_URLS}
    assert {"dashboard:home", "projects:project_detail", "learners:detail", "orders:invoice_pdf"} <= names
    assert len(names) > 100


@pytest.mark.parametrize(("url_name", "kwargs"), INTERFACE_URLS, ids=[name for name, _ in INTERFACE_URLS])
def test_an_anonymous_visitor_is_sent_to_the_sign_in_page(client, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs)
    if url_name in PUBLIC_VIEWS:
        assert resolve(url).func.login_required is False, f"{url_name} doit être marquée login_not_required"
        return
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, f"{url_name} ({method.__name__}) : {response.status_code}"
        location = urlsplit(response["Location"])
        assert location.path == reverse("accounts:login"), f"{url_name} ({method.__name__}) : {location.path}"
        assert parse_qs(location.query) == {"next": [url]}


def test_the_public_pages_open_without_signing_in(client):
    for url_name in ("accounts:login", "accounts:password_reset"):
        assert client.get(reverse(url_name)).status_code == 200
