"""Every number bound a form states is written the French way (« 0,01 », « 10 000 000 »), never
Django's English « 0.01 » (issue 15)."""

import importlib
import pkgutil
from decimal import Decimal

import pytest
from django import forms
from django.core import validators
from django.core.exceptions import ValidationError

import essaim.www
from essaim.common.forms import FrenchDecimalField, FrenchIntegerField, french_bound
from essaim.www.financing.forms import _integer
from essaim.www.orders.forms import MarketPriceForm, PaymentForm, QuoteLineForm


def _form_classes():
    for module_info in pkgutil.iter_modules(essaim.www.__path__):
        try:
            module = importlib.import_module(f"essaim.www.{module_info.name}.forms")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                yield value


def _bounded_fields():
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            for validator in field.validators:
                if isinstance(validator, validators.MinValueValidator | validators.MaxValueValidator):
                    yield f"{form_class.__module__}.{form_class.__name__}.{name}", field, validator


BOUNDED = list(_bounded_fields())


def _beyond(validator):
    step = Decimal("0.001") if isinstance(validator, validators.MinValueValidator) else Decimal("1000")
    limit = Decimal(str(validator.limit_value))
    return limit - step if isinstance(validator, validators.MinValueValidator) else limit + step


def test_the_forms_have_bounded_number_fields():
    names = {name for name, _, _ in BOUNDED}
    assert "essaim.www.orders.forms.PaymentForm.received_amount" in names
    assert "essaim.www.analysis.forms.SitesForm.min_population" in names
    assert len(names) > 20


@pytest.mark.parametrize(("name", "field", "validator"), BOUNDED, ids=[name for name, _, _ in BOUNDED])
def test_every_bound_message_is_french(name, field, validator):
    value = _beyond(validator)
    if isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField):
        value = int(value) - 1 if isinstance(validator, validators.MinValueValidator) else int(value)
    elif isinstance(field, forms.FloatField):
        value = float(value)
    with pytest.raises(ValidationError) as error:
        field.run_validators(value)
    message = " ".join(error.value.messages)
    english, french = str(validator.limit_value), french_bound(validator.limit_value)
    # Either the bound is said the French way, or the message says it in words (« Le montant doit être positif »).
    assert english == french or english not in message, message
    assert "limit_value" not in message


def test_french_bound():
    assert french_bound(Decimal("0.01")) == "0,01"
    assert french_bound(Decimal("0.001")) == "0,001"
    assert french_bound(Decimal("0")) == "0"
    assert french_bound(1.5) == "1,5"
    assert french_bound(2100) == "2100"
    assert french_bound(10_000_000) == "10\u202f000\u202f000"


def test_orders_forms_say_their_bounds_in_french():
    payment = PaymentForm(data={"received_amount": "0", "payment_date": "2026-11-26", "method": "transfer"})
    assert not payment.is_valid()
    assert payment.errors["received_amount"] == ["Assurez-vous que cette valeur est supérieure ou égale à 0,01."]
    price = MarketPriceForm(data={"label": "x", "unit": "u", "unit_price_amount": "0,001"})
    assert not price.is_valid()
    assert "0,01" in price.errors["unit_price_amount"][0] and "0.01" not in price.errors["unit_price_amount"][0]
    line = QuoteLineForm(
        data={"description": "x", "quantity": "0", "unit": "u", "unit_price_amount": "-1"},
        school=None,
        market_prices=MarketPriceForm._meta.model.objects.none(),
    )
    assert not line.is_valid()
    assert line.errors["quantity"] == ["Assurez-vous que cette valeur est supérieure ou égale à 0,001."]
    assert line.errors["unit_price_amount"] == ["Assurez-vous que cette valeur est supérieure ou égale à 0."]


def test_a_message_given_by_the_form_keeps_its_words():
    class Form(forms.Form):
        months = _integer("Durée (mois)", min_value=3, max_value=12_000)
        ratio = FrenchDecimalField(
            min_value=Decimal("0.5"), error_messages={"min_value": "Au moins %(limit_value)s %."}
        )
        count = FrenchIntegerField(max_value=100_000)

    form = Form(data={"months": "13 000", "ratio": "0,1", "count": "100 001"})
    assert not form.is_valid()
    assert form.errors["months"] == ["Saisissez un nombre inférieur ou égal à 12\u202f000."]
    assert form.errors["ratio"] == ["Au moins 0,5 %."]
    assert form.errors["count"] == ["Assurez-vous que cette valeur est inférieure ou égale à 100\u202f000."]
