from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from essaim.organizations.sirene import SireneImportError, sirene_import


class Command(BaseCommand):
    help = (
        "Importe des entreprises depuis un extrait SIRENE « StockEtablissement » de l'INSEE (CSV, noms de colonnes "
        "officiels). Clé : le SIRET ; relancer l'import met à jour. Tout ou rien en cas d'erreur."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Fichier CSV (UTF-8) extrait de StockEtablissement.")
        parser.add_argument("--dry-run", action="store_true", help="Vérifier le fichier sans rien enregistrer.")

    def handle(self, *args, path, dry_run=False, **options):
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            report = sirene_import(data=path.read_bytes(), dry_run=dry_run)
        except SireneImportError as error:
            raise CommandError("Aucune modification enregistrée.\n" + "\n".join(error.errors)) from error
        prefix = "Vérification seulement, rien n'est enregistré. " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
