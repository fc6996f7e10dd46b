"""Template tags linking a project and the school it opened (used on the project page)."""

from django import template

from essaim.schools.models import ProductionSchool

register = template.Library()


@register.simple_tag
def project_school(project):
    """The school a project opened on Essaim, or None (one query; no silent template failure)."""
    if project is None:
        return None
    return ProductionSchool.objects.filter(project=project).first()
