"""Benchmark of ``territories_load`` on the full reference dataset, into a fresh SQLite database.

Run with ``.venv/bin/python bench/bench_territories_load.py [--runs N]``; it prints a Markdown table.
Each run migrates a new temporary SQLite file, then times a first load (everything created) and a
second one (nothing changed: the idempotent path, which still reads and compares every row).
Reads the dataset from ``$ESSAIM_DATA_DIR`` (default ``<repo>/../shared/data/hauts-de-france``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_once() -> dict[str, float | int]:
    """One fresh database: migrate, first load, second load (in this process, already configured)."""
    from django.conf import settings
    from django.core.management import call_command

    from essaim.territories.services import territories_load

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    first = territories_load(data_dir=settings.ESSAIM_DATA_DIR)
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = territories_load(data_dir=settings.ESSAIM_DATA_DIR)
    second_seconds = time.perf_counter() - started
    return {
        "first": first_seconds,
        "second": second_seconds,
        "created": first.created,
        "second_created": second.created,
        "second_updated": second.updated,
    }


def _child() -> None:
    import django

    django.setup()
    result = _run_once()
    print(" ".join(f"{key}={value}" for key, value in result.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="number of fresh databases (default 3)")
    args = parser.parse_args()

    results = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="essaim-bench-") as folder:
            env = os.environ | {
                "DJANGO_SETTINGS_MODULE": "config.settings.dev",
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "ESSAIM_VAR_DIR": folder,
            }
            output = subprocess.run(
                [sys.executable, __file__, "--child"], env=env, cwd=ROOT, check=True, capture_output=True, text=True
            ).stdout
            values = dict(item.split("=") for item in output.split())
            results.append({key: float(value) for key, value in values.items()})

    first = [r["first"] for r in results]
    second = [r["second"] for r in results]
    print(f"### `territories_load`, full dataset, fresh SQLite ({len(results)} runs)\n")
    print("| Run | Rows written | Median (s) | Min (s) | Max (s) |")
    print("|---|---:|---:|---:|---:|")
    print(
        f"| First load (everything created) | {int(results[0]['created'])} | {statistics.median(first):.2f} "
        f"| {min(first):.2f} | {max(first):.2f} |"
    )
    written = int(results[0]["second_created"] + results[0]["second_updated"])
    print(
        f"| Second load (idempotent) | {written} | {statistics.median(second):.2f} "
        f"| {min(second):.2f} | {max(second):.2f} |"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if "--child" in sys.argv:
        _child()
    else:
        main()
