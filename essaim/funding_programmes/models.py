"""Funding programmes (dispositifs), their credit envelopes, and each project's funding lines.

* ``FundingProgramme``: the catalogue. Eligibility criteria and payment rules are data (fields),
  read by the pure engine ``eligibility.py`` and mapped onto the financing engine's payment terms by
  ``plan.py``.
* ``BudgetEnvelope``: an enveloppe de crédits of a programme (amount, period, territory). Its ledger
  is ``EnvelopeMovement`` (engagements, dégagements, versements): committed = Σ engagements −
  Σ dégagements, available = allocated − committed. Only ``services.py`` writes the ledger, with the
  envelope row locked, so an envelope can never be overcommitted.
* ``FundingLine``: what a project asks from one funder and what it gets (demandé → obtenu or refusé →
  versé).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from essaim.common.models import AMOUNT, BaseModel
from essaim.funding_programmes.enums import (
    BeneficiaryKind,
    CostBase,
    FundingLineStatus,
    MovementKind,
    PlanTarget,
    ProgrammeKind,
)
from essaim.organizations.enums import PROGRAMME_PARTNER_KINDS, OrganizationKind
from essaim.organizations.permissions import current_organization
from essaim.projects.enums import ProjectStage
from essaim.projects.models import Project
from financing_engine import SourceKind
from financing_engine.inputs import EuFund, ExpenseKind, UseCategory

RATE = {"max_digits": 5, "decimal_places": 4}
ZERO = Decimal("0.00")

SOURCE_KIND_CHOICES = [(kind.value, kind.label) for kind in SourceKind]
EU_FUND_CHOICES = [(fund.value, fund.label) for fund in EuFund]
USE_CATEGORY_CHOICES = [(category.value, category.label) for category in UseCategory]
EXPENSE_KIND_CHOICES = [(kind.value, kind.label) for kind in ExpenseKind]


class FundingProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The catalogue is reference data: every signed-in user reads every programme."""
        if not user.is_authenticated:
            return self.none()
        return self.all()

    def open_on(self, day):
        """Programmes open on ``day`` (no opening date or opened before; no closing date or closing after)."""
        return self.filter(Q(opens_on__isnull=True) | Q(opens_on__lte=day)).filter(
            Q(closes_on__isnull=True) | Q(closes_on__gte=day)
        )


