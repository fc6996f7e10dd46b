"""The test settings make an undefined template variable fail the render (config/settings/test.py)."""

import pytest
from django.template import engines

from config.settings.test import UndefinedTemplateVariableError


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def test_an_undefined_variable_fails_the_render():
    with pytest.raises(UndefinedTemplateVariableError, match=r"INVALID_TEMPLATE_VARIABLE\[missing\]"):
        render("<p>{{ missing }}</p>")


def test_an_attribute_of_none_fails_the_render_even_behind_a_filter():
    with pytest.raises(UndefinedTemplateVariableError, match=r"project\.holder\.name"):
        render("{{ project.holder.name|default:'—' }}", project={"holder": None})
    with pytest.raises(UndefinedTemplateVariableError):
        render("{% load i18n %}{% blocktranslate %}Bonjour {{ name }}{% endblocktranslate %}")


def test_if_and_for_still_treat_an_undefined_variable_as_false_or_empty():
    assert render("{% if missing %}oui{% else %}non{% endif %}{% for x in missing %}{{ x }}{% endfor %}") == "non"
    assert render("{{ name|default:'—' }}", name="") == "—"
    assert render("{{ project.name }}", project={"name": "Dunkerque"}) == "Dunkerque"
