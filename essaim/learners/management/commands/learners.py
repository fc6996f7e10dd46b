"""`essaim learners purge [--dry-run]`: anonymise the youths past the retention period."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from essaim.common.formats import format_date
from essaim.learners.services import learners_purge


class Command(BaseCommand):
    help = "Suivi des jeunes : anonymise les dossiers dont la sortie dépasse la durée de conservation."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True, metavar="purge")
        purge = subcommands.add_parser(
            "purge",
            help=(
                "Anonymise les jeunes sortis depuis plus de LEARNER_RETENTION_YEARS_AFTER_EXIT ans : "
                "noms, date de naissance, incidents et leur historique."
            ),
        )
        purge.add_argument("--dry-run", action="store_true", help="Affiche ce qui serait fait, sans rien modifier.")

    def handle(self, *args, action, dry_run=False, **options):
        try:
            report = learners_purge(dry_run=dry_run)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        years = settings.LEARNER_RETENTION_YEARS_AFTER_EXIT
        prefix = "Simulation (rien n'est modifié) : " if dry_run else ""
        verb = "seraient anonymisés" if dry_run else "anonymisés"
        self.stdout.write(
            f"{prefix}durée de conservation {years} an(s) après la sortie : jeunes sortis le "
            f"{format_date(report.cutoff)} ou avant."
        )
        self.stdout.write(f"Jeunes {verb} : {report.learners}.")
        self.stdout.write(f"Incidents supprimés{' (simulation)' if dry_run else ''} : {report.incidents}.")
        self.stdout.write(
            f"Versions d'historique supprimées{' (simulation)' if dry_run else ''} : {report.history_rows}."
        )
