def current_organization(request):
    """What the header needs: the organisation the user acts for and their memberships (the main
    navigation asks its rules itself, see ``essaim/www/navigation.py``)."""
    user = getattr(request, "user", None)
    return {
        "current_membership": getattr(request, "current_membership", None),
        "current_organization": getattr(request, "current_organization", None),
        "user_memberships": getattr(user, "_memberships", []) if user is not None else [],
    }
