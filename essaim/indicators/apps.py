from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "essaim.indicators"
    verbose_name = "Indicateurs et analyse territoriale"

    def ready(self):
        from essaim.indicators import permissions  # noqa: F401  (registers the rules)
