"""Permission checks of the API: the same rules (``rules``) and querysets (``visible_to``) as the pages."""

import rules
from django.core.exceptions import PermissionDenied


def require_perm(user, perm, obj=None) -> None:
    """403 unless the rule named ``perm`` allows the user (the rule decides, for superusers too)."""
    if not rules.has_perm(perm, user, obj):
        raise PermissionDenied