class FundingProgramme(BaseModel):
    """A dispositif de financement: who funds, what kind, under which criteria (as data)."""

    name = models.CharField("nom du dispositif", max_length=200)
    slug = models.SlugField("identifiant", max_length=80, unique=True)
    funder = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="funding_programmes",
        verbose_name="financeur",
    )
    kind = models.CharField("nature", max_length=30, choices=ProgrammeKind.choices)
    description = models.TextField("description", blank=True)
    source_url = models.URLField("source", max_length=500, blank=True)

    # Eligibility criteria (read by eligibility.py). An empty list means « no restriction ».
    department_codes = models.JSONField(
        "départements éligibles", default=list, blank=True, help_text="Codes INSEE ; vide = tous."
    )
    epci_sirens = models.JSONField("EPCI éligibles", default=list, blank=True, help_text="SIREN ; vide = tous.")
    commune_codes = models.JSONField(
        "communes éligibles", default=list, blank=True, help_text="Codes INSEE ; vide = toutes."
    )
    beneficiary_kinds = models.JSONField("bénéficiaires éligibles", default=list, blank=True, help_text="Vide = tous.")
    project_stages = models.JSONField(
        "étapes de projet éligibles", default=list, blank=True, help_text="Vide = toutes."
    )
    cost_base = models.CharField("assiette", max_length=20, choices=CostBase.choices, default=CostBase.INVESTMENT)
    expense_categories = models.JSONField(
        "dépenses éligibles",
        default=list,
        blank=True,
        help_text="Catégories d'investissement ou de fonctionnement retenues ; vide = toutes.",
    )
    excludes_recoverable_vat = models.BooleanField("hors TVA récupérable", default=False)
    max_rate = models.DecimalField(
        "taux maximal des dépenses éligibles", null=True, blank=True, help_text="En fraction : 0,5 = 50 %.", **RATE
    )
    amount_per_youth = models.DecimalField("montant par jeune et par an", null=True, blank=True, **AMOUNT)
    from_school_year = models.PositiveSmallIntegerField(
        "à partir de l'année scolaire",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Condition de calendrier : 2 pour une aide versée seulement après une année scolaire complète "
        "(la première année du plan n'en reçoit pas).",
    )
    floor_amount = models.DecimalField("montant plancher", null=True, blank=True, **AMOUNT)
    ceiling_amount = models.DecimalField("montant plafond", null=True, blank=True, **AMOUNT)
    opens_on = models.DateField("ouvert à partir du", null=True, blank=True)
    closes_on = models.DateField("clôture le", null=True, blank=True)
    requires_local_authority_grant = models.BooleanField(
        "seulement avec une subvention d'investissement d'une collectivité", default=False
    )
    reimburses_paid_expenses_only = models.BooleanField("ne rembourse que des dépenses payées", default=False)
    other_conditions = models.TextField(
        "autres conditions", blank=True, help_text="Conditions non vérifiables automatiquement (à vérifier)."
    )

    # Payment rules (mapped onto the financing engine by plan.py).
    plan_target = models.CharField(
        "place dans le plan de financement", max_length=30, choices=PlanTarget.choices, default=PlanTarget.NONE
    )
    source_kind = models.CharField(
        "nature de ressource du plan", max_length=30, choices=SOURCE_KIND_CHOICES, blank=True
    )
    eu_fund = models.CharField("fonds européen", max_length=10, choices=EU_FUND_CHOICES, blank=True)
    advance_share = models.DecimalField("avance à la signature", default=0, **RATE)
    signature_offset_months = models.PositiveSmallIntegerField("signature (mois après le début)", default=0)
    instalment_count = models.PositiveSmallIntegerField("nombre d'acomptes", default=0)
    instalments_share = models.DecimalField("part versée en acomptes", default=0, **RATE)
    balance_delay_months = models.PositiveSmallIntegerField("délai de versement du solde (mois)", default=0)
    claim_threshold = models.DecimalField(
        "seuil de dépenses avant un acompte", null=True, blank=True, help_text="Fonds européens.", **RATE
    )
    claim_interval_months = models.PositiveSmallIntegerField(
        "intervalle des demandes de paiement (mois)", null=True, blank=True
    )
    loan_duration_months = models.PositiveSmallIntegerField("durée du prêt (mois)", null=True, blank=True)
    loan_deferral_months = models.PositiveSmallIntegerField("différé (mois)", null=True, blank=True)
    loan_annual_rate = models.DecimalField("taux annuel du prêt", null=True, blank=True, **RATE)

    history = HistoricalRecords()
    objects = FundingProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = "dispositif de financement"
        verbose_name_plural = "dispositifs de financement"
        ordering = ["funder__name", "name"]
        constraints = [
            models.CheckConstraint(
                name="programme_rates_are_fractions",
                condition=(Q(max_rate__isnull=True) | (Q(max_rate__gt=0) & Q(max_rate__lte=1)))
                & Q(advance_share__gte=0)
                & Q(instalments_share__gte=0)
                & Q(advance_share__lte=1),
                violation_error_message="Les taux sont des fractions entre 0 et 1.",
            ),
            models.CheckConstraint(
                name="programme_floor_below_ceiling",
                condition=Q(floor_amount__isnull=True)
                | Q(ceiling_amount__isnull=True)
                | Q(floor_amount__lte=models.F("ceiling_amount")),
                violation_error_message="Le plancher ne peut pas dépasser le plafond.",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if (
            self.advance_share is not None
            and self.instalments_share is not None
            and self.advance_share + self.instalments_share > 1
        ):
            errors["instalments_share"] = "L'avance et les acomptes dépassent 100 % du montant."
        if self.instalments_share and not self.instalment_count:
            errors["instalment_count"] = "Indiquez le nombre d'acomptes."
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = "La clôture précède l'ouverture."
        if (
            self.floor_amount is not None
            and self.ceiling_amount is not None
            and self.floor_amount > self.ceiling_amount
        ):
            errors["floor_amount"] = "Le plancher ne peut pas dépasser le plafond."
        if self.max_rate is not None and not (0 < self.max_rate <= 1):
            errors["max_rate"] = "Le taux est une fraction entre 0 et 1 (0,5 = 50 %)."
        if self.plan_target == PlanTarget.INVESTMENT_SOURCE and not self.source_kind:
            errors["source_kind"] = "Précisez la nature de ressource du plan d'investissement."
        if self.plan_target == PlanTarget.EU_OPERATING_GRANT and not self.eu_fund:
            errors["eu_fund"] = "Précisez le fonds européen."
        if (
            self.plan_target == PlanTarget.OPERATING_GRANT
            and self.funder_id is not None
            and self.funder.kind not in (OrganizationKind.REGION, OrganizationKind.COLLECTIVITE)
        ):
            errors["plan_target"] = (
                "Seule la Région ou une collectivité inscrit une subvention de fonctionnement sur ces lignes du plan."
            )
        if (
            self.source_kind
            and SourceKind(self.source_kind).is_loan
            and self.plan_target == PlanTarget.INVESTMENT_SOURCE
        ):
            if not self.loan_duration_months:
                errors["loan_duration_months"] = "Un prêt a une durée."
            elif (self.loan_deferral_months or 0) >= self.loan_duration_months:
                errors["loan_deferral_months"] = "Le différé doit être plus court que la durée du prêt."
        if self.cost_base == CostBase.PER_YOUTH and not self.amount_per_youth:
            errors["amount_per_youth"] = "Indiquez le montant par jeune."
        valid_stages = set(ProjectStage.values)
        if bad := [s for s in self.project_stages or [] if s not in valid_stages]:
            errors["project_stages"] = f"Étape inconnue : {', '.join(bad)}."
        valid_kinds = set(BeneficiaryKind.values)
        if bad := [k for k in self.beneficiary_kinds or [] if k not in valid_kinds]:
            errors["beneficiary_kinds"] = f"Bénéficiaire inconnu : {', '.join(bad)}."
        valid_categories = {c for c, _ in USE_CATEGORY_CHOICES} | {c for c, _ in EXPENSE_KIND_CHOICES}
        if bad := [c for c in self.expense_categories or [] if c not in valid_categories]:
            errors["expense_categories"] = f"Catégorie de dépense inconnue : {', '.join(bad)}."
        if errors:
            raise ValidationError(errors)

    def is_open_on(self, day) -> bool:
        return (self.opens_on is None or self.opens_on <= day) and (self.closes_on is None or day <= self.closes_on)

    @property
    def is_open_now(self) -> bool:
        return self.is_open_on(timezone.localdate())


class BudgetEnvelopeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Envelopes and their totals (allocated, committed, paid, available) are read by every signed-in
        user: holders need to know whether money is left. Which projects were committed (the ledger) is
        restricted, see ``EnvelopeMovement.objects.visible_to``."""
        if not user.is_authenticated:
            return self.none()
        return self.all()

    def open_on(self, day):
        """Envelopes whose period contains ``day``: the only ones offered for a decision of that day."""
        return self.filter(start_date__lte=day, end_date__gte=day)

    def with_totals(self):
        """Annotate ``committed_total``, ``paid_total``, ``available_total`` and ``planned_total`` (the
        dossiers' payment schedules on the envelope), with subqueries (no GROUP BY)."""

        def total(*kinds):
            return Coalesce(
                models.Subquery(
                    EnvelopeMovement.objects.filter(envelope=models.OuterRef("pk"), kind__in=kinds)
                    .order_by()
                    .values("envelope")
                    .annotate(total=Sum("amount"))
                    .values("total")
                ),
                models.Value(ZERO),
                output_field=models.DecimalField(**AMOUNT),
            )

        # Planned (échéancier prévisionnel of the dossiers drawing on the envelope): a plan, never « versé ».
        planned = Coalesce(
            models.Subquery(
                FundingLine.objects.filter(envelope=models.OuterRef("pk"))
                .order_by()
                .values("envelope")
                .annotate(total=Sum("application__planned_tranches__amount"))
                .values("total")
            ),
            models.Value(ZERO),
            output_field=models.DecimalField(**AMOUNT),
        )
        return self.annotate(
            committed_gross=total(MovementKind.COMMITMENT),
            released_total=total(MovementKind.RELEASE),
            paid_total=total(MovementKind.DISBURSEMENT),
            planned_total=planned,
        ).annotate(
            committed_total=models.F("committed_gross") - models.F("released_total"),
            available_total=models.F("allocated_amount") - models.F("committed_gross") + models.F("released_total"),
        )


class BudgetEnvelope(BaseModel):
    """An enveloppe de crédits of a programme: an amount for a period (and a territory)."""

    programme = models.ForeignKey(
        FundingProgramme, on_delete=models.CASCADE, related_name="envelopes", verbose_name="dispositif"
    )
    label = models.CharField("libellé", max_length=200)
    allocated_amount = models.DecimalField("montant de l'enveloppe", **AMOUNT)
    start_date = models.DateField("début de la période")
    end_date = models.DateField("fin de la période")
    department = models.ForeignKey(
        "territories.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="territoire (département)",
        help_text="Vide : toute la région.",
    )
    is_demo_figure = models.BooleanField(
        "montant fictif de démonstration", default=False, help_text="Aucune source publique ne donne ce montant."
    )
    source_note = models.CharField("source du montant", max_length=500, blank=True)

    history = HistoricalRecords()
    objects = BudgetEnvelopeQuerySet.as_manager()

    class Meta:
        verbose_name = "enveloppe de crédits"
        verbose_name_plural = "enveloppes de crédits"
        ordering = ["programme", "-start_date"]
        constraints = [
            models.CheckConstraint(
                name="envelope_allocated_positive",
                condition=Q(allocated_amount__gt=0),
                violation_error_message="Le montant de l'enveloppe doit être positif.",
            ),
            models.CheckConstraint(
                name="envelope_period_ordered",
                condition=Q(end_date__gte=models.F("start_date")),
                violation_error_message="La fin de la période précède son début.",
            ),
        ]

    def __str__(self):
        return f"{self.programme} — {self.label}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "La fin de la période précède son début."})

    def is_open_on(self, day) -> bool:
        """The envelope's period contains ``day`` (it commits only decisions dated inside it)."""
        return self.start_date <= day <= self.end_date

    def ledger_totals(self) -> dict[str, Decimal]:
        """Committed, paid and available amounts, read from the ledger (one query)."""
        rows = dict(self.movements.order_by().values("kind").annotate(total=Sum("amount")).values_list("kind", "total"))
        committed = rows.get(MovementKind.COMMITMENT, ZERO) - rows.get(MovementKind.RELEASE, ZERO)
        return {
            "committed": committed,
            "paid": rows.get(MovementKind.DISBURSEMENT, ZERO),
            "available": self.allocated_amount - committed,
        }


class EnvelopeMovementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Ledger rows name projects. Written rule: platform administrators and the programme partners
        (Région, Banque des Territoires, FNEP) read every row; the funder's staff read the rows of their
        own programmes; a project holder reads the rows of its own projects; others read none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        organization = current_organization(user)
        if organization is None:
            return self.none()
        if organization.kind in PROGRAMME_PARTNER_KINDS:
            return self.all()
        return self.filter(Q(envelope__programme__funder=organization) | Q(funding_line__project__holder=organization))


class EnvelopeMovement(models.Model):
    """One ledger row of an envelope: an engagement (decision), a dégagement (a decision undone or
    reduced) or a versement (payment). Rows are never edited nor deleted."""

    envelope = models.ForeignKey(
        BudgetEnvelope, on_delete=models.PROTECT, related_name="movements", verbose_name="enveloppe"
    )
    kind = models.CharField("nature", max_length=20, choices=MovementKind.choices)
    amount = models.DecimalField("montant", **AMOUNT)
    funding_line = models.ForeignKey(
        "FundingLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name="ligne de financement",
    )
    label = models.CharField("libellé", max_length=300, blank=True)
    on_date = models.DateField("date", default=timezone.localdate)
    at = models.DateTimeField("saisi le", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="par"
    )

    objects = EnvelopeMovementQuerySet.as_manager()

    class Meta:
        verbose_name = "mouvement d'enveloppe"
        verbose_name_plural = "mouvements d'enveloppe"
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="envelope_movement_amount_positive",
                condition=Q(amount__gt=0),
                violation_error_message="Le montant d'un mouvement doit être positif.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} de {self.amount} €"


class FundingLineQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Funding lines a user may see. Written rule: the lines of the projects the user sees
        (``Project.objects.visible_to``: programme partners and platform administrators see all, a
        collectivité the projects of its territory, a holder its own), plus the lines addressed to the
        organisation the user acts for (a funder sees what is asked from it)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        rule = Q(project__in=Project.objects.visible_to(user))
        organization = current_organization(user)
        if organization is not None:
            rule |= Q(funder=organization)
        return self.filter(rule)

    def with_list_data(self):
        return self.select_related("project", "funder", "programme", "envelope")


class FundingLine(BaseModel):
    """What a project asks from one funder (through one programme when known), and what it gets."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="funding_lines", verbose_name="projet"
    )
    funder = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="funding_lines",
        verbose_name="financeur",
    )
    programme = models.ForeignKey(
        FundingProgramme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_lines",
        verbose_name="dispositif",
    )
    envelope = models.ForeignKey(
        BudgetEnvelope,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_lines",
        verbose_name="enveloppe",
    )
    status = models.CharField(
        "état", max_length=20, choices=FundingLineStatus.choices, default=FundingLineStatus.REQUESTED
    )
    requested_amount = models.DecimalField("montant demandé", **AMOUNT)
    granted_amount = models.DecimalField("montant obtenu", null=True, blank=True, **AMOUNT)
    paid_amount = models.DecimalField("montant versé", default=0, **AMOUNT)
    requested_date = models.DateField("demandé le")
    decision_date = models.DateField("décidé le", null=True, blank=True)
    last_payment_date = models.DateField("dernier versement le", null=True, blank=True)
    label = models.CharField("objet", max_length=200, blank=True)
    comment = models.TextField("commentaire", blank=True)

    history = HistoricalRecords()
    objects = FundingLineQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne de financement"
        verbose_name_plural = "lignes de financement"
        ordering = ["project", "funder__name"]
        constraints = [
            models.CheckConstraint(
                name="funding_line_requested_positive",
                condition=Q(requested_amount__gt=0),
                violation_error_message="Le montant demandé doit être positif.",
            ),
            models.CheckConstraint(
                name="funding_line_granted_has_amount",
                condition=~Q(status__in=[FundingLineStatus.GRANTED, FundingLineStatus.PAID])
                | (Q(granted_amount__isnull=False) & Q(granted_amount__gt=0)),
                violation_error_message="Une ligne obtenue porte un montant obtenu positif.",
            ),
            models.CheckConstraint(
                name="funding_line_paid_within_granted",
                condition=Q(paid_amount=0)
                | (Q(granted_amount__isnull=False) & Q(paid_amount__lte=models.F("granted_amount"))),
                violation_error_message="Le total versé ne peut pas dépasser le montant obtenu.",
            ),
        ]

    def __str__(self):
        return f"{self.project} — {self.funder} ({self.get_status_display()})"

    def clean(self):
        errors = {}
        if self.programme_id and self.funder_id and self.programme.funder_id != self.funder_id:
            errors["programme"] = "Ce dispositif relève d'un autre financeur."
        if self.envelope_id and self.envelope.programme_id != self.programme_id:
            errors["envelope"] = "Cette enveloppe appartient à un autre dispositif."
        if errors:
            raise ValidationError(errors)

    @property
    def remaining_amount(self) -> Decimal:
        """Obtenu − versé (0 while nothing is granted)."""
        return (self.granted_amount or ZERO) - self.paid_amount
