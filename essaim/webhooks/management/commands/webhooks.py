from django.core.management.base import BaseCommand

from essaim.webhooks.services import webhook_deliveries_run_due


class Command(BaseCommand):
    help = "Webhooks : « essaim webhooks deliver » envoie les webhooks dont l'envoi (ou le nouvel essai) est dû."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["deliver"])

    def handle(self, *args, **options):
        count = webhook_deliveries_run_due()
        self.stdout.write(f"{count} envoi(s) tenté(s).")
