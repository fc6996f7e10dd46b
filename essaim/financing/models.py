"""Financing plans of a project and their versions.

A plan (`FinancingPlan`) belongs to a project; its content lives in numbered versions
(`FinancingPlanVersion`). The content is the engine's `plan_to_dict` output (amounts as exact
decimal strings). A draft is edited in place; submitting freezes it (the SHA-256 of its canonical
JSON is stored and the row can no longer be saved); editing again starts a new draft version.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from essaim.common.models import BaseModel
from essaim.financing.enums import VersionStatus
from essaim.projects.models import Project

FROZEN_VERSION = "La version {number} a été soumise : elle est figée et ne peut plus être modifiée."


def canonical_json(content) -> str:
    """The canonical JSON of a plan content: sorted keys, no spaces, UTF-8 text."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(content) -> str:
    """SHA-256 (hex) of the canonical JSON of a plan content."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


class FinancingPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans a user may see: exactly the plans of the projects they see (`Project.visible_to`)."""
        return self.filter(project__in=Project.objects.visible_to(user))


class FinancingPlan(BaseModel):
    """The financing plan of a project (investment, operating budgets, cash, loans), in versions."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="financing_plans", verbose_name="projet"
    )
    name = models.CharField("nom du plan", max_length=200)

    history = HistoricalRecords()
    objects = FinancingPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "plan de financement"
        verbose_name_plural = "plans de financement"
        ordering = ["project", "name", "pk"]

    def __str__(self):
        return self.name

    def draft(self):
        return self.versions.filter(status=VersionStatus.DRAFT).first()


class FinancingPlanVersionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Versions of the plans a user may see (same rule as the plans)."""
        return self.filter(plan__project__in=Project.objects.visible_to(user))

    def drafts(self):
        return self.filter(status=VersionStatus.DRAFT)

    def submitted(self):
        return self.filter(status=VersionStatus.SUBMITTED)


class FinancingPlanVersion(BaseModel):
    """One version of a plan. Drafts change in place; a submitted version is frozen (hash stored)."""

    plan = models.ForeignKey(FinancingPlan, on_delete=models.CASCADE, related_name="versions", verbose_name="plan")
    number = models.PositiveIntegerField("numéro de version")
    content = models.JSONField("contenu du plan", help_text="Sortie de plan_to_dict : montants en chaînes décimales.")
    content_hash = models.CharField(
        "empreinte SHA-256", max_length=64, blank=True, help_text="Empreinte du JSON canonique, fixée à la soumission."
    )
    status = models.CharField("statut", max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    submitted_at = models.DateTimeField("soumise le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="soumise par",
    )
    comment = models.TextField("commentaire", blank=True)

    history = HistoricalRecords()
    objects = FinancingPlanVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "version de plan de financement"
        verbose_name_plural = "versions de plans de financement"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="financing_unique_plan_version_number"),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(status=VersionStatus.DRAFT),
                name="financing_one_draft_per_plan",
                violation_error_message="Ce plan a déjà une version en brouillon.",
            ),
            models.CheckConstraint(
                condition=models.Q(status=VersionStatus.DRAFT)
                | (models.Q(submitted_at__isnull=False) & ~models.Q(content_hash="")),
                name="financing_submitted_version_is_sealed",
                violation_error_message="Une version soumise porte sa date de soumission et son empreinte.",
            ),
        ]

    def __str__(self):
        return f"{self.plan} — version {self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_frozen(self) -> bool:
        return self.status == VersionStatus.SUBMITTED

    def computed_hash(self) -> str:
        return content_hash(self.content)

    @property
    def is_intact(self) -> bool:
        """A submitted version's content still matches the hash stored at submission."""
        return not self.is_frozen or self.content_hash == self.computed_hash()

    def _stored_is_frozen(self) -> bool:
        if self.pk is None:
            return False
        return type(self).objects.filter(pk=self.pk, status=VersionStatus.SUBMITTED).exists()

    def clean(self):
        if self._stored_is_frozen():
            raise ValidationError(FROZEN_VERSION.format(number=self.number))

    def save(self, *args, **kwargs):
        """Refuse to save a version already submitted in the database: it is frozen."""
        if self._stored_is_frozen():
            raise ValidationError(FROZEN_VERSION.format(number=self.number))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_is_frozen():
            raise ValidationError(FROZEN_VERSION.format(number=self.number))
        return super().delete(*args, **kwargs)


class PlanScenarioQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Scenarios of the versions a user may see (same rule as the plans)."""
        return self.filter(version__plan__project__in=Project.objects.visible_to(user))


class PlanScenario(BaseModel):
    """A named variant of a version (« prudent », « retard FEDER de 6 mois »…), stored as overrides.

    The version's content is never changed (a submitted version stays frozen and intact): the
    scenario's factors and delays are applied to it by ``financing_engine.scenarios``.
    """

    version = models.ForeignKey(
        FinancingPlanVersion, on_delete=models.CASCADE, related_name="scenarios", verbose_name="version"
    )
    name = models.CharField("nom du scénario", max_length=100)
    headcount_factor = models.DecimalField("effectif (part du plan)", max_digits=5, decimal_places=4, default=1)
    sales_factor = models.DecimalField("ventes (part du plan)", max_digits=5, decimal_places=4, default=1)
    payment_delays = models.JSONField(
        "retards de paiement (mois par financeur)", default=dict, blank=True, help_text="{« region »: 3, « eu »: 6}"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = PlanScenarioQuerySet.as_manager()

    class Meta:
        verbose_name = "scénario de plan"
        verbose_name_plural = "scénarios de plan"
        ordering = ["version", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "name"],
                name="financing_unique_scenario_name",
                violation_error_message="Un scénario porte déjà ce nom pour cette version.",
            )
        ]

    def __str__(self):
        return self.name

    def as_engine(self):
        """The ``financing_engine.scenarios.Scenario`` of this row (unknown funders are ignored)."""
        from financing_engine import Funder
        from financing_engine.scenarios import Scenario

        known = {funder.value: funder for funder in Funder}
        delays = self.payment_delays if isinstance(self.payment_delays, dict) else {}
        return Scenario(
            name=self.name,
            headcount_factor=self.headcount_factor,
            sales_factor=self.sales_factor,
            payment_delays={
                known[key]: value
                for key, value in delays.items()
                if key in known and isinstance(value, int) and 0 <= value <= 120
            },
        )
