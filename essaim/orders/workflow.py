"""The workflows of a school's quotes, orders and invoices, declared with the platform's one mechanism
(``essaim.common.workflow``).

    devis : brouillon → envoyé → accepté (la commande naît) / refusé
    commande : en production → livrée → facturée → payée   (avoir sur la facture finale : facturée → livrée)
    facture : brouillon → émise → payée / annulée par avoir

Quotes and invoices change on the school staff's actions (pages under ``/production/``); an order
follows them: its transitions are ``automatic`` (taken by Essaim when a final delivery is recorded, the
final invoice issued, cancelled or fully paid), never offered as buttons. Every change is logged
(``QuoteTransition``, ``OrderTransition``, ``InvoiceTransition``) with its effective date: the sending
day, the order date, the delivery date, the issue date, the day of the last payment.

Who acts: the school's administrateurs and membres (``permissions.can_manage_document``). The services
of ``services.py`` (``quote_send``, ``invoice_issue``…) are the entry points; they may be called
without a user by Essaim itself (demo content, imports): these workflows declare ``system_allowed``,
and every page passes the signed-in user, whose right is then checked again here.

Dates: the school dates its documents (an invoice is numbered in the order of its dates, a quote may be
accepted on an order date before the day it was marked as sent), so these workflows keep the dates
their documents carry (``ANY_DATE``, no floor from the log); the pages refuse future dates where the
law requires it (issue of an invoice, ``www/orders/forms.py``).
"""

from __future__ import annotations

import datetime as dt

from essaim.common.workflow import ANY_DATE, REQUIRED, LogFields, Refusal, Transition, Workflow
from essaim.orders.documents import seller_and_customer_identity
from essaim.orders.enums import CounterKind, InvoiceKind, InvoiceStatus, OrderStatus, QuoteStatus
from essaim.orders.models import CustomerOrder, Invoice, InvoiceLine
from essaim.orders.permissions import can_manage_document, is_document_school_staff
from essaim.orders.production import production_month_refresh
from essaim.orders.services import _live_deposits, _live_final_invoice, _set_totals, lock_counter, take_number
from essaim.organizations.permissions import current_organization

BELOW_MARKET = (
    "Un prix de ce devis est inférieur au prix de marché de référence : justifiez-le pour pouvoir l'envoyer "
    "(l'école doit vendre aux conditions du marché)."
)
SCHOOL_SIRET_MISSING = (
    "Le SIRET de l'école manque : renseignez-le dans l'identité de l'école avant d'émettre une facture."
)
DEPOSITS_CHANGED = (
    "Les acomptes de la commande {order} ont changé depuis la préparation de ce brouillon (ou l'un d'eux est "
    "encore en brouillon) : supprimez ce brouillon et préparez à nouveau la facture."
)
DEPOSIT_AFTER_FINAL = (
    "La commande {order} a déjà sa facture finale ({final}) : cet acompte ne peut plus être émis (supprimez ce "
    "brouillon)."
)
NOT_CREDITABLE = "Seule une facture émise et non réglée peut être annulée par un avoir."
ALREADY_PAID = "Cette facture a déjà reçu un règlement : elle ne peut pas être annulée par un avoir."
CREDIT_BEFORE_INVOICE = "L'avoir ne peut pas être daté d'avant la facture qu'il annule."
DEPOSIT_DEDUCTED = "La facture finale de la commande ({final}) tient compte de cet acompte : {action}."

MANAGERS = "les administrateurs et membres de l'école"


# --- Quotes -----------------------------------------------------------------------------------------


def guard_market_price_justified(quote, context) -> Refusal | None:
    """A quote with a price below the school's market reference is sent only with a justification."""
    given = context.data.get("below_market_justification")
    justification = given.strip() if given is not None else quote.below_market_justification
    if quote.has_below_market_lines and not justification:
        return Refusal(BELOW_MARKET, "below_market_justification")
    return None


def _mark_sent(quote, context) -> None:
    given = context.data.get("below_market_justification")
    if given is not None:
        quote.below_market_justification = given.strip()
    quote.sent_at = context.recorded_at


def _mark_decided(quote, context) -> None:
    quote.decided_at = context.recorded_at


def _lock_order_counter(quote, context) -> None:
    """First statement of the transaction: the school's order counter for the year of the order date."""
    context.results["counter"] = lock_counter(
        school_id=quote.school_id, year=context.effective_date.year, kind=CounterKind.ORDER
    )


