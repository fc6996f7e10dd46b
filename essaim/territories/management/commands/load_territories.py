from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from essaim.territories.services import TerritoryDataError, territories_load


class Command(BaseCommand):
    help = (
        "Charge les territoires de référence (communes, EPCI, zones d'emploi, départements) depuis ESSAIM_DATA_DIR.\n"
        "Sans effet si rien n'a changé ; tout ou rien en cas d'erreur dans les fichiers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Dossier du jeu de données de référence (par défaut : ESSAIM_DATA_DIR).",
        )

    def handle(self, *args, data_dir=None, **options):
        data_dir = data_dir or settings.ESSAIM_DATA_DIR
        self.stdout.write(f"Chargement des territoires depuis {data_dir}")
        try:
            report = territories_load(data_dir=data_dir, stdout=self.stdout)
        except TerritoryDataError as error:
            raise CommandError(f"Aucune modification enregistrée. {error}") from error
        if report.created or report.updated:
            self.stdout.write(self.style.SUCCESS(f"Territoires chargés en {report.duration_seconds:.1f} s."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Territoires déjà à jour ({report.duration_seconds:.1f} s)."))
