"""Territorial indicators in one long table, and the layers the analysis needs.

* ``Indicator`` — the catalogue (code, French label, unit, kind, source, licence, direction). Editable
  in the admin, historised. Seeded from ``essaim.indicators.catalogue``.
* ``IndicatorValue`` — **the long table**: one row per (indicator, territory level, territory code,
  vintage, BMO job code). Codes are official codes as text. Rates carry their numerator and
  denominator when the source publishes them, so that coarser levels are recomputed (Σ num / Σ den),
  never averaged. A BMO cell published as ``*`` is ``is_secret`` with no value: unknown, never 0.
* ``BmoBasin`` and ``CommuneBmoBasin`` — the bassins of France Travail's BMO survey and the
  **provisional** commune → bassin crosswalk (see ``catalogue.BMO_CROSSWALK_CAVEAT``).
* ``TradeBmoCode`` — which BMO job codes stand for each trade of the programme (editable, historised).
* ``DataImport`` — the log of every import (file, sha256, vintage, who, when, counts).
* ``IndustryTerritory``, ``Qpv``, ``TrainingProvider`` — Territoires d'industrie (with their EPCI),
  quartiers prioritaires, CFA. Écoles de production live in ``essaim.schools``.

Why ``float`` for values: they are statistical estimates (census counts are weighted and not whole
numbers, rates are ratios), never money; aggregation runs in floating point (``math.fsum`` in the
territories engine, numpy); an 8-byte float round-trips exactly on SQLite and PostgreSQL, so the
importers' "unchanged" comparison stays exact; and bulk reads of ~40 000 values stay cheap.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from essaim.indicators.enums import ImportKind, IndicatorKind, TerritoryLevel


class PublicReferenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Indicators and their layers are public reference data: every signed-in user sees them."""
        return self.all() if user.is_authenticated else self.none()


class Indicator(models.Model):
    """One indicator of the catalogue (population, NEET rate, BMO projects…)."""

    code = models.SlugField("code", max_length=50, unique=True)
    label = models.CharField("libellé", max_length=200)
    unit = models.CharField("unité", max_length=50)
    kind = models.CharField("nature", max_length=20, choices=IndicatorKind.choices)
    native_level = models.CharField(
        "niveau de publication", max_length=20, choices=TerritoryLevel.choices, default=TerritoryLevel.COMMUNE
    )
    source_name = models.CharField("source", max_length=300)
    source_url = models.URLField("adresse de la source", max_length=500, blank=True)
    licence = models.CharField("licence", max_length=200, blank=True)
    higher_means_more_need = models.BooleanField(
        "sens",
        default=True,
        choices=[(True, "plus est élevé, plus le besoin est fort"), (False, "plus est bas, plus le besoin est fort")],
    )
    is_trade_specific = models.BooleanField("propre à un métier", default=False)
    is_derived = models.BooleanField(
        "calculé", default=False, help_text="Calculé à partir d'autres indicateurs, jamais importé."
    )
    formula = models.TextField("définition et formule", blank=True)
    caveat = models.TextField("précaution d'usage", blank=True)
    sort_order = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords()
    objects = PublicReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.label

    @property
    def direction_label(self) -> str:
        return self.get_higher_means_more_need_display()


class DataImportQuerySet(models.QuerySet):
    def latest_first(self):
        return self.select_related("imported_by").order_by("-imported_at", "-pk")