def _create_order(quote, context) -> None:
    """The accepted quote becomes an order (« C<année>-<rang> »), dated on the effective date."""
    _, number = take_number(context.results["counter"])
    order = CustomerOrder(
        school=quote.school,
        customer=quote.customer,
        quote=quote,
        number=number,
        order_date=context.effective_date,
        customer_reference=context.data.get("customer_reference") or "",
        due_date=context.data.get("due_date"),
    )
    order.full_clean()
    order.save()
    context.results["order"] = order


QUOTE_WORKFLOW = Workflow(
    model="orders.Quote",
    states=QuoteStatus,
    transitions=(
        Transition(
            name="send",
            label="Marquer comme envoyé",
            sources={QuoteStatus.DRAFT},
            target=QuoteStatus.SENT,
            who=can_manage_document,
            who_label=MANAGERS,
            comment="none",
            fields=("below_market_justification",),
            guards=(guard_market_price_justified,),
            effect=_mark_sent,
            dates=ANY_DATE,
            done="Devis marqué comme envoyé.",
        ),
        Transition(
            name="accept",
            label="Accepter et créer la commande",
            sources={QuoteStatus.SENT},
            target=QuoteStatus.ACCEPTED,
            who=can_manage_document,
            who_label=MANAGERS,
            comment="none",
            fields=("customer_reference", "due_date"),
            prepare=_lock_order_counter,
            effect=_mark_decided,
            after=_create_order,
            dates=ANY_DATE,
            done="Devis accepté : la commande est créée.",
        ),
        Transition(
            name="refuse",
            label="Marquer comme refusé",
            sources={QuoteStatus.SENT},
            target=QuoteStatus.REFUSED,
            who=can_manage_document,
            who_label=MANAGERS,
            comment="none",
            effect=_mark_decided,
            dates=ANY_DATE,
            done="Devis marqué comme refusé.",
            style="danger",
        ),
    ),
    log_model="orders.QuoteTransition",
    log_fields=LogFields(object="quote"),
    permission_prefix="orders.quote",
    noun="le devis",
    visibility=is_document_school_staff,
    organization_of=current_organization,
    fields=("below_market_justification", "customer_reference", "due_date"),
    system_allowed=True,
    dates_follow_log=False,
)


# --- Orders (automatic) ------------------------------------------------------------------------------

ORDER_WORKFLOW = Workflow(
    model="orders.CustomerOrder",
    states=OrderStatus,
    transitions=(
        Transition(
            name="deliver",
            label="Livrée",
            sources={OrderStatus.IN_PRODUCTION},
            target=OrderStatus.DELIVERED,
            who=can_manage_document,
            who_label=MANAGERS,
            comment="none",
            dates=ANY_DATE,
            automatic=True,
        ),
        Transition(
            name="invoice",
            label="Facturée",
            sources={OrderStatus.IN_PRODUCTION, OrderStatus.DELIVERED},
            target=OrderStatus.INVOICED,
            who=can_manage_document,
            who_label=MANAGERS,
            comment="none",
            dates=ANY_DATE,
            automatic=True,
        ),
        Transition(
            name="cancel_invoice",
            label="Facture finale annulée par avoir",
            sources={OrderStatus.INVOICED},
            target=OrderStatus.DELIVERED,
            who=can_manage_document,
            who_label=MANAGERS,
            comment="none",
            dates=ANY_DATE,
            automatic=True,
        ),
        Transition(
            name="settle",
            label="Payée",
            sources={OrderStatus.INVOICED},
            target=OrderStatus.PAID,
            who=can_manage_document,
            who_label=MANAGERS,
            comment="none",
            dates=ANY_DATE,
            automatic=True,
        ),
    ),
    log_model="orders.OrderTransition",
    log_fields=LogFields(object="customer_order"),
    permission_prefix="orders.order",
    noun="la commande",
    visibility=is_document_school_staff,
    organization_of=current_organization,
    system_allowed=True,
    dates_follow_log=False,
)


def order_follow(order_id: int, name: str, *, user, effective_date) -> None:
    """Take the order's automatic transition ``name`` when its status allows it (an order already past
    it is left as it is, as before the workflow: e.g. a final invoice of an order still in production)."""
    order = CustomerOrder.objects.select_for_update().get(pk=order_id)
    if order.status in ORDER_WORKFLOW.by_name[name].sources:
        ORDER_WORKFLOW.apply(order, name, user=user, effective_date=effective_date)


