"""Reads over the directory for other areas: the prospection of firms around a project."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When

from essaim.organizations.enums import OrganizationKind
from essaim.organizations.models import Organization

MAX_RADIUS_KM = 150


@dataclass
class Prospection:
    """The firms found (a queryset, ordered by distance then name) and each commune's distance (km,
    straight line from the origin commune's centroid)."""

    firms: object
    distances: dict[int, float]
    origin: object


def _communes_within(origin, radius_km: float) -> dict[int, float]:
    """Communes whose centroid lies within ``radius_km`` of ``origin``'s (one query, numpy distances)."""
    commune_model = Organization._meta.get_field("commune").related_model
    rows = [
        row
        for row in commune_model.objects.filter(latitude__isnull=False).values_list("pk", "latitude", "longitude")
        if math.isfinite(float(row[1])) and math.isfinite(float(row[2]))  # a NaN centre is nowhere
    ]
    if not rows or origin.latitude is None or origin.longitude is None:
        return {}
    if not (math.isfinite(float(origin.latitude)) and math.isfinite(float(origin.longitude))):
        return {}
    import numpy as np  # here, not with the module: the web's start-up does not need numpy

    from territories_engine import haversine_km

    ids = np.array([row[0] for row in rows])
    lat = np.array([float(row[1]) for row in rows])
    lon = np.array([float(row[2]) for row in rows])
    km = haversine_km(float(origin.latitude), float(origin.longitude), lat, lon)
    inside = km <= radius_km
    return {int(pk): float(d) for pk, d in zip(ids[inside], km[inside], strict=True)}


def firms_for_prospection(
    user, *, origin, radius_km: float | None, activity_codes=(), headcount_bands=(), q: str = ""
) -> Prospection:
    """Active firms (kind « entreprise », not closed) of the directory ``user`` sees, with one of the APE
    ``activity_codes`` (all when empty), in one of the ``headcount_bands`` (all when empty), located in a
    commune within ``radius_km`` of the ``origin`` commune (anywhere when None), whose name contains
    ``q`` (accents and case ignored). Ordered by distance (whole kilometres), then name."""
    firms = Organization.objects.visible_to(user).filter(kind=OrganizationKind.COMPANY, is_closed=False)
    if activity_codes:
        firms = firms.filter(activity_code__in=list(activity_codes))
    if headcount_bands:
        firms = firms.filter(headcount_band__in=list(headcount_bands))
    if q:
        firms = firms.search(q)
    distances: dict[int, float] = {}
    if origin is not None and radius_km is not None:
        distances = _communes_within(origin, min(float(radius_km), MAX_RADIUS_KM))
        firms = firms.filter(commune_id__in=list(distances))
        # Sort by whole kilometres in the database: one WHEN per distinct kilometre (at most MAX_RADIUS_KM).
        by_km: dict[int, list[int]] = {}
        for pk, km in distances.items():
            by_km.setdefault(int(km), []).append(pk)
        if by_km:
            firms = firms.annotate(
                distance_km=Case(
                    *(When(commune_id__in=pks, then=Value(km)) for km, pks in sorted(by_km.items())),
                    default=Value(MAX_RADIUS_KM + 1),
                    output_field=IntegerField(),
                )
            ).order_by("distance_km", *firms.order_by_name().query.order_by)
            return Prospection(firms=firms, distances=distances, origin=origin)
    return Prospection(firms=firms.order_by_name(), distances=distances, origin=origin)
