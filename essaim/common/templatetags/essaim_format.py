import datetime as dt

from django import template
from django.utils import timezone

from essaim.common import formats

register = template.Library()


@register.filter
def euros(value, decimals=2):
    """{{ amount|euros }} → 1 234,56 €; {{ amount|euros:0 }} → 1 235 €."""
    return formats.format_euros(value, decimals)


@register.filter
def number(value, decimals=0):
    """{{ population|number }} → 12 345."""
    return formats.format_number(value, decimals)


@register.filter
def percent(value, decimals=1):
    """{{ rate|percent }} with rate a fraction: 0.257 → 25,7 %."""
    return formats.format_percent(value, decimals)


@register.filter
def indicator_value(value, unit=""):
    """{{ value|indicator_value:info.unit }} → 17,1 % or 523 342 habitants (the unit's decimals)."""
    return formats.format_indicator(value, unit or "")


@register.filter
def frdate(value):
    """{{ some_date|frdate }} → 26/11/2026. An aware date-time is read in the current time zone, as Django's
    ``date`` filter reads it: ``|frdate`` writes what ``|date:"d/m/Y"`` writes for a date or a date-time, in
    a tenth of its time (a list calls it on every row)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.format_date(value)


@register.filter
def frplural(value, arg="s"):
    """French plural suffix: {{ n|frplural }} → "" for 0 and 1, "s" from 2 (Django's ``pluralize`` is English
    and writes « 0 blocs »). Takes a number or a sized collection, and ``"al,aux"``-style arguments."""
    singular, _, plural = arg.rpartition(",") if "," in arg else ("", "", arg)
    try:
        count = len(value) if hasattr(value, "__len__") and not isinstance(value, str) else abs(float(value))
    except (TypeError, ValueError):
        return ""
    return plural if count >= 2 else singular


@register.filter
def duration(value):
    """{{ job.elapsed|duration }} → 8 s, 2 min 05 s, 1 h 03 min."""
    return formats.format_duration(value)