# --- Invoices ----------------------------------------------------------------------------------------


def _lock_invoice_counter(invoice, context) -> None:
    """First statement of the transaction: the school's invoice counter for the year of the issue date."""
    context.results["counter"] = lock_counter(
        school_id=invoice.school_id, year=context.effective_date.year, kind=CounterKind.INVOICE
    )


def guard_chronology(invoice, context) -> Refusal | None:
    """Numbers follow a chronological and continuous sequence (CGI, art. 242 nonies A): the next number
    of the year never bears a date before the last one issued (the counter is locked)."""
    issue_date = context.effective_date
    last = (
        Invoice.objects.filter(school_id=invoice.school_id, year=issue_date.year, sequence__isnull=False)
        .order_by("-sequence")
        .values_list("number", "issue_date")
        .first()
    )
    if last and last[1] > issue_date:
        return Refusal(
            f"La facture {last[0]} est datée du {last[1]:%d/%m/%Y} : la suivante ne peut pas être datée d'avant "
            "(numérotation chronologique et continue).",
            "issue_date",
        )
    return None


def guard_deposits_consistent(invoice, context) -> str | None:
    """A deposit is not issued once the order has its final invoice; a final invoice is issued only if it
    deducts exactly the order's deposits issued and not cancelled (no draft deposit left)."""
    order = invoice.customer_order
    if invoice.kind == InvoiceKind.DEPOSIT:
        final = _live_final_invoice(order)
        if final is not None:
            return DEPOSIT_AFTER_FINAL.format(order=order.number, final=final)
    elif invoice.kind == InvoiceKind.INVOICE:
        deposits = {deposit.pk: deposit for deposit in _live_deposits(order)}
        deducted = set(invoice.lines.filter(deposit_invoice__isnull=False).values_list("deposit_invoice", flat=True))
        if any(deposit.is_draft for deposit in deposits.values()) or deducted != set(deposits):
            return DEPOSITS_CHANGED.format(order=order.number)
    return None


def guard_school_siret(invoice, context) -> str | None:
    """An invoice carries the seller's SIRET."""
    return None if invoice.school.siret else SCHOOL_SIRET_MISSING


def _number_and_freeze(invoice, context) -> None:
    """The next number of the school for the year, the dates, and the legal mentions frozen."""
    issue_date = context.effective_date
    invoice.issue_date = issue_date
    invoice.due_date = issue_date + dt.timedelta(days=invoice.school.payment_terms_days)
    invoice.delivery_date = invoice.delivery_date or issue_date
    invoice.issued_identity = seller_and_customer_identity(invoice.school, invoice.customer)
    invoice.year = issue_date.year
    invoice.sequence, invoice.number = take_number(context.results["counter"])


def _order_invoiced(invoice, context) -> None:
    """A final invoice's order becomes « facturée »; the month's production counts the invoice (credit notes
    too, negative). The month's row is locked last, as by a payment (``services.payment_record``): every
    transaction takes the order before the month, so two of them never wait for each other."""
    if invoice.kind == InvoiceKind.INVOICE:
        order_follow(invoice.customer_order_id, "invoice", user=context.user, effective_date=context.effective_date)
    production_month_refresh(school_id=invoice.school_id, day=invoice.issue_date)


def guard_creditable(invoice, context) -> str | None:
    """Only an issued, unpaid invoice or deposit invoice is cancelled by a credit note."""
    if not invoice.is_payable:
        return NOT_CREDITABLE
    if invoice.paid_amount:
        return ALREADY_PAID
    if invoice.issue_date and context.effective_date < invoice.issue_date:
        return Refusal(CREDIT_BEFORE_INVOICE, "issue_date")
    return None


def guard_deposit_not_deducted(invoice, context) -> str | None:
    """A deposit is not cancelled while the order's final invoice (draft or issued) deducts it. The order
    is locked first, as when the final invoice is prepared: none can be prepared meanwhile."""
    if invoice.kind != InvoiceKind.DEPOSIT:
        return None
    CustomerOrder.objects.select_for_update().get(pk=invoice.customer_order_id)
    final = _live_final_invoice(invoice.customer_order)
    if final is None:
        return None
    action = "supprimez ce brouillon" if final.is_draft else "annulez-la d'abord par un avoir"
    return DEPOSIT_DEDUCTED.format(final=final, action=action)


