"""``{% main_navigation %}``: the main menu of ``essaim/www/navigation.py`` for the request's user."""

from django import template

from essaim.www.navigation import main_navigation as navigation_links

register = template.Library()


@register.inclusion_tag("includes/main_navigation.html", takes_context=True)
def main_navigation(context):
    request = context.get("request")
    return {"links": navigation_links(request) if request is not None else []}
