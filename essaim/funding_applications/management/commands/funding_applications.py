"""`essaim funding_applications remind-experts`: remind the experts whose opinion is overdue (to schedule daily)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from essaim.common.arguments import bounded_int


class Command(BaseCommand):
    help = "Dossiers de financement : relance les experts dont l'avis est attendu depuis trop longtemps."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="remind-experts")
        remind = sub.add_parser(
            "remind-experts",
            help="Envoie un e-mail de relance aux experts sans réponse depuis N jours (au plus une relance par "
            "période de N jours) et la note au journal du dossier. À planifier une fois par jour.",
        )
        remind.add_argument(
            "--days",
            type=bounded_int(1, 365),
            default=None,
            help="N, en jours (défaut : ESSAIM_EXPERT_REMINDER_DAYS, "
            f"actuellement {settings.ESSAIM_EXPERT_REMINDER_DAYS}).",
        )

    def handle(self, *args, action, days=None, **options):
        from essaim.funding_applications.services import expert_reminders_send

        count = expert_reminders_send(days=days)
        self.stdout.write(f"Relances envoyées aux experts : {count}.")
