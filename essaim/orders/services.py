"""Write use cases of customer orders, from the quote to the payment. All atomic; bad input raises a
``ValidationError`` in French that says where (field or line) and writes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from essaim.common.validators import normalize_identifier
from essaim.common.workflow import transition as workflow_transition
from essaim.orders.amounts import deposit_base, document_totals, line_amount, lines_totals, payment_ht_share
from essaim.orders.enums import (
    CounterKind,
    InvoiceKind,
    InvoiceStatus,
    OrderStatus,
)
from essaim.orders.models import (
    Customer,
    CustomerOrder,
    Delivery,
    DocumentCounter,
    Invoice,
    InvoiceLine,
    MarketPriceReference,
    Payment,
    Quote,
    QuoteLine,
    WorkOrder,
)
from essaim.orders.production import production_month_refresh
from essaim.schools.models import ProductionSchool
from financing_engine.money import ZERO, format_eur, format_percent

PREFIXES = {CounterKind.QUOTE: "D", CounterKind.ORDER: "C", CounterKind.INVOICE: "F"}


def _save(instance):
    instance.full_clean()
    instance.save()
    return instance


def lock_counter(*, school_id: int, year: int, kind: str) -> DocumentCounter:
    """Lock (creating it if needed) the counter of ``kind`` for the school and year, until the end of
    the enclosing ``transaction.atomic``. Call it FIRST in the transaction.

    PostgreSQL: ``select_for_update`` locks the row; a concurrent issue waits, then reads the committed
    value. SQLite ignores ``select_for_update``: the no-op UPDATE, as the transaction's first statement,
    takes the database write lock (a transaction that read first could not take it later without a
    « database is locked » error). Either way numbers are consecutive and a rolled-back transaction
    gives its number back (no gap)."""
    counters = DocumentCounter.objects.filter(school_id=school_id, year=year, kind=kind)
    if not counters.update(last_number=F("last_number")):
        DocumentCounter.objects.get_or_create(school_id=school_id, year=year, kind=kind)
    return counters.select_for_update().get()


def take_number(counter: DocumentCounter) -> tuple[int, str]:
    """The next number of a locked counter: ``(rank, "F2026-0007")``."""
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"{PREFIXES[counter.kind]}{counter.year}-{counter.last_number:04d}"


# --------------------------------------------------------------------------- customers and prices


@transaction.atomic
def customer_save(*, school: ProductionSchool, instance: Customer | None = None, **fields) -> Customer:
    instance = instance or Customer(school=school)
    for key, value in fields.items():
        setattr(instance, key, value)
    instance.siret = normalize_identifier(instance.siret or "")
    return _save(instance)


@transaction.atomic
def market_price_save(
    *, school: ProductionSchool, instance: MarketPriceReference | None = None, **fields
) -> MarketPriceReference:
    instance = instance or MarketPriceReference(school=school)
    for key, value in fields.items():
        setattr(instance, key, value)
    return _save(instance)


# --------------------------------------------------------------------------- quotes


@dataclass
class LineInput:
    description: str
    quantity: Decimal
    unit_price_amount: Decimal
    vat_rate: Decimal
    unit: str = "unité"
    market_price: MarketPriceReference | None = None


def _decimal(value, *, where: str, field: str) -> Decimal:
    try:
        return Decimal(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(f"{where} : {field} « {value} » n'est pas un nombre.") from error


def _check_lines(school: ProductionSchool, lines: list[LineInput]) -> None:
    if not lines:
        raise ValidationError("Le devis doit comporter au moins une ligne.")
    errors = []
    for index, line in enumerate(lines, start=1):
        where = f"Ligne {index}"
        if not (line.description or "").strip():
            errors.append(f"{where} : la désignation est obligatoire.")
        quantity = _decimal(line.quantity, where=where, field="la quantité")
        price = _decimal(line.unit_price_amount, where=where, field="le prix unitaire")
        rate = _decimal(line.vat_rate, where=where, field="le taux de TVA")
        if quantity <= 0:
            errors.append(f"{where} : la quantité doit être positive.")
        if price < 0:
            errors.append(f"{where} : le prix unitaire ne peut pas être négatif.")
        if not (0 <= rate < 1):
            errors.append(f"{where} : le taux de TVA doit être compris entre 0 et 100 %.")
        if line.market_price is not None and line.market_price.school_id != school.pk:
            errors.append(f"{where} : ce prix de marché n'est pas une référence de cette école.")
    if errors:
        raise ValidationError(errors)


def _write_quote_lines(quote: Quote, lines: list[LineInput]) -> None:
    quote.lines.all().delete()
    below = False
    for position, line in enumerate(lines, start=1):
        market = line.market_price
        is_below = market is not None and Decimal(line.unit_price_amount) < market.unit_price_amount
        below = below or is_below
        QuoteLine.objects.create(
            quote=quote,
            position=position,
            description=line.description.strip(),
            quantity=Decimal(line.quantity),
            unit=line.unit or "unité",
            unit_price_amount=Decimal(line.unit_price_amount),
            vat_rate=Decimal(line.vat_rate),
            line_ht_amount=line_amount(line.quantity, line.unit_price_amount),
            market_price=market,
            market_unit_price_amount=market.unit_price_amount if market else None,
            is_below_market=is_below,
        )
    totals = document_totals((line.quantity, line.unit_price_amount, line.vat_rate) for line in lines)
    quote.has_below_market_lines = below
    quote.total_ht_amount = totals.total_ht
    quote.total_vat_amount = totals.total_vat
    quote.total_ttc_amount = totals.total_ttc
    quote.save()


@transaction.atomic
def quote_create(
    *,
    school: ProductionSchool,
    customer: Customer,
    title: str,
    lines: list[LineInput],
    issue_date: dt.date | None = None,
    validity_days: int = 30,
    notes: str = "",
    below_market_justification: str = "",
) -> Quote:
    """A draft quote, numbered « D<année>-<rang> » in the school's quote sequence."""
    issue_date = issue_date or timezone.localdate()
    counter = lock_counter(school_id=school.pk, year=issue_date.year, kind=CounterKind.QUOTE)
    _check_lines(school, lines)
    quote = Quote(
        school=school,
        customer=customer,
        title=title,
        issue_date=issue_date,
        validity_date=issue_date + dt.timedelta(days=validity_days),
        notes=notes,
        below_market_justification=below_market_justification,
        number="provisoire",
    )
    quote.full_clean(exclude=["number"])
    _, quote.number = take_number(counter)
    quote.save()
    _write_quote_lines(quote, lines)
    return quote


