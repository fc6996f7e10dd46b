from django.apps import AppConfig


class FundingApplicationsConfig(AppConfig):
    name = "essaim.funding_applications"
    verbose_name = "Dossiers de financement"
