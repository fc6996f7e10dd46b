"""Two (or eight) reviewers deciding at the same time never overcommit an envelope.

Real threads, each with its own database connection, race decisions on one envelope; a barrier
releases them together. With the lock in ``services._lock_envelope`` the decisions are serialised and
exactly as many as the credit allows go through; the others are refused with the figures. Without
the lock the check-then-write interleaves: on PostgreSQL several decisions read the same available
credit and overcommit; on SQLite the concurrent writers fail with « database is locked » instead of
a clean refusal. Either way this test fails, which was verified by removing the lock.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from essaim.funding_programmes import services
from essaim.funding_programmes.models import BudgetEnvelope, FundingLine
from essaim.organizations.enums import MembershipRole
from tests.funding_programmes.factories import BudgetEnvelopeFactory, FundingLineFactory, FundingProgrammeFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

THREADS = 8
ROUNDS = 3
AMOUNT = Decimal("30000")
ALLOCATED = Decimal("100000")  # room for 3 decisions of 30 000, not 4


def _race(envelope, lines, reviewers):
    barrier = threading.Barrier(len(lines))
    outcomes = [None] * len(lines)

    def decide(index):
        try:
            line = FundingLine.objects.get(pk=lines[index].pk)
            barrier.wait()
            services.funding_line_grant(
                line=line, granted_amount=AMOUNT, decision_date=line.requested_date, by=reviewers[index]
            )
            outcomes[index] = "granted"
        except services.EnvelopeExceededError as error:
            outcomes[index] = ("refused", str(error))
        except Exception as error:  # noqa: BLE001 - any other outcome fails the test below
            outcomes[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(len(lines))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_parallel_decisions_never_overcommit_an_envelope():
    funder = OrganizationFactory(region=True)
    programme = FundingProgrammeFactory(funder=funder)
    reviewers = [MembershipFactory(organization=funder, role=MembershipRole.MEMBER).user for _ in range(THREADS)]
    for _ in range(ROUNDS):
        envelope = BudgetEnvelopeFactory(programme=programme, allocated_amount=ALLOCATED)
        lines = [
            FundingLineFactory(funder=funder, programme=programme, envelope=envelope, requested_amount=AMOUNT)
            for _ in range(THREADS)
        ]
        outcomes = _race(envelope, lines, reviewers)

        errors = [o for o in outcomes if isinstance(o, tuple) and o[0] == "error"]
        assert errors == []
        granted = outcomes.count("granted")
        refused = [o[1] for o in outcomes if isinstance(o, tuple) and o[0] == "refused"]
        assert granted == 3
        assert len(refused) == THREADS - 3
        assert all("dépasse les crédits disponibles" in message for message in refused)
        assert "10\u202f000,00\xa0€ disponibles" in refused[0]

        totals = BudgetEnvelope.objects.get(pk=envelope.pk).ledger_totals()
        assert totals["committed"] == 3 * AMOUNT
        assert totals["available"] == ALLOCATED - 3 * AMOUNT >= 0
        assert FundingLine.objects.filter(envelope=envelope, status="granted").count() == 3
