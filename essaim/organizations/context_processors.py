def current_organization(request):
    user = getattr(request, "user", None)
    return {
        "current_membership": getattr(request, "current_membership", None),
        "current_organization": getattr(request, "current_organization", None),
        "user_memberships": getattr(user, "_memberships", []) if user is not None else [],
    }
