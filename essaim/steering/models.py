"""Programme objectives (what is counted, where, by when, how much). Progress is never stored: it is
computed at a date from the projects, schools and funding lines (``selectors.objective_value`` and
the pure ``progress.objective_progress``); see docs/steering.md."""

import uuid

from django.conf import settings
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
    start_date = models.DateField(
        "début de l'objectif",
        null=True,
        blank=True,
        help_text="Jour où l'engagement a été pris : la trajectoire attendue part de ce jour "
        "(vide : la date « compté à partir du », sinon le jour de la saisie).",
    )
    baseline_value = models.DecimalField(
        "valeur de départ",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Valeur au début de l'objectif (vide : 0 si l'objectif compte depuis une date, sinon la valeur "
        "qu'Essaim connaît à ce jour-là).",
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
        if self.start_date and self.due_date and self.start_date >= self.due_date:
            errors["start_date"] = "Le début de l'objectif doit précéder l'échéance."
        if (
            self.baseline_value is not None
            and self.target_value is not None
            and self.baseline_value >= self.target_value
        ):
            errors["baseline_value"] = "La valeur de départ doit être inférieure à la cible."
        if self.baseline_date and self.due_date and self.baseline_date >= self.due_date:
            errors["baseline_date"] = "La date de départ doit précéder l'échéance."
        if errors:
            raise ValidationError(errors)


def issued_report_upload_to(instance, filename):
    return f"steering/reports/{instance.on:%Y}/{uuid.uuid4().hex}-{filename}"


class IssuedReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Issued steering-committee reports. Written rule: platform administrators and the programme
        partners (Région, Banque des Territoires, FNEP) read every issued report; any other organisation
        (a collectivité) reads the reports it issued itself (its own territory); others none."""
        from essaim.organizations.enums import PROGRAMME_PARTNER_KINDS
        from essaim.organizations.permissions import current_organization

        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        organization = current_organization(user)
        if organization is None:
            return self.none()
        if organization.kind in PROGRAMME_PARTNER_KINDS:
            return self.all()
        return self.filter(issued_for=organization)


class IssuedReport(BaseModel):
    """A steering-committee report as it was issued: the file itself (never regenerated), its date, its
    scope, the figures it showed and the SHA-256 of the file. Downloading it again gives the same bytes;
    regenerating it at the same date shows what was corrected since (``reports.corrections``)."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel (XLSX)"

    format = models.CharField("format", max_length=10, choices=Format.choices)
    on = models.DateField("à la date du")
    scope_kind = models.CharField("périmètre", max_length=20)
    scope_label = models.CharField("territoire", max_length=200)
    department = models.ForeignKey(
        "territories.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    epci = models.ForeignKey("territories.Epci", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    figures = models.JSONField("chiffres du rapport", default=dict)
    file = models.FileField("fichier", upload_to=issued_report_upload_to, max_length=255)
    filename = models.CharField("nom du fichier", max_length=200)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("taille (octets)")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="émis par"
    )
    issued_for = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pour l'organisation",
    )

    objects = IssuedReportQuerySet.as_manager()

    class Meta:
        verbose_name = "rapport de comité de pilotage émis"
        verbose_name_plural = "rapports de comité de pilotage émis"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Rapport au {self.on:%d/%m/%Y} — {self.scope_label} ({self.get_format_display()})"
