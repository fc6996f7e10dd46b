"""Benchmark of invoicing and of the production activity.

In a throw-away database: issues N invoices of one school from T threads at once, dated today (the counter
row is locked: throughput = commit rate), then builds last year's invoices and payments for S schools
(another year, so another numbering sequence: the chronology rule refuses an invoice dated before the last
one of its year, which the first part's, dated today, would be) and times
the school's activity report (with the plan's forecast) and ``programme_production_activity`` over
all schools. Run: ``.venv/bin/python bench/bench_orders.py [invoices] [threads] [schools]``
(add DATABASE_URL=postgres://… for PostgreSQL; figures in docs/performance.md).
"""

import os
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.db import OperationalError, connection  # noqa: E402
from django.test.runner import DiscoverRunner  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def main(invoices: int, threads: int, schools: int) -> None:
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0)
    old = runner.setup_databases()
    try:
        _run(invoices, threads, schools)
    finally:
        runner.teardown_databases(old)
        teardown_test_environment()


def _timed(label, function, repeat=5):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label}: {best * 1000:.1f} ms")
    return result


def _run(invoices: int, threads: int, schools: int) -> None:
    from essaim.financing import services as financing_services
    from essaim.orders import services
    from essaim.orders.models import Invoice
    from essaim.orders.selectors import programme_production_activity
    from essaim.schools.models import ProductionSchool
    from essaim.trades.defaults import seed_default_trades
    from essaim.trades.models import Trade
    from essaim.www.orders.activity import school_activity_report
    from financing_engine import demo_plan
    from tests.orders.factories import CustomerFactory, line
    from tests.projects.factories import ProjectFactory
    from tests.schools.factories import RunSchoolFactory

    seed_default_trades(Trade)
    today = timezone.localdate()
    year = today.year - 1  # part 2: a whole year, in the past (no document is dated in the future)

    def order_for(customer, issue_date):
        quote = services.quote_create(
            school=customer.school,
            customer=customer,
            title="Série",
            lines=[line(quantity="10", price="120"), line(quantity="2", price="35", rate="0.055")],
            issue_date=issue_date,
        )
        services.quote_send(quote=quote)
        return services.quote_accept(quote=quote, order_date=issue_date)

    # 1. Concurrent invoicing of one school.
    school = RunSchoolFactory()
    customer = CustomerFactory(school=school)
    drafts = [services.invoice_create_from_order(customer_order=order_for(customer, today)) for _ in range(invoices)]
    chunks = [drafts[i::threads] for i in range(threads)]

    retries = []

    def worker(chunk):
        # On SQLite a writer waits for the database lock at most its timeout (30 s in the test settings): on
        # a machine loaded by other work 8 threads can wait longer, and the issuing transaction is then
        # refused as a whole ("database is locked", nothing written). It is tried again; retries are counted.
        for draft in chunk:
            for attempt in range(1, 31):
                try:
                    services.invoice_issue(invoice=draft, issue_date=today)
                    break
                except OperationalError as error:
                    if "locked" not in str(error) or attempt == 30:
                        raise
                    retries.append(1)
                    time.sleep(0.05 * attempt)
        connection.close()

    start = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - start
    sequences = list(Invoice.objects.filter(school=school).values_list("sequence", flat=True))
    assert None not in sequences, "an invoice was not issued"
    assert sorted(sequences) == list(range(1, invoices + 1)), "gap or duplicate"
    rate = invoices / elapsed
    print(
        f"{invoices} invoices issued from {threads} threads: {elapsed:.2f} s ({rate:.0f}/s), numbers without gap"
        + (f" ({len(retries)} issuings tried again after waiting for SQLite's lock)" if retries else "")
    )

    # 2. A year of invoices and payments for S schools (one invoice per school and working day).
    project = ProjectFactory(stage="open")
    plan = financing_services.financing_plan_create(project=project, name="Plan", plan=demo_plan())
    financing_services.plan_version_submit(version=plan.versions.get())
    ProductionSchool.objects.filter(pk=school.pk).update(project=project)
    school.refresh_from_db()
    all_schools = [school] + [RunSchoolFactory() for _ in range(schools - 1)]
    count = 0
    for each in all_schools:
        buyer = CustomerFactory(school=each)
        day = dt.date(year, 1, 2)
        while day.year == year:
            if day.weekday() < 5 and day.day % 3 == 0:
                draft = services.invoice_create_from_order(customer_order=order_for(buyer, day))
                invoice = services.invoice_issue(invoice=draft, issue_date=day)
                services.payment_record(
                    invoice=invoice,
                    received_amount=invoice.total_ttc_amount,
                    payment_date=min(day + dt.timedelta(days=30), dt.date(year, 12, 31)),
                    method="transfer",
                )
                count += 1
            day += dt.timedelta(days=1)
    print(f"built {count} invoices and payments over {schools} schools")
    report = _timed(
        "school activity page data (year, with the plan's forecast)",
        lambda: school_activity_report(school=school, year=year),
    )
    assert report.total.invoiced > 0
    activity = _timed(
        f"programme_production_activity over {schools} schools",
        lambda: programme_production_activity(schools=all_schools),
    )
    assert activity.invoiced_amount > 0


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [200, 8, 20][len(args) :]))
