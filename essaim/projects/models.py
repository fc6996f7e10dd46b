from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from essaim.common.models import BaseModel
from essaim.organizations.enums import PROGRAMME_PARTNER_KINDS, CollectiviteLevel, OrganizationKind
from essaim.organizations.permissions import current_organization
from essaim.projects.enums import ProjectStage


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

    @property
    def total_places(self):
        return sum(line.places for line in self.trade_lines.all())


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
