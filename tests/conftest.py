import gc
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.db.backends.signals import connection_created
from hypothesis import HealthCheck, settings

from tests.db_template import throwaway_database

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


connection_created.connect(throwaway_database)


# --- One migrated database per run, cloned by every xdist worker (tests/db_template.py) ---------------

_TEMPLATE = pytest.StashKey[dict]()


def _template_wanted(config) -> bool:
    """Only the controller of an xdist run (``-n N``, N ≥ 1) builds a template; ``-n 0`` migrates in
    process as before, and so do ``--reuse-db`` and ``--no-migrations`` (pytest-django's own paths) and
    ``ESSAIM_TEST_DB_TEMPLATE=0`` (each worker migrates its own database: to compare, or to rule it out)."""
    if os.environ.get("ESSAIM_TEST_DB_TEMPLATE") == "0":
        return False
    if hasattr(config, "workerinput") or getattr(config.option, "dist", "no") == "no":
        return False
    if config.getoption("collectonly") or config.getoption("reuse_db") or config.getoption("nomigrations"):
        return False
    try:
        import fcntl  # noqa: F401  (the workers wait on a POSIX lock)
    except ImportError:
        return False
    from django.conf import settings as django_settings

    return django_settings.configured and set(django_settings.DATABASES) == {"default"}


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """The controller starts migrating the template before the workers start (xdist spawns them in its
    own ``trylast`` ``pytest_sessionstart``), so the migration overlaps their start-up and collection."""
    import fcntl

    config = session.config
    if not _template_wanted(config):
        return
    from django.conf import settings as django_settings
    from django.db import connection

    workdir = Path(tempfile.mkdtemp(prefix="essaim-test-template-"))
    lock_path, status_path = workdir / "lock", workdir / "status"
    # SQLite: a file beside the lock; PostgreSQL: ``test_<name>_template`` beside the workers' ``…_gw0``.
    if connection.vendor == "sqlite":
        name = str(workdir / "template.sqlite3")
    else:
        name = f"{connection.creation._get_test_db_name()}_template"
    lock = os.open(lock_path, os.O_CREAT | os.O_RDWR)
    # Taken here and handed to the subprocess: it is held from before any worker exists until the
    # subprocess exits, whatever way it exits.
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tests.db_template", name, str(status_path)],
            cwd=config.rootpath,
            pass_fds=(lock,),
            env={**os.environ, "DJANGO_SETTINGS_MODULE": django_settings.SETTINGS_MODULE},
        )
    finally:
        os.close(lock)
    config.stash[_TEMPLATE] = {
        "name": name,
        "vendor": connection.vendor,
        "lock": str(lock_path),
        "status": str(status_path),
        "workdir": str(workdir),
        "process": process,
    }


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """Tell each xdist worker (replacements of a dead one included) where the template is."""
    template = node.config.stash.get(_TEMPLATE, None)
    if template:
        node.workerinput["essaim_db_template"] = {key: template[key] for key in ("name", "lock", "status")}


def pytest_unconfigure(config):
    """The controller drops the template (stopping its migration if no worker ever needed it)."""
    template = config.stash.get(_TEMPLATE, None)
    if not template:
        return
    process = template["process"]
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if template["vendor"] == "postgresql":
        from django.db import connection
        from pytest_django.plugin import blocking_manager_key

        with config.stash[blocking_manager_key].unblock(), connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(template['name'])}")
    shutil.rmtree(template["workdir"], ignore_errors=True)


def _wait_for_template(template) -> bool:
    """Block until the template's subprocess has exited; True when it finished the template."""
    import fcntl

    lock = os.open(template["lock"], os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)
    finally:
        os.close(lock)
    status = Path(template["status"])
    return status.exists() and status.read_text() == "ok"


def _clone_template(connection, template_name: str, target: str) -> None:
    """Copy the template to this worker's test database, replacing a leftover of an earlier run."""
    connection.close()
    if connection.vendor == "sqlite":
        for leftover in (target, f"{target}-journal"):
            if os.path.exists(leftover):
                os.remove(leftover)
        shutil.copyfile(template_name, target)
    else:
        quote = connection.ops.quote_name
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
            cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(template_name)}")


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's ``django_db_setup``, except that an xdist worker copies the run's migrated template
    (tests/db_template.py) instead of migrating its own database from zero. Without a template (``-n 0``,
    ``--reuse-db``, or the template's migration failed) it does exactly what pytest-django does."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    template = getattr(request.config, "workerinput", {}).get("essaim_db_template")
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    if template and aliases <= {DEFAULT_DB_ALIAS} and _wait_for_template(template):
        connection = connections[DEFAULT_DB_ALIAS]
        old_name = connection.settings_dict["NAME"]
        target = connection.creation._get_test_db_name()
        with django_db_blocker.unblock():
            _clone_template(connection, template["name"], target)
            connection.settings_dict["NAME"] = target  # the same dict as settings.DATABASES["default"]
            connection.ensure_connection()
            if DEFAULT_DB_ALIAS in serialized_aliases:
                connection._test_serialized_contents = connection.creation.serialize_db_to_string()
        yield
        with django_db_blocker.unblock():
            connection.creation.destroy_test_db(old_name, verbosity=0)
        return

    setup_databases_args = {}
    if not django_db_use_migrations:
        from pytest_django.fixtures import _disable_migrations

        _disable_migrations()
    if django_db_keepdb and not django_db_createdb:
        setup_databases_args["keepdb"] = True
    with django_db_blocker.unblock():
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            **setup_databases_args,
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)


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


_media_folders = itertools.count()


@pytest.fixture(scope="session")
def _media_base(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_root(settings, _media_base):
    """Every test writes uploaded files to its own folder, never used by another test (a fresh number
    in this process's own base folder; storage creates it on the first file saved). It used to be
    ``tmp_path / "media"``: ``tmp_path`` created a folder per test, ≈ 1,7 ms of CPU for each of the
    suite's 6 500 tests (docs/performance.md, « Session 7 »)."""
    settings.MEDIA_ROOT = _media_base / str(next(_media_folders))


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