@transaction.atomic
def quote_update(*, quote: Quote, lines: list[LineInput], **fields) -> Quote:
    """Change a draft quote (its header fields and all its lines)."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if not quote.is_editable:
        raise ValidationError(f"Le devis {quote.number} a été envoyé : il ne peut plus être modifié.")
    _check_lines(quote.school, lines)
    for key, value in fields.items():
        setattr(quote, key, value)
    _save(quote)
    _write_quote_lines(quote, lines)
    return quote


def quote_send(*, quote: Quote, below_market_justification: str | None = None, by=None) -> Quote:
    """Mark a draft quote as sent (quotes workflow, ``workflow.py``). A quote with a price below the market
    reference needs a justification (the school must sell at market conditions)."""
    workflow_transition(quote, "send", user=by, below_market_justification=below_market_justification)
    return quote


def quote_accept(
    *, quote: Quote, order_date: dt.date | None = None, customer_reference: str = "", due_date=None, by=None
) -> CustomerOrder:
    """The customer accepted a sent quote: it becomes an order (« C<année>-<rang> ») dated ``order_date``."""
    log = workflow_transition(
        quote,
        "accept",
        user=by,
        effective_date=order_date or timezone.localdate(),
        customer_reference=customer_reference,
        due_date=due_date,
    )
    return log.results["order"]


def quote_refuse(*, quote: Quote, by=None) -> Quote:
    """The customer refused a sent quote."""
    workflow_transition(quote, "refuse", user=by)
    return quote


# --------------------------------------------------------------------------- production and delivery


@transaction.atomic
def work_order_save(
    *, customer_order: CustomerOrder, learners=(), instance: WorkOrder | None = None, **fields
) -> WorkOrder:
    """Create or change a work order: one workshop of the order's school and youths of that school."""
    instance = instance or WorkOrder(customer_order=customer_order)
    for key, value in fields.items():
        setattr(instance, key, value)
    learners = list(learners)
    strangers = [learner for learner in learners if learner.school_id != customer_order.school_id]
    if strangers:
        raise ValidationError({"learners": "Le groupe ne peut compter que des jeunes de l'école."})
    _save(instance)
    instance.learners.set(learners)
    return instance


