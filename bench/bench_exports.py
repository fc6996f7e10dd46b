"""Exports, proofs of deposit and the analysis jobs at national size: are they bounded and quick?

Runs in process (Django test client, signed in as the demo accounts) against an existing database built with
``essaim load_demo --national`` (PostgreSQL: ``DATABASE_URL``), and prints for each piece of work its median
time over 3 runs, its SQL queries and its size:

* the exports whose rows grow with the programme: projects (pipeline), funding dossiers, the programme's
  funding lines and totals (Région);
* the exports bounded by one school: its invoice journal, its youths' impact (the national school account,
  on its national school);
* a proof of deposit (« attestation de dépôt », one dossier's PDF, generated when the dossier is deposited);
* the import of the largest official indicator files of the reference data (dry run: checked, counted, rolled
  back), as the indicator import page runs it.

Run: ``DATABASE_URL=postgres://…/<national db> .venv/bin/python bench/bench_exports.py``. Figures in
docs/performance.md (« Exports and proofs of deposit at national size »).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "load_settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

RUNS = 3


def _measure(label, work):
    times, queries, size = [], 0, 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            size = work()
            times.append(time.perf_counter() - start)
        queries = len(captured.captured_queries)
    median = statistics.median(times) * 1000
    print(f"| {label} | {median:,.0f} | {queries} | {size / 1024:,.0f} |".replace(",", "\u202f"), flush=True)
    return median


def _client(email):
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    return client


def _get(client, url, method="get"):
    def work():
        response = getattr(client, method)(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(response.content)

    return work


def main():
    from essaim.demo import national
    from essaim.funding_applications import receipts
    from essaim.funding_applications.models import FundingApplication
    from essaim.learners.models import Learner
    from essaim.orders.models import Invoice
    from essaim.projects.models import Project

    region = _client("region@essaim.demo")
    print(
        f"Programme : {Project.objects.count()} projets, {FundingApplication.objects.count()} dossiers, "
        f"{Learner.objects.count()} jeunes, {Invoice.objects.count()} factures"
    )
    print("| Travail | médiane (ms) | requêtes | Ko |\n|---|---|---|---|")
    # Inside the export job (a request flagged as the job's): the whole file, whatever its size.
    from essaim.www.jobs import exports

    exports.row_threshold = lambda: 10**9
    for fmt in ("csv", "xlsx"):
        _measure(f"Export des projets ({fmt})", _get(region, reverse("projects:project_export", args=[fmt])))
    for fmt in ("csv", "xlsx"):
        _measure(f"Export des dossiers ({fmt})", _get(region, reverse("funding_applications:export", args=[fmt])))
    _measure("Lignes de financement (xlsx)", _get(region, reverse("funding_programmes:lines_export", args=["xlsx"])))
    _measure("Suivi des programmes (xlsx)", _get(region, reverse("funding_programmes:totals_export", args=["xlsx"])))

    school_client = _client(national.SCHOOL_ACCOUNT)
    staff = get_user_model().objects.get(email=national.SCHOOL_ACCOUNT)
    school = staff.memberships.get().organization.production_school
    invoices = Invoice.objects.filter(school=school).count()
    _measure(
        f"Journal des factures d'une école (csv — {invoices} factures)",
        _get(school_client, reverse("orders:invoice_export", args=[school.pk])),
    )
    learners = Learner.objects.filter(school=school).count()
    for fmt in ("csv", "xlsx"):
        _measure(
            f"Impact des jeunes d'une école ({fmt} — {learners} jeunes)",
            _get(school_client, reverse("learners:impact_export", args=[school.pk, fmt])),
        )
    application = FundingApplication.objects.exclude(deposit_receipt="").order_by("-pk").first()
    application = application or FundingApplication.objects.order_by("-pk").first()
    _measure(
        "Attestation de dépôt d'un dossier (PDF)", lambda: len(receipts.receipt_pdf(receipts.receipt_html(application)))
    )

    from django.conf import settings

    from essaim.indicators.services import REFERENCE_FILES, import_file

    data_dir = Path(settings.ESSAIM_DATA_DIR)
    for kind, name in REFERENCE_FILES:
        path = data_dir / name
        if path.stat().st_size > 100_000:
            _measure(
                f"Import d'indicateurs {name} ({path.stat().st_size // 1024} Ko — essai à blanc)",
                lambda kind=kind, path=path: import_file(kind=kind, path=path, dry_run=True) and path.stat().st_size,
            )


if __name__ == "__main__":
    main()
