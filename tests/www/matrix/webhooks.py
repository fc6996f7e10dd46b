"""Matrix rows of the « Webhooks » pages of an organisation (its administrateurs only)."""

from essaim.webhooks.models import WebhookEndpoint

ADMINS = {"region_admin", "holder_a_admin"}


def extend_world(world):
    world["webhook"] = WebhookEndpoint.objects.create(
        organization=world["orgs"]["holder_a"],
        membership=world["users"]["holder_a_admin"].memberships.get(),
        url="https://porteur-a.example/essaim",
        events=["payment.recorded"],
        secret="whsec_test",
        is_active=False,
        disabled_reason="Désactivé automatiquement.",
    )


def snapshot():
    return {"webhooks": list(WebhookEndpoint.objects.order_by("pk").values_list("url", "is_active"))}


def _uid(world):
    return {"uid": world["webhook"].uid}


def _seen(world, user):
    """The pages are for administrateurs (anyone else: 403, whatever the endpoint); an administrateur of
    another organisation does not see this endpoint (404)."""
    from essaim.organizations.enums import MembershipRole

    other_admin = user.memberships.filter(role=MembershipRole.ADMIN).exclude(organization=world["orgs"]["holder_a"])
    return not other_admin.exists()


ROWS = [
    ("webhooks_list", "webhooks:list", None, "get", None, ADMINS),
    ("webhooks_detail", "webhooks:detail", _uid, "get", None, {"holder_a_admin"}, _seen),
    ("webhooks_enable", "webhooks:enable", _uid, "post", lambda w: {}, {"holder_a_admin"}, _seen),
    ("webhooks_delete", "webhooks:delete", _uid, "post", lambda w: {}, {"holder_a_admin"}, _seen),
]
