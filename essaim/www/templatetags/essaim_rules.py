"""``{% can "app.perm" user obj as allowed %}``: the rule itself decides, as in the views.

django-rules' ``{% has_perm %}`` goes through ``User.has_perm``, which lets a superuser through every
rule: a template would then offer an action (« Ouvrir l'école »…) that the view refuses with a 403,
since the views ask the rules directly (``essaim.www.permissions.has_perm``).
"""

from django import template

from essaim.www.permissions import has_perm

register = template.Library()


@register.simple_tag
def can(perm, user, obj=None):
    return has_perm(user, perm, obj)
