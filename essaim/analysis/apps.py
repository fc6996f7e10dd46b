from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "essaim.analysis"
    verbose_name = "Analyse d'opportunité et choix de sites"
