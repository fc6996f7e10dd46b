from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from essaim.common.models import BaseModel
from essaim.organizations.enums import PROGRAMME_PARTNER_KINDS
from essaim.organizations.permissions import current_organization

# Legal default rate of late-payment penalties (Code de commerce, L. 441-10): the ECB refinancing
# rate plus 10 points, when the contract sets no other rate (at least three times the legal rate).
DEFAULT_LATE_PENALTY_TERMS = (
    "taux d'intérêt appliqué par la Banque centrale européenne à son opération de refinancement "
    "la plus récente, majoré de 10 points de pourcentage"
)


def _sees_whole_programme(user) -> bool:
    organization = current_organization(user)
    return bool(user.is_staff and user.is_active) or (
        organization is not None and organization.kind in PROGRAMME_PARTNER_KINDS
    )


class ProductionSchoolQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The list of écoles de production holds public facts (name, town, trades, sources): every
        signed-in user sees it. A school's internal data (orders, youths) is governed elsewhere."""
        return self.all() if user.is_authenticated else self.none()

    def real(self):
        """Schools that exist: the fictitious schools of the demo (opened from an ``is_demo`` project, such as
        « École de production de démonstration ») never count as real ones in an analysis."""
        return self.exclude(project__is_demo=True)

    def run_on_essaim(self):
        """Open schools run on Essaim: they have an organisation whose members are their staff."""
        return self.filter(organization__isnull=False)

    def staffed_by(self, user):
        """The open school of the organisation the user currently acts for (its staff); none otherwise.

        The school's staff are the active members of ``ProductionSchool.organization``; a user acting
        for another organisation is not staff, even if they also belong to the school's."""
        if not user.is_authenticated:
            return self.none()
        organization = current_organization(user)
        if organization is None:
            return self.none()
        return self.run_on_essaim().filter(organization=organization)

    def structure_visible_to(self, user):
        """Open schools whose structure (school years, workshops, capacity) the user may see: the
        school's own staff, the programme partners (Région, Banque des Territoires, FNEP) and platform
        administrators. Everyone else sees none (a 404 on the pages)."""
        if not user.is_authenticated:
            return self.none()
        if _sees_whole_programme(user):
            return self.run_on_essaim()
        return self.staffed_by(user)


