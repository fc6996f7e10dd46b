"""Programme objectives (what is counted, where, by when, how much). Progress is never stored: it is
computed at a date from the projects, schools and funding lines (``selectors.objective_value`` and
the pure ``progress.objective_progress``); see docs/steering.md."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from essaim.common.models import BaseModel
from essaim.projects.enums import ProjectStage
from essaim.projects.workflow import SEQUENCE
from essaim.steering.enums import AmountKind, ObjectiveMetric, TerritoryScope


class ObjectiveQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Objectives are the programme's published commitments (e.g. « 5 écoles au 31/12/2023 »): every
        signed-in user sees them, like the list of schools. Their progress is shown on the steering
        dashboard, whose own rule is ``steering.view_dashboard``; only partners' administrateurs edit them."""
        return self.all() if user.is_authenticated else self.none()

    def headline(self):
        """The objective the home page shows: the first regional « écoles ouvertes » objective."""
        return (
            self.filter(metric=ObjectiveMetric.SCHOOLS_OPEN, scope=TerritoryScope.REGION)
            .order_by("position", "due_date", "pk")
            .first()
        )


class Objective(BaseModel):
    """An objective of the programme, e.g. « 5 écoles de production ouvertes en Hauts-de-France au
    31/12/2023 »: a metric, a territory, a target and a due date, with the commitment it comes from."""

    label = models.CharField("intitulé", max_length=200)
    metric = models.CharField("ce qui est compté", max_length=30, choices=ObjectiveMetric.choices)
    amount_kind = models.CharField(
        "montant compté",
        max_length=20,
        choices=AmountKind.choices,
        blank=True,
        help_text="Pour les montants mobilisés : demandé, obtenu ou versé.",
    )
    funder = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="financeur",
        help_text="Pour les montants mobilisés : un financeur, ou vide pour tous les financeurs.",
    )
    stage = models.CharField(
        "étape",
        max_length=30,
        choices=[(value, label) for value, label in ProjectStage.choices if value in SEQUENCE],
        blank=True,
        help_text="Pour les projets : l'étape atteinte (ou dépassée).",
    )
    scope = models.CharField("territoire", max_length=20, choices=TerritoryScope.choices, default=TerritoryScope.REGION)
    department = models.ForeignKey(
        "territories.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="département",
    )
    epci = models.ForeignKey(
        "territories.Epci", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="EPCI"
    )
    target_value = models.DecimalField("cible", max_digits=14, decimal_places=2)
    due_date = models.DateField("échéance")
    baseline_date = models.DateField(
        "compté à partir du",
        null=True,
        blank=True,
        help_text="Facultatif : seul ce qui s'ajoute après cette date compte (ex. la date de l'engagement).",
    )
    source_text = models.TextField("engagement (source)", blank=True)
    source_url = models.URLField("adresse de la source", max_length=500, blank=True)
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    history = HistoricalRecords()
    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        verbose_name = "objectif du programme"
        verbose_name_plural = "objectifs du programme"
        ordering = ["position", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(target_value__gt=0), name="objective_target_positive"),
        ]

    def __str__(self):
        return self.label

    @property
    def is_amount(self) -> bool:
        return self.metric == ObjectiveMetric.AMOUNT_MOBILISED

    def territory_label(self) -> str:
        if self.scope == TerritoryScope.DEPARTMENT and self.department_id:
            return str(self.department)
        if self.scope == TerritoryScope.EPCI and self.epci_id:
            return self.epci.name
        return self.get_scope_display()

    def clean(self):
        errors = {}
        if self.metric == ObjectiveMetric.AMOUNT_MOBILISED and not self.amount_kind:
            errors["amount_kind"] = "Précisez le montant compté (demandé, obtenu ou versé)."
        if self.metric != ObjectiveMetric.AMOUNT_MOBILISED and (self.amount_kind or self.funder_id):
            errors["amount_kind"] = "Le montant et le financeur ne concernent que les montants mobilisés."
        if self.metric == ObjectiveMetric.PROJECTS_AT_STAGE and not self.stage:
            errors["stage"] = "Précisez l'étape que les projets doivent avoir atteinte."
        if self.metric != ObjectiveMetric.PROJECTS_AT_STAGE and self.stage:
            errors["stage"] = "L'étape ne concerne que les objectifs en nombre de projets."
        if self.scope == TerritoryScope.DEPARTMENT and not self.department_id:
            errors["department"] = "Choisissez le département."
        if self.scope != TerritoryScope.DEPARTMENT and self.department_id:
            errors["department"] = "Le département ne s'indique que pour un objectif départemental."
        if self.scope == TerritoryScope.EPCI and not self.epci_id:
            errors["epci"] = "Choisissez l'EPCI."
        if self.scope != TerritoryScope.EPCI and self.epci_id:
            errors["epci"] = "L'EPCI ne s'indique que pour un objectif intercommunal."
        if self.target_value is not None and self.target_value <= 0:
            errors["target_value"] = "La cible doit être positive."
        if self.baseline_date and self.due_date and self.baseline_date >= self.due_date:
            errors["baseline_date"] = "La date de départ doit précéder l'échéance."
        if errors:
            raise ValidationError(errors)
