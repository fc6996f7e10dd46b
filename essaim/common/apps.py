from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "essaim.common"
    verbose_name = "Commun"