@transaction.atomic
def delivery_create(*, customer_order: CustomerOrder, delivery_date: dt.date, description: str, is_final=True, by=None):
    """Record a delivery; a complete one moves an order in production to « livrée » (orders workflow)."""
    order = CustomerOrder.objects.select_for_update().get(pk=customer_order.pk)
    delivery = _save(
        Delivery(customer_order=order, delivery_date=delivery_date, description=description, is_final=is_final)
    )
    if is_final and order.status == OrderStatus.IN_PRODUCTION:
        workflow_transition(order, "deliver", user=by, effective_date=delivery_date)
    return delivery


# --------------------------------------------------------------------------- invoices and payments


def _live_final_invoice(order: CustomerOrder) -> Invoice | None:
    """The order's final invoice not cancelled by a credit note (draft or issued), if any."""
    return order.invoices.filter(kind=InvoiceKind.INVOICE).exclude(status=InvoiceStatus.CREDITED).first()


def _live_deposits(order: CustomerOrder):
    """The order's deposit invoices not cancelled by a credit note (drafts included), in number order,
    with their lines."""
    deposits = order.invoices.filter(kind=InvoiceKind.DEPOSIT).exclude(status=InvoiceStatus.CREDITED)
    return deposits.order_by("year", "sequence", "pk").prefetch_related("lines")


@transaction.atomic
def invoice_create_deposit(*, customer_order: CustomerOrder, share: Decimal) -> Invoice:
    """A draft deposit invoice (facture d'acompte) of ``share`` (0 < share < 1) of the order: one line
    per VAT rate of the order's quote, HT = round_cents(share × the order's HT at that rate).

    Refused while the order has a final invoice not cancelled, and when the deposits not cancelled
    (drafts included) would then exceed the order, at any VAT rate (HT or VAT) or in TTC."""
    order = CustomerOrder.objects.select_for_update().select_related("quote").get(pk=customer_order.pk)
    try:
        share = Decimal(share)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValidationError({"share": "Le pourcentage de l'acompte doit être un nombre."}) from error
    if not (ZERO < share < 1):
        raise ValidationError({"share": "Le pourcentage de l'acompte doit être compris entre 0 et 100 % (exclus)."})
    final = _live_final_invoice(order)
    if final is not None:
        raise ValidationError(
            {
                "customer_order": f"La commande {order.number} a déjà sa facture finale ({final}) : "
                "un acompte ne peut plus être facturé (annulez-la par un avoir pour revenir en arrière)."
            }
        )
    order_totals = lines_totals(order.quote.lines.all())
    if order_totals.total_ttc <= ZERO:
        raise ValidationError({"customer_order": f"La commande {order.number} n'a pas de montant à facturer."})
    shares_by_rate = [(rate, deposit_base(share, base)) for rate, (base, _) in order_totals.vat_by_rate.items()]
    new_lines = [(rate, amount) for rate, amount in shares_by_rate if amount > ZERO]
    new_totals = document_totals((1, amount, rate) for rate, amount in new_lines)
    if new_totals.total_ht <= ZERO:
        raise ValidationError({"share": "Ce pourcentage donne un acompte nul : choisissez un pourcentage plus élevé."})
    billed_ht: dict[Decimal, Decimal] = {}
    billed_vat: dict[Decimal, Decimal] = {}
    billed_ttc = ZERO
    for totals in [*(lines_totals(deposit.lines.all()) for deposit in _live_deposits(order)), new_totals]:
        billed_ttc += totals.total_ttc
        for rate, (base, vat) in totals.vat_by_rate.items():
            billed_ht[rate] = billed_ht.get(rate, ZERO) + base
            billed_vat[rate] = billed_vat.get(rate, ZERO) + vat
    # The final invoice always carries a balance: deposits stay under the order's TTC.
    exceeds = billed_ttc >= order_totals.total_ttc or any(
        billed_ht[rate] > order_totals.vat_by_rate.get(rate, (ZERO, ZERO))[0]
        or billed_vat[rate] > order_totals.vat_by_rate.get(rate, (ZERO, ZERO))[1]
        for rate in billed_ht
    )
    if exceeds:
        already = billed_ttc - new_totals.total_ttc
        raise ValidationError(
            {
                "share": f"Avec cet acompte de {format_eur(new_totals.total_ttc)} TTC, les acomptes de la commande "
                f"{order.number} ({format_eur(already)} TTC déjà facturés ou en brouillon) atteindraient ou "
                f"dépasseraient son montant ({format_eur(order_totals.total_ttc)} TTC) : la facture finale "
                "doit porter un solde."
            }
        )
    invoice = Invoice.objects.create(
        school=order.school, customer_order=order, customer=order.customer, kind=InvoiceKind.DEPOSIT
    )
    description = (
        f"Acompte de {format_percent(share, decimals=2)} sur la commande {order.number} (devis {order.quote.number})"
    )
    lines = [
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            description=description,
            quantity=Decimal(1),
            unit="forfait",
            unit_price_amount=amount,
            vat_rate=rate,
            line_ht_amount=amount,
        )
        for position, (rate, amount) in enumerate(new_lines, start=1)
    ]
    _set_totals(invoice, lines)
    return invoice


