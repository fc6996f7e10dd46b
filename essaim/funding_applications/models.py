"""Funding dossiers (dossiers de financement) sent by a project holder to a funder.

A dossier is built on one frozen version of the project's financing plan plus documents. Its state
changes only through the services (``services.py``), following the table in ``workflow.py``; every
change is recorded in ``ApplicationTransition``. Files live under ``MEDIA_ROOT`` (outside the web
root) and are served only by permission-checked views.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from essaim.common.models import AMOUNT, BaseModel
from essaim.financing.enums import VersionStatus
from essaim.funding_applications.enums import (
    FUNDER_KINDS,
    GRANTED_STATES,
    ApplicationState,
    CorrectionKind,
    CorrectionStatus,
    ExpertRequestStatus,
)
from essaim.organizations.enums import CollectiviteLevel, OrganizationKind
from essaim.organizations.permissions import current_organization

# The dossier's own columns a list row shows (``reference`` is made of ``created_at`` and the key).
LIST_ROW_FIELDS = ("pk", "created_at", "updated_at", "title", "requested_amount", "decided_amount", "state")


def _stored_name(instance, filename, prefix):
    """Random file names under ``funding_applications/<dossier id>/``: the original name is kept in the row."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"funding_applications/{instance.application_id}/{prefix}-{uuid.uuid4().hex}.{extension}"


def document_upload_to(instance, filename):
    return _stored_name(instance, filename, "piece")


def expert_upload_to(instance, filename):
    return _stored_name(instance, filename, "avis")


def convention_upload_to(instance, filename):
    return f"funding_applications/{instance.pk}/convention-signee-{uuid.uuid4().hex}.pdf"


def receipt_upload_to(instance, filename):
    return f"funding_applications/{instance.pk}/attestation-de-depot-{uuid.uuid4().hex}.pdf"


class RequiredDocumentKind(BaseModel):
    """A kind of document a dossier carries (statuts, budget prévisionnel, devis…), stored as data.

    ``required_for`` lists the organisation kinds of funders for which the document is required at
    submission; for the other funders it is optional.
    """

    slug = models.SlugField("code", unique=True)
    name = models.CharField("nom", max_length=200)
    description = models.TextField("description", blank=True)
    required_for = models.JSONField(
        "obligatoire pour les financeurs de type",
        default=list,
        blank=True,
        help_text="Types d'organisation du financeur pour lesquels la pièce est obligatoire.",
    )
    position = models.PositiveSmallIntegerField("ordre", default=100)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "type de pièce justificative"
        verbose_name_plural = "types de pièces justificatives"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def is_required_for(self, funder_kind) -> bool:
        return str(funder_kind) in (self.required_for or [])


class FundingApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Dossiers a user may see, for the organisation they currently act for.

        Written rules (mirrored by ``permissions.can_view_application``):
        - the project holder sees its own dossiers, whatever their state;
        - FNEP sees every dossier once submitted to it (« soumis à la FNEP » and after, also when
          sent back « à compléter »);
        - the funder sees the dossiers addressed to it once deposited (« déposé » and after);
        - the Région sees every deposited dossier (programme steering), without private notes;
        - a collectivité sees the deposited dossiers of projects on its territory, without private notes;
        - an expert sees the one dossier they were asked about, until they answer;
        - platform administrators see every dossier (support), without private notes;
        - anyone else sees none.
        """
        if not user.is_authenticated:
            return self.none()
        expert_q = Q(
            pk__in=ExpertOpinionRequest.objects.filter(expert=user, status=ExpertRequestStatus.OPEN).values(
                "application_id"
            )
        )
        if user.is_staff:
            return self.all()
        organization = current_organization(user)
        if organization is None:
            return self.filter(expert_q)
        deposited = Q(deposited_at__isnull=False)
        kind = organization.kind
        if kind == OrganizationKind.PROJECT_HOLDER:
            rule = Q(project__holder=organization)
        elif kind == OrganizationKind.FEDERATION:
            rule = Q(submitted_at__isnull=False)
        elif kind == OrganizationKind.REGION:
            rule = deposited
        elif kind == OrganizationKind.COLLECTIVITE:
            territory = {
                CollectiviteLevel.COMMUNE: Q(project__commune_id=organization.commune_id),
                CollectiviteLevel.EPCI: Q(project__commune__epci_id=organization.epci_id),
                CollectiviteLevel.DEPARTMENT: Q(project__commune__department_id=organization.department_id),
            }[organization.collectivite_level]
            rule = deposited & territory
        else:
            rule = Q(pk__in=[])
        if kind in FUNDER_KINDS:
            rule |= deposited & Q(funder=organization)
        return self.filter(rule | expert_q)

    def with_list_data(self):
        """What a list row shows (project, holder, département, funder), newest first. Not the frozen plan
        version: its content (the whole plan as JSON, tens of KB) would be read and decoded for every row."""
        return self.select_related("project__holder", "project__commune__department", "funder").order_by("-updated_at")

    def as_list_rows(self):
        """Only the columns of a row of the dossiers' tables (the list, the home page's section), the
        names beside them read in the same query (``project_name``, ``holder_name``, ``department_code``,
        ``funder_name``) rather than four related objects built per row: a row costs a fraction of a
        fully loaded dossier. For display only: a row has nothing else loaded."""
        return (
            self.select_related(None)
            .only(*LIST_ROW_FIELDS)
            .annotate(
                project_name=F("project__name"),
                holder_name=F("project__holder__name"),
                department_code=F("project__commune__department__code"),
                funder_name=F("funder__name"),
            )
        )


class FundingApplication(BaseModel):
    """A dossier de financement: a project asks a funder for an amount, on a frozen plan version."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="funding_applications", verbose_name="projet"
    )
    funder = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="funding_applications_received",
        verbose_name="financeur",
        limit_choices_to={"kind__in": FUNDER_KINDS},
    )
    plan_version = models.ForeignKey(
        "financing.FinancingPlanVersion",
        on_delete=models.PROTECT,
        related_name="funding_applications",
        verbose_name="version figée du plan de financement",
        limit_choices_to={"status": VersionStatus.SUBMITTED},
    )
    title = models.CharField("objet de la demande", max_length=200)
    requested_amount = models.DecimalField("montant demandé", **AMOUNT)
    state = models.CharField("état", max_length=30, choices=ApplicationState.choices, default=ApplicationState.DRAFT)
    # Where the dossier goes back when the holder answers « à compléter » (FNEP's or the funder's stage).
    completion_return_state = models.CharField(
        "état de retour après complément", max_length=30, choices=ApplicationState.choices, blank=True
    )
    # Catalogue programme and credit envelope the dossier draws on (issue #6): a grant decision commits
    # its amount on the envelope, each tranche paid is a disbursement of its ledger.
    programme = models.ForeignKey(
        "funding_programmes.FundingProgramme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_applications",
        verbose_name="dispositif",
    )
    envelope = models.ForeignKey(
        "funding_programmes.BudgetEnvelope",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_applications",
        verbose_name="enveloppe de crédits",
    )
    funding_line = models.OneToOneField(
        "funding_programmes.FundingLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application",
        verbose_name="ligne de financement",
    )
    decided_amount = models.DecimalField("montant accordé", null=True, blank=True, **AMOUNT)
    conditions = models.TextField("conditions", blank=True)
    refusal_reasons = models.TextField("motifs du refus", blank=True)
    closing_reason = models.TextField("motif du classement sans suite", blank=True)
    withdrawal_reason = models.TextField("motif du retrait", blank=True)
    withdrawn_at = models.DateTimeField("retiré le", null=True, blank=True)
    amount_justification = models.TextField(
        "justification du montant demandé",
        blank=True,
        help_text="Obligatoire quand le montant dépasse la ligne du plan pour ce financeur.",
    )
    disbursed_amount = models.DecimalField("montant versé", default=0, **AMOUNT)
    convention_signed_date = models.DateField("date de signature de la convention", null=True, blank=True)
    # The signed convention (PDF checked like every document, kept with its SHA-256); its date of signature
    # is ``convention_signed_date``, read from it by the one who uploads it.
    convention_document = models.FileField(
        "convention signée (PDF)", upload_to=convention_upload_to, max_length=255, blank=True
    )
    convention_document_name = models.CharField("nom d'origine de la convention", max_length=255, blank=True)
    convention_document_sha256 = models.CharField("empreinte SHA-256 de la convention", max_length=64, blank=True)
    # The funder's instructor in charge (a member of the funder's organisation); changes are logged.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_funding_applications",
        verbose_name="instructeur",
    )
    submitted_at = models.DateTimeField("soumis à la FNEP le", null=True, blank=True)
    validated_at = models.DateTimeField("validé par la FNEP le", null=True, blank=True)
    deposited_at = models.DateTimeField("déposé le", null=True, blank=True)
    review_started_at = models.DateTimeField("mis en instruction le", null=True, blank=True)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    # Effective dates (dates d'effet): the day the deposit and the decision truly happened, entered by the
    # one who records them (maybe later, from the papers); ``deposited_at`` and ``decided_at`` keep when
    # they were recorded.
    deposit_date = models.DateField("date de dépôt", null=True, blank=True)
    decision_date = models.DateField("date de la décision", null=True, blank=True)
    deposit_plan_hash = models.CharField("empreinte du plan au dépôt", max_length=64, blank=True)
    deposit_receipt = models.FileField("attestation de dépôt", upload_to=receipt_upload_to, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )

    history = HistoricalRecords()
    objects = FundingApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier de financement"
        verbose_name_plural = "dossiers de financement"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="funding_application_requested_amount_positive",
                condition=Q(requested_amount__gt=0),
                violation_error_message="Le montant demandé doit être positif.",
            ),
            models.CheckConstraint(
                name="funding_application_granted_has_amount",
                condition=~Q(state__in=sorted(GRANTED_STATES))
                | (Q(decided_amount__isnull=False) & Q(decided_amount__gt=0)),
                violation_error_message="Un dossier accordé porte un montant accordé positif.",
            ),
            models.CheckConstraint(
                name="funding_application_disbursed_within_decided",
                condition=Q(disbursed_amount=0)
                | (Q(decided_amount__isnull=False) & Q(disbursed_amount__lte=models.F("decided_amount"))),
                violation_error_message="Le total versé ne peut pas dépasser le montant accordé.",
            ),
            models.CheckConstraint(
                name="funding_application_refused_has_reasons",
                condition=~Q(state=ApplicationState.REFUSED) | ~Q(refusal_reasons=""),
                violation_error_message="Un refus est motivé.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    @property
    def reference(self) -> str:
        """Stable public reference: DF-<year of creation>-<id on 5 digits>."""
        year = self.created_at.year if self.created_at else "0000"
        return f"DF-{year}-{self.pk or 0:05d}"

    @property
    def remaining_amount(self):
        if self.decided_amount is None:
            return None
        return self.decided_amount - self.disbursed_amount

    @property
    def effective_deposit_date(self):
        """The day the dossier was deposited (its date d'effet, else the day it was recorded)."""
        if self.deposit_date is not None:
            return self.deposit_date
        return timezone.localtime(self.deposited_at).date() if self.deposited_at else None

    @property
    def effective_decision_date(self):
        """The day the decision was taken (its date d'effet, else the day it was recorded)."""
        if self.decision_date is not None:
            return self.decision_date
        return timezone.localtime(self.decided_at).date() if self.decided_at else None

    def clean(self):
        errors = {}
        if self.funder_id and self.funder.kind not in FUNDER_KINDS:
            errors["funder"] = "Ce type d'organisation ne finance pas de dossier."
        if self.plan_version_id:
            version = self.plan_version
            if version.status != VersionStatus.SUBMITTED:
                errors["plan_version"] = "Seule une version soumise (figée) du plan de financement peut être jointe."
            elif self.project_id and version.plan.project_id != self.project_id:
                errors["plan_version"] = "Cette version de plan appartient à un autre projet."
        if self.programme_id and self.funder_id and self.programme.funder_id != self.funder_id:
            errors["programme"] = "Ce dispositif relève d'un autre financeur."
        if self.envelope_id and self.envelope.programme_id != self.programme_id:
            errors["envelope"] = "Cette enveloppe appartient à un autre dispositif."
        if errors:
            raise ValidationError(errors)


class ApplicationTransition(models.Model):
    """One change of state of a dossier (written by the workflow only): which action, who (and for which
    organisation), when it was recorded (``at``), its effective date (date d'effet), from, to, why, and
    the written reason when a condition was overridden."""

    application = models.ForeignKey(
        FundingApplication, on_delete=models.CASCADE, related_name="transitions", verbose_name="dossier"
    )
    name = models.CharField("action", max_length=40)
    from_state = models.CharField("état de départ", max_length=30, choices=ApplicationState.choices)
    to_state = models.CharField("état d'arrivée", max_length=30, choices=ApplicationState.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par")
    acting_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="pour l'organisation",
    )
    at = models.DateTimeField("saisi le", auto_now_add=True)
    effective_date = models.DateField(
        "date d'effet", default=timezone.localdate, help_text="Le jour où l'événement a réellement eu lieu."
    )
    comment = models.TextField("commentaire", blank=True)
    override_reason = models.TextField("condition passée outre (raison écrite)", blank=True)

    class Meta:
        verbose_name = "changement d'état"
        verbose_name_plural = "changements d'état"
        ordering = ["effective_date", "at", "pk"]

    def __str__(self):
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"


class ApplicationDocument(BaseModel):
    """A document attached to a dossier, checked by content (``documents.py``) and stored outside the web root."""

    application = models.ForeignKey(
        FundingApplication, on_delete=models.CASCADE, related_name="documents", verbose_name="dossier"
    )
    kind = models.ForeignKey(
        RequiredDocumentKind, on_delete=models.PROTECT, related_name="documents", verbose_name="type de pièce"
    )
    file = models.FileField("fichier", upload_to=document_upload_to, max_length=255)
    original_name = models.CharField("nom d'origine", max_length=255)
    size = models.PositiveBigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    content_type = models.CharField("type de contenu détecté", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déposé par",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "pièce du dossier"
        verbose_name_plural = "pièces du dossier"
        ordering = ["kind__position", "created_at"]

    def __str__(self):
        return self.original_name


class ReviewNote(BaseModel):
    """A private note of the reviewers (funder members) or FNEP: never shown to the holder."""

    application = models.ForeignKey(
        FundingApplication, on_delete=models.CASCADE, related_name="review_notes", verbose_name="dossier"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    body = models.TextField("note")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "note privée d'instruction"
        verbose_name_plural = "notes privées d'instruction"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Note du {self.created_at:%d/%m/%Y}"


class ExpertOpinionRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ExpertRequestStatus.OPEN)


class ExpertOpinionRequest(BaseModel):
    """A request for an expert opinion (avis d'expert), sent by e-mail to one person.

    The expert gets an account if they have none (no usable password: the e-mail carries a link to
    choose one). While the request is open, that account reads this dossier only (project, plan,
    documents; no messages, no private notes) and answers once; answering or a withdrawal by the
    reviewers ends the access.
    """

    application = models.ForeignKey(
        FundingApplication, on_delete=models.CASCADE, related_name="expert_requests", verbose_name="dossier"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_requests", verbose_name="expert"
    )
    question = models.TextField("question posée")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="demandé par"
    )
    requested_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        "statut", max_length=20, choices=ExpertRequestStatus.choices, default=ExpertRequestStatus.OPEN
    )
    answer = models.TextField("avis", blank=True)
    answer_document = models.FileField("pièce jointe à l'avis", upload_to=expert_upload_to, blank=True)
    answer_document_name = models.CharField("nom d'origine de la pièce", max_length=255, blank=True)
    answered_at = models.DateTimeField("avis rendu le", null=True, blank=True)
    # Reminders sent by ``essaim funding_applications remind-experts`` (one per period at most).
    last_reminded_at = models.DateTimeField("dernière relance le", null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField("relances envoyées", default=0)

    history = HistoricalRecords()
    objects = ExpertOpinionRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'avis d'expert"
        verbose_name_plural = "demandes d'avis d'experts"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="expert_request_answered_has_answer",
                condition=~Q(status=ExpertRequestStatus.ANSWERED) | (~Q(answer="") & Q(answered_at__isnull=False)),
                violation_error_message="Un avis rendu porte un texte et une date.",
            ),
        ]

    def __str__(self):
        return f"Avis demandé à {self.expert}"


