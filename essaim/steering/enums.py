from django.db import models


class ObjectiveMetric(models.TextChoices):
    """What an objective counts (always computed from the data, never typed in)."""

    SCHOOLS_OPEN = "schools_open", "Écoles de production ouvertes"
    YOUTH_PLACES = "youth_places", "Places pour les jeunes dans les écoles ouvertes"
    AMOUNT_MOBILISED = "amount_mobilised", "Montants mobilisés"
    PROJECTS_AT_STAGE = "projects_at_stage", "Projets ayant atteint une étape"


class TerritoryScope(models.TextChoices):
    """Where an objective applies. Essaim holds Hauts-de-France data only (see docs/steering.md)."""

    NATIONAL = "national", "France entière"
    REGION = "region", "Hauts-de-France"
    DEPARTMENT = "department", "Département"
    EPCI = "epci", "EPCI"


class AmountKind(models.TextChoices):
    """Which amount of the funding lines an « amount mobilised » objective counts."""

    REQUESTED = "requested", "Demandé"
    GRANTED = "granted", "Obtenu"
    PAID = "paid", "Versé"


class ProgressStatus(models.TextChoices):
    """Where an objective stands at a date (computed by ``progress.objective_progress``)."""

    REACHED = "reached", "Atteint"
    ON_TRACK = "on_track", "En bonne voie"
    BEHIND = "behind", "En retard sur la trajectoire"
    MISSED = "missed", "Échéance dépassée, non atteint"
