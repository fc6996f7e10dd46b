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


ROWS = [
    ("webhooks_list", "webhooks:list", None, "get", None, ADMINS),
    ("webhooks_detail", "webhooks:detail", _uid, "get", None, {"holder_a_admin"}),
    ("webhooks_enable", "webhooks:enable", _uid, "post", lambda w: {}, {"holder_a_admin"}),
    ("webhooks_delete", "webhooks:delete", _uid, "post", lambda w: {}, {"holder_a_admin"}),
]
