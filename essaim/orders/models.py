"""Customer orders of an open school: customers, market prices, quotes, orders, work orders,
deliveries, invoices (continuous numbering per school and year) and payments.

Everything here is the school's own business: only its staff (members acting for the school's
organisation) see it. What leaves the school is aggregated (``selectors.py``: revenue per month).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.utils import timezone
from simple_history.models import HistoricalRecords

from essaim.common.models import AMOUNT, BaseModel, TransitionLog
from essaim.common.validators import normalize_identifier, validate_siret
from essaim.orders.enums import (
    PROFESSIONAL_KINDS,
    CounterKind,
    CustomerKind,
    InvoiceKind,
    InvoiceStatus,
    OrderStatus,
    PaymentMethod,
    QuoteStatus,
    WorkOrderStatus,
)
from essaim.schools.models import ProductionSchool
from financing_engine.money import format_percent

RATE = {"max_digits": 6, "decimal_places": 4, "validators": [MinValueValidator(0), MaxValueValidator(1)]}
QUANTITY = {"max_digits": 12, "decimal_places": 3, "validators": [MinValueValidator(Decimal("0.001"))]}


class SchoolOwnedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Customers, prices, quotes, orders, invoices and payments belong to one school: only its
        staff (members acting for the school's organisation) see them; anyone else sees none."""
        return self.filter(**{f"{self.model.SCHOOL_PATH}__in": ProductionSchool.objects.staffed_by(user)})


class Customer(BaseModel):
    """A customer of the school. A private person's record stays minimal: name, address, contact."""

    SCHOOL_PATH = "school"
    school = models.ForeignKey(
        ProductionSchool, on_delete=models.CASCADE, related_name="customers", verbose_name="école"
    )
    kind = models.CharField("type de client", max_length=20, choices=CustomerKind.choices)
    name = models.CharField("nom ou raison sociale", max_length=200)
    siret = models.CharField("SIRET", max_length=14, blank=True, help_text="14 chiffres ; facultatif.")
    address = models.TextField("adresse de facturation")
    contact_name = models.CharField("contact", max_length=200, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)

    history = HistoricalRecords()
    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "client"
        verbose_name_plural = "clients"
        ordering = ["school", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="orders_unique_customer_name")]

    def __str__(self):
        return self.name

    @property
    def is_professional(self) -> bool:
        return self.kind in PROFESSIONAL_KINDS

    def clean(self):
        self.siret = normalize_identifier(self.siret or "")
        if self.kind == CustomerKind.PRIVATE_PERSON:
            if self.siret:
                raise ValidationError({"siret": "Un particulier n'a pas de SIRET : laissez ce champ vide."})
            if self.contact_name:
                raise ValidationError({"contact_name": "Pour un particulier, le nom suffit : laissez le contact vide."})
        elif self.siret:
            try:
                validate_siret(self.siret)
            except ValidationError as error:
                raise ValidationError({"siret": error.messages}) from error


class MarketPriceReference(BaseModel):
    """The market price of a product or service, the floor the school's quotes are compared with."""

    SCHOOL_PATH = "school"
    school = models.ForeignKey(
        ProductionSchool, on_delete=models.CASCADE, related_name="market_prices", verbose_name="école"
    )
    label = models.CharField("produit ou prestation", max_length=200)
    unit = models.CharField("unité", max_length=30, default="unité")
    unit_price_amount = models.DecimalField(
        "prix unitaire de marché HT", validators=[MinValueValidator(Decimal("0.01"))], **AMOUNT
    )
    source = models.CharField("source", max_length=300, help_text="Par exemple « 3 devis d'artisans du secteur ».")
    observed_date = models.DateField("date du relevé")

    history = HistoricalRecords()
    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "prix de marché de référence"
        verbose_name_plural = "prix de marché de référence"
        ordering = ["school", "label"]
        constraints = [models.UniqueConstraint(fields=["school", "label"], name="orders_unique_market_price_label")]

    def __str__(self):
        return f"{self.label} ({self.unit})"


class DocumentCounter(models.Model):
    """The last number given per school, calendar year and kind of document.

    Invoice numbers come from here, inside the transaction that issues the invoice, with the row
    locked (``select_for_update``): two invoices issued at the same time get consecutive numbers and a
    rolled-back issue gives its number back — no gap, no duplicate (French invoicing rule)."""

    school = models.ForeignKey(ProductionSchool, on_delete=models.CASCADE, related_name="+", verbose_name="école")
    year = models.PositiveSmallIntegerField("année")
    kind = models.CharField("document", max_length=20, choices=CounterKind.choices)
    last_number = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "compteur de numérotation"
        verbose_name_plural = "compteurs de numérotation"
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "kind"], name="orders_unique_counter"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year} : {self.last_number}"


