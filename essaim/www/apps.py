from django.apps import AppConfig


class WwwConfig(AppConfig):
    name = "essaim.www"
    verbose_name = "Interface web"
