from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "essaim.organizations"
    verbose_name = "Organisations"

    def ready(self):
        from essaim.organizations import permissions  # noqa: F401  (registers the rules)
