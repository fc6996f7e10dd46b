from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CommonConfig(AppConfig):
    name = "essaim.common"
    verbose_name = "Commun"

    def ready(self):
        from essaim.common.search import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="essaim_fold")
