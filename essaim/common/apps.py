from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CommonConfig(AppConfig):
    name = "essaim.common"
    verbose_name = "Commun"

    def ready(self):
        # The sign-in receiver of the idle-session rule is connected at start-up, not when the middleware
        # is first loaded by a request (a sign-in before the first request would go unrecorded).
        from essaim.common import security  # noqa: F401
        from essaim.common.search import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="essaim_fold")
