from django.apps import AppConfig


class FundingProgrammesConfig(AppConfig):
    name = "essaim.funding_programmes"
    verbose_name = "Dispositifs de financement"

    def ready(self):
        from essaim.funding_programmes import permissions  # noqa: F401
