"""The indicators rows of the permission matrix, run with a URLconf that includes the pages.

In a module of their own: the matrix world is built once per module inside a transaction that stays
open until the module ends, so no other test may share the module.
"""

import pytest
from django.urls import reverse

from tests.www.matrix.actors import ACTORS
from tests.www.matrix.indicators import ALL_ROWS
from tests.www.test_permission_matrix import shared_world, world  # noqa: F401  (fixtures of the permission matrix)
from tests.www.test_permission_matrix import snapshot as matrix_snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", ALL_ROWS, ids=[row[0] for row in ALL_ROWS])
def test_indicators_permission_matrix(client, world, row, actor):  # noqa: F811
    """The matrix rows of tests/www/matrix/indicators.py, run with a URLconf that includes the pages."""
    _, url_name, kwargs_builder, method, data_builder, allowed = row
    user = world["users"][actor]
    if user is not None:
        client.force_login(user)
    url = reverse(url_name, kwargs=kwargs_builder(world) if kwargs_builder else None)
    before = matrix_snapshot()
    response = client.get(url) if method == "get" else client.post(url, data_builder(world))
    if actor in allowed:
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert not response["Location"].startswith(reverse("accounts:login"))
        if method == "post":
            assert matrix_snapshot() != before
    else:
        expected = (302,) if user is None else (403, 404)
        assert response.status_code in expected
        assert matrix_snapshot() == before
