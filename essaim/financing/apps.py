from django.apps import AppConfig


class FinancingConfig(AppConfig):
    name = "essaim.financing"
    verbose_name = "Plans de financement"

    def ready(self):
        from essaim.financing import permissions  # noqa: F401  (registers the rules)
