from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from essaim.demo import data
from essaim.demo.services import demo_load
from essaim.organizations.enums import MembershipRole


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
        names = {spec["key"]: spec["name"] for spec in [*data.PARTNERS, *data.DEMO_HOLDERS]}
        self.stdout.write(self.style.SUCCESS(f"\nComptes de démonstration (mot de passe : {data.DEMO_PASSWORD})"))
        for email, _first, _last, org_key, role, is_staff in data.DEMO_ACCOUNTS:
            if is_staff:
                label = "administrateur de la plateforme (accès à /admin/)"
            else:
                label = f"{names[org_key]} — {MembershipRole(role).label.lower()}"
            self.stdout.write(f"  {email:<28} {label}")
