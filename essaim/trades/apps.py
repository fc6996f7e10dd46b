from django.apps import AppConfig


class TradesConfig(AppConfig):
    name = "essaim.trades"
    verbose_name = "Métiers"
