from django.apps import AppConfig


class LearnersConfig(AppConfig):
    name = "essaim.learners"
    verbose_name = "Suivi des jeunes"

    def ready(self):
        from essaim.learners import permissions  # noqa: F401
