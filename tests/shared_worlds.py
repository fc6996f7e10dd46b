"""Data built once per test class (and xdist worker) instead of once per parametrized case.

The pattern of ``shared_world`` in tests/www/test_permission_matrix.py, for the modules that build a
large world and read it under many parameters (the query-count tests of the list pages): a fixture of
class scope opens an outer transaction on every database, builds, yields, and rolls back at the end of
the class. Class, not module: a module may hold several such worlds, and tests on a function-scoped
world; each world must be gone before the next test that does not read it. Each case then runs in
pytest-django's own savepoint on top of it (``db``), so whatever a case writes is undone before the
next one. The Python objects of the world are deep-copied for each case
(``fresh``), so that what a case caches on them never reaches the next one.

Such a fixture may also read pages while it builds (a page read on the small world, before the
world grows): the test then asserts on that reading as it did on its own.
"""

import copy
import shutil
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext


@contextmanager
def shared_transaction(django_db_blocker, media_root):
    """An outer transaction on every database, rolled back on leaving; the files written meanwhile go
    to ``media_root`` (copy them to a case's own media folder with ``fresh``)."""
    from essaim.trades.defaults import seed_default_trades
    from essaim.trades.models import Trade

    outers = []
    with django_db_blocker.unblock():
        try:
            for alias in connections:
                # Reuse the exemption Django gives its test transactions, so that a service opening a
                # durable block (``atomic(durable=True)``) behaves here as in any other database test.
                outer = transaction.atomic(using=alias)
                outer._from_testcase = True
                outer.__enter__()
                outers.append((alias, outer))
            with override_settings(MEDIA_ROOT=media_root):
                # A transactional test (browser tests) of the same worker may have flushed the database.
                seed_default_trades(Trade)
                yield
        finally:
            while outers:
                alias, outer = outers.pop()
                transaction.set_rollback(True, using=alias)
                outer.__exit__(None, None, None)


def fresh(world, media_root, settings):
    """A deep copy of ``world`` for one case, with the world's files copied into the case's media folder."""
    if media_root.exists():
        shutil.copytree(media_root, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return copy.deepcopy(world)


@dataclass
class Reading:
    """A page read (after a first reading that warms the session up), and the queries it made."""

    response: object
    queries: list

    def assert_at_most(self, bound):
        assert len(self.queries) <= bound, (
            f"Expected to perform {bound} queries or less but {len(self.queries)} were done\n\n"
            + "\n".join(query["sql"] for query in self.queries)
        )


def read(user, target, *, data=None, **extra):
    """``target`` read by ``user`` in a client of its own: once to warm the session up, then counted."""
    client = Client()
    client.force_login(user)
    client.get(target, data, **extra)
    with CaptureQueriesContext(connection) as counted:
        response = client.get(target, data, **extra)
    return Reading(response, list(counted.captured_queries))
