import datetime as dt
from decimal import Decimal

from django.template import Context, Engine, Template

from essaim.common.formats import format_date, format_euros, format_number, format_percent


def test_amounts_are_written_the_french_way():
    """1 234,56 € with narrow no-break spaces and a comma, rounded half up to the cent."""
    assert format_euros(Decimal("1234.555")) == "1\u202f234,56\u00a0€"
    assert format_euros(Decimal("-1500")) == "-1\u202f500,00\u00a0€"
    assert format_euros(Decimal("130000"), 0) == "130\u202f000\u00a0€"
    assert format_euros(None) == "—"


def test_numbers_percentages_and_dates():
    """Populations, rates stored as fractions, and dates as 26/11/2026."""
    assert format_number(2615635) == "2\u202f615\u202f635"
    assert format_percent(Decimal("0.257")) == "25,7\u00a0%"
    assert format_date(dt.date(2026, 11, 26)) == "26/11/2026"


def test_template_filters():
    """The template filters use the same formats."""
    rendered = Template("{% load essaim_format %}{{ a|euros }}|{{ n|number }}|{{ d|frdate }}").render(
        Context({"a": Decimal("1234.56"), "n": 12345, "d": dt.date(2023, 12, 31)})
    )
    assert rendered == "1\u202f234,56\u00a0€|12\u202f345|31/12/2023"


def test_french_plural_is_singular_for_zero_and_one():
    template = Template(
        "{% load essaim_format %}{{ zero }} bloc{{ zero|frplural }} / {{ one }} erreur{{ one|frplural }} / "
        "{{ rows|length }} ligne{{ rows|frplural }} / {{ many }} journ{{ many|frplural:'al,aux' }} / "
        "{{ half }} jour{{ half|frplural }}"
    )
    text = template.render(Context({"zero": 0, "one": 1, "rows": [1, 2, 3], "many": 2, "half": Decimal("1.5")}))
    assert text == "0 bloc / 1 erreur / 3 lignes / 2 journaux / 1,5 jour"


def test_formats_are_total():
    """No value, however absurd, makes a format raise: missing, empty, not a number, NaN, infinite, huge."""
    absurd = [
        None,
        "",
        "  ",
        "abc",
        "1e309",
        "NaN",
        "-Infinity",
        float("nan"),
        float("inf"),
        Decimal("1E+999999"),
        Decimal("NaN"),
        "1" * 26,
        True,
        object(),
        [],
        {},
    ]
    for value in absurd:
        for format_ in (format_number, format_euros, format_percent, format_date):
            assert isinstance(format_(value), str)
    # Missing is « — »; something stored where a number belongs that is no displayable number (text, NaN,
    # an infinity, 10^15 or more) is « hors limites » (issue 12, one rule with tests/security).
    assert format_number(None) == format_euros("  ") == format_date("") == format_date(None) == "—"
    assert format_euros("abc") == format_percent(True) == format_number(object()) == "hors limites"
    assert format_euros(Decimal("1E+999999")) == format_number(Decimal("1e15")) == "hors limites"
    assert format_number(Decimal("-1e15")) == "hors limites"
    assert format_number(Decimal("999999999999999.4")) == "999" + "\u202f999" * 4
    assert format_date("2026-11-26") == "26/11/2026"
    assert format_date("26/11/2026 ou pas") == "—"
    assert format_date(dt.date(987, 1, 2)) == "02/01/0987"
    assert format_number("12", "bad") == "12"


def test_template_filters_are_total():
    """A missing attribute ("" in the template) shows « — », text where a number belongs « hors limites », a
    wrong filter argument is ignored: never an error."""
    # As in production: a missing variable is "" and the filter still runs on it.
    engine = Engine(libraries={"essaim_format": "essaim.common.templatetags.essaim_format"}, string_if_invalid="")
    rendered = engine.from_string(
        "{% load essaim_format %}{{ none.observed_on|frdate }}|{{ x|euros:'z' }}|{{ x|number }}|{{ x|percent }}|"
        "{{ x|duration }}"
    ).render(Context({"none": None, "x": "n'importe quoi"}))
    assert rendered == "—|hors limites|hors limites|hors limites|hors limites"
    rendered = engine.from_string("{% load essaim_format %}{{ none.a|euros:'z' }}|{{ none.a|duration }}").render(
        Context({"none": None})
    )
    assert rendered == "—|—"


def test_frdate_writes_what_the_date_filter_writes():
    """``|frdate`` replaces ``|date:"d/m/Y"`` in the lists: an aware date-time is read in the current time zone
    (Europe/Paris), a date as it is."""
    from django.utils import timezone

    engine = Engine(libraries={"essaim_format": "essaim.common.templatetags.essaim_format"})
    template = engine.from_string('{% load essaim_format %}{{ d|frdate }}|{{ d|date:"d/m/Y" }}')
    values = [
        dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC),  # already 1 January in Paris
        dt.datetime(2026, 6, 30, 22, 15, tzinfo=dt.UTC),  # summer time: 1 July in Paris
        dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 5, 23, 59),  # naive: as it is
        dt.date(2026, 11, 26),
    ]
    with timezone.override("Europe/Paris"):
        rendered = [template.render(Context({"d": value})) for value in values]
    assert rendered == [
        "01/01/2027|01/01/2027",
        "01/07/2026|01/07/2026",
        "05/03/2026|05/03/2026",
        "05/03/2026|05/03/2026",
        "26/11/2026|26/11/2026",
    ]
