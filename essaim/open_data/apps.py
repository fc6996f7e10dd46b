from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "essaim.open_data"
    verbose_name = "Données ouvertes"

    def ready(self):
        from essaim.open_data import permissions  # noqa: F401
