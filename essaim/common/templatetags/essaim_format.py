from django import template

from essaim.common import formats

register = template.Library()


@register.filter
def euros(value, decimals=2):
    """{{ amount|euros }} → 1 234,56 €; {{ amount|euros:0 }} → 1 235 €."""
    return formats.format_euros(value, int(decimals))


@register.filter
def number(value, decimals=0):
    """{{ population|number }} → 12 345."""
    return formats.format_number(value, int(decimals))


@register.filter
def percent(value, decimals=1):
    """{{ rate|percent }} with rate a fraction: 0.257 → 25,7 %."""
    return formats.format_percent(value, int(decimals))


@register.filter
def frdate(value):
    """{{ some_date|frdate }} → 26/11/2026."""
    return formats.format_date(value)
