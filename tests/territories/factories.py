"""Factories for reference territories. Codes follow the official formats (text, leading zeros).

``with_contour=True`` gives a territory a small square contour (GeoJSON Polygon), for the maps.
"""

import factory
from factory.django import DjangoModelFactory

from essaim.territories import svg
from essaim.territories.models import Commune, Department, EmploymentZone, Epci, Region


def square_contour(lon: float, lat: float, size: float = 0.1) -> dict:
    """A GeoJSON Polygon: a square whose south-west corner is (lon, lat), in degrees."""
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


class WithContourFactory(DjangoModelFactory):
    """Mixin-like base: ``Factory(with_contour=True)`` gives the territory a small square contour."""

    class Meta:
        abstract = True

    class Params:
        with_contour = factory.Trait(
            contour=factory.Sequence(lambda n: square_contour(2.0 + (n % 20) * 0.1, 50.0 + (n // 20) * 0.1))
        )

    contour = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """``contour=<GeoJSON>`` writes the territory's shape row (contours live apart from the territory)."""
        contour = kwargs.pop("contour", None)
        obj = super()._create(model_class, *args, **kwargs)
        if contour:
            relation = obj._meta.get_field("shape")
            relation.related_model.objects.update_or_create(
                **{relation.field.name: obj}, defaults={"geometry": contour, "simplified": svg.simplify(contour)}
            )
            if relation.is_cached(obj):
                relation.delete_cached_value(obj)
        return obj


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "32"
    name = "Hauts-de-France"


class DepartmentFactory(WithContourFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{(n % 90) + 10:02d}")
    name = factory.Sequence(lambda n: f"Département {n}")
    region = factory.SubFactory(RegionFactory)
    population = 500_000


class EmploymentZoneFactory(WithContourFactory):
    class Meta:
        model = EmploymentZone
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{3200 + n:04d}")
    name = factory.Sequence(lambda n: f"Zone d'emploi {n}")
    population = 100_000


class EpciFactory(WithContourFactory):
    class Meta:
        model = Epci
        django_get_or_create = ["siren"]

    siren = factory.Sequence(lambda n: f"2000{n:05d}")
    name = factory.Sequence(lambda n: f"CC de test {n}")
    nature = Epci.Nature.CC
    population = 30_000
    population_in_region = 30_000


class CommuneFactory(WithContourFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{59000 + n:05d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    department = factory.SubFactory(DepartmentFactory)
    epci = factory.SubFactory(EpciFactory)
    employment_zone = factory.SubFactory(EmploymentZoneFactory)
    population = 5_000
    latitude = factory.Sequence(lambda n: 50 + (n % 50) / 100)
    longitude = factory.Sequence(lambda n: 3 + (n % 50) / 100)
