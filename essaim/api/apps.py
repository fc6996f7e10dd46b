from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API (``/api/v1/``): an interface beside ``essaim.www``, over the same domain apps."""

    name = "essaim.api"
    verbose_name = "API"
