import rules


def current_organization(request):
    """What the header and the navigation need. Rules are asked directly (``rules.has_perm``), not
    through ``user.has_perm``, which would also ask Django's ModelBackend: two queries on every page."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "can_use_analysis": signed_in and rules.has_perm("analysis.use", user),
        "can_view_steering": signed_in and rules.has_perm("steering.view_dashboard", user),
        "current_membership": getattr(request, "current_membership", None),
        "current_organization": getattr(request, "current_organization", None),
        "user_memberships": getattr(user, "_memberships", []) if user is not None else [],
    }
