from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "essaim.jobs"
    verbose_name = "Traitements en arrière-plan"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from essaim.jobs import checks, permissions  # noqa: F401

        # Each area declares the functions of its kinds of job in its own ``jobs.py`` (registered with
        # ``essaim.jobs.kinds.runs``); importing them here makes every kind known to the web and the workers.
        autodiscover_modules("jobs")
