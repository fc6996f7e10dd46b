"""Figures computed from stored values (issue 12): « hors limites », never an exception."""

from decimal import Decimal

import pytest

from essaim.common.figures import NOT_A_FIGURE, computed
from essaim.common.formats import OUT_OF_RANGE, format_euros
from essaim.orders.amounts import document_totals
from essaim.orders.documents import vat_breakdown
from financing_engine.money import round_cents


def test_computed_gives_the_figure_or_not_a_figure():
    assert computed(round_cents, Decimal("2.345")) == Decimal("2.35")
    assert computed(round_cents, Decimal("1E+60")).is_nan()
    assert computed(max, Decimal("NaN"), Decimal(1), fallback=None) is None  # comparing a NaN
    assert format_euros(NOT_A_FIGURE) == OUT_OF_RANGE


def test_computed_lets_every_other_error_through():
    with pytest.raises(KeyError):
        computed({}.__getitem__, "x")


class _Line:
    def __init__(self, quantity, price, rate="0.2"):
        self.quantity, self.unit_price_amount, self.vat_rate = Decimal(quantity), Decimal(price), Decimal(rate)


def test_a_vat_breakdown_over_an_absurd_stored_line_reads_out_of_range():
    (label, base, vat) = vat_breakdown([_Line("1E+30", "1E+30")])[0]
    assert label == OUT_OF_RANGE and base.is_nan() and vat.is_nan()
    assert document_totals([(Decimal(3), Decimal("12.35"), Decimal("0.2"))]).total_ttc == Decimal("44.46")
