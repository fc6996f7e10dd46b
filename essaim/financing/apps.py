from django.apps import AppConfig


class FinancingConfig(AppConfig):
    name = "essaim.financing"
    verbose_name = "Plans de financement"
