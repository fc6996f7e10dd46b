from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "essaim.projects"
    verbose_name = "Projets"

    def ready(self):
        from essaim.projects import partner_workflow, permissions, workflow  # noqa: F401  (rules, workflows)
