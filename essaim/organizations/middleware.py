from essaim.organizations.permissions import SESSION_KEY, set_current_membership


def current_organization_middleware(get_response):
    """Resolve once per request the organisation the user acts for (``request.current_membership``).

    The choice is kept in the session; a membership that was removed or deactivated since is
    ignored and the first active membership is used instead.
    """

    def middleware(request):
        request.current_membership = None
        request.current_organization = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = list(user.memberships.active().select_related("organization").order_by("organization__name"))
            chosen_id = request.session.get(SESSION_KEY)
            membership = next((m for m in memberships if m.pk == chosen_id), memberships[0] if memberships else None)
            set_current_membership(user, membership)
            user._memberships = memberships
            request.current_membership = membership
            request.current_organization = membership.organization if membership else None
        return get_response(request)

    return middleware
