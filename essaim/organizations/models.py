import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from essaim.common.models import BaseModel
from essaim.common.search import Fold, folded_contains
from essaim.common.validators import normalize_identifier, validate_siren, validate_siret
from essaim.organizations.enums import CollectiviteLevel, HeadcountBand, MembershipRole, OrganizationKind


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The directory of organisations (name, kind, territory) is shared by every signed-in user.

        Written rule: partners must find each other. Members and internal data stay private
        (see ``permissions.can_view_members``).
        """
        if not user.is_authenticated:
            return self.none()
        return self.all()

    def in_department(self, department):
        """Organisations located in a département: by their commune, their EPCI or as the département itself."""
        epcis = self.model._meta.get_field("epci").related_model.objects.filter(communes__department=department)
        return self.filter(
            models.Q(commune__department=department) | models.Q(department=department) | models.Q(epci__in=epcis)
        )

    def search(self, q):
        """Name (ignoring accents and case: « region » finds « Région »), SIREN or SIRET (their start)."""
        q = (q or "").strip()
        if not q:
            return self
        digits = normalize_identifier(q)
        condition = folded_contains("name", q)
        if digits.isdigit():
            condition |= models.Q(siren__startswith=digits) | models.Q(siret__startswith=digits)
        return self.filter(condition)

    def order_by_name(self):
        """Alphabetical order ignoring accents and case (« État » among the E's), then by pk."""
        return self.order_by(Fold("name"), "name", "pk")

    def in_epci(self, epci):
        """Organisations located in an EPCI: by their commune or as the EPCI itself."""
        return self.filter(models.Q(commune__epci=epci) | models.Q(epci=epci))


class Organization(BaseModel):
    """A partner of the programme: Région, Banque des Territoires, FNEP, a collectivité, a project holder…

    A collectivité is tied to exactly one territory (its commune, EPCI or département),
    which decides the projects it sees.
    """

    uid = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type d'organisation", max_length=30, choices=OrganizationKind.choices)
    siren = models.CharField(
        "SIREN", max_length=9, blank=True, validators=[validate_siren], help_text="9 chiffres, sans espaces."
    )
    siret = models.CharField(
        "SIRET",
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text="14 chiffres, sans espaces : le siège, ou l'établissement pour une entreprise importée de SIRENE.",
    )
    collectivite_level = models.CharField(
        "niveau de collectivité", max_length=20, choices=CollectiviteLevel.choices, blank=True
    )
    commune = models.ForeignKey(
        "territories.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="commune",
        related_name="organizations",
        help_text="Siège de l'organisation ; territoire de la collectivité s'il s'agit d'une commune.",
    )
    epci = models.ForeignKey(
        "territories.Epci",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="EPCI",
        related_name="organizations",
    )
    department = models.ForeignKey(
        "territories.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name="département",
        related_name="organizations",
    )
    website = models.URLField("site internet", blank=True)
    description = models.TextField("présentation", blank=True)
    source_url = models.URLField("source", blank=True, help_text="Source publique des informations, le cas échéant.")
    # Filled by the SIRENE import (essaim.organizations.sirene) for companies; blank otherwise.
    activity_code = models.CharField("code APE (NAF rév. 2)", max_length=6, blank=True)
    headcount_band = models.CharField(
        "tranche d'effectifs salariés", max_length=2, blank=True, choices=HeadcountBand.choices
    )
    is_closed = models.BooleanField("établissement fermé", default=False, help_text="Selon le répertoire SIRENE.")
    sirene_updated_at = models.DateTimeField("mis à jour depuis SIRENE le", null=True, blank=True)

    history = HistoricalRecords()
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="collectivite_has_level",
                condition=~models.Q(kind=OrganizationKind.COLLECTIVITE) | ~models.Q(collectivite_level=""),
                violation_error_message="Une collectivité doit préciser son niveau (commune, EPCI ou département).",
            ),
            models.UniqueConstraint(
                fields=["siret"],
                condition=~models.Q(siret=""),
                name="unique_organization_siret",
                violation_error_message="Une organisation porte déjà ce SIRET.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.siren = normalize_identifier(self.siren)
        self.siret = normalize_identifier(self.siret)
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            raise ValidationError({"siret": "Le SIRET doit commencer par le SIREN de l'organisation."})
        if self.kind == OrganizationKind.COLLECTIVITE:
            territory_field = {
                CollectiviteLevel.COMMUNE: "commune",
                CollectiviteLevel.EPCI: "epci",
                CollectiviteLevel.DEPARTMENT: "department",
            }.get(self.collectivite_level)
            if territory_field is None:
                raise ValidationError({"collectivite_level": "Précisez le niveau de la collectivité."})
            if getattr(self, f"{territory_field}_id") is None:
                raise ValidationError({territory_field: "Une collectivité doit être rattachée à son territoire."})
        elif self.collectivite_level:
            raise ValidationError({"collectivite_level": "Seule une collectivité a un niveau de collectivité."})

    def territory_label(self):
        if self.kind == OrganizationKind.COLLECTIVITE:
            return str(
                {"commune": self.commune, "epci": self.epci, "department": self.department}[self.collectivite_level]
            )
        if self.commune_id:
            return str(self.commune)
        if self.department_id:
            return str(self.department)
        return ""


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(BaseModel):
    """A user's membership of an organisation, with a role: administrateur, membre or lecteur."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name="organisation"
    )
    role = models.CharField("rôle", max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    is_active = models.BooleanField("active", default=True)
    # For traceability: who last changed this membership (null when created by the platform).
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="modifiée par",
    )

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "adhésion"
        verbose_name_plural = "adhésions"
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership"),
        ]

    def __str__(self):
        return f"{self.user} — {self.organization} ({self.get_role_display()})"
