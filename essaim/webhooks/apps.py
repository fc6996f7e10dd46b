from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "essaim.webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from essaim.webhooks import permissions, signals  # noqa: F401  (rules and event receivers)
