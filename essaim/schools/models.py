from django.db import models
from simple_history.models import HistoricalRecords

from essaim.common.models import BaseModel


class ProductionSchoolQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The list of écoles de production holds public facts (name, town, trades, sources): every
        signed-in user sees it. A school's internal data (orders, youths) is governed elsewhere."""
        return self.all() if user.is_authenticated else self.none()


class ProductionSchool(BaseModel):
    """An école de production, open or announced. Real schools carry the public source of each fact."""

    class Status(models.TextChoices):
        OPEN = "open", "Ouverte"
        ANNOUNCED = "announced", "Annoncée, ouverture non confirmée"
        CLOSED = "closed", "Fermée"

    name = models.CharField("nom", max_length=200, unique=True)
    short_name = models.CharField("sigle", max_length=50, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="production_schools", verbose_name="commune"
    )
    trades = models.ManyToManyField("trades.Trade", related_name="production_schools", verbose_name="métiers")
    diploma = models.CharField("diplômes préparés", max_length=200, blank=True)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.OPEN)
    opening_year = models.PositiveSmallIntegerField("année d'ouverture", null=True, blank=True)
    opening_label = models.CharField(
        "ouverture", max_length=100, blank=True, help_text="Tel que rapporté par la source."
    )
    carrier = models.CharField("structure porteuse", max_length=300, blank=True)
    organization = models.OneToOneField(
        "organizations.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="production_school",
        verbose_name="organisation sur Essaim",
    )
    sources = models.TextField("sources", help_text="Une adresse par ligne.")
    is_fnep_member = models.BooleanField("membre de la FNEP", default=True)
    # Filled by the curated list import (essaim indicators import production-schools FILE).
    siret = models.CharField("SIRET", max_length=14, blank=True)
    uai = models.CharField("UAI", max_length=8, blank=True)
    verified_date = models.DateField("date de vérification", null=True, blank=True)

    history = HistoricalRecords()
    objects = ProductionSchoolQuerySet.as_manager()

    class Meta:
        verbose_name = "école de production"
        verbose_name_plural = "écoles de production"
        ordering = ["commune__department__code", "name"]

    def __str__(self):
        return self.name

    def source_list(self):
        return [line.strip() for line in self.sources.splitlines() if line.strip()]
