from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from essaim.indicators.importers import IMPORTERS, DataImportError
from essaim.indicators.services import import_file, reference_load


class Command(BaseCommand):
    help = (
        "Indicateurs territoriaux : importe un fichier officiel ou charge le jeu de référence.\n"
        "  essaim indicators import KIND FICHIER [--vintage …] [--dry-run] [--user e-mail]\n"
        "  essaim indicators load-reference [--data-dir …]\n"
        "  essaim indicators kinds   (liste des types de fichiers et formats acceptés)\n"
        "Tout ou rien en cas d'erreur ; relancer avec le même fichier ne change rien."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser("import", help="Importer un fichier (zip INSEE accepté tel que téléchargé).")
        importing.add_argument(
            "kind", choices=sorted(IMPORTERS), metavar="KIND", help="Type de fichier (voir « kinds »)."
        )
        importing.add_argument("file", type=Path, help="Chemin du fichier.")
        importing.add_argument("--vintage", default=None, help="Millésime (par défaut : lu dans le fichier).")
        importing.add_argument("--dry-run", action="store_true", help="Vérifier et compter sans rien enregistrer.")
        importing.add_argument("--user", default=None, help="E-mail de la personne à inscrire au journal.")
        loading = actions.add_parser("load-reference", help="Charger les indicateurs du jeu de référence.")
        loading.add_argument("--data-dir", type=Path, default=None, help="Dossier (par défaut : ESSAIM_DATA_DIR).")
        actions.add_parser("kinds", help="Lister les types de fichiers acceptés.")

    def handle(self, *args, action, **options):
        if action == "kinds":
            for kind, importer in IMPORTERS.items():
                self.stdout.write(f"{kind}\n    {importer.label}\n    {importer.accepted}\n")
            return
        try:
            if action == "load-reference":
                data_dir = options["data_dir"] or settings.ESSAIM_DATA_DIR
                self.stdout.write(f"Chargement des indicateurs de référence depuis {data_dir}")
                reference_load(data_dir=data_dir, stdout=self.stdout)
                self.stdout.write(self.style.SUCCESS("Indicateurs de référence à jour."))
                return
            user = None
            if options["user"]:
                user = get_user_model().objects.filter(email__iexact=options["user"]).first()
                if user is None:
                    raise CommandError(f"Aucun compte avec l'e-mail « {options['user']} ».")
            report = import_file(
                kind=options["kind"], path=options["file"], vintage=options["vintage"], user=user,
                dry_run=options["dry_run"],
            )  # fmt: skip
        except DataImportError as error:
            raise CommandError(f"Aucune modification enregistrée. {error}") from error
        self.stdout.write(self.style.SUCCESS(report.summary()))