class DataImport(models.Model):
    """One import of one file: what, from which content (sha256), by whom, and what it changed."""

    kind = models.CharField("type de fichier", max_length=40, choices=ImportKind.choices)
    file_name = models.CharField("fichier", max_length=300)
    sha256 = models.CharField("empreinte SHA-256", max_length=64, db_index=True)
    vintage = models.CharField("millésime", max_length=30, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_imports",
        verbose_name="importé par",
    )
    imported_at = models.DateTimeField("date d'import", auto_now_add=True)
    rows_created = models.PositiveIntegerField("lignes créées", default=0)
    rows_updated = models.PositiveIntegerField("lignes mises à jour", default=0)
    rows_unchanged = models.PositiveIntegerField("lignes inchangées", default=0)
    rows_deleted = models.PositiveIntegerField("lignes supprimées", default=0)
    rows_skipped = models.PositiveIntegerField("lignes ignorées (hors Hauts-de-France)", default=0)
    note = models.TextField("remarques", blank=True)

    objects = DataImportQuerySet.as_manager()

    class Meta:
        verbose_name = "import de données"
        verbose_name_plural = "imports de données"
        ordering = ["-imported_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.file_name}"


class IndicatorValue(models.Model):
    """One value of the long table. ``value`` is None when unknown (secret or not published)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values", verbose_name="indicateur")
    level = models.CharField("niveau", max_length=20, choices=TerritoryLevel.choices)
    territory_code = models.CharField("code du territoire", max_length=12)
    vintage = models.CharField("millésime", max_length=30)
    job_code = models.CharField(
        "code métier BMO",
        max_length=10,
        blank=True,
        help_text="Pour les indicateurs propres à un métier ; le métier est retrouvé par les codes BMO du métier.",
    )
    value = models.FloatField("valeur", null=True, blank=True)
    numerator = models.FloatField("numérateur", null=True, blank=True)
    denominator = models.FloatField("dénominateur", null=True, blank=True)
    is_secret = models.BooleanField("secret statistique", default=False)
    source_import = models.ForeignKey(
        DataImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="values", verbose_name="import"
    )

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "level", "territory_code", "vintage", "job_code"], name="indicator_value_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(is_secret=False) | models.Q(value__isnull=True), name="secret_value_is_unknown"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "vintage"], name="indicator_value_vintage")]

    def __str__(self):
        return f"{self.indicator_id} {self.level} {self.territory_code} {self.vintage} {self.job_code}".strip()


class BmoBasin(models.Model):
    """A bassin d'emploi of the BMO survey (France Travail), e.g. 3201 ABBEVILLE PONTHIEU."""

    code = models.CharField("code", max_length=6, unique=True)
    name = models.CharField("libellé", max_length=100)
    departments = models.CharField("départements", max_length=50, blank=True)

    objects = PublicReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "bassin BMO"
        verbose_name_plural = "bassins BMO"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class CommuneBmoBasin(models.Model):
    """Commune → bassin BMO. ``is_provisional``: not checked against France Travail's official zoning."""

    commune = models.OneToOneField(
        "territories.Commune", on_delete=models.CASCADE, related_name="bmo_basin_link", verbose_name="commune"
    )
    basin = models.ForeignKey(BmoBasin, on_delete=models.PROTECT, related_name="commune_links", verbose_name="bassin")
    is_provisional = models.BooleanField("provisoire", default=True)
    source = models.CharField("source", max_length=200, blank=True)

    objects = PublicReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "rattachement commune → bassin BMO"
        verbose_name_plural = "rattachements communes → bassins BMO"

    def __str__(self):
        return f"{self.commune_id} → {self.basin_id}"


class TradeBmoCode(models.Model):
    """A BMO job code (FAP-2021 based) counted for a trade of the programme. Editable."""

    trade = models.ForeignKey(
        "trades.Trade", on_delete=models.CASCADE, related_name="bmo_codes", verbose_name="métier du programme"
    )
    job_code = models.CharField("code métier BMO", max_length=10)
    job_label = models.CharField("libellé du métier BMO", max_length=200, blank=True)
    note = models.CharField("remarque", max_length=300, blank=True)

    history = HistoricalRecords()
    objects = PublicReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "code métier BMO d'un métier"
        verbose_name_plural = "codes métiers BMO des métiers"
        ordering = ["trade__name", "job_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["trade", "job_code"],
                name="trade_bmo_code_unique",
                violation_error_message="Ce code métier BMO est déjà associé à ce métier.",
            )
        ]

    def __str__(self):
        return f"{self.trade} — {self.job_code}"


class IndustryTerritory(models.Model):
    """A Territoire d'industrie (ANCT programme), with its EPCI in Hauts-de-France."""

    code = models.CharField("identifiant (id_ti)", max_length=20, unique=True)
    name = models.CharField("nom", max_length=200)
    epcis = models.ManyToManyField("territories.Epci", related_name="industry_territories", verbose_name="EPCI")

    objects = PublicReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "Territoire d'industrie"
        verbose_name_plural = "Territoires d'industrie"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Qpv(models.Model):
    """A quartier prioritaire de la politique de la ville; ``commune`` is its first commune."""

    code = models.CharField("code (code_qp)", max_length=20, unique=True)
    name = models.CharField("nom", max_length=200)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="qpvs", verbose_name="commune"
    )
    commune_codes = models.JSONField("codes INSEE des communes", default=list)
    contour = models.JSONField("contour (GeoJSON)", null=True, blank=True)

    objects = PublicReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "quartier prioritaire (QPV)"
        verbose_name_plural = "quartiers prioritaires (QPV)"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class TrainingProvider(models.Model):
    """A CFA or apprenticeship training organisation (ONISEP referential), keyed on UAI + SIRET."""

    key = models.CharField("clé (UAI-SIRET)", max_length=40, unique=True)
    name = models.CharField("nom", max_length=300)
    uai = models.CharField("UAI", max_length=8, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="training_providers", verbose_name="commune"
    )
    latitude = models.DecimalField("latitude", max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField("longitude", max_digits=8, decimal_places=5, null=True, blank=True)

    objects = PublicReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "CFA ou organisme de formation en apprentissage"
        verbose_name_plural = "CFA et organismes de formation en apprentissage"
        ordering = ["name"]

    def __str__(self):
        return self.name
