"""Totals of quotes and invoices: the worked example of docs/open-schools.md and accounting identities."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from essaim.orders.amounts import document_totals, ht_share, line_amount

D = Decimal


def test_worked_example():
    """3 × 12,35 € at 20 % and 1 × 9,99 € at 5,5 % → 47,04 € HT, 7,96 € VAT, 55,00 € TTC."""
    totals = document_totals([(D(3), D("12.35"), D("0.20")), (D(1), D("9.99"), D("0.055"))])
    assert totals.total_ht == D("47.04")
    assert totals.vat_by_rate == {D("0.2"): (D("37.05"), D("7.41")), D("0.055"): (D("9.99"), D("0.55"))}
    assert totals.total_vat == D("7.96")
    assert totals.total_ttc == D("55.00")


def test_line_amount_rounds_half_up_to_the_cent():
    assert line_amount(D("0.5"), D("0.05")) == D("0.03")
    assert line_amount(D("3"), D("0.335")) == D("1.01")


def test_ht_share_of_a_partial_payment():
    """600 € paid on 1 200 € TTC for 1 000 € HT → 500 € collected HT."""
    assert ht_share(D("600"), total_ht=D("1000"), total_ttc=D("1200")) == D("500.00")
    assert ht_share(D("10"), total_ht=D("0"), total_ttc=D("0")) == D("0.00")


amounts = st.decimals(min_value=D("0"), max_value=D("99999.99"), places=2, allow_nan=False, allow_infinity=False)
quantities = st.decimals(min_value=D("0.001"), max_value=D("9999.999"), places=3, allow_nan=False)
rates = st.sampled_from([D("0.20"), D("0.10"), D("0.055"), D("0.021"), D("0")])


@given(st.lists(st.tuples(quantities, amounts, rates), min_size=1, max_size=15))
def test_totals_identities(lines):
    """TTC = HT + VAT; HT = Σ rounded lines = Σ bases per rate; VAT = Σ VAT per rate; everything in cents."""
    totals = document_totals(lines)
    assert totals.total_ttc == totals.total_ht + totals.total_vat
    assert totals.total_ht == sum((line_amount(q, p) for q, p, _ in lines), D(0))
    assert totals.total_ht == sum((base for base, _ in totals.vat_by_rate.values()), D(0))
    assert totals.total_vat == sum((vat for _, vat in totals.vat_by_rate.values()), D(0))
    for value in (totals.total_ht, totals.total_vat, totals.total_ttc):
        assert value == value.quantize(D("0.01"))
    for rate, (base, vat) in totals.vat_by_rate.items():
        assert abs(vat - base * rate) <= D("0.005")


@given(st.lists(st.tuples(quantities, amounts, rates), min_size=1, max_size=8))
def test_credit_note_cancels_exactly(lines):
    """A credit note (same lines, negative quantities) cancels the invoice to the cent."""
    invoice = document_totals(lines)
    credit = document_totals([(-q, p, r) for q, p, r in lines])
    assert invoice.total_ht + credit.total_ht == 0
    assert invoice.total_vat + credit.total_vat == 0
    assert invoice.total_ttc + credit.total_ttc == 0
