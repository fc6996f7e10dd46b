from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "essaim.projects"
    verbose_name = "Projets"

    def ready(self):
        from essaim.projects import permissions  # noqa: F401  (registers the rules)