def _issue_credit_note(invoice, context) -> None:
    """The credit note: the same lines, negative, issued at once in the same numbering sequence."""
    credit = Invoice.objects.create(
        school=invoice.school,
        customer_order=invoice.customer_order,
        customer=invoice.customer,
        kind=InvoiceKind.CREDIT_NOTE,
        credited_invoice=invoice,
        delivery_date=invoice.delivery_date,
        reason=context.comment,
    )
    lines = [
        InvoiceLine.objects.create(
            invoice=credit,
            position=line.position,
            description=line.description,
            quantity=-line.quantity,
            unit=line.unit,
            unit_price_amount=line.unit_price_amount,
            vat_rate=line.vat_rate,
            line_ht_amount=-line.line_ht_amount,
            vat_amount=None if line.vat_amount is None else -line.vat_amount,
        )
        for line in invoice.lines.all()
    ]
    _set_totals(credit, lines)
    if invoice.kind == InvoiceKind.INVOICE:
        order_follow(
            invoice.customer_order_id, "cancel_invoice", user=context.user, effective_date=context.effective_date
        )
    INVOICE_WORKFLOW.apply(credit, "issue", user=context.user, effective_date=context.effective_date)
    context.results["credit"] = credit


def guard_fully_paid(invoice, context) -> str | None:
    """An invoice is paid when its payments reach its amount TTC."""
    if invoice.paid_amount != invoice.total_ttc_amount:
        return "Les règlements n'atteignent pas le montant de la facture."
    return None


def _order_settled(invoice, context) -> None:
    """The order is « payée » once its final invoice is paid and nothing of it (final invoice or deposit)
    is left unpaid: a deposit paid last completes it too."""
    order_invoices = Invoice.objects.filter(customer_order_id=invoice.customer_order_id)
    has_paid_final = order_invoices.filter(kind=InvoiceKind.INVOICE, status=InvoiceStatus.PAID).exists()
    unpaid = order_invoices.filter(
        kind__in=[InvoiceKind.INVOICE, InvoiceKind.DEPOSIT], status=InvoiceStatus.ISSUED
    ).exists()
    if has_paid_final and not unpaid:
        order_follow(invoice.customer_order_id, "settle", user=context.user, effective_date=context.effective_date)


INVOICE_WORKFLOW = Workflow(
    model="orders.Invoice",
    states=InvoiceStatus,
    transitions=(
        Transition(
            name="issue",
            label="Émettre",
            sources={InvoiceStatus.DRAFT},
            target=InvoiceStatus.ISSUED,
            who=can_manage_document,
            who_label=MANAGERS,
            comment="none",
            prepare=_lock_invoice_counter,
            guards=(guard_chronology, guard_deposits_consistent, guard_school_siret),
            effect=_number_and_freeze,
            after=_order_invoiced,
            dates=ANY_DATE,
            done="Facture émise.",
        ),
        Transition(
            name="credit",
            label="Émettre un avoir",
            sources={InvoiceStatus.ISSUED},
            target=InvoiceStatus.CREDITED,
            who=can_manage_document,
            who_label=MANAGERS,
            comment=REQUIRED,
            comment_label="Motif de l'avoir",
            prepare=_lock_invoice_counter,
            guards=(guard_creditable, guard_deposit_not_deducted),
            after=_issue_credit_note,
            dates=ANY_DATE,
            done="Avoir émis : la facture est annulée.",
            style="danger",
        ),
        Transition(
            name="settle",
            label="Payée",
            sources={InvoiceStatus.ISSUED},
            target=InvoiceStatus.PAID,
            who=can_manage_document,
            who_label=MANAGERS,
            comment="none",
            guards=(guard_fully_paid,),
            after=_order_settled,
            dates=ANY_DATE,
            automatic=True,
        ),
    ),
    log_model="orders.InvoiceTransition",
    log_fields=LogFields(object="invoice"),
    permission_prefix="orders.invoice",
    noun="la facture",
    visibility=is_document_school_staff,
    organization_of=current_organization,
    system_allowed=True,
    messages={"comment_required": "Indiquez le motif de l'avoir."},
)