class ProductionSchool(BaseModel):
    """An école de production, open or announced. Real schools carry the public source of each fact."""

    class Status(models.TextChoices):
        OPEN = "open", "Ouverte"
        ANNOUNCED = "announced", "Annoncée, ouverture non confirmée"
        CLOSED = "closed", "Fermée"

    name = models.CharField("nom", max_length=200, unique=True)
    short_name = models.CharField("sigle", max_length=50, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="production_schools", verbose_name="commune"
    )
    trades = models.ManyToManyField("trades.Trade", related_name="production_schools", verbose_name="métiers")
    diploma = models.CharField("diplômes préparés", max_length=200, blank=True)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.OPEN)
    opening_year = models.PositiveSmallIntegerField("année d'ouverture", null=True, blank=True)
    # Effective dates (dates d'effet) of the school's opening and closing, when known: the steering
    # dashboard « à la date du » counts a school open from ``opened_on`` until ``closed_on``.
    opened_on = models.DateField(
        "ouverte le", null=True, blank=True, help_text="Jour de l'ouverture (accueil des premiers jeunes), si connu."
    )
    closed_on = models.DateField("fermée le", null=True, blank=True, help_text="Jour de la fermeture, le cas échéant.")
    opening_label = models.CharField(
        "ouverture", max_length=100, blank=True, help_text="Tel que rapporté par la source."
    )
    carrier = models.CharField("structure porteuse", max_length=300, blank=True)
    organization = models.OneToOneField(
        "organizations.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="production_school",
        verbose_name="organisation sur Essaim",
    )
    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="school",
        verbose_name="projet d'origine",
        help_text="Une école ouverte sur Essaim est l'ouverture d'un projet : son plan et son historique restent liés.",
    )
    sources = models.TextField("sources", help_text="Une adresse par ligne.")
    is_fnep_member = models.BooleanField("membre de la FNEP", default=True)
    # Filled by the curated list import (essaim indicators import production-schools FILE).
    siret = models.CharField("SIRET", max_length=14, blank=True)
    uai = models.CharField("UAI", max_length=8, blank=True)
    verified_date = models.DateField("date de vérification", null=True, blank=True)
    # Seller identity and terms printed on quotes and invoices (open schools run on Essaim).
    address = models.TextField("adresse", blank=True, help_text="Adresse du siège ou de l'établissement.")
    legal_form = models.CharField(
        "forme juridique", max_length=100, blank=True, help_text="Par exemple « Association loi 1901 »."
    )
    vat_number = models.CharField("numéro de TVA intracommunautaire", max_length=20, blank=True)
    vat_exemption_note = models.CharField(
        "mention d'exonération de TVA",
        max_length=200,
        blank=True,
        help_text="À remplir seulement si l'école ne facture pas de TVA, par exemple "
        "« TVA non applicable, art. 293 B du CGI ».",
    )
    payment_terms_days = models.PositiveSmallIntegerField(
        "délai de paiement (jours)", default=30, help_text="Échéance des factures, en jours après leur émission."
    )
    late_penalty_terms = models.CharField(
        "taux des pénalités de retard", max_length=300, default=DEFAULT_LATE_PENALTY_TERMS
    )

    history = HistoricalRecords()
    objects = ProductionSchoolQuerySet.as_manager()

    class Meta:
        verbose_name = "école de production"
        verbose_name_plural = "écoles de production"
        ordering = ["commune__department__code", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.utils import timezone

        errors = {}
        today = timezone.localdate()
        if self.opened_on and self.opened_on > today:
            day = f"{self.opened_on:%d/%m/%Y}"
            errors["opened_on"] = f"Ouverte le : le {day} est dans le futur (une ouverture prévue reste « annoncée »)."
        if self.closed_on and self.closed_on > today:
            errors["closed_on"] = (
                f"Fermée le : le {self.closed_on:%d/%m/%Y} est dans le futur (une fermeture se saisit une fois "
                "qu'elle a eu lieu)."
            )
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            errors["closed_on"] = (
                f"Fermée le : le {self.closed_on:%d/%m/%Y} précède l'ouverture ({self.opened_on:%d/%m/%Y})."
            )
        if errors:
            raise ValidationError(errors)

    def source_list(self):
        return [line.strip() for line in self.sources.splitlines() if line.strip()]

    @property
    def is_run_on_essaim(self) -> bool:
        return self.organization_id is not None


# --- Structure of an open school (issue #8). The school's own staff are the members of
# ``ProductionSchool.organization``; the rules live in ``schools/permissions.py``.


class SchoolStructureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """School years and workshops are the school's structure: seen by its staff, the programme
        partners and platform administrators (same rule as ``ProductionSchool.structure_visible_to``)."""
        return self.filter(school__in=ProductionSchool.objects.structure_visible_to(user))


class MasterTrainerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Maîtres professionnels are people (names, e-mail): only the school's own staff see them.
        Partners see how many trainers each workshop has, never who they are."""
        return self.filter(school__in=ProductionSchool.objects.staffed_by(user))


class SchoolYear(BaseModel):
    """A school year of an école de production (rentrée to summer), e.g. « 2026-2027 »."""

    school = models.ForeignKey(
        ProductionSchool, on_delete=models.CASCADE, related_name="school_years", verbose_name="école"
    )
    label = models.CharField("année scolaire", max_length=20, help_text="Par exemple « 2026-2027 ».")
    start_date = models.DateField("date de rentrée")
    end_date = models.DateField("date de fin")

    history = HistoricalRecords()
    objects = SchoolStructureQuerySet.as_manager()

    class Meta:
        verbose_name = "année scolaire"
        verbose_name_plural = "années scolaires"
        ordering = ["school", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "label"], name="unique_school_year_label"),
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")), name="school_year_end_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.school} — {self.label}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": "La date de fin doit suivre la date de rentrée."})


class Workshop(BaseModel):
    """An atelier of a school: one trade, a capacity in youths, the orders it produces."""

    school = models.ForeignKey(
        ProductionSchool, on_delete=models.CASCADE, related_name="workshops", verbose_name="école"
    )
    trade = models.ForeignKey("trades.Trade", on_delete=models.PROTECT, related_name="workshops", verbose_name="métier")
    name = models.CharField("nom de l'atelier", max_length=200)
    capacity = models.PositiveSmallIntegerField("capacité (jeunes)", default=12)
    is_active = models.BooleanField("en activité", default=True)

    history = HistoricalRecords()
    objects = SchoolStructureQuerySet.as_manager()

    class Meta:
        verbose_name = "atelier"
        verbose_name_plural = "ateliers"
        ordering = ["school", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="unique_workshop_name")]

    def __str__(self):
        return f"{self.name} ({self.school})"


class MasterTrainer(BaseModel):
    """A maître professionnel: the skilled professional who teaches the trade in a workshop."""

    school = models.ForeignKey(
        ProductionSchool, on_delete=models.CASCADE, related_name="master_trainers", verbose_name="école"
    )
    workshop = models.ForeignKey(
        Workshop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="master_trainers",
        verbose_name="atelier",
    )
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("courriel", blank=True)
    start_date = models.DateField("arrivée", null=True, blank=True)
    end_date = models.DateField("départ", null=True, blank=True)

    history = HistoricalRecords()
    objects = MasterTrainerQuerySet.as_manager()

    class Meta:
        verbose_name = "maître professionnel"
        verbose_name_plural = "maîtres professionnels"
        ordering = ["school", "last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def clean(self):
        if self.workshop_id and self.school_id and self.workshop.school_id != self.school_id:
            raise ValidationError({"workshop": "Cet atelier n'appartient pas à cette école."})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "La date de départ ne peut précéder la date d'arrivée."})
