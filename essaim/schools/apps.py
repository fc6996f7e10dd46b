from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "essaim.schools"
    verbose_name = "Écoles de production"

    def ready(self):
        from essaim.schools import permissions  # noqa: F401
