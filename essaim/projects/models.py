from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from simple_history.models import HistoricalRecords

from essaim.common.models import AMOUNT, BaseModel, TransitionLog
from essaim.organizations.enums import PROGRAMME_PARTNER_KINDS, CollectiviteLevel, OrganizationKind
from essaim.organizations.permissions import current_organization
from essaim.projects import workflow
from essaim.projects.enums import EngagementKind, PartnerRole, PartnerStatus, ProjectStage


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Projects a user may see, for the organisation they currently act for.

        Written rules (mirrored by ``permissions.can_view_project``):
        - platform administrators, the Région, the Banque des Territoires and FNEP see every project;
        - a collectivité sees the projects located on its territory (its commune, EPCI or département);
        - a project holder sees its own projects;
        - any other organisation sees none.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        organization = current_organization(user)
        if organization is None:
            return self.none()
        if organization.kind in PROGRAMME_PARTNER_KINDS:
            return self.all()
        if organization.kind == OrganizationKind.COLLECTIVITE:
            return self.filter(**_collectivite_filter(organization))
        if organization.kind == OrganizationKind.PROJECT_HOLDER:
            return self.filter(holder=organization)
        return self.none()

    def active(self):
        return self.exclude(stage=ProjectStage.ABANDONED)

    def with_timing(self, *, now=None):
        """Annotate ``stage_entered_on`` (the date d'effet of the last move — the latest effective date,
        then the latest recorded —, else the day the row was created, for a project without any line),
        ``places`` (sum over trades) and ``is_late`` (workflow rule, see ``workflow.late_q``); subqueries
        only, so no GROUP BY and no duplicated rows whatever filters follow."""
        now = now or timezone.now()
        last_move = ProjectTransition.objects.filter(project=models.OuterRef("pk")).order_by(
            "-effective_date", "-at", "-pk"
        )
        places = (
            ProjectTrade.objects.filter(project=models.OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(total=models.Sum("places"))
            .values("total")
        )
        return self.annotate(
            stage_entered_on=Coalesce(
                models.Subquery(last_move.values("effective_date")[:1]),
                TruncDate("created_at"),
                output_field=models.DateField(),
            ),
            places=Coalesce(models.Subquery(places), 0),
        ).annotate(
            is_late=models.Case(
                models.When(workflow.late_q(now=now), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        )

    def late(self):
        """Projects « en retard » (needs ``with_timing``)."""
        return self.filter(is_late=True)


def _collectivite_filter(organization):
    return {
        CollectiviteLevel.COMMUNE: {"commune_id": organization.commune_id},
        CollectiviteLevel.EPCI: {"commune__epci_id": organization.epci_id},
        CollectiviteLevel.DEPARTMENT: {"commune__department_id": organization.department_id},
    }[organization.collectivite_level]


class Project(BaseModel):
    """A projet d'école de production, carried by a project holder with FNEP's help."""

    name = models.CharField("nom du projet", max_length=200)
    holder = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="porteur de projet",
    )
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="projects", verbose_name="commune d'implantation"
    )
    trades = models.ManyToManyField(
        "trades.Trade", through="ProjectTrade", related_name="projects", verbose_name="métiers"
    )
    stage = models.CharField("étape", max_length=30, choices=ProjectStage.choices, default=ProjectStage.IDEA)
    target_opening_date = models.DateField("ouverture visée", null=True, blank=True)
    description = models.TextField("présentation", blank=True)
    is_demo = models.BooleanField(
        "projet fictif de démonstration", default=False, help_text="Données inventées pour la démonstration."
    )

    history = HistoricalRecords()
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "projet d'école de production"
        verbose_name_plural = "projets d'écoles de production"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.holder_id and self.holder.kind != OrganizationKind.PROJECT_HOLDER:
            raise ValidationError({"holder": "Le porteur doit être une organisation de type « porteur de projet »."})

    def late_reasons(self, *, entered_on, now=None):
        return workflow.late_reasons(
            stage=self.stage,
            entered_on=entered_on,
            target_opening_date=self.target_opening_date,
            now=now or timezone.now(),
        )


class ProjectTrade(models.Model):
    """A trade taught by the project's school, with the number of places for youths."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="trade_lines", verbose_name="projet")
    trade = models.ForeignKey("trades.Trade", on_delete=models.PROTECT, related_name="+", verbose_name="métier")
    places = models.PositiveSmallIntegerField("places pour les jeunes", default=12)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "métier du projet"
        verbose_name_plural = "métiers du projet"
        constraints = [models.UniqueConstraint(fields=["project", "trade"], name="unique_project_trade")]

    def __str__(self):
        return f"{self.trade} ({self.places} places)"


class ProjectTransitionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The moves of the projects the user may see (same rule as ``Project.objects.visible_to``)."""
        return self.filter(project__in=Project.objects.visible_to(user))


class ProjectTransition(models.Model):
    """One move of a project from a stage to another: which action, who, for which organisation, when it
    was recorded (``at``), when it truly happened (``effective_date``, date d'effet), why.

    Written only by the workflow (``services.project_transition``) and ``project_create`` for the first
    line; never edited. ``from_stage`` is blank for the line that records the creation of the project.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions", verbose_name="projet")
    name = models.CharField("action", max_length=40, blank=True, help_text="Vide pour la création du projet.")
    from_stage = models.CharField("étape de départ", max_length=30, choices=ProjectStage.choices, blank=True)
    to_stage = models.CharField("nouvelle étape", max_length=30, choices=ProjectStage.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
        help_text="Vide pour les lignes reprises automatiquement.",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="pour l'organisation",
    )
    at = models.DateTimeField("saisi le", default=timezone.now, db_index=True)
    effective_date = models.DateField(
        "date d'effet", default=timezone.localdate, help_text="Le jour où le projet a réellement changé d'étape."
    )
    comment = models.TextField("commentaire", blank=True)

    objects = ProjectTransitionQuerySet.as_manager()

    class Meta:
        verbose_name = "changement d'étape"
        verbose_name_plural = "changements d'étape"
        ordering = ["effective_date", "at", "pk"]
        indexes = [
            models.Index(fields=["project", "at"], name="project_transition_at"),
            # A project's stage at a date is its last move by (effective date, entry, id), its start its first
            # one (steering.selectors.projects_on): the whole order in the index, no sort per project.
            models.Index(fields=["project", "effective_date", "at", "id"], name="project_transition_order"),
        ]

    def __str__(self):
        return f"{self.project} : {self.get_from_stage_display() or 'création'} → {self.get_to_stage_display()}"


class ProjectPartnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Partners of the projects the user may see: a holder never learns who backs another holder's
        project (the directory of organisations itself is shared)."""
        return self.filter(project__in=Project.objects.visible_to(user))


class ProjectPartner(BaseModel):
    """An organisation linked to a project with a role (mécène, client, CFA partenaire…)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners", verbose_name="projet")
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="project_partnerships",
        verbose_name="organisation",
    )
    role = models.CharField("rôle", max_length=20, choices=PartnerRole.choices)
    comment = models.CharField("commentaire", max_length=300, blank=True)
    # Network follow-up: the status moves through the partner workflow (partner_workflow.py), which logs
    # who made each move and when; ``status_date`` is the effective date of the last move.
    status = models.CharField(
        "statut", max_length=20, choices=PartnerStatus.choices, default=PartnerStatus.CONTACTED, db_index=True
    )
    status_date = models.DateField("date du statut", default=timezone.localdate)
    contact_name = models.CharField("personne à contacter", max_length=150, blank=True)
    contact_email = models.EmailField("e-mail du contact", blank=True)
    contact_phone = models.CharField("téléphone du contact", max_length=30, blank=True)
    engagement_kinds = models.JSONField(
        "nature de l'engagement", default=list, blank=True, help_text="Financement, locaux, commandes, tuteurs…"
    )
    engagement_amount = models.DecimalField(
        "montant de l'engagement (€)",
        **AMOUNT,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Valeur estimée de l'engagement, en euros.",
    )
    engagement_detail = models.CharField("détail de l'engagement", max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ajouté par",
    )

    history = HistoricalRecords()
    objects = ProjectPartnerQuerySet.as_manager()

    class Meta:
        verbose_name = "partenaire du projet"
        verbose_name_plural = "partenaires du projet"
        ordering = ["role", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organization", "role"],
                name="unique_project_partner_role",
                violation_error_message="Cette organisation a déjà ce rôle dans le projet.",
            )
        ]

    def __str__(self):
        return f"{self.organization} — {self.get_role_display()} ({self.project})"

    def clean(self):
        known = set(EngagementKind.values)
        if not isinstance(self.engagement_kinds, list) or not set(self.engagement_kinds) <= known:
            raise ValidationError({"engagement_kinds": "Nature d'engagement inconnue."})
        self.engagement_kinds = [kind for kind in EngagementKind.values if kind in self.engagement_kinds]

    def engagement_labels(self) -> list[str]:
        return [str(EngagementKind(kind).label) for kind in self.engagement_kinds if kind in EngagementKind.values]


class ProjectPartnerTransition(TransitionLog):
    """A change of status of a partner (contacté, intéressé, engagé, décliné), written by the partner
    workflow: who, for which organisation, when, with which comment."""

    partner = models.ForeignKey(
        ProjectPartner, on_delete=models.CASCADE, related_name="transitions", verbose_name="partenaire"
    )
    from_state = models.CharField("état de départ", max_length=30, blank=True, choices=PartnerStatus.choices)
    to_state = models.CharField("état d'arrivée", max_length=30, choices=PartnerStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement de statut d'un partenaire"
        verbose_name_plural = "changements de statut des partenaires"
