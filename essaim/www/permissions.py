"""Helpers every view uses to reach data through the permission layer."""

import rules
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


def get_visible_or_404(model, user, **lookup):
    """Fetch an object among those the user may see (``Model.objects.visible_to(user)``), else 404.

    Another organisation's object is indistinguishable from a missing one (no IDOR, no enumeration).
    """
    return get_object_or_404(model.objects.visible_to(user), **lookup)


def has_perm(user, perm, obj=None):
    """Whether the rule named ``perm`` allows the user (on ``obj`` when given).

    The rule itself decides, for superusers too: Django's ``User.has_perm`` would let a superuser
    act as a project holder, which the rules do not allow (a platform administrator acts through
    the admin, not for an organisation).
    """
    return rules.has_perm(perm, user, obj)


def require_perm(user, perm, obj=None):
    """Raise 403 unless the rule named ``perm`` allows the user (on ``obj`` when given)."""
    if not has_perm(user, perm, obj):
        raise PermissionDenied
