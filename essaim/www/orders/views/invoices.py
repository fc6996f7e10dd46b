"""Invoices: list and accountant's export, page, issue, deletion of a draft, credit note, payments, PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from essaim.common.exports import Column, csv_response
from essaim.orders import documents, services
from essaim.orders.enums import InvoiceStatus
from essaim.orders.models import Invoice
from essaim.orders.workflow import INVOICE_WORKFLOW
from essaim.www.orders.forms import CreditNoteForm, InvoiceIssueForm, PaymentForm
from essaim.www.orders.views.common import _get, _page, _pdf_response, _writable_school, staff_school_or_404
from essaim.www.schools.views import school_context


def _invoices(request, school):
    return Invoice.objects.visible_to(request.user).filter(school=school).select_related("customer", "customer_order")


@require_GET
def invoice_list(request, school_pk):
    school = staff_school_or_404(request.user, school_pk)
    invoices = _invoices(request, school).as_list_rows()
    status = request.GET.get("statut")
    if status in InvoiceStatus.values:
        invoices = invoices.filter(status=status)
    context = school_context(request, school, "invoices") | {
        "page": _page(request, invoices),
        "statuses": InvoiceStatus.choices,
        "status": status,
    }
    return render(request, "orders/invoice_list.html", context)


INVOICE_COLUMNS = [
    Column("Numéro", lambda i: i.number),
    Column("Type", lambda i: i.get_kind_display()),
    Column("Date d'émission", lambda i: i.issue_date, kind="date"),
    Column("Client", lambda i: i.customer.name),
    Column("Commande", lambda i: i.customer_order.number),
    Column("Total HT", lambda i: i.total_ht_amount, kind="number", decimals=2),
    Column("TVA", lambda i: i.total_vat_amount, kind="number", decimals=2),
    Column("Total TTC", lambda i: i.total_ttc_amount, kind="number", decimals=2),
    Column("Réglé", lambda i: i.paid_amount, kind="number", decimals=2),
    Column("Échéance", lambda i: i.due_date, kind="date"),
    Column("Statut", lambda i: i.get_status_display()),
]


@require_GET
def invoice_export(request, school_pk):
    """The journal of issued invoices and credit notes, in number order (CSV for the accountant)."""
    school = staff_school_or_404(request.user, school_pk)
    invoices = _invoices(request, school).issued().order_by("year", "sequence")
    return csv_response(invoices, INVOICE_COLUMNS, filename_stem=f"factures-ecole-{school.pk}")


@require_GET
def invoice_detail(request, school_pk, pk):
    school = staff_school_or_404(request.user, school_pk)
    invoice = _get(Invoice, request, school, pk=pk)
    lines = list(invoice.lines.all())
    context = school_context(request, school, "invoices") | {
        "invoice": invoice,
        "lines": lines,
        "vat_lines": documents.vat_breakdown(lines),
        "payments": invoice.payments.all(),
        "issue_form": InvoiceIssueForm(initial={"issue_date": timezone.localdate()}),
        "credit_form": CreditNoteForm(),
        "payment_form": PaymentForm(
            initial={"payment_date": timezone.localdate(), "received_amount": invoice.remaining_amount}
        ),
        # The actions offered are the invoices workflow's (orders/workflow.py) that this user may take now.
        "transitions": INVOICE_WORKFLOW.offered(request.user, invoice),
        "log": invoice.transitions.select_related("by"),
    }
    return render(request, "orders/invoice_detail.html", context)


def _invoice_action(request, school_pk, pk, form_class, action, success):
    school = _writable_school(request, school_pk)
    invoice = _get(Invoice, request, school, pk=pk)
    form = form_class(request.POST)
    target = invoice
    if form.is_valid():
        try:
            target = action(invoice, **form.cleaned_data) or invoice
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, success(target))
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label} : {' '.join(errors)}")
    return redirect("orders:invoice_detail", school_pk=school.pk, pk=target.pk)


@require_POST
def invoice_issue(request, school_pk, pk):
    return _invoice_action(
        request,
        school_pk,
        pk,
        InvoiceIssueForm,
        lambda invoice, **data: services.invoice_issue(invoice=invoice, by=request.user, **data),
        lambda invoice: f"{invoice.get_kind_display()} émise sous le numéro {invoice.number}.",
    )


@require_POST
def invoice_delete(request, school_pk, pk):
    """Delete a draft (invoice or deposit invoice): it has no number yet."""
    school = _writable_school(request, school_pk)
    invoice = _get(Invoice, request, school, pk=pk)
    try:
        services.invoice_delete_draft(invoice=invoice)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("orders:invoice_detail", school_pk=school.pk, pk=invoice.pk)
    messages.success(request, f"Brouillon de {invoice.get_kind_display().lower()} supprimé.")
    return redirect("orders:order_detail", school_pk=school.pk, pk=invoice.customer_order_id)


@require_POST
def invoice_credit(request, school_pk, pk):
    return _invoice_action(
        request,
        school_pk,
        pk,
        CreditNoteForm,
        lambda invoice, **data: services.invoice_credit(invoice=invoice, by=request.user, **data),
        lambda credit: f"Avoir {credit.number} émis : la facture est annulée.",
    )


@require_POST
def payment_create(request, school_pk, pk):
    def record(invoice, **data):
        services.payment_record(invoice=invoice, by=request.user, **data)
        return None

    return _invoice_action(request, school_pk, pk, PaymentForm, record, lambda invoice: "Règlement enregistré.")


@require_GET
def invoice_pdf(request, school_pk, pk):
    school = staff_school_or_404(request.user, school_pk)
    invoice = _get(Invoice, request, school, pk=pk)
    name = invoice.number or f"brouillon-{invoice.pk}"
    return _pdf_response(documents.invoice_pdf(invoice), f"{invoice.get_kind_display().lower()}-{name}.pdf")
