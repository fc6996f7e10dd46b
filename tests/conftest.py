import gc
import os

import pytest
from django.db.backends.signals import connection_created
from hypothesis import HealthCheck, settings

# Property tests never assert a timing: hypothesis' per-example deadline and its « too slow » health
# check measure wall time, which a busy 2-core machine (or CI) stretches at random. Tests that need
# fewer or more examples still set their own `@settings`, on top of this profile.
settings.register_profile("essaim", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
# `make test` (and so CI) draws the same examples at every run, so that a run on a clean clone is
# reproducible and a merge is judged on its own changes; `make fuzz` draws new ones at every run, with
# more examples, to find what the fixed draw cannot (docs/security.md, « Entrées hostiles »).
settings.register_profile("ci", parent=settings.get_profile("essaim"), derandomize=True)
settings.register_profile("fuzz", parent=settings.get_profile("essaim"), max_examples=200)
settings.load_profile(os.environ.get("ESSAIM_HYPOTHESIS_PROFILE", "essaim"))

DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_setup",
    "live_server",
    "client",
    "admin_client",
    "django_user_model",
}


def pytest_collection_modifyitems(config, items):
    """With ESSAIM_DB_TESTS_ONLY=1 (the PostgreSQL run of `make test`), keep only the tests that touch
    the database: the others (pure engines, workbook formulas) do not depend on it and already ran."""
    if os.environ.get("ESSAIM_DB_TESTS_ONLY") != "1":
        return
    kept, dropped = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") is not None or DB_FIXTURES & set(
            getattr(item, "fixturenames", ())
        )
        (kept if uses_db else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def _throwaway_database(sender, connection, **kwargs):
    """The test database is thrown away at the end of the run, so a commit need not wait for the disk.

    SQLite: no fsync after each commit (``synchronous = OFF``), rollback journal kept in memory.
    PostgreSQL: ``synchronous_commit = off`` for this session (the server still writes everything; a
    commit just does not wait for the WAL flush). Transactions, savepoints, constraints and locking
    between connections (the browser tests' live server) behave exactly as before; only the waits on
    the disk go (migrations commit once per migration, transactional tests flush after each test).
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA journal_mode = MEMORY")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")


connection_created.connect(_throwaway_database)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """While each worker creates its test databases (``migrate`` from zero), the objects already alive
    (imported modules, the app registry: most of the heap) are moved out of the garbage collector's
    reach (``gc.freeze``), then put back. Rendering the migrations' model states allocates thousands of
    short-lived model classes, and every full collection walked that whole heap again: 14 % of the
    migrations' CPU time (docs/performance.md). Nothing is left uncollected: the frozen objects go back
    to the collector afterwards, and ``gc.disable`` was not used (the peak memory went from 124 to 716 MB)."""
    if fixturedef.argname != "django_db_setup":
        return (yield)
    gc.freeze()
    try:
        return (yield)
    finally:
        gc.unfreeze()


# Playwright's sync API runs an event loop in the test thread; the tests' own database
# access stays synchronous, so Django's async-safety guard is relaxed for the test run only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploaded files to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_trades(request):
    """The default trades come from a data migration; transactional tests (browser tests) flush the
    database, so every database test starts with them again."""
    if "django_db" not in request.keywords and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("db" if "transactional_db" not in request.fixturenames else "transactional_db")
    from essaim.trades.defaults import DEFAULT_TRADES, seed_default_trades
    from essaim.trades.models import Trade

    # One query when they are all there (the usual case), instead of one get_or_create per trade.
    if Trade.objects.filter(slug__in=[slug for slug, *_ in DEFAULT_TRADES]).count() < len(DEFAULT_TRADES):
        seed_default_trades(Trade)
