"""Form fields shared by every area: numbers typed the French way within bounds, and choices of
objects whose id cannot crash the database (docs/security.md, « Limites et saisies hostiles »).

Every number a form takes has a lower and an upper bound (``max_digits`` or ``max_value``): an
amount « 1e30 », « 1E+999999 », « NaN » or 26 digits is refused on its field with a French message,
never passed on to a calculation or to the database. Every object chosen by id goes through
:class:`ModelChoiceField` or :class:`ModelMultipleChoiceField`: an id beyond the database's integers
(``99999999999999999999``) is « not one of the choices », not an ``OverflowError`` (SQLite).
``tests/security/test_hostile_forms.py`` posts such values to every form of every area.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import connection, models

from essaim.common.formats import NARROW_NBSP, format_number

_SPACES = re.compile(r"[\s\u00a0\u202f]")

# Django's own messages print a bound the English way (« supérieure ou égale à 0.01 »): every number
# field of Essaim says its bounds in French (« 0,01 », « 10 000 000 »).
BOUND_MESSAGES = {
    "min_value": "Assurez-vous que cette valeur est supérieure ou égale à {bound}.",
    "max_value": "Assurez-vous que cette valeur est inférieure ou égale à {bound}.",
}


def french_bound(value) -> str:
    """A field's bound written the French way, with its own decimals: « 0,01 », « 0,001 », « 1,5 »,
    « 365 », « 2000 » (four digits stay together, as years do), « 10 000 000 »."""
    number = Decimal(str(value)).normalize()
    decimals = max(0, -number.as_tuple().exponent)  # type: ignore[operator]
    text = format_number(number, decimals)
    return text.replace(NARROW_NBSP, "") if abs(number) < 10_000 else text


def say_bounds_in_french(field: forms.Field) -> None:
    """Rewrite the messages of ``field``'s ``min_value``/``max_value`` bounds with the bound in French.

    A message the form gave (``error_messages``) keeps its words, its ``%(limit_value)s`` becomes the
    French bound; otherwise Django's wording is kept with the French bound. Call it after the field's
    ``__init__`` (it reads the validators Django added)."""
    for validator in field.validators:
        if isinstance(validator, validators.MinValueValidator | validators.MaxValueValidator) and not callable(
            validator.limit_value
        ):
            code = validator.code
            if code not in BOUND_MESSAGES:
                continue
            bound = french_bound(validator.limit_value)
            given = field.error_messages.get(code)
            if given is None:
                message = BOUND_MESSAGES[code].format(bound=bound)
            else:
                message = str(given).replace("%(limit_value)s", bound)
            # The validator's params are still applied to the message: no other « % » may remain.
            field.error_messages[code] = message.replace("%", "%%").replace("%%(", "%(")


def parse_french_decimal(text: str, *, strip: str = "") -> Decimal | str:
    """The Decimal in « 1 234,56 », « 1234.56 » (``strip`` lists unit signs to drop, e.g. ``"€%h"``);
    the cleaned text when it is empty. Raises ``ValueError`` for anything else (``NaN``, ``Infinity``,
    letters); exponents are left to the field's digit count to refuse."""
    cleaned = _SPACES.sub("", text)
    for sign in strip:
        cleaned = cleaned.replace(sign, "")
    cleaned = cleaned.replace(",", ".")
    if not cleaned:
        return cleaned
    if len(cleaned) > 60:
        raise ValueError(text)
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


class FrenchDecimalField(forms.DecimalField):
    """A decimal typed the French way, bounded by ``max_digits`` (14 by default: below 10¹² with cents).

    Subclasses say which unit signs users may type (``strip``) and how to ask again (``example``).
    """

    strip = "€"
    example = "Saisissez un nombre, par exemple 1 234,56."

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "input-number"})
        say_bounds_in_french(self)

    def to_python(self, value):
        if isinstance(value, str):
            try:
                value = parse_french_decimal(value, strip=self.strip)
            except ValueError:
                raise ValidationError(self.example, code="invalid") from None
        return super().to_python(value)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return str(value).replace(".", ",")
        return value


class FrenchFloatField(forms.FloatField):
    """A float typed with a comma or a dot, spaces allowed (« 1 000,5 »), finite and within
    ``[min_value, max_value]`` — both are required."""

    def __init__(self, *, min_value, max_value, **kwargs):
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "class": "input-number"}))
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)
        say_bounds_in_french(self)

    def to_python(self, value):
        if isinstance(value, str):
            value = _SPACES.sub("", value).replace(".", ",")
            if len(value) > 40:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class FrenchIntegerField(forms.IntegerField):
    """An integer field whose bounds are said in French (« 10 000 000 »); typed spaces are allowed."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        say_bounds_in_french(self)

    def to_python(self, value):
        if isinstance(value, str):
            value = _SPACES.sub("", value)
        return super().to_python(value)


def decimal_choice(value) -> Decimal:
    """``coerce`` of a TypedChoiceField of decimals: ``ValueError`` (a form error), never ``InvalidOperation``."""
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(value) from None


# ------------------------------------------------------------------------------------ object choices
_INTEGER_KEYS = (models.AutoField, models.BigAutoField, models.SmallAutoField, models.IntegerField)


def is_possible_key(model, field_name: str | None, value) -> bool:
    """Whether ``value`` can be looked up in ``model``'s ``field_name`` (its primary key by default)
    without the database refusing the query: an integer key must be a whole number within the
    database's range (SQLite raises ``OverflowError`` on ``IN (99999999999999999999)``)."""
    field = model._meta.get_field(field_name) if field_name else model._meta.pk
    if not isinstance(field, _INTEGER_KEYS):
        return True
    text = str(value).strip()
    if not text.lstrip("-").isdigit() or not text.isascii() or len(text) > 20:
        return False
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    number = int(text)
    return (low is None or number >= low) and (high is None or number <= high)


def key_or_none(model, value, field_name: str | None = None) -> int | str | None:
    """``value`` (from a query string or a form) as a key of ``model`` the database accepts, else ``None``:
    for filters and look-ups outside forms (« ?atelier=99999999999999999999 », « ?scenario=² »)."""
    if value in (None, "") or not is_possible_key(model, field_name, value):
        return None
    field = model._meta.get_field(field_name) if field_name else model._meta.pk
    return int(str(value).strip()) if isinstance(field, _INTEGER_KEYS) else value


class ModelChoiceField(forms.ModelChoiceField):
    """``forms.ModelChoiceField`` whose impossible ids are refused as « not one of the choices »."""

    def to_python(self, value):
        if (
            value not in self.empty_values
            and not isinstance(value, self.queryset.model)
            and not is_possible_key(self.queryset.model, self.to_field_name, value)
        ):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """``forms.ModelMultipleChoiceField`` whose impossible ids are refused on the field."""

    def _check_values(self, value):
        try:
            values = frozenset(value)
        except TypeError:
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
        for item in values:
            if not is_possible_key(self.queryset.model, self.to_field_name, item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(item)[:40]}
                )
        return super()._check_values(value)
