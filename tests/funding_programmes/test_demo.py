"""The demo loads the documented catalogue and fictitious lines whose envelopes' ledgers follow."""

from decimal import Decimal

import pytest

from essaim.demo.services import demo_load
from essaim.funding_programmes.models import BudgetEnvelope, EnvelopeMovement, FundingLine, FundingProgramme

pytestmark = pytest.mark.django_db


def test_demo_catalogue_lines_and_ledger_are_idempotent(demo_content):
    counts = (FundingProgramme.objects.count(), BudgetEnvelope.objects.count(), FundingLine.objects.count())
    movements = EnvelopeMovement.objects.count()
    demo_load()
    assert (FundingProgramme.objects.count(), BudgetEnvelope.objects.count(), FundingLine.objects.count()) == counts
    # The demo's history (#15): Artois and Somme loans committed on the national envelope and paid
    # (2 + 2), Sud-Oise's loan and Région grant committed (2) with the grant's tranche paid (1), and the
    # Sud-Oise dossier's payment made (1).
    assert EnvelopeMovement.objects.count() == movements == 8
    assert counts[0] == 10
    assert not FundingProgramme.objects.filter(name__contains="(fictif)").exists()  # steering kept our lines
    envelope = BudgetEnvelope.objects.get(label="Investissement écoles de production 2026")
    assert envelope.is_demo_figure
    assert envelope.ledger_totals() == {
        "committed": Decimal("90000"),
        "paid": Decimal("45000"),
        "available": Decimal("510000"),
    }
    assert all(line.comment == "Ligne fictive de démonstration." for line in FundingLine.objects.all())
