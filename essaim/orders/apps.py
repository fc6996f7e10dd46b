from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "essaim.orders"
    verbose_name = "Commandes clients"

    def ready(self):
        from essaim.orders import permissions, workflow  # noqa: F401  (rules and the workflows)
