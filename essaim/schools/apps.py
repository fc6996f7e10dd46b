from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "essaim.schools"
    verbose_name = "Écoles de production"