class QuoteQuerySet(SchoolOwnedQuerySet):
    def as_list_rows(self):
        """Only the columns of a row of the quotes' list, the customer's name read in the same query
        (``customer_name``). For display only."""
        return (
            self.select_related(None)
            .only(
                "pk",
                "number",
                "title",
                "status",
                "issue_date",
                "validity_date",
                "has_below_market_lines",
                "total_ht_amount",
            )
            .annotate(customer_name=F("customer__name"))
        )


class Quote(BaseModel):
    """A devis: lines at the school's prices; a line below the market reference raises a warning."""

    SCHOOL_PATH = "school"
    school = models.ForeignKey(ProductionSchool, on_delete=models.CASCADE, related_name="quotes", verbose_name="école")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="quotes", verbose_name="client")
    number = models.CharField("numéro", max_length=30)
    title = models.CharField("objet", max_length=200)
    status = models.CharField("statut", max_length=20, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    issue_date = models.DateField("date du devis")
    validity_date = models.DateField("valable jusqu'au")
    notes = models.TextField("conditions particulières", blank=True)
    below_market_justification = models.TextField(
        "justification du prix inférieur au marché",
        blank=True,
        help_text="Obligatoire pour envoyer un devis dont un prix est sous le prix de marché de référence.",
    )
    has_below_market_lines = models.BooleanField("prix sous le marché", default=False)
    total_ht_amount = models.DecimalField("total HT", default=Decimal("0.00"), **AMOUNT)
    total_vat_amount = models.DecimalField("total TVA", default=Decimal("0.00"), **AMOUNT)
    total_ttc_amount = models.DecimalField("total TTC", default=Decimal("0.00"), **AMOUNT)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    decided_at = models.DateTimeField("décision le", null=True, blank=True)

    history = HistoricalRecords()
    objects = QuoteQuerySet.as_manager()

    class Meta:
        verbose_name = "devis"
        verbose_name_plural = "devis"
        ordering = ["school", "-issue_date", "-number"]
        constraints = [models.UniqueConstraint(fields=["school", "number"], name="orders_unique_quote_number")]

    def __str__(self):
        return f"Devis {self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == QuoteStatus.DRAFT

    @property
    def is_expired(self) -> bool:
        """A sent quote past its validity date (the customer may no longer hold the school to it)."""
        return self.status == QuoteStatus.SENT and self.validity_date < timezone.localdate()

    def clean(self):
        if self.issue_date and self.validity_date and self.validity_date < self.issue_date:
            raise ValidationError({"validity_date": "La date de validité ne peut précéder la date du devis."})
        if self.customer_id and self.school_id and self.customer.school_id != self.school_id:
            raise ValidationError({"customer": "Ce client n'est pas un client de cette école."})


class QuoteLine(models.Model):
    """One line of a quote; the market price seen when it was priced is kept with it."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines", verbose_name="devis")
    position = models.PositiveSmallIntegerField("rang")
    description = models.CharField("désignation", max_length=300)
    quantity = models.DecimalField("quantité", **QUANTITY)
    unit = models.CharField("unité", max_length=30, default="unité")
    unit_price_amount = models.DecimalField("prix unitaire HT", validators=[MinValueValidator(0)], **AMOUNT)
    vat_rate = models.DecimalField("taux de TVA", **RATE)
    line_ht_amount = models.DecimalField("montant HT", **AMOUNT)
    market_price = models.ForeignKey(
        MarketPriceReference,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quote_lines",
        verbose_name="prix de marché de référence",
    )
    market_unit_price_amount = models.DecimalField("prix de marché HT relevé", null=True, blank=True, **AMOUNT)
    is_below_market = models.BooleanField("sous le prix de marché", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne de devis"
        verbose_name_plural = "lignes de devis"
        ordering = ["quote", "position"]
        constraints = [models.UniqueConstraint(fields=["quote", "position"], name="orders_unique_quote_line")]

    def __str__(self):
        return self.description

    @property
    def vat_rate_label(self) -> str:
        """« 20 % », « 5,5 % »."""
        return format_percent(self.vat_rate)


class CustomerOrder(BaseModel):
    """A customer's order, born from an accepted quote; produced by work orders, delivered, invoiced."""

    SCHOOL_PATH = "school"
    school = models.ForeignKey(
        ProductionSchool, on_delete=models.CASCADE, related_name="customer_orders", verbose_name="école"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders", verbose_name="client")
    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="customer_order", verbose_name="devis")
    number = models.CharField("numéro", max_length=30)
    order_date = models.DateField("date de commande")
    customer_reference = models.CharField("référence du bon de commande du client", max_length=100, blank=True)
    due_date = models.DateField("livraison prévue", null=True, blank=True)
    status = models.CharField("statut", max_length=20, choices=OrderStatus.choices, default=OrderStatus.IN_PRODUCTION)

    history = HistoricalRecords()
    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "commande client"
        verbose_name_plural = "commandes clients"
        ordering = ["school", "-order_date", "-number"]
        constraints = [models.UniqueConstraint(fields=["school", "number"], name="orders_unique_order_number")]

    def __str__(self):
        return f"Commande {self.number}"


class WorkOrder(BaseModel):
    """An ordre de fabrication: part of an order produced by one workshop and a group of youths."""

    SCHOOL_PATH = "customer_order__school"
    customer_order = models.ForeignKey(
        CustomerOrder, on_delete=models.CASCADE, related_name="work_orders", verbose_name="commande"
    )
    workshop = models.ForeignKey(
        "schools.Workshop", on_delete=models.PROTECT, related_name="work_orders", verbose_name="atelier"
    )
    learners = models.ManyToManyField(
        "learners.Learner", blank=True, related_name="work_orders", verbose_name="groupe de jeunes"
    )
    description = models.CharField("travail à réaliser", max_length=300)
    planned_hours = models.DecimalField(
        "heures prévues", max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    done_hours = models.DecimalField(
        "heures réalisées", max_digits=8, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    status = models.CharField("statut", max_length=20, choices=WorkOrderStatus.choices, default=WorkOrderStatus.PLANNED)
    start_date = models.DateField("début", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)

    history = HistoricalRecords()
    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "ordre de fabrication"
        verbose_name_plural = "ordres de fabrication"
        ordering = ["customer_order", "pk"]

    def __str__(self):
        return self.description

    def clean(self):
        if self.workshop_id and self.customer_order_id and self.workshop.school_id != self.customer_order.school_id:
            raise ValidationError({"workshop": "Cet atelier n'appartient pas à l'école de la commande."})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "La fin ne peut précéder le début."})


class Delivery(BaseModel):
    """A delivery (bon de livraison) of all or part of an order."""

    SCHOOL_PATH = "customer_order__school"
    customer_order = models.ForeignKey(
        CustomerOrder, on_delete=models.CASCADE, related_name="deliveries", verbose_name="commande"
    )
    delivery_date = models.DateField("date de livraison")
    description = models.CharField("contenu livré", max_length=300)
    is_final = models.BooleanField("livraison complète de la commande", default=True)

    history = HistoricalRecords()
    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "livraison"
        verbose_name_plural = "livraisons"
        ordering = ["customer_order", "delivery_date", "pk"]

    def __str__(self):
        return f"Livraison du {self.delivery_date:%d/%m/%Y}"


class InvoiceQuerySet(SchoolOwnedQuerySet):
    def issued(self):
        """Invoices and credit notes that carry a number (drafts have none)."""
        return self.exclude(status=InvoiceStatus.DRAFT)

    def as_list_rows(self):
        """Only the columns of a row of the invoices' list, the customer's name and the order's number read
        in the same query (``customer_name``, ``order_number``): not the identity frozen at issue (JSON) nor
        two related objects per row. For display only."""
        return (
            self.select_related(None)
            .only("pk", "kind", "number", "status", "issue_date", "due_date", "total_ttc_amount", "paid_amount")
            .annotate(customer_name=F("customer__name"), order_number=F("customer_order__number"))
        )


class Invoice(BaseModel):
    """An invoice or a credit note (avoir). Drafts have no number; the number is given at issue, from
    the school's counter for the calendar year of the issue date. An issued invoice is never deleted:
    it is corrected by a credit note."""

    SCHOOL_PATH = "school"
    school = models.ForeignKey(
        ProductionSchool, on_delete=models.PROTECT, related_name="invoices", verbose_name="école"
    )
    customer_order = models.ForeignKey(
        CustomerOrder, on_delete=models.PROTECT, related_name="invoices", verbose_name="commande"
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices", verbose_name="client")
    kind = models.CharField("type", max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    credited_invoice = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_note",
        verbose_name="facture annulée",
    )
    status = models.CharField("statut", max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    year = models.PositiveSmallIntegerField("année de numérotation", null=True, blank=True)
    sequence = models.PositiveIntegerField("rang dans l'année", null=True, blank=True)
    number = models.CharField("numéro", max_length=30, blank=True)
    issue_date = models.DateField("date d'émission", null=True, blank=True)
    delivery_date = models.DateField("date de la vente ou de la prestation", null=True, blank=True)
    due_date = models.DateField("date d'échéance", null=True, blank=True)
    reason = models.CharField("motif de l'avoir", max_length=300, blank=True)
    total_ht_amount = models.DecimalField("total HT", default=Decimal("0.00"), **AMOUNT)
    total_vat_amount = models.DecimalField("total TVA", default=Decimal("0.00"), **AMOUNT)
    total_ttc_amount = models.DecimalField("total TTC", default=Decimal("0.00"), **AMOUNT)
    paid_amount = models.DecimalField("montant réglé", default=Decimal("0.00"), **AMOUNT)
    issued_identity = models.JSONField(
        "mentions figées à l'émission", default=dict, blank=True, help_text="Vendeur, client et conditions."
    )

    history = HistoricalRecords()
    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = "facture"
        verbose_name_plural = "factures"
        ordering = ["school", "-year", "-sequence", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="orders_unique_invoice_sequence",
            ),
            models.CheckConstraint(
                condition=models.Q(status=InvoiceStatus.DRAFT, sequence__isnull=True, number="")
                | (
                    ~models.Q(status=InvoiceStatus.DRAFT)
                    & models.Q(sequence__isnull=False, year__isnull=False, issue_date__isnull=False)
                    & ~models.Q(number="")
                ),
                name="orders_invoice_number_iff_issued",
                violation_error_message="Une facture émise porte un numéro ; un brouillon n'en a pas.",
            ),
        ]
        indexes = [
            # The production activity summed per school up to a date (the steering dashboard, at national size
            # 50 000 invoices): read from this index alone on PostgreSQL (INCLUDE), not from the wide rows; its
            # ids also give the payments' schools. SQLite ignores INCLUDE (a plain index on the two fields).
            models.Index(
                fields=["school", "issue_date"],
                include=["status", "total_ht_amount", "id"],
                name="invoice_school_issue",
            ),
        ]

    def __str__(self):
        label = self.get_kind_display()
        return f"{label} {self.number}" if self.number else f"{label} (brouillon)"

    @property
    def remaining_amount(self) -> Decimal:
        return self.total_ttc_amount - self.paid_amount

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_payable(self) -> bool:
        """Invoices and deposit invoices are paid by the customer; a credit note is not."""
        return self.kind != InvoiceKind.CREDIT_NOTE

    @property
    def is_overdue(self) -> bool:
        """Issued, not fully paid, and past its due date."""
        return (
            self.is_payable
            and self.status == InvoiceStatus.ISSUED
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    def delete(self, *args, **kwargs):
        """An issued invoice is never deleted (it is cancelled by a credit note)."""
        if self.pk and type(self).objects.filter(pk=self.pk).exclude(status=InvoiceStatus.DRAFT).exists():
            raise ValidationError("Une facture émise ne peut pas être supprimée : établissez un avoir.")
        return super().delete(*args, **kwargs)


class InvoiceLine(models.Model):
    """One line of an invoice, copied from the order when the draft is made (then frozen at issue)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name="facture")
    position = models.PositiveSmallIntegerField("rang")
    description = models.CharField("désignation", max_length=300)
    quantity = models.DecimalField("quantité", max_digits=12, decimal_places=3)
    unit = models.CharField("unité", max_length=30, default="unité")
    unit_price_amount = models.DecimalField("prix unitaire HT", **AMOUNT)
    vat_rate = models.DecimalField("taux de TVA", **RATE)
    line_ht_amount = models.DecimalField("montant HT", **AMOUNT)
    # A deduction line of a final invoice (« Acompte facturé F2026-0003 du 12/10/2026 ») carries the
    # deposit invoice it deducts and, negative, the VAT that deposit charged at this rate: the final
    # invoice deducts exactly what was invoiced, so deposits + final invoice = the order, to the cent.
    deposit_invoice = models.ForeignKey(
        "Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deductions",
        verbose_name="facture d'acompte déduite",
    )
    vat_amount = models.DecimalField(
        "TVA de l'acompte déduit",
        null=True,
        blank=True,
        help_text="Vide pour une ligne ordinaire (TVA calculée par taux sur la somme des lignes).",
        **AMOUNT,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne de facture"
        verbose_name_plural = "lignes de facture"
        ordering = ["invoice", "position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="orders_unique_invoice_line")]

    def __str__(self):
        return self.description

    @property
    def vat_rate_label(self) -> str:
        """« 20 % », « 5,5 % »."""
        return format_percent(self.vat_rate)


class Payment(BaseModel):
    """A payment received for an invoice; partial payments add up, the invoice is paid when they reach
    its amount TTC."""

    SCHOOL_PATH = "invoice__school"
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name="facture")
    payment_date = models.DateField("date du règlement")
    received_amount = models.DecimalField("montant", validators=[MinValueValidator(Decimal("0.01"))], **AMOUNT)
    # The payment's part of the invoice's HT collected in its month, written once with the payment
    # (orders.amounts.payment_ht_share): the parts of an invoice's payments in one month add up to
    # ht_share(Σ of those payments), so the activity sums them in the database, whatever the volume.
    ht_share_amount = models.DecimalField("part HT encaissée", **AMOUNT)
    method = models.CharField("mode de règlement", max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField("référence", max_length=100, blank=True)

    history = HistoricalRecords()
    objects = SchoolOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = "règlement"
        verbose_name_plural = "règlements"
        ordering = ["invoice", "payment_date", "pk"]
        indexes = [
            # The payments of the current month (the steering dashboard reads the closed months from
            # ProductionMonth): read from this index alone on PostgreSQL, not by scanning every payment.
            models.Index(fields=["payment_date"], include=["invoice", "ht_share_amount"], name="payment_date_share"),
        ]

    def __str__(self):
        return f"Règlement du {self.payment_date:%d/%m/%Y}"


class QuoteTransition(TransitionLog):
    """A change of status of a quote (sent, accepted, refused), written by the quotes workflow."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="transitions", verbose_name="devis")
    from_state = models.CharField("état de départ", max_length=30, choices=QuoteStatus.choices)
    to_state = models.CharField("état d'arrivée", max_length=30, choices=QuoteStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement de statut du devis"
        verbose_name_plural = "changements de statut des devis"


class OrderTransition(TransitionLog):
    """A change of status of an order (delivered, invoiced, paid…), written by the orders workflow."""

    customer_order = models.ForeignKey(
        CustomerOrder, on_delete=models.CASCADE, related_name="transitions", verbose_name="commande"
    )
    from_state = models.CharField("état de départ", max_length=30, choices=OrderStatus.choices)
    to_state = models.CharField("état d'arrivée", max_length=30, choices=OrderStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement de statut de la commande"
        verbose_name_plural = "changements de statut des commandes"


class InvoiceTransition(TransitionLog):
    """A change of status of an invoice (issued, paid, cancelled by a credit note), written by the
    invoices workflow."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="transitions", verbose_name="facture")
    from_state = models.CharField("état de départ", max_length=30, choices=InvoiceStatus.choices)
    to_state = models.CharField("état d'arrivée", max_length=30, choices=InvoiceStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement de statut de la facture"
        verbose_name_plural = "changements de statut des factures"


class ProductionMonth(models.Model):
    """What a school invoiced and collected (HT) in one calendar month: the sums of its invoices issued
    that month (credit notes negative) and of its payments' HT parts received that month
    (``selectors.py``), kept up to date in the same transaction as every write that changes them
    (``production.py``: an invoice issued, a payment recorded). Programme-wide reads (the steering
    dashboard, its reports) sum these rows for the months already closed at their date instead of the
    invoices and payments themselves: their cost follows the number of schools and months, not of
    invoices. Derived data: ``essaim orders rebuild-production`` rebuilds it from the invoices."""

    school = models.ForeignKey(
        ProductionSchool, on_delete=models.CASCADE, related_name="production_months", verbose_name="école"
    )
    month = models.DateField("mois")  # its first day
    invoiced_ht_amount = models.DecimalField("facturé HT", default=Decimal("0.00"), **AMOUNT)
    collected_ht_amount = models.DecimalField("encaissé HT", default=Decimal("0.00"), **AMOUNT)

    class Meta:
        verbose_name = "production du mois"
        verbose_name_plural = "production par mois"
        ordering = ["school", "month"]
        constraints = [models.UniqueConstraint(fields=["school", "month"], name="orders_unique_production_month")]

    def __str__(self):
        return f"{self.school_id} — {self.month:%m/%Y}"
