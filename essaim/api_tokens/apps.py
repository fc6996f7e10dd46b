from django.apps import AppConfig


class ApiTokensConfig(AppConfig):
    name = "essaim.api_tokens"
    verbose_name = "Jetons d'accès à l'API"
