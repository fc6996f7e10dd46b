from decimal import Decimal

from django.db import models


class CustomerKind(models.TextChoices):
    """Who buys from the school; professionals (companies, collectivités) get the late-payment mentions."""

    COMPANY = "company", "Entreprise"
    COLLECTIVITE = "collectivite", "Collectivité ou organisme public"
    PRIVATE_PERSON = "private_person", "Particulier"


PROFESSIONAL_KINDS = frozenset({CustomerKind.COMPANY, CustomerKind.COLLECTIVITE})


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SENT = "sent", "Envoyé"
    ACCEPTED = "accepted", "Accepté"
    REFUSED = "refused", "Refusé"


class OrderStatus(models.TextChoices):
    IN_PRODUCTION = "in_production", "En production"
    DELIVERED = "delivered", "Livrée"
    INVOICED = "invoiced", "Facturée"
    PAID = "paid", "Payée"


class WorkOrderStatus(models.TextChoices):
    PLANNED = "planned", "Planifié"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Terminé"


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", "Facture"
    CREDIT_NOTE = "credit_note", "Avoir"
    DEPOSIT = "deposit", "Facture d'acompte"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    ISSUED = "issued", "Émise"
    PAID = "paid", "Payée"
    CREDITED = "credited", "Annulée par avoir"


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", "Virement"
    CHEQUE = "cheque", "Chèque"
    CARD = "card", "Carte bancaire"
    CASH = "cash", "Espèces"
    ADMINISTRATIVE = "administrative", "Mandat administratif"


class CounterKind(models.TextChoices):
    QUOTE = "quote", "Devis"
    ORDER = "order", "Commande"
    INVOICE = "invoice", "Facture et avoir"


# French VAT rates (CGI art. 278 to 281 nonies): normal, intermediate, reduced, special, none.
VAT_RATE_CHOICES = [
    (Decimal("0.2000"), "20 %"),
    (Decimal("0.1000"), "10 %"),
    (Decimal("0.0550"), "5,5 %"),
    (Decimal("0.0210"), "2,1 %"),
    (Decimal("0.0000"), "0 % (exonéré)"),
]
