"""`essaim orders rebuild-production [--check]`: the production per school and month, from the invoices."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from essaim.orders.production import production_months_differences, production_months_rebuild


class Command(BaseCommand):
    help = "Ventes des écoles : reconstruit la production par école et par mois à partir des factures."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True, metavar="rebuild-production")
        rebuild = subcommands.add_parser(
            "rebuild-production",
            help=(
                "Recalcule le facturé et l'encaissé HT de chaque école et de chaque mois (lus par le pilotage) "
                "à partir des factures émises et des règlements."
            ),
        )
        rebuild.add_argument(
            "--check", action="store_true", help="Compare seulement : liste les mois qui diffèrent, sans rien modifier."
        )

    def handle(self, *args, action, check=False, **options):
        differences = production_months_differences()
        if check:
            if differences:
                for line in differences:
                    self.stdout.write(line)
                raise CommandError(f"{len(differences)} mois diffèrent des factures et des règlements.")
            self.stdout.write("Production par mois : conforme aux factures et aux règlements.")
            return
        months = production_months_rebuild()
        self.stdout.write(f"Production par mois reconstruite : {months} mois d'école ({len(differences)} corrigé(s)).")
