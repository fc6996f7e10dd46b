"""Scoring profiles: the weights and options of an opportunity score, named and shared.

A profile is a working hypothesis of the Région or of the Banque des Territoires ("what makes a
territory a good place for a new école de production of this trade?"). Weights are keyed by
indicator code (``essaim.indicators.selectors.indicator_catalogue``) and kept as JSON: the set of
indicators is data that grows with the imports, and a profile is always read and written whole.
Every version is kept (django-simple-history), so a score shown in a meeting can be traced back
to the weights used.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from essaim.analysis.enums import Direction, MissingPolicy, Normalisation, PenaltyShape
from essaim.common.models import BaseModel

REFERENCE_PROFILE_NAME = "Profil de référence"


class ScoringProfileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Shared profiles, and the profiles of the organisation the user acts for; platform
        administrators see every profile. Only users who may use the analysis see any
        (``analysis.use``, see permissions.py)."""
        from essaim.analysis.permissions import can_use_analysis
        from essaim.organizations.permissions import current_organization, is_platform_admin

        if not user.is_authenticated or not can_use_analysis(user):
            return self.none()
        if is_platform_admin(user):
            return self.all()
        organization = current_organization(user)
        mine = models.Q(owner=organization) if organization is not None else models.Q(pk__in=[])
        return self.filter(models.Q(is_shared=True) | mine)

    def reference(self):
        """The seeded « Profil de référence » (at most one)."""
        return self.filter(is_reference=True)


class ScoringProfile(BaseModel):
    """Weights per indicator, normalisation, directions, proximity penalty and road factor."""

    name = models.CharField("nom", max_length=120, unique=True)
    description = models.TextField("description", blank=True)
    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scoring_profiles",
        verbose_name="organisation propriétaire",
        help_text="Vide pour le profil de référence de la plateforme.",
    )
    is_reference = models.BooleanField("profil de référence", default=False, editable=False)
    is_shared = models.BooleanField(
        "partagé", default=False, help_text="Un profil partagé est lu et utilisé par tous les partenaires."
    )
    weights = models.JSONField(
        "pondérations",
        default=dict,
        help_text='Pondération par code d\'indicateur, par exemple {"neet_rate": 0.4}.',
    )
    directions = models.JSONField(
        "sens des indicateurs (exceptions)",
        default=dict,
        blank=True,
        help_text="Par code d'indicateur : « higher » ou « lower » pour changer le sens du catalogue.",
    )
    normalisation = models.CharField(
        "normalisation", max_length=20, choices=Normalisation.choices, default=Normalisation.RANK_PERCENTILE
    )
    missing_policy = models.CharField(
        "donnée manquante", max_length=10, choices=MissingPolicy.choices, default=MissingPolicy.OMIT
    )
    penalty_radius_km = models.FloatField("rayon de la pénalité (km par la route)", default=30.0)
    penalty_amount = models.FloatField(
        "montant de la pénalité",
        default=0.2,
        help_text="En points de score ; 0 pour ne pas pénaliser. Un score dont les poids font 1 va de 0 à 1.",
    )
    penalty_shape = models.CharField(
        "forme de la pénalité", max_length=10, choices=PenaltyShape.choices, default=PenaltyShape.STEP
    )
    road_factor = models.FloatField(
        "facteur routier",
        default=1.3,
        help_text="Distance par la route = distance à vol d'oiseau × ce facteur (voir docs/territories-engine.md).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )

    history = HistoricalRecords()
    objects = ScoringProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "profil de notation"
        verbose_name_plural = "profils de notation"
        ordering = ["-is_reference", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_reference"], condition=models.Q(is_reference=True), name="analysis_one_reference_profile"
            ),
            models.CheckConstraint(
                condition=models.Q(penalty_radius_km__gt=0), name="analysis_penalty_radius_positive"
            ),
            models.CheckConstraint(condition=models.Q(penalty_amount__gte=0), name="analysis_penalty_amount_positive"),
            models.CheckConstraint(condition=models.Q(road_factor__gte=1), name="analysis_road_factor_at_least_one"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if not isinstance(self.weights, dict) or not self.weights:
            raise ValidationError("Le profil doit pondérer au moins un indicateur.")
        try:
            values = [float(value) for value in self.weights.values()]
        except (TypeError, ValueError):
            raise ValidationError("Chaque pondération doit être un nombre.") from None
        if any(value < 0 for value in values):
            raise ValidationError("Les pondérations sont positives ou nulles ; changez le sens de l'indicateur plutôt.")
        if not any(value > 0 for value in values):
            raise ValidationError("Au moins une pondération doit être strictement positive.")
        if not isinstance(self.directions, dict) or any(
            value not in Direction.values for value in self.directions.values()
        ):
            raise ValidationError("Sens inconnu : utilisez « higher » ou « lower ».")

    @property
    def version(self) -> str:
        """Changes whenever the profile is saved: a cache key part (``updated_at`` to the microsecond)."""
        return f"{self.pk}:{self.updated_at.isoformat() if self.updated_at else ''}"

    @property
    def positive_weights(self) -> dict[str, float]:
        """Weights above zero, as floats (an indicator at 0 is left out of the score)."""
        return {code: float(weight) for code, weight in self.weights.items() if float(weight) > 0}

    @property
    def weight_total(self) -> float:
        return sum(self.positive_weights.values())
