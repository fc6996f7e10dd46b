from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from essaim.demo import data
from essaim.demo.services import demo_load


class Command(BaseCommand):
    help = (
        "Charge le contenu de démonstration (partenaires réels, écoles existantes, projets fictifs, comptes de démo). "
        "Refusé en production."
    )

    def handle(self, *args, **options):
        try:
            report = demo_load()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        for label in sorted(set(report.created) | set(report.updated)):
            self.stdout.write(
                f"{label} : {report.created.get(label, 0)} créé(s), {report.updated.get(label, 0)} mis à jour"
            )
        self.stdout.write(self.style.SUCCESS("\nComptes de démonstration (mot de passe : %s)" % data.DEMO_PASSWORD))
        for email, first_name, last_name, org_key, role, is_staff in data.DEMO_ACCOUNTS:
            label = "administrateur de la plateforme" if is_staff else f"{org_key} — {role}"
            self.stdout.write(f"  {email:<30} {label}")