@transaction.atomic
def invoice_create_from_order(*, customer_order: CustomerOrder) -> Invoice:
    """A draft final invoice (no number yet) with the lines of the order's quote, then, for each deposit
    invoice issued and not cancelled, its deduction per VAT rate (« Acompte facturé F2026-0003 du
    12/10/2026 », negative HT and VAT: exactly what the deposit invoiced). Refused while a deposit
    invoice of the order is still a draft (issue it or delete it first)."""
    order = CustomerOrder.objects.select_for_update().select_related("quote").get(pk=customer_order.pk)
    if _live_final_invoice(order) is not None:
        raise ValidationError(
            f"La commande {order.number} a déjà une facture (annulez-la par un avoir pour refacturer)."
        )
    deposits = list(_live_deposits(order))
    if any(deposit.is_draft for deposit in deposits):
        raise ValidationError(
            f"Une facture d'acompte de la commande {order.number} est encore en brouillon : émettez-la ou "
            "supprimez-la avant de préparer la facture finale."
        )
    last_delivery = order.deliveries.order_by("-delivery_date").first()
    invoice = Invoice.objects.create(
        school=order.school,
        customer_order=order,
        customer=order.customer,
        delivery_date=last_delivery.delivery_date if last_delivery else None,
    )
    lines = []
    for line in order.quote.lines.all():
        lines.append(
            InvoiceLine.objects.create(
                invoice=invoice,
                position=line.position,
                description=line.description,
                quantity=line.quantity,
                unit=line.unit,
                unit_price_amount=line.unit_price_amount,
                vat_rate=line.vat_rate,
                line_ht_amount=line.line_ht_amount,
            )
        )
    position = max((line.position for line in lines), default=0)
    for deposit in deposits:
        description = f"Acompte facturé {deposit.number} du {deposit.issue_date:%d/%m/%Y}"
        for rate, (base, vat) in lines_totals(deposit.lines.all()).vat_by_rate.items():
            position += 1
            lines.append(
                InvoiceLine.objects.create(
                    invoice=invoice,
                    position=position,
                    description=description,
                    quantity=Decimal(1),
                    unit="forfait",
                    unit_price_amount=-base,
                    vat_rate=rate,
                    line_ht_amount=-base,
                    vat_amount=-vat,
                    deposit_invoice=deposit,
                )
            )
    _set_totals(invoice, lines)
    return invoice