class ApplicationMessage(BaseModel):
    """A message of the thread between the holder and the reviewers (FNEP, then the funder)."""

    application = models.ForeignKey(
        FundingApplication, on_delete=models.CASCADE, related_name="messages", verbose_name="dossier"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    body = models.TextField("message")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "message"
        verbose_name_plural = "messages"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Message du {self.created_at:%d/%m/%Y}"


class Disbursement(BaseModel):
    """A tranche paid by the funder once the convention is signed (total ≤ decided amount)."""

    application = models.ForeignKey(
        FundingApplication, on_delete=models.CASCADE, related_name="disbursements", verbose_name="dossier"
    )
    amount = models.DecimalField("montant", **AMOUNT)
    paid_date = models.DateField("date du versement")
    label = models.CharField("libellé", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="saisi par"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "versement"
        verbose_name_plural = "versements"
        ordering = ["paid_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="disbursement_amount_positive",
                condition=Q(amount__gt=0),
                violation_error_message="Le montant d'un versement doit être positif.",
            ),
        ]

    def __str__(self):
        return f"Versement du {self.paid_date:%d/%m/%Y}"


class ExpertConsultation(models.Model):
    """One reading by an expert of what their invitation names (the dossier, its frozen plan, its project,
    a document): experts read read-only, and every reading is kept."""

    class Page(models.TextChoices):
        DOSSIER = "dossier", "Dossier"
        PLAN = "plan", "Plan de financement figé"
        PROJECT = "project", "Projet"
        DOCUMENT = "document", "Pièce justificative"

    expert_request = models.ForeignKey(
        ExpertOpinionRequest, on_delete=models.CASCADE, related_name="consultations", verbose_name="demande d'avis"
    )
    page = models.CharField("page consultée", max_length=20, choices=Page.choices)
    detail = models.CharField("détail", max_length=255, blank=True)
    at = models.DateTimeField("consulté le", auto_now_add=True)

    class Meta:
        verbose_name = "consultation par un expert"
        verbose_name_plural = "consultations par les experts"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_page_display()} consulté le {self.at:%d/%m/%Y %H:%M}"


class PlannedTrancheQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A dossier's payment schedule is seen by whoever sees the dossier."""
        return self.filter(application__in=FundingApplication.objects.visible_to(user))


class PlannedTranche(BaseModel):
    """One tranche of a dossier's payment schedule (échéancier prévisionnel): a plan, never money paid.

    Only ``Disbursement`` rows (payments made) count as « versé »; the schedule says what is expected
    and when. Its total never exceeds the decided amount (``services.funding_application_schedule_set``).
    """

    application = models.ForeignKey(
        FundingApplication, on_delete=models.CASCADE, related_name="planned_tranches", verbose_name="dossier"
    )
    due_date = models.DateField("date prévue")
    amount = models.DecimalField("montant prévu", **AMOUNT)
    label = models.CharField("libellé", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="saisi par"
    )

    history = HistoricalRecords()
    objects = PlannedTrancheQuerySet.as_manager()

    class Meta:
        verbose_name = "tranche prévue"
        verbose_name_plural = "échéancier prévisionnel"
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                name="planned_tranche_amount_positive",
                condition=Q(amount__gt=0),
                violation_error_message="Le montant d'une tranche prévue doit être positif.",
            ),
        ]

    def __str__(self):
        return f"Tranche prévue le {self.due_date:%d/%m/%Y}"


