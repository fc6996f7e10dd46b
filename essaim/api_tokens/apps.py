from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "essaim.api_tokens"
    verbose_name = "Jetons d'accès à l'API"

    def ready(self):
        from essaim.api_tokens import permissions  # noqa: F401
