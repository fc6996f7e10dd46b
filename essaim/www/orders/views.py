"""Pages of a school's production: customers, market prices, quotes, orders (work orders,
deliveries), invoices (issue, credit note, payments, PDF) and the activity against the plan.

Every page fetches the school among those the user is staff of (``ProductionSchool.objects.staffed_by``)
and its objects through ``visible_to`` restricted to that school: anyone else gets a 404. Writes need
``orders.manage_orders`` (administrateurs and membres); lecteurs read. The activity page is also open
to the programme partners (figures only)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.common.exports import Column, csv_response
from essaim.orders import documents, services
from essaim.orders.enums import InvoiceKind, InvoiceStatus, QuoteStatus
from essaim.orders.models import (
    Customer,
    CustomerOrder,
    Invoice,
    MarketPriceReference,
    Quote,
    WorkOrder,
)
from essaim.orders.services import LineInput
from essaim.orders.workflow import INVOICE_WORKFLOW, QUOTE_WORKFLOW
from essaim.schools.models import ProductionSchool
from essaim.www.orders import activity
from essaim.www.orders.forms import (
    ActivityYearForm,
    CreditNoteForm,
    CustomerForm,
    DeliveryForm,
    DepositForm,
    InvoiceIssueForm,
    MarketPriceForm,
    PaymentForm,
    QuoteAcceptForm,
    QuoteForm,
    QuoteLineFormSet,
    QuoteSendForm,
    WorkOrderForm,
)
from essaim.www.permissions import require_perm
from essaim.www.schools.views import _add_errors, school_context, structure_school_or_404

PAGE_SIZE = 50


def staff_school_or_404(user, school_pk):
    return get_object_or_404(
        ProductionSchool.objects.staffed_by(user).select_related("project", "organization", "commune"), pk=school_pk
    )


def _writable_school(request, school_pk):
    school = staff_school_or_404(request.user, school_pk)
    require_perm(request.user, "orders.manage_orders", school)
    return school


def _get(model, request, school, **lookup):
    return get_object_or_404(model.objects.visible_to(request.user).filter(**{model.SCHOOL_PATH: school}), **lookup)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --------------------------------------------------------------------------- customers


@login_required
@require_GET
def customer_list(request, school_pk):
    school = staff_school_or_404(request.user, school_pk)
    customers = (
        Customer.objects.visible_to(request.user)
        .filter(school=school)
        .annotate(order_count=Count("orders", distinct=True))
        .order_by("name")
    )
    context = school_context(request, school, "customers") | {"page": _page(request, customers)}
    return render(request, "orders/customer_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request, school_pk, pk=None):
    school = _writable_school(request, school_pk)
    instance = _get(Customer, request, school, pk=pk) if pk else None
    form = CustomerForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_save(
                school=school, instance=instance, **{f: form.cleaned_data[f] for f in CustomerForm.Meta.fields}
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Client enregistré.")
            return redirect("orders:customer_list", school_pk=school.pk)
    context = school_context(request, school, "customers") | {"form": form, "title": "Client"}
    return render(request, "orders/form.html", context)


# --------------------------------------------------------------------------- market prices


@login_required
@require_GET
def market_price_list(request, school_pk):
    school = staff_school_or_404(request.user, school_pk)
    prices = MarketPriceReference.objects.visible_to(request.user).filter(school=school).order_by("label")
    context = school_context(request, school, "quotes") | {"prices": prices}
    return render(request, "orders/market_price_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def market_price_edit(request, school_pk, pk=None):
    school = _writable_school(request, school_pk)
    instance = _get(MarketPriceReference, request, school, pk=pk) if pk else None
    form = MarketPriceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.market_price_save(
                school=school, instance=instance, **{f: form.cleaned_data[f] for f in MarketPriceForm.Meta.fields}
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Prix de marché enregistré.")
            return redirect("orders:market_price_list", school_pk=school.pk)
    context = school_context(request, school, "quotes") | {"form": form, "title": "Prix de marché de référence"}
    return render(request, "orders/form.html", context)


# --------------------------------------------------------------------------- quotes


@login_required
@require_GET
def quote_list(request, school_pk):
    school = staff_school_or_404(request.user, school_pk)
    quotes = Quote.objects.visible_to(request.user).filter(school=school).select_related("customer")
    status = request.GET.get("statut")
    if status in QuoteStatus.values:
        quotes = quotes.filter(status=status)
    context = school_context(request, school, "quotes") | {
        "page": _page(request, quotes),
        "statuses": QuoteStatus.choices,
        "status": status,
    }
    return render(request, "orders/quote_list.html", context)


def _line_inputs(formset):
    return [
        LineInput(
            description=f.cleaned_data["description"],
            quantity=f.cleaned_data["quantity"],
            unit=f.cleaned_data["unit"],
            unit_price_amount=f.cleaned_data["unit_price_amount"],
            vat_rate=f.cleaned_data["vat_rate"],
            market_price=f.cleaned_data.get("market_price"),
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _typed_lines(post) -> list[dict]:
    """The lines as typed in the quote form (for the « Ajouter une ligne » redisplay)."""
    try:
        total = min(int(post.get("lines-TOTAL_FORMS", "0")), 200)
    except ValueError:
        total = 0
    fields = ["description", "quantity", "unit", "unit_price_amount", "vat_rate", "market_price"]
    lines = []
    for index in range(total):
        if post.get(f"lines-{index}-DELETE"):
            continue
        lines.append({name: post.get(f"lines-{index}-{name}", "") for name in fields})
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def quote_edit(request, school_pk, pk=None):
    """Create or change a draft quote (header and lines; lines are added with « Ajouter une ligne »)."""
    school = _writable_school(request, school_pk)
    quote = _get(Quote, request, school, pk=pk) if pk else None
    if quote is not None and not quote.is_editable:
        messages.error(request, f"Le devis {quote.number} a été envoyé : il ne peut plus être modifié.")
        return redirect("orders:quote_detail", school_pk=school.pk, pk=quote.pk)
    if quote is None:
        initial = {"issue_date": timezone.localdate(), "validity_days": 30}
        lines_initial = [{"unit": "unité", "vat_rate": "0.2000"}]
    else:
        initial = {
            "customer": quote.customer_id,
            "title": quote.title,
            "issue_date": quote.issue_date,
            "validity_days": (quote.validity_date - quote.issue_date).days,
            "notes": quote.notes,
            "below_market_justification": quote.below_market_justification,
        }
        lines_initial = [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit": line.unit,
                "unit_price_amount": line.unit_price_amount,
                "vat_rate": line.vat_rate,
                "market_price": line.market_price_id,
            }
            for line in quote.lines.all()
        ]
    data = request.POST if request.method == "POST" else None
    form = QuoteForm(data, initial=initial, school=school)
    formset = QuoteLineFormSet(data, initial=lines_initial, school=school, prefix="lines")
    if request.method == "POST" and "add_line" in request.POST:
        # Redisplay what was typed, unvalidated, with one more empty line (no JavaScript needed).
        form = QuoteForm(initial=request.POST.dict(), school=school)
        formset = QuoteLineFormSet(
            initial=_typed_lines(request.POST) + [{"unit": "unité"}], school=school, prefix="lines"
        )
    elif request.method == "POST" and form.is_valid() and formset.is_valid():
        lines = _line_inputs(formset)
        header = {
            "customer": form.cleaned_data["customer"],
            "title": form.cleaned_data["title"],
            "notes": form.cleaned_data["notes"],
            "below_market_justification": form.cleaned_data["below_market_justification"],
        }
        try:
            if quote is None:
                quote = services.quote_create(
                    school=school,
                    lines=lines,
                    issue_date=form.cleaned_data["issue_date"],
                    validity_days=form.cleaned_data["validity_days"],
                    **header,
                )
            else:
                issue_date = form.cleaned_data["issue_date"]
                services.quote_update(
                    quote=quote,
                    lines=lines,
                    issue_date=issue_date,
                    validity_date=issue_date + dt.timedelta(days=form.cleaned_data["validity_days"]),
                    **header,
                )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Devis {quote.number} enregistré.")
            return redirect("orders:quote_detail", school_pk=school.pk, pk=quote.pk)
    context = school_context(request, school, "quotes") | {"form": form, "formset": formset, "quote": quote}
    return render(request, "orders/quote_form.html", context)


@login_required
@require_GET
def quote_detail(request, school_pk, pk):
    school = staff_school_or_404(request.user, school_pk)
    quote = _get(Quote, request, school, pk=pk)
    lines = list(quote.lines.select_related("market_price"))
    order = CustomerOrder.objects.filter(quote=quote).first()
    context = school_context(request, school, "quotes") | {
        "quote": quote,
        "lines": lines,
        "order": order,
        "vat_lines": documents.vat_breakdown(lines),
        "send_form": QuoteSendForm(initial={"below_market_justification": quote.below_market_justification}),
        "accept_form": QuoteAcceptForm(initial={"order_date": timezone.localdate()}),
        # The actions offered are the quotes workflow's (orders/workflow.py) that this user may take now.
        "transitions": QUOTE_WORKFLOW.offered(request.user, quote),
        "log": quote.transitions.select_related("by"),
    }
    return render(request, "orders/quote_detail.html", context)


def _quote_action(request, school_pk, pk, action):
    school = _writable_school(request, school_pk)
    quote = _get(Quote, request, school, pk=pk)
    try:
        result = action(quote)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("orders:quote_detail", school_pk=school.pk, pk=quote.pk)
    return result


@login_required
@require_POST
def quote_send(request, school_pk, pk):
    form = QuoteSendForm(request.POST)
    form.is_valid()

    def send(quote):
        services.quote_send(
            quote=quote,
            below_market_justification=form.cleaned_data.get("below_market_justification"),
            by=request.user,
        )
        messages.success(request, f"Devis {quote.number} marqué comme envoyé.")
        return redirect("orders:quote_detail", school_pk=school_pk, pk=pk)

    return _quote_action(request, school_pk, pk, send)


@login_required
@require_POST
def quote_accept(request, school_pk, pk):
    form = QuoteAcceptForm(request.POST)

    def accept(quote):
        if not form.is_valid():
            raise ValidationError([f"{form.fields[f].label} : {' '.join(e)}" for f, e in form.errors.items()])
        order = services.quote_accept(quote=quote, by=request.user, **form.cleaned_data)
        messages.success(request, f"Devis accepté : commande {order.number} créée.")
        return redirect("orders:order_detail", school_pk=school_pk, pk=order.pk)

    return _quote_action(request, school_pk, pk, accept)


@login_required
@require_POST
def quote_refuse(request, school_pk, pk):
    def refuse(quote):
        services.quote_refuse(quote=quote, by=request.user)
        messages.success(request, f"Devis {quote.number} marqué comme refusé.")
        return redirect("orders:quote_detail", school_pk=school_pk, pk=pk)

    return _quote_action(request, school_pk, pk, refuse)


@login_required
@require_GET
def quote_pdf(request, school_pk, pk):
    school = staff_school_or_404(request.user, school_pk)
    quote = _get(Quote, request, school, pk=pk)
    return _pdf_response(documents.quote_pdf(quote), f"devis-{quote.number}.pdf")


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------- orders


@login_required
@require_GET
def order_list(request, school_pk):
    school = staff_school_or_404(request.user, school_pk)
    orders = (
        CustomerOrder.objects.visible_to(request.user)
        .filter(school=school)
        .select_related("customer", "quote")
        .annotate(planned=Sum("work_orders__planned_hours"), done=Sum("work_orders__done_hours"))
        .order_by("-order_date", "-number")
    )
    context = school_context(request, school, "orders") | {"page": _page(request, orders)}
    return render(request, "orders/order_list.html", context)


def _order_page(request, school, order, *, deposit_form=None, status=200):
    context = school_context(request, school, "orders") | {
        "order": order,
        "lines": order.quote.lines.all(),
        "work_orders": order.work_orders.select_related("workshop").prefetch_related("learners"),
        "deliveries": order.deliveries.all(),
        "invoices": order.invoices.order_by("pk"),
        "delivery_form": DeliveryForm(initial={"delivery_date": timezone.localdate(), "is_final": True}),
        "deposit_form": deposit_form or DepositForm(),
        "can_invoice": not order.invoices.filter(kind=InvoiceKind.INVOICE)
        .exclude(status=InvoiceStatus.CREDITED)
        .exists(),
        "log": order.transitions.select_related("by"),
    }
    return render(request, "orders/order_detail.html", context, status=status)


@login_required
@require_GET
def order_detail(request, school_pk, pk):
    school = staff_school_or_404(request.user, school_pk)
    order = _get(CustomerOrder, request, school, pk=pk)
    return _order_page(request, school, order)


@login_required
@require_http_methods(["GET", "POST"])
def work_order_edit(request, school_pk, order_pk, pk=None):
    school = _writable_school(request, school_pk)
    order = _get(CustomerOrder, request, school, pk=order_pk)
    instance = get_object_or_404(WorkOrder.objects.filter(customer_order=order), pk=pk) if pk else None
    form = WorkOrderForm(request.POST or None, instance=instance, school=school)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        learners = data.pop("learners")
        try:
            services.work_order_save(customer_order=order, instance=instance, learners=learners, **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Ordre de fabrication enregistré.")
            return redirect("orders:order_detail", school_pk=school.pk, pk=order.pk)
    context = school_context(request, school, "orders") | {
        "form": form,
        "title": f"Ordre de fabrication — commande {order.number}",
    }
    return render(request, "orders/form.html", context)


@login_required
@require_POST
def delivery_create(request, school_pk, order_pk):
    school = _writable_school(request, school_pk)
    order = _get(CustomerOrder, request, school, pk=order_pk)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        try:
            services.delivery_create(customer_order=order, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, "Livraison enregistrée.")
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"Livraison — {form.fields[field].label} : {' '.join(errors)}")
    return redirect("orders:order_detail", school_pk=school.pk, pk=order.pk)


@login_required
@require_POST
def invoice_create(request, school_pk, order_pk):
    school = _writable_school(request, school_pk)
    order = _get(CustomerOrder, request, school, pk=order_pk)
    try:
        invoice = services.invoice_create_from_order(customer_order=order)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("orders:order_detail", school_pk=school.pk, pk=order.pk)
    messages.success(request, "Facture créée en brouillon : vérifiez-la puis émettez-la.")
    return redirect("orders:invoice_detail", school_pk=school.pk, pk=invoice.pk)


@login_required
@require_POST
def deposit_create(request, school_pk, order_pk):
    """« Facturer un acompte »: a draft deposit invoice, then its page (where it is issued)."""
    school = _writable_school(request, school_pk)
    order = _get(CustomerOrder, request, school, pk=order_pk)
    form = DepositForm(request.POST)
    if form.is_valid():
        try:
            invoice = services.invoice_create_deposit(customer_order=order, share=form.cleaned_data["share"])
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
            if "share" not in errors:  # about the order itself (it has its final invoice…): a message
                for message in error.messages:
                    messages.error(request, message)
                return redirect("orders:order_detail", school_pk=school.pk, pk=order.pk)
            for field, field_errors in errors.items():
                form.add_error("percentage" if field == "share" else None, field_errors)
        else:
            messages.success(request, "Facture d'acompte créée en brouillon : vérifiez-la puis émettez-la.")
            return redirect("orders:invoice_detail", school_pk=school.pk, pk=invoice.pk)
    return _order_page(request, school, order, deposit_form=form, status=400)


# --------------------------------------------------------------------------- invoices


def _invoices(request, school):
    return Invoice.objects.visible_to(request.user).filter(school=school).select_related("customer", "customer_order")


@login_required
@require_GET
def invoice_list(request, school_pk):
    school = staff_school_or_404(request.user, school_pk)
    invoices = _invoices(request, school)
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


@login_required
@require_GET
def invoice_export(request, school_pk):
    """The journal of issued invoices and credit notes, in number order (CSV for the accountant)."""
    school = staff_school_or_404(request.user, school_pk)
    invoices = _invoices(request, school).issued().order_by("year", "sequence")
    return csv_response(invoices, INVOICE_COLUMNS, filename_stem=f"factures-ecole-{school.pk}")


@login_required
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


@login_required
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


@login_required
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


@login_required
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


@login_required
@require_POST
def payment_create(request, school_pk, pk):
    def record(invoice, **data):
        services.payment_record(invoice=invoice, by=request.user, **data)
        return None

    return _invoice_action(request, school_pk, pk, PaymentForm, record, lambda invoice: "Règlement enregistré.")


@login_required
@require_GET
def invoice_pdf(request, school_pk, pk):
    school = staff_school_or_404(request.user, school_pk)
    invoice = _get(Invoice, request, school, pk=pk)
    name = invoice.number or f"brouillon-{invoice.pk}"
    return _pdf_response(documents.invoice_pdf(invoice), f"{invoice.get_kind_display().lower()}-{name}.pdf")


# --------------------------------------------------------------------------- activity


@login_required
@require_GET
def school_activity(request, school_pk):
    """Production revenue month by month (invoiced, collected) against the plan's forecast."""
    school = structure_school_or_404(request.user, school_pk)
    require_perm(request.user, "orders.view_activity", school)
    form = ActivityYearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year
    report = activity.school_activity_report(school=school, year=year, today=timezone.localdate())
    context = school_context(request, school, "activity") | {"report": report, "year": year, "form": form}
    return render(request, "orders/activity.html", context)
