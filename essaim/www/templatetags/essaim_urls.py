"""The link of every row of a list, reversed once for the table rather than once per row.

    {% load essaim_urls %}
    {% row_url "orders:invoice_detail" school.pk as invoice_url %}
    {% for invoice in page %}<a href="{{ invoice_url|for_row:invoice.pk }}">…{% endfor %}

``{{ invoice_url|for_row:invoice.pk }}`` writes exactly what ``{% url "orders:invoice_detail" school.pk
invoice.pk %}`` writes. ``{% url %}`` costs about 30 µs (namespace lookup, candidate patterns, checks,
quoting), a good part of a list row's rendering: ``row_url`` asks Django's ``reverse`` once, with a stand-in
number as the last argument, and each row puts its key where the stand-in stood. A key that is not a plain
non-negative integer, or a URL where the stand-in cannot be found, is reversed as ``{% url %}`` would.
"""

from django import template
from django.urls import reverse

register = template.Library()

# Stands for the row's key in the reversed URL: a non-negative integer, so that ``<int:…>`` accepts it, and
# long enough never to be a piece of the rest of the URL.
_STAND_IN = 9_087_654_321_098_765_432


class RowUrl:
    """A URL name and its leading arguments; ``for_row(key)`` is the URL with ``key`` as last argument."""

    __slots__ = ("viewname", "args", "head", "tail")

    def __init__(self, viewname: str, args: tuple):
        self.viewname, self.args = viewname, args
        url = reverse(viewname, args=[*args, _STAND_IN])
        head, found, tail = url.partition(str(_STAND_IN))
        self.head, self.tail = (head, tail) if found and str(_STAND_IN) not in tail else (None, None)

    def for_row(self, key) -> str:
        # ``<int:…>`` (and ``<str:…>``, ``<slug:…>``, ``<path:…>``) write a non-negative integer as its digits.
        if type(key) is int and key >= 0 and self.head is not None:
            return f"{self.head}{key}{self.tail}"
        return reverse(self.viewname, args=[*self.args, key])


@register.simple_tag
def row_url(viewname, *args):
    """``{% row_url "app:view" first_args… as name %}``: the URL ``app:view`` for every row of a table, whose
    last argument (the row's key) is given by ``{{ name|for_row:row.pk }}``."""
    return RowUrl(viewname, args)


@register.filter
def for_row(row_url: RowUrl, key) -> str:
    """``{{ name|for_row:row.pk }}``: the URL of ``{% row_url … as name %}`` for this row."""
    return row_url.for_row(key)