class CorrectionRequest(BaseModel):
    """A request for corrections sent by a reviewer (FNEP or the funder) to the holder, the way Démarches
    simplifiées does: its kind (incomplete, incorrect, outdated), what to correct, then the holder's
    answer, which closes it. Written by the workflow's « à compléter » transitions only."""

    application = models.ForeignKey(
        FundingApplication, on_delete=models.CASCADE, related_name="corrections", verbose_name="dossier"
    )
    kind = models.CharField("motif", max_length=20, choices=CorrectionKind.choices)
    message = models.TextField("ce qui est à corriger")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="demandé par"
    )
    requested_by_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="pour"
    )
    status = models.CharField("statut", max_length=20, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN)
    answer = models.TextField("réponse du porteur", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="répondu par",
    )
    answered_at = models.DateTimeField("corrigée le", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "demande de correction"
        verbose_name_plural = "demandes de correction"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.get_status_display()}"


def letter_upload_to(instance, filename):
    return f"funding_applications/{instance.application_id}/attestation-de-decision-{uuid.uuid4().hex}.pdf"


class DecisionLetterTemplate(BaseModel):
    """The text of a funder's decision letter (attestation de décision), edited by its administrateurs.

    Placeholders between braces are replaced when the letter is printed: {reference}, {projet},
    {porteur}, {financeur}, {montant}, {montant_demande}, {conditions}, {tranches}, {motifs}, {date},
    {signataire}. An unknown placeholder stays as typed.
    """

    class Kind(models.TextChoices):
        GRANT = "grant", "Lettre d'accord"
        REFUSE = "refuse", "Lettre de refus"

    funder = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="letter_templates",
        verbose_name="financeur",
    )
    kind = models.CharField("lettre", max_length=20, choices=Kind.choices)
    body = models.TextField("texte de la lettre")
    signatory = models.CharField("signataire (nom et qualité)", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "modèle de lettre de décision"
        verbose_name_plural = "modèles de lettres de décision"
        constraints = [models.UniqueConstraint(fields=["funder", "kind"], name="letter_template_one_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.funder}"


class DecisionLetter(BaseModel):
    """A decision letter printed when the funder decided (PDF kept with its SHA-256, sent to the holder)."""

    application = models.ForeignKey(
        FundingApplication, on_delete=models.CASCADE, related_name="decision_letters", verbose_name="dossier"
    )
    kind = models.CharField("lettre", max_length=20, choices=DecisionLetterTemplate.Kind.choices)
    file = models.FileField("lettre (PDF)", upload_to=letter_upload_to, max_length=255)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)

    class Meta:
        verbose_name = "lettre de décision"
        verbose_name_plural = "lettres de décision"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.created_at:%d/%m/%Y}"


class ApplicationEvent(models.Model):
    """Something that happened on a dossier without changing its state, kept in its log: an assignment
    to an instructor, a reminder sent to an expert. Written by the services only."""

    class Kind(models.TextChoices):
        ASSIGNMENT = "assignment", "Attribution à un instructeur"
        EXPERT_REMINDER = "expert_reminder", "Relance d'un expert"

    application = models.ForeignKey(
        FundingApplication, on_delete=models.CASCADE, related_name="events", verbose_name="dossier"
    )
    kind = models.CharField("événement", max_length=30, choices=Kind.choices)
    text = models.CharField("détail", max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
        help_text="Vide quand Essaim l'a fait de lui-même (relance planifiée).",
    )
    at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "événement du dossier"
        verbose_name_plural = "événements des dossiers"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} le {self.at:%d/%m/%Y}"
