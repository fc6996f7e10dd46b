import rules


def current_organization(request):
    user = getattr(request, "user", None)
    return {
        "can_use_analysis": bool(user and user.is_authenticated and rules.has_perm("analysis.use", user)),
        "current_membership": getattr(request, "current_membership", None),
        "current_organization": getattr(request, "current_organization", None),
        "user_memberships": getattr(user, "_memberships", []) if user is not None else [],
    }
