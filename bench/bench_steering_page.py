"""Service time of the steering dashboard (« Pilotage »), in process, for the région and a collectivité.

Serves ``steering:dashboard`` with Django's test client (median of 5 after one warm-up) and prints, per
role: the wall time, the CPU time of this Python process, the CPU time of the PostgreSQL backend serving
it (read from ``/proc``, when the server runs on this machine), the number of queries and the bytes. The
two CPU times hardly move with the load of a shared machine, the wall time does: compare before and after
side by side. Run it on a database built by ``bench/bench_load.py`` (it logs the users in: it writes
sessions), e.g.::

    DJANGO_SETTINGS_MODULE=load_settings PYTHONPATH=bench:. ESSAIM_VAR_DIR=/tmp/essaim-bench \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/essaim_bench_national .venv/bin/python bench/bench_steering_page.py
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "load_settings")
sys.path[:0] = [os.path.join(os.path.dirname(__file__)), os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

ROLES = {"région": "region@essaim.demo", "collectivité": "collectivite@essaim.demo"}
RUNS = 5


def backend_cpu() -> float | None:
    """Seconds of CPU used so far by the PostgreSQL backend of this connection (None elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("select pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # the server runs elsewhere
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    path = reverse("steering:dashboard")
    print(f"{connection.settings_dict['NAME']} — {path}, médiane de {RUNS}, charge {os.getloadavg()[0]:.2f}")
    for role, email in ROLES.items():
        client = Client()
        client.force_login(get_user_model().objects.get(email=email))
        client.get(path)  # warm-up
        walls, cpus, backend = [], [], []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                before = backend_cpu()
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
                after = backend_cpu()
            if before is not None and after is not None:
                backend.append(after - before)
        assert response.status_code == 200, response.status_code
        # The two backend_cpu() reads are 2 of the captured queries.
        count = len(queries) - (2 if backend else 0)
        pg = f"{statistics.median(backend) * 1000:4.0f} ms" if backend else "   —"
        print(
            f"  {role:13} {statistics.median(walls) * 1000:5.0f} ms mur, {statistics.median(cpus) * 1000:4.0f} ms CPU "
            f"Python, {pg} CPU PostgreSQL, {count} requêtes, {len(response.content) // 1024} Ko"
        )


if __name__ == "__main__":
    main()
