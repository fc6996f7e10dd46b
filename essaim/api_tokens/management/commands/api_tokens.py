import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from essaim.api_tokens.services import DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS, api_token_create
from essaim.common.arguments import bounded_int


class Command(BaseCommand):
    help = (
        "Jetons d'accès à l'API : « essaim api_tokens create ADRESSE [--organisation NOM] [--scope read|write] "
        "[--days 90] [--name NOM] » crée un jeton personnel et l'affiche (une seule fois)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("email")
        parser.add_argument("--organisation", default="", help="Nom de l'organisation (par défaut la première).")
        parser.add_argument("--scope", choices=["read", "write"], default="read")
        parser.add_argument("--days", type=bounded_int(1, MAX_LIFETIME_DAYS), default=DEFAULT_LIFETIME_DAYS)
        parser.add_argument("--name", default="Ligne de commande")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(email=options["email"].strip().lower()).first()
        if user is None:
            raise CommandError(f"Aucun compte pour l'adresse « {options['email']} ».")
        memberships = user.memberships.active().select_related("organization").order_by("organization__name")
        if options["organisation"]:
            memberships = memberships.filter(organization__name=options["organisation"])
        membership = memberships.first()
        if membership is None:
            raise CommandError("Ce compte n'est membre actif d'aucune organisation de ce nom.")
        if membership.organization.__class__.objects.filter(
            pk=membership.organization_id, production_school__isnull=False
        ).exists():
            # The person acting for a school creates their own token on their account page: nobody
            # holds a secret acting for a school's staff without them (docs/security.md).
            raise CommandError(
                "Ce compte agit pour une école de production : la personne crée elle-même son jeton sur sa page "
                "« Mon compte », la ligne de commande n'en crée pas pour elle."
            )
        try:
            _, secret = api_token_create(
                user=user,
                membership=membership,
                name=options["name"],
                scope=options["scope"],
                expires_on=timezone.localdate() + dt.timedelta(days=options["days"]),
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(secret)
