"""Load benchmark: the site served by gunicorn (3 workers) on PostgreSQL, at demo size and national size.

For each size (a PostgreSQL database built once: migrations, reference territories, demo content, and for
« national » the fictitious national programme of ``essaim load_demo --national``):

1. in-process service time of each ordinary page (Django test client, median of 5), its query count and
   its bytes;
2. 20 concurrent clients for 60 s over the main pages of each role (Région, BdT, FNEP, collectivité,
   project holder, open school): p50 / p95 / p99 per page, errors, throughput, bytes per page;
3. the same load while 3 workers run heavy jobs (steering-committee PDF reports, queued back to back):
   the light pages' p95 with and without them;
4. one steering PDF report as a job in a fresh worker: time and peak memory (RSS) of the worker.

Run: ``.venv/bin/python bench/bench_load.py [--sizes demo,national] [--duration 60] [--clients 20] [--rebuild]``
(``--worker-nice 0,10 --rounds 2``: the heavy-job phase with the workers at each priority, alternated after
each load without jobs, to compare them side by side on a shared machine; ``--no-pdf-job`` skips phase 4)
(PostgreSQL at ``BENCH_PG``, default ``postgres://postgres@127.0.0.1:5432``; databases ``essaim_bench_demo``
and ``essaim_bench_national`` — another prefix than ``essaim_bench`` with ``BENCH_DB_PREFIX``, another port
with ``BENCH_PORT`` — are kept between runs, ``--rebuild`` builds them again). The client is a
small Python program (threads, keep-alive connections) sharing the machine's cores with the server:
compare figures within one run. Figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
# Database names: ``<prefix>_demo`` and ``<prefix>_national`` (another prefix lets two runs share a server).
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "essaim_bench")
HEAVY_WORKERS = 3


def _env(size: str) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
        "DATABASE_URL": f"{PG}/{DB_PREFIX}_{size}",
        "ESSAIM_VAR_DIR": f"/tmp/{DB_PREFIX}-{size}",
        "LOG_LEVEL": "ERROR",
    }


def _essaim(size: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "essaim"), *args], env=_env(size), cwd=ROOT, check=True, **kwargs)


# --- Databases -------------------------------------------------------------------------------------------


def _admin_connection():
    import psycopg

    return psycopg.connect(f"{PG}/postgres", autocommit=True)


def _database_ready(size: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(f"{PG}/{DB_PREFIX}_{size}") as connection:
            marker = "ecole.nationale@essaim.demo" if size == "national" else "porteur@essaim.demo"
            row = connection.execute("select count(*) from accounts_user where email = %s", [marker]).fetchone()
            return bool(row and row[0])
    except psycopg.Error:
        return False


def _analyse(size: str) -> None:
    """Fresh planner statistics (this server may run with autovacuum off): the measure must not depend on them."""
    import psycopg

    with psycopg.connect(f"{PG}/{DB_PREFIX}_{size}", autocommit=True) as connection:
        connection.execute("vacuum analyze")


def ensure_database(size: str, rebuild: bool) -> None:
    if not rebuild and _database_ready(size):
        # Built by an earlier run: bring its schema up to the code's (new indexes), then refresh the planner's
        # statistics so that the measure does not depend on when autovacuum last passed.
        _essaim(size, "migrate", "--no-input", "-v", "0", stdout=subprocess.DEVNULL)
        _analyse(size)
        print(f"[{size}] base {DB_PREFIX}_{size} déjà construite (migrations appliquées, statistiques à jour)")
        return
    started = time.perf_counter()
    with _admin_connection() as connection:
        connection.execute(f"drop database if exists {DB_PREFIX}_{size}")
        connection.execute(f"create database {DB_PREFIX}_{size}")
    quiet = {"stdout": subprocess.DEVNULL}
    _essaim(size, "migrate", "--no-input", "-v", "0", **quiet)
    _essaim(size, "load_territories", **quiet)
    _essaim(size, "indicators", "load-reference", **quiet)
    _essaim(size, "load_demo", *(["--national"] if size == "national" else []), **quiet)
    _analyse(size)
    print(f"[{size}] base construite en {time.perf_counter() - started:.0f} s")


# --- Inside Django (a subprocess per size): sessions, pages, service times, jobs ---------------------------


def _django():
    sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
    import django

    django.setup()


def _session_for(email: str) -> str:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(email=email)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _pages(size: str) -> dict:
    """Roles → session and pages (name → path). The same pages at both sizes."""
    from django.urls import reverse

    from essaim.funding_applications.models import FundingApplication
    from essaim.organizations.models import Organization
    from essaim.projects.models import Project
    from essaim.schools.models import ProductionSchool

    region = Organization.objects.get(kind="region")
    school_email = "ecole.nationale@essaim.demo" if size == "national" else "porteur@essaim.demo"
    if size == "national":
        school = ProductionSchool.objects.get(name="École de production nationale n°1 (fictive)")
    else:
        school = ProductionSchool.objects.get(name="École de production de démonstration")
    project = Project.objects.filter(holder__memberships__user__email="porteur@essaim.demo").order_by("pk").first()
    dossier = FundingApplication.objects.order_by("pk").first()
    assert region and project, "démonstration incomplète"
    home = reverse("dashboard:home")
    common = {"accueil": home, "projets": reverse("projects:project_list")}
    roles = {
        "region": (
            "region@essaim.demo",
            common
            | {
                "projet": reverse("projects:project_detail", args=[project.pk]),
                "écoles": reverse("schools:school_list"),
                "dossiers": reverse("funding_applications:list"),
                "pilotage": reverse("steering:dashboard"),
                "dispositifs": reverse("funding_programmes:catalogue"),
                "territoires": reverse("territories:index"),
                "partenaires": reverse("organizations:organization_list"),
                "traitements": reverse("jobs:list"),
            },
        ),
        "bdt": (
            "bdt@essaim.demo",
            common
            | {
                "dossiers": reverse("funding_applications:list"),
            }
            | ({"dossier": reverse("funding_applications:detail", args=[dossier.pk])} if dossier else {}),
        ),
        "fnep": ("fnep@essaim.demo", common | {"dossiers": reverse("funding_applications:list")}),
        "collectivite": ("collectivite@essaim.demo", common | {"pilotage": reverse("steering:dashboard")}),
        "porteur": (
            "porteur@essaim.demo",
            common | {"projet": reverse("projects:project_detail", args=[project.pk])},
        ),
        "ecole": (
            school_email,
            {
                "école": reverse("schools:school_home", args=[school.pk]),
                "factures": reverse("orders:invoice_list", args=[school.pk]),
                "devis": reverse("orders:quote_list", args=[school.pk]),
                "commandes": reverse("orders:order_list", args=[school.pk]),
                "jeunes": reverse("learners:list", args=[school.pk]),
            },
        ),
    }
    return {role: {"session": _session_for(email), "pages": pages} for role, (email, pages) in roles.items()}


def _service_times(roles: dict) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results = {}
    for role, spec in roles.items():
        client = Client()
        client.cookies["sessionid"] = spec["session"]
        for name, path in spec["pages"].items():
            client.get(path)  # warm-up
            timings = []
            for _ in range(5):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(path)
                    timings.append(time.perf_counter() - started)
            results[f"{role} : {name}"] = {
                "status": response.status_code,
                "median_ms": statistics.median(timings) * 1000,
                "queries": len(queries),
                "bytes": len(response.content),
            }
    return results


def _submit_jobs(count: int) -> list[str]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from essaim.jobs.services import job_submit
    from essaim.organizations.models import Organization
    from essaim.steering.jobs import report_parameters
    from essaim.steering.selectors import REGION_SCOPE

    user = get_user_model().objects.get(email="region@essaim.demo")
    region = Organization.objects.get(kind="region")
    parameters = report_parameters(scope=REGION_SCOPE, on=timezone.localdate())
    return [
        str(job_submit(kind="steering.report_pdf", parameters=parameters, user=user, organization=region).pk)
        for _ in range(count)
    ]


def _cancel_jobs() -> int:
    from essaim.jobs.models import Job
    from essaim.jobs.services import job_cancel

    count = 0
    for job in Job.objects.active():
        try:
            job_cancel(job=job)
            count += 1
        except Exception:  # noqa: BLE001 — finished in the meantime
            pass
    return count


def _job_outcome(job_id: str) -> dict:
    from essaim.jobs.models import Job

    job = Job.objects.get(pk=job_id)
    return {
        "status": job.status,
        "seconds": (job.finished_at - job.started_at).total_seconds() if job.finished_at and job.started_at else None,
        "bytes": job.result_file.size if job.has_file else 0,
        "error": job.error,
    }


def inner(command: str, size: str, argument: str) -> None:
    _django()
    if command == "prepare":
        roles = _pages(size)
        print(json.dumps({"roles": roles, "service": _service_times(roles)}))
    elif command == "submit":
        print(json.dumps(_submit_jobs(int(argument))))
    elif command == "cancel":
        print(json.dumps(_cancel_jobs()))
    elif command == "outcome":
        print(json.dumps(_job_outcome(argument)))


def _inner(size: str, command: str, argument: str = "") -> object:
    output = subprocess.run(
        [sys.executable, __file__, "--inner", command, size, argument],
        env=_env(size),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if output.returncode:
        raise RuntimeError(f"{command} ({size}) a échoué :\n{output.stderr[-3000:]}")
    output = output.stdout
    return json.loads(output.strip().splitlines()[-1])


# --- Server, workers, load --------------------------------------------------------------------------------


def start_server(size: str) -> subprocess.Popen:
    log = open(f"/tmp/essaim-bench-{size}-gunicorn.log", "ab")  # noqa: SIM115 — closed with the process
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi", "--workers", "3", "--bind", f"127.0.0.1:{PORT}", "--log-level", "error"],
        env=_env(size),
        cwd=ROOT,
        start_new_session=True,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn ne répond pas")


def stop(process: subprocess.Popen, grace: float = 30) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_workers(size: str, count: int, nice: int | None = None) -> list[subprocess.Popen]:
    """``nice``: the workers' ``ESSAIM_WORKER_NICE`` (None: the platform's default, as in production)."""
    env = _env(size) | ({"ESSAIM_WORKER_NICE": str(nice)} if nice is not None else {})
    return [
        subprocess.Popen(
            [str(BIN / "essaim"), "jobs", "-v", "0", "worker", "--interval", "0.5"],
            env=env,
            cwd=ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


def load(roles: dict, *, clients: int, duration: float) -> dict:
    """``clients`` threads, each on its own keep-alive connection, cycling through every (role, page)."""
    targets = [
        (f"{role} : {name}", path, spec["session"])
        for role, spec in roles.items()
        for name, path in spec["pages"].items()
    ]
    samples: dict[str, list[float]] = {name: [] for name, _, _ in targets}
    sizes: dict[str, int] = {}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client(seed: int) -> None:
        order = targets[:]
        random.Random(seed).shuffle(order)
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        index = seed
        while time.monotonic() < stop_at:
            name, path, session = order[index % len(order)]
            index += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": f"sessionid={session}"})
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
                body, ok = b"", False
            elapsed = time.perf_counter() - started
            with lock:
                if ok:
                    samples[name].append(elapsed)
                    sizes[name] = len(body)
                else:
                    errors[name] = errors.get(name, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    pages = {}
    for name, values in samples.items():
        values.sort()
        pages[name] = {
            "count": len(values),
            "errors": errors.get(name, 0),
            "bytes": sizes.get(name, 0),
            **{f"p{q}": (_percentile(values, q) * 1000 if values else None) for q in (50, 95, 99)},
        }
    total = sum(len(v) for v in samples.values())
    return {"pages": pages, "requests": total, "errors": sum(errors.values()), "throughput": total / wall}


def _percentile(ordered: list[float], q: int) -> float:
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[q - 1]


def pdf_job(size: str) -> dict:
    """One steering PDF report as a job, run by a fresh worker (``--batch``): time and the worker's peak RSS."""
    (job_id,) = _inner(size, "submit", "1")
    worker = subprocess.Popen(
        [str(BIN / "essaim"), "jobs", "-v", "0", "worker", "--batch"],
        env=_env(size),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(worker.pid, 0)
    worker.returncode = os.waitstatus_to_exitcode(status)
    outcome = _inner(size, "outcome", job_id)
    return outcome | {"peak_rss_mb": usage.ru_maxrss / 1024}


def _nice_label(nice: int | None) -> str:
    return "défaut" if nice is None else str(nice)


def heavy_phase(size: str, roles: dict, *, clients: int, duration: float, nice: int | None) -> dict:
    """The load while ``HEAVY_WORKERS`` workers make steering PDF reports back to back."""
    _inner(size, "submit", str(HEAVY_WORKERS * 40))
    workers = start_workers(size, HEAVY_WORKERS, nice)
    try:
        time.sleep(3)
        if any(worker.poll() is not None for worker in workers):
            raise RuntimeError("un processus de calcul s'est arrêté au démarrage")
        print(
            f"[{size}] charge avec {HEAVY_WORKERS} traitements lourds (rapports PDF) en cours, "
            f"workers à nice {_nice_label(nice)} (charge moyenne {os.getloadavg()[0]:.1f})…"
        )
        return load(roles, clients=clients, duration=duration) | {"loadavg": os.getloadavg()[0]}
    finally:
        _inner(size, "cancel")
        for worker in workers:
            stop(worker, grace=60)


def run_size(
    size: str,
    *,
    clients: int,
    duration: float,
    rebuild: bool,
    nices: list[int | None],
    rounds: int = 1,
    pdf: bool = True,
) -> dict:
    """The phases of one size. With several ``nices`` (the workers' ``ESSAIM_WORKER_NICE``) and ``rounds``,
    the heavy-job phase runs once per nice value after each load without jobs, alternated in the same run:
    the effect of the workers' priority measured side by side, in the same conditions."""
    ensure_database(size, rebuild)
    prepared = _inner(size, "prepare")
    roles, service = prepared["roles"], prepared["service"]
    result: dict = {"service": service, "rounds": []}
    server = start_server(size)
    try:
        load(roles, clients=clients, duration=min(10, duration))  # warm-up (connections, caches)
        for number in range(rounds):
            print(
                f"[{size}] charge sans traitement lourd ({clients} clients, {duration:.0f} s, "
                f"charge moyenne {os.getloadavg()[0]:.1f})…"
            )
            phase = {"load": load(roles, clients=clients, duration=duration) | {"loadavg": os.getloadavg()[0]}}
            phase["with_jobs"] = {
                _nice_label(nice): heavy_phase(size, roles, clients=clients, duration=duration, nice=nice)
                for nice in (nices if number % 2 == 0 else nices[::-1])  # alternate the order between rounds
            }
            result["rounds"].append(phase)
    finally:
        stop(server)
    first = result["rounds"][0]
    result["load"] = first["load"]
    result["load_with_jobs"] = first["with_jobs"][_nice_label(nices[0])]
    if pdf:
        print(f"[{size}] rapport PDF du comité de pilotage comme traitement…")
        result["pdf_job"] = pdf_job(size)
    return result


def _fmt(value, decimals=0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")


def report(results: dict) -> None:
    sizes = list(results)
    base = sizes[0]
    print("\n== Temps de service en processus (médiane de 5), requêtes SQL et octets par page")
    print(
        "| Page | "
        + " | ".join(f"{s} : ms | requêtes | Ko" for s in sizes)
        + (" | rapport |" if len(sizes) > 1 else " |")
    )
    for page in results[base]["service"]:
        cells = []
        for size in sizes:
            row = results[size]["service"].get(page)
            cells.append(
                f"{_fmt(row['median_ms'], 1)} | {row['queries']} | {_fmt(row['bytes'] / 1024, 0)}"
                if row
                else "— | — | —"
            )
        ratio = ""
        if len(sizes) > 1 and page in results[sizes[-1]]["service"]:
            last_ms = results[sizes[-1]]["service"][page]["median_ms"]
            ratio = f" | ×{_fmt(last_ms / results[base]['service'][page]['median_ms'], 2)}"
        print(f"| {page} | " + " | ".join(cells) + ratio + " |")
    for phase, title in (
        ("load", "sans traitement lourd"),
        ("load_with_jobs", f"avec {HEAVY_WORKERS} traitements lourds"),
    ):
        print(f"\n== Sous charge, {title} : p50 / p95 / p99 (ms), erreurs, Ko")
        print("| Page | " + " | ".join(f"{s} : p50 | p95 | p99 | err. | Ko" for s in sizes) + " |")
        for page in results[base][phase]["pages"]:
            cells = []
            for size in sizes:
                row = results[size][phase]["pages"].get(page, {})
                cells.append(
                    f"{_fmt(row.get('p50'))} | {_fmt(row.get('p95'))} | {_fmt(row.get('p99'))} | "
                    f"{row.get('errors', 0)} | "
                    f"{_fmt(row.get('bytes', 0) / 1024)}"
                )
            print(f"| {page} | " + " | ".join(cells) + " |")
        for size in sizes:
            data = results[size][phase]
            print(
                f"{size} : {data['requests']} requêtes, {data['errors']} erreurs, "
                f"débit {_fmt(data['throughput'], 1)} req/s"
            )
    for size in sizes:
        for number, phase in enumerate(results[size]["rounds"], start=1):
            without = phase["load"]
            for nice, with_jobs in phase["with_jobs"].items():
                ratios = _p95_ratios(without["pages"], with_jobs["pages"])
                if ratios:
                    print(
                        f"{size}, tour {number}, workers à nice {nice} : p95 avec / sans traitements lourds : "
                        f"médiane ×{_fmt(statistics.median(ratios), 2)}, pire ×{_fmt(max(ratios), 2)} ; débit "
                        f"{_fmt(with_jobs['throughput'], 1)} req/s (sans : {_fmt(without['throughput'], 1)}) ; "
                        f"charge moyenne {_fmt(with_jobs['loadavg'], 1)}"
                    )
        pdf = results[size].get("pdf_job")
        if pdf:
            print(
                f"{size} : rapport PDF comme traitement : {pdf['status']}, {_fmt(pdf['seconds'], 1)} s, "
                f"mémoire max du worker {_fmt(pdf['peak_rss_mb'])} Mo, {_fmt(pdf['bytes'] / 1024)} Ko"
            )
    if len(sizes) > 1:
        first, last = results[base]["load"], results[sizes[-1]]["load"]
        print(f"débit {sizes[-1]} / {base} : {_fmt(100 * last['throughput'] / first['throughput'])} %")
        ratios = [
            last["pages"][p]["p95"] / first["pages"][p]["p95"]
            for p in first["pages"]
            if first["pages"][p].get("p95") and last["pages"].get(p, {}).get("p95")
        ]
        print(f"p95 {sizes[-1]} / {base} : médiane ×{_fmt(statistics.median(ratios), 2)}, pire ×{_fmt(max(ratios), 2)}")


def _p95_ratios(without: dict, with_jobs: dict) -> list[float]:
    return [
        with_jobs[p]["p95"] / without[p]["p95"]
        for p in without
        if without[p].get("p95") and with_jobs.get(p, {}).get("p95")
    ]


def _postgres_answers() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{PG}/postgres", connect_timeout=3).close()
    except Exception:  # noqa: BLE001 — any failure means: no server to measure on
        return False
    return True


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--inner":
        inner(*sys.argv[2:5])
        return
    if not _postgres_answers():
        print(f"PostgreSQL injoignable ({PG}) : mesure de charge non lancée (BENCH_PG=postgres://… pour la lancer).")
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="demo,national")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument(
        "--worker-nice",
        default="",
        help="the heavy-job phase once per value of the workers' ESSAIM_WORKER_NICE, side by side "
        "(e.g. 0,10; default: the platform's default only)",
    )
    parser.add_argument("--rounds", type=int, default=1, help="load without jobs then the heavy phases, N times")
    parser.add_argument("--no-pdf-job", action="store_true", help="skip the lone PDF job (time and memory)")
    options = parser.parse_args()
    nices = [int(value) for value in options.worker_nice.split(",") if value.strip()] or [None]
    print(f"Machine : {os.cpu_count()} cœurs, charge moyenne {os.getloadavg()[0]:.1f} au départ")
    results = {
        size: run_size(
            size,
            clients=options.clients,
            duration=options.duration,
            rebuild=options.rebuild,
            nices=nices,
            rounds=max(1, options.rounds),
            pdf=not options.no_pdf_job,
        )
        for size in options.sizes.split(",")
    }
    print(f"Charge moyenne à la fin : {os.getloadavg()[0]:.1f}")
    if options.json:
        Path(options.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    report(results)


if __name__ == "__main__":
    main()
