from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "essaim.analysis"
    verbose_name = "Analyse d'opportunité et choix de sites"

    def ready(self):
        from essaim.analysis import permissions  # noqa: F401  (registers the rules)
