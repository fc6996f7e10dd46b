"""Money helpers: conversion, rounding policy, exact splits, French formats."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from financing_engine import AmountOutOfRange, FinancingEngineError
from financing_engine.money import (
    OUT_OF_RANGE,
    allocate,
    format_eur,
    format_percent,
    round_cents,
    round_cents_up,
    split_evenly,
    to_decimal,
)
from tests.financing_engine.strategies import amounts

NBSP = "\u00a0"
THIN = "\u202f"  # thousands separator


def test_to_decimal_goes_through_str_for_floats():
    """A float becomes the Decimal of its shortest repr, never its binary expansion."""
    assert to_decimal(0.1) == Decimal("0.1")
    assert to_decimal(1234.56) == Decimal("1234.56")
    assert to_decimal("  42.5 ") == Decimal("42.5")
    assert to_decimal(7) == Decimal(7)


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), "abc", "NaN", None])
def test_to_decimal_rejects_non_numbers(value):
    """Booleans, NaN, infinities and junk are refused."""
    with pytest.raises((TypeError, ValueError)):
        to_decimal(value)


def test_round_cents_is_half_up():
    """Half cents round away from zero."""
    assert round_cents(Decimal("0.125")) == Decimal("0.13")
    assert round_cents(Decimal("0.135")) == Decimal("0.14")
    assert round_cents(Decimal("-0.125")) == Decimal("-0.13")
    assert round_cents(Decimal("0.124")) == Decimal("0.12")


def test_split_evenly_worked_example():
    """100 € in 3 parts: 33.33 + 33.34 + 33.33."""
    assert split_evenly(Decimal("100"), 3) == [Decimal("33.33"), Decimal("33.34"), Decimal("33.33")]


@given(amounts(10_000_000), st.integers(min_value=1, max_value=120))
def test_split_evenly_adds_up_exactly(total, parts):
    """The parts of a split always add up to the total, to the cent."""
    result = split_evenly(total, parts)
    assert len(result) == parts
    assert sum(result) == total
    assert max(result) - min(result) <= Decimal("0.01")


@given(amounts(10_000_000), st.lists(amounts(100_000), min_size=1, max_size=10))
def test_allocate_adds_up_exactly(total, weights):
    """A pro-rata allocation always adds up to the total, to the cent."""
    assert sum(allocate(total, weights)) == total


def test_format_eur_french_style():
    """Amounts are shown as 1 234,56 € with no-break spaces."""
    assert format_eur(Decimal("1234.56")) == f"1{THIN}234,56{NBSP}€"
    assert format_eur(Decimal("-130000")) == f"-130{THIN}000,00{NBSP}€"
    assert format_eur(Decimal("0.005")) == f"0,01{NBSP}€"


def test_format_percent_french_style():
    """Ratios are shown as 31,5 % or 60 %."""
    assert format_percent(Decimal("0.315")) == f"31,5{NBSP}%"
    assert format_percent(Decimal("0.6")) == f"60{NBSP}%"


@pytest.mark.parametrize("value", [Decimal("1E+30") ** 2, Decimal("NaN"), Decimal("Infinity"), Decimal("-1E+999999")])
def test_rounding_what_cannot_be_rounded_is_a_domain_error_and_formatting_never_fails(value):
    """Issue 12: a stored absurd figure gives AmountOutOfRange (a FinancingEngineError), never a bare
    decimal.InvalidOperation nor a silent NaN; the formats write « hors limites »."""
    for rounding in (round_cents, round_cents_up, lambda v: split_evenly(v, 3), lambda v: allocate(v, [Decimal(1)])):
        with pytest.raises(AmountOutOfRange, match="Montant hors limites"):
            rounding(value)
    assert issubclass(AmountOutOfRange, FinancingEngineError)
    assert format_eur(value) == format_percent(value) == OUT_OF_RANGE == "hors limites"
