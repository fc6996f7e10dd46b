from django.apps import AppConfig


class SteeringConfig(AppConfig):
    name = "essaim.steering"
    verbose_name = "Pilotage du programme"

    def ready(self):
        from essaim.steering import permissions  # noqa: F401
