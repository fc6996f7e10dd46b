"""Invoice numbers stay continuous under concurrent invoicing (real threads, real transactions).

Eight drafts of one school are issued at the same moment from eight threads, each with its own
database connection. The counter row is locked inside each issuing transaction, so the numbers are
exactly 1..8 with no duplicate and no gap. Without the lock (plain read, then write) the threads read
the same last number: on PostgreSQL two invoices get the same sequence and the unique constraint
rejects them, so this test fails (checked by removing the lock)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from essaim.orders import services
from essaim.orders.models import DocumentCounter, Invoice
from tests.orders.factories import make_invoice
from tests.schools.factories import RunSchoolFactory

THREADS = 8


def _issue_concurrently(drafts, issue_date):
    barrier = threading.Barrier(len(drafts))
    errors = []

    def issue(draft):
        try:
            barrier.wait(timeout=30)
            services.invoice_issue(invoice=draft, issue_date=issue_date)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("existing_counter", [False, True], ids=["first-invoice-of-the-year", "counter-exists"])
def test_concurrent_issues_get_consecutive_numbers(existing_counter):
    school = RunSchoolFactory()
    issued_before = 0
    if existing_counter:
        make_invoice(school=school, issue_date=dt.date(2026, 3, 1))
        issued_before = 1
    drafts = [make_invoice(school=school, issue=False) for _ in range(THREADS)]
    errors = _issue_concurrently(drafts, dt.date(2026, 11, 26))
    assert errors == []
    invoices = Invoice.objects.filter(school=school, year=2026).order_by("sequence")
    sequences = [invoice.sequence for invoice in invoices]
    assert sequences == list(range(1, THREADS + issued_before + 1))
    assert [invoice.number for invoice in invoices][-THREADS:] == [
        f"F2026-{n:04d}" for n in range(issued_before + 1, issued_before + THREADS + 1)
    ]
    counter = DocumentCounter.objects.get(school=school, year=2026, kind="invoice")
    assert counter.last_number == THREADS + issued_before
