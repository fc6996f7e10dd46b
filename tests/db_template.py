"""The migrated test database that every xdist worker clones (``tests/conftest.py``).

``pytest -n N`` used to have each worker create its own test database by running every migration from
zero (≈ 11–14 s of CPU each, docs/performance.md « Durée de la suite de tests »). Now the xdist
controller starts this script once, in a subprocess, as the run begins: it migrates one database (the
*template*) while the workers start and collect the tests; each worker then waits for it and copies
it (SQLite: a file copy; PostgreSQL: ``CREATE DATABASE … TEMPLATE``).

Run as ``python -m tests.db_template <template name> <status file>`` with the file descriptor of a
lock file the controller has locked: this process holds that lock until it exits, so a worker that
takes the lock after it knows the template is finished — or that this process died, in which case the
status file does not say ``ok`` and the worker migrates its own database as before.
"""

import gc
import os
import sys


def throwaway_database(sender, connection, **kwargs):
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


def build(template_name: str, status_path: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.backends.signals import connection_created

    connection_created.connect(throwaway_database)
    # Same trick as the workers' own migrate (tests/conftest.py, ``pytest_fixture_setup``): the startup
    # heap is left out of the full collections that rendering the migrations' model states triggers.
    gc.freeze()
    settings.DATABASES[DEFAULT_DB_ALIAS].setdefault("TEST", {})["NAME"] = template_name
    connection = connections[DEFAULT_DB_ALIAS]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    # PostgreSQL copies a template only when nobody is connected to it.
    connections.close_all()
    partial = f"{status_path}.partial"
    with open(partial, "w") as status:
        status.write("ok")
    os.replace(partial, status_path)


if __name__ == "__main__":
    build(sys.argv[1], sys.argv[2])
