"""Reference territories of the programme: région, départements, EPCI, zones d'emploi, communes.

They come from the reference dataset (``ESSAIM_DATA_DIR``, see its README.md) through
``essaim load_territories``; users never edit them. Official codes are kept as text with
their leading zeros (INSEE commune code "02001", zone d'emploi "0054", SIREN of an EPCI).

Some EPCI straddle two régions (two EPCI also cover Seine-Maritime) and two zones d'emploi
extend into Normandie: their populations are given both in full and for the Hauts-de-France part.
Contours are GeoJSON geometries in WGS84, simplified: good for thematic maps, not for precise joins.
They live in their own tables (``*Shape``, one row per territory, up to 47 KB of GeoJSON for a commune),
never in the territory rows: a list or a ``select_related`` to communes, EPCI or départements never reads
them. Maps load them explicitly (``select_related("shape")``, or ``shape__simplified`` for maps of a
whole région or département: a copy simplified at load time, ``svg.simplify``).
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db import models


class TerritoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reference territories are public reference data: every signed-in user sees them."""
        if not user.is_authenticated:
            return self.none()
        return self.all()


class WithShape:
    """``territory.contour`` (full GeoJSON) and ``territory.map_contour`` (simplified copy for small-scale maps),
    read from the territory's shape row: load it with ``select_related("shape")`` for a list (one query)."""

    @property
    def contour(self):
        try:
            return self.shape.geometry
        except ObjectDoesNotExist:
            return None

    @property
    def map_contour(self):
        try:
            shape = self.shape
        except ObjectDoesNotExist:
            return None
        return shape.simplified or shape.geometry


class Region(models.Model):
    code = models.CharField("code INSEE", max_length=2, unique=True)
    name = models.CharField("nom", max_length=100)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "région"
        verbose_name_plural = "régions"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Department(WithShape, models.Model):
    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments", verbose_name="région")
    prefecture_code = models.CharField("code INSEE du chef-lieu", max_length=5, blank=True)
    population = models.PositiveIntegerField("population municipale (PL 2023)", default=0)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class EmploymentZone(WithShape, models.Model):
    """Zone d'emploi (INSEE zoning 2020), restricted to its Hauts-de-France communes."""

    code = models.CharField("code INSEE", max_length=4, unique=True)
    name = models.CharField("libellé", max_length=100)
    vintage = models.CharField("zonage", max_length=10, default="ZE2020")
    population = models.PositiveIntegerField("population municipale en Hauts-de-France (PL 2023)", default=0)
    is_cross_regional = models.BooleanField("transrégionale", default=False)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "zone d'emploi"
        verbose_name_plural = "zones d'emploi"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(WithShape, models.Model):
    """EPCI à fiscalité propre (CC, CA, CU, métropole) with at least one commune in the région."""

    class Nature(models.TextChoices):
        CC = "CC", "communauté de communes"
        CA = "CA", "communauté d'agglomération"
        CU = "CU", "communauté urbaine"
        METRO = "METRO", "métropole"

    siren = models.CharField("SIREN", max_length=9, unique=True)
    name = models.CharField("nom", max_length=200)
    nature = models.CharField("nature juridique", max_length=5, choices=Nature.choices)
    population = models.PositiveIntegerField("population municipale (PL 2023, toutes communes)", default=0)
    population_in_region = models.PositiveIntegerField("population municipale en Hauts-de-France", default=0)
    is_interregional = models.BooleanField("interrégional", default=False)
    latitude = models.DecimalField("latitude du centroïde", max_digits=8, decimal_places=5, null=True)
    longitude = models.DecimalField("longitude du centroïde", max_digits=8, decimal_places=5, null=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Commune(WithShape, models.Model):
    code = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=100)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="communes", verbose_name="département"
    )
    epci = models.ForeignKey(Epci, on_delete=models.PROTECT, related_name="communes", verbose_name="EPCI")
    employment_zone = models.ForeignKey(
        EmploymentZone, on_delete=models.PROTECT, related_name="communes", verbose_name="zone d'emploi"
    )
    siren = models.CharField("SIREN de la commune", max_length=9, blank=True)
    population = models.PositiveIntegerField("population municipale (PL 2023)", default=0)
    postal_codes = models.CharField("codes postaux", max_length=100, blank=True)
    latitude = models.DecimalField("latitude du centroïde", max_digits=8, decimal_places=5, null=True)
    longitude = models.DecimalField("longitude du centroïde", max_digits=8, decimal_places=5, null=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name", "code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Shape(models.Model):
    """A territory's contour, apart from its row (see the module's docstring)."""

    geometry = models.JSONField("contour (GeoJSON)")
    simplified = models.JSONField("contour simplifié (cartes à petite échelle)", null=True, blank=True)

    class Meta:
        abstract = True


class DepartmentShape(Shape):
    department = models.OneToOneField(Department, on_delete=models.CASCADE, primary_key=True, related_name="shape")

    class Meta:
        verbose_name = "contour de département"

    def __str__(self):
        return f"Contour : {self.department}"


class EmploymentZoneShape(Shape):
    employment_zone = models.OneToOneField(
        EmploymentZone, on_delete=models.CASCADE, primary_key=True, related_name="shape"
    )

    class Meta:
        verbose_name = "contour de zone d'emploi (partie Hauts-de-France)"

    def __str__(self):
        return f"Contour : {self.employment_zone}"


class EpciShape(Shape):
    epci = models.OneToOneField(Epci, on_delete=models.CASCADE, primary_key=True, related_name="shape")

    class Meta:
        verbose_name = "contour d'EPCI"

    def __str__(self):
        return f"Contour : {self.epci}"


class CommuneShape(Shape):
    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, primary_key=True, related_name="shape")

    class Meta:
        verbose_name = "contour de commune"

    def __str__(self):
        return f"Contour : {self.commune}"
