"""``{% row_url %}`` and ``|for_row`` write, for every row of a list, what ``{% url %}`` writes."""

import pytest
from django.template import engines
from django.urls import reverse

from essaim.www.templatetags.essaim_urls import RowUrl


def render(source, **context):
    return engines["django"].from_string("{% load essaim_urls %}" + source).render(context)


@pytest.mark.parametrize("key", [0, 1, 7, 42, 12_345, 9_087_654_321, 2**63])
def test_a_row_link_is_the_url_tag_s(key):
    assert render('{% row_url "funding_applications:detail" as u %}{{ u|for_row:key }}', key=key) == reverse(
        "funding_applications:detail", args=[key]
    )
    # With leading arguments (the school of an invoice).
    assert render('{% row_url "orders:invoice_detail" 3 as u %}{{ u|for_row:key }}', key=key) == reverse(
        "orders:invoice_detail", args=[3, key]
    )


def test_a_key_that_is_no_plain_integer_is_reversed_as_the_url_tag_would():
    url = RowUrl("funding_applications:detail", ())
    assert url.for_row("15") == reverse("funding_applications:detail", args=["15"]) == url.for_row(15)
    url = RowUrl("schools:school_home", ())
    with pytest.raises(Exception, match="Reverse"):
        url.for_row(-1)  # ``<int:…>`` refuses it: the same error as {% url %}
    with pytest.raises(Exception, match="Reverse"):
        url.for_row(True)


def test_the_links_follow_the_script_prefix():
    from django.urls import set_script_prefix

    set_script_prefix("/essaim/")
    try:
        assert render('{% row_url "funding_applications:detail" as u %}{{ u|for_row:5 }}') == "/essaim/dossiers/5/"
    finally:
        set_script_prefix("/")
