from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from essaim.demo import data
from essaim.demo.national import SCHOOL_ACCOUNT, national_programme_build
from essaim.demo.services import demo_load
from essaim.organizations.enums import MembershipRole


class Command(BaseCommand):
    help = (
        "Charge le contenu de démonstration (partenaires réels, écoles existantes, projets fictifs, comptes de démo). "
        "Refusé en production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--national",
            action="store_true",
            help="Ajoute, par-dessus la démonstration, un programme fictif de taille nationale (600 projets, "
            "110 écoles ouvertes, 3 000 dossiers, 20 000 jeunes, 50 000 factures) pour les mesures de performance.",
        )

    def handle(self, *args, national=False, **options):
        try:
            report = demo_load()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        if national:
            self._national()
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
        if national:
            self.stdout.write(f"  {SCHOOL_ACCOUNT:<28} école nationale n°1 (fictive) — administrateur")

    def _national(self):
        import time

        started = time.perf_counter()
        self.stdout.write("Programme national fictif :")
        try:
            national_programme_build(say=lambda text: self.stdout.write(f"  {text}"))
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"  construit en {time.perf_counter() - started:.0f} s.")
