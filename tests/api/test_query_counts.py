"""Every list of the API answers in a constant number of queries (measured at two sizes)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.funding_applications.factories import create_application
from tests.funding_programmes.factories import BudgetEnvelopeFactory, FundingLineFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

# Token lookup, membership check of the rules where needed, the page, its prefetches, the use log (2).
LISTS = {
    "/projects": 6,
    "/funding-applications": 5,
    "/financing-plans": 6,
    "/funding-lines": 5,
    "/envelopes": 5,
    "/organizations": 5,
    "/territories/communes": 5,
}


def _grow(fa, size):
    for i in range(size):
        project = ProjectFactory(holder=fa.orgs["holder"], commune=fa.project.commune, name=f"Projet {size}-{i}")
        create_application(project=project, funder=fa.orgs["bdt"], by=fa.users["holder"])
        FundingLineFactory(project=project, funder=fa.orgs["bdt"])
        BudgetEnvelopeFactory()


def _count(api, path):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, as_="holder", limit=100)
    assert response.status_code == 200, response.content[:300]
    return len(queries), len(response.json()["items"])


def test_lists_answer_in_constant_queries(fa, api):
    _grow(fa, 2)
    small = {path: _count(api, path) for path in LISTS}
    _grow(fa, 3)
    large = {path: _count(api, path) for path in LISTS}
    for path, bound in LISTS.items():
        (small_queries, small_items), (large_queries, large_items) = small[path], large[path]
        if path not in ("/territories/communes",):
            assert large_items > small_items, path
        assert small_queries == large_queries, (path, small_queries, large_queries)
        assert large_queries <= bound, (path, large_queries)
