"""`essaim funding_programmes load-catalogue`: load (or update) the seeded catalogue of programmes."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from essaim.funding_programmes.catalogue import catalogue_load


class Command(BaseCommand):
    help = "Dispositifs de financement : charge le catalogue documenté (idempotent)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-catalogue", help="Crée ou met à jour les dispositifs et leurs enveloppes.")

    def handle(self, *args, **options):
        counts = catalogue_load()
        self.stdout.write(
            "Catalogue chargé : " + ", ".join(f"{name} créés : {count}" for name, count in counts.items()) + "."
        )
