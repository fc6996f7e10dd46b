"""Benchmark of creating a test database: ``migrate`` from zero, timed per migration.

Creates the test database the way the test runner does (SQLite by default, PostgreSQL when
DATABASE_URL points to it), with ``MigrationExecutor.apply_migration`` wrapped in a timer, then
prints the total and the slowest migrations (process CPU time and wall time; on PostgreSQL the
server's own CPU is not in the process CPU). Run:
``.venv/bin/python bench/bench_migrations.py [how many slowest] [--gc-freeze]`` (figures in
docs/performance.md); ``--gc-freeze`` freezes the garbage collector's view of the startup heap during
the migrations, as tests/conftest.py does around ``django_db_setup``.
"""

import gc
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.test.runner import DiscoverRunner  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

TIMINGS: list[tuple[str, float, float]] = []
_apply = MigrationExecutor.apply_migration


def _timed_apply(self, state, migration, *args, **kwargs):
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        return _apply(self, state, migration, *args, **kwargs)
    finally:
        TIMINGS.append(
            (f"{migration.app_label}.{migration.name}", time.process_time() - cpu, time.perf_counter() - wall)
        )


def main(slowest: int) -> None:
    MigrationExecutor.apply_migration = _timed_apply
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0, interactive=False)
    freeze = "--gc-freeze" in sys.argv
    if freeze:
        gc.freeze()
    cpu, wall = time.process_time(), time.perf_counter()
    old = runner.setup_databases()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if freeze:
        gc.unfreeze()
    try:
        from django.db import connection

        label = connection.vendor + (" (gc frozen)" if freeze else "")
        print(f"{label}: {len(TIMINGS)} migrations applied, database created in {cpu:.1f} s CPU, {wall:.1f} s wall")
        applied_cpu, applied_wall = sum(t[1] for t in TIMINGS), sum(t[2] for t in TIMINGS)
        print(f"  of it in apply_migration: {applied_cpu:.1f} s CPU, {applied_wall:.1f} s wall")
        for name, c, w in sorted(TIMINGS, key=lambda t: -t[1])[:slowest]:
            print(f"  {name:70} {c:6.2f} s CPU {w:6.2f} s wall")
    finally:
        runner.teardown_databases(old)
        teardown_test_environment()


if __name__ == "__main__":
    numbers = [arg for arg in sys.argv[1:] if arg.isdigit()]
    main(int(numbers[0]) if numbers else 20)
