from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "essaim.indicators"
    verbose_name = "Indicateurs et analyse territoriale"