@transaction.atomic
def invoice_delete_draft(*, invoice: Invoice) -> None:
    """Delete a draft invoice or deposit invoice (it has no number: nothing to cancel). An issued one is
    never deleted: it is cancelled by a credit note."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.DRAFT:
        raise ValidationError(f"{invoice} est émise : elle ne se supprime pas, elle s'annule par un avoir.")
    invoice.delete()


def _set_totals(invoice: Invoice, lines) -> None:
    totals = lines_totals(lines)
    invoice.total_ht_amount = totals.total_ht
    invoice.total_vat_amount = totals.total_vat
    invoice.total_ttc_amount = totals.total_ttc
    invoice.save()


def invoice_issue(*, invoice: Invoice, issue_date: dt.date | None = None, by=None) -> Invoice:
    """Issue a draft (invoices workflow, ``workflow.py``): it takes the next number of the school for the
    year of ``issue_date`` (« F<année>-<rang> », continuous, no gap, chronological) and its legal mentions
    are frozen; the order of a final invoice becomes « facturée »."""
    workflow_transition(invoice, "issue", user=by, effective_date=issue_date or timezone.localdate())
    return invoice


def invoice_credit(*, invoice: Invoice, reason: str, issue_date: dt.date | None = None, by=None) -> Invoice:
    """Cancel an issued, unpaid invoice or deposit invoice by a credit note (avoir) of the same amounts,
    negative, issued at once in the same numbering sequence (invoices workflow). The invoice stays, marked
    « annulée par avoir ». A deposit is not cancelled while the order's final invoice (draft or issued)
    deducts it. Returns the credit note."""
    log = workflow_transition(
        invoice, "credit", user=by, comment=reason, effective_date=issue_date or timezone.localdate()
    )
    return log.results["credit"]


@transaction.atomic
def payment_record(
    *, invoice: Invoice, received_amount: Decimal, payment_date: dt.date, method: str, reference: str = "", by=None
) -> Payment:
    """Record a (possibly partial) payment; the invoice is paid when payments reach its amount TTC, and
    the order once its final invoice and every deposit are paid (invoices and orders workflows)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not invoice.is_payable or invoice.status != InvoiceStatus.ISSUED:
        raise ValidationError("Un règlement ne s'enregistre que sur une facture émise et non soldée.")
    received_amount = Decimal(received_amount)
    if received_amount <= ZERO:
        raise ValidationError({"received_amount": "Le montant du règlement doit être positif."})
    if received_amount > invoice.remaining_amount:
        raise ValidationError(
            {"received_amount": f"Le montant dépasse le reste à payer de la facture {invoice.number}."}
        )
    if invoice.issue_date and payment_date < invoice.issue_date:
        raise ValidationError({"payment_date": "Le règlement ne peut précéder la date de la facture."})
    received_in_month = (
        Payment.objects.filter(
            invoice=invoice, payment_date__year=payment_date.year, payment_date__month=payment_date.month
        ).aggregate(total=Sum("received_amount"))["total"]
        or ZERO
    )
    payment = _save(
        Payment(
            invoice=invoice,
            received_amount=received_amount,
            ht_share_amount=payment_ht_share(
                received_amount,
                received_before=received_in_month,
                total_ht=invoice.total_ht_amount,
                total_ttc=invoice.total_ttc_amount,
            ),
            payment_date=payment_date,
            method=method,
            reference=reference,
        )
    )
    invoice.paid_amount += received_amount
    invoice.save()
    if invoice.paid_amount == invoice.total_ttc_amount:
        workflow_transition(invoice, "settle", user=by, effective_date=payment_date)
    # The month's row last (after the order, which settling may lock), as when an invoice is issued.
    production_month_refresh(school_id=invoice.school_id, day=payment_date)
    return payment
