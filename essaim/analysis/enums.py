"""Choices of the opportunity analysis (English values, French labels)."""

from django.db import models


class Level(models.TextChoices):
    """Territorial level scored and mapped; the values are those of ``indicators.selectors``."""

    COMMUNE = "commune", "Communes"
    EPCI = "epci", "EPCI"
    EMPLOYMENT_ZONE = "employment_zone", "Zones d'emploi"
    DEPARTMENT = "department", "Départements"


class Normalisation(models.TextChoices):
    """How raw indicator values are brought to [0, 1] (see docs/territories-engine.md §2)."""

    RANK_PERCENTILE = "rank_percentile", "Rang centile (robuste aux valeurs extrêmes)"
    MIN_MAX = "min_max", "Min–max (garde les écarts)"


class MissingPolicy(models.TextChoices):
    OMIT = "omit", "Ignorer l'indicateur (contribution nulle)"
    NEUTRAL = "neutral", "Valeur médiane (0,5)"


class PenaltyShape(models.TextChoices):
    STEP = "step", "Palier : toute la pénalité dans le rayon"
    LINEAR = "linear", "Linéaire : décroît avec la distance"


class Direction(models.TextChoices):
    """Override of an indicator's direction in a profile ("" keeps the catalogue's direction)."""

    HIGHER = "higher", "Plus la valeur est élevée, plus le besoin est fort"
    LOWER = "lower", "Plus la valeur est basse, plus le besoin est fort"
