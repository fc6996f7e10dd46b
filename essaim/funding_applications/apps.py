from django.apps import AppConfig


class FundingApplicationsConfig(AppConfig):
    name = "essaim.funding_applications"
    verbose_name = "Dossiers de financement"

    def ready(self):
        # Register the rules (permissions and the workflow's transitions).
        from essaim.funding_applications import permissions, workflow  # noqa: F401
