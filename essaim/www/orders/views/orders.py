"""Customer orders: list, page, work orders, deliveries, the final invoice and deposit invoices."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.orders import services
from essaim.orders.enums import InvoiceKind, InvoiceStatus
from essaim.orders.models import CustomerOrder, WorkOrder
from essaim.www.orders.forms import DeliveryForm, DepositForm, WorkOrderForm
from essaim.www.orders.views.common import _get, _page, _writable_school, staff_school_or_404
from essaim.www.schools.views import _add_errors, school_context


@require_GET
def order_list(request, school_pk):
    school = staff_school_or_404(request.user, school_pk)
    orders = (
        CustomerOrder.objects.visible_to(request.user)
        .filter(school=school)
        # A row's columns only, the names beside them read in the same query (no related objects per row).
        .only("pk", "number", "order_date", "status")
        .annotate(
            customer_name=F("customer__name"),
            quote_title=F("quote__title"),
            quote_total_ht_amount=F("quote__total_ht_amount"),
            planned=Sum("work_orders__planned_hours"),
            done=Sum("work_orders__done_hours"),
        )
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


@require_GET
def order_detail(request, school_pk, pk):
    school = staff_school_or_404(request.user, school_pk)
    order = _get(CustomerOrder, request, school, pk=pk)
    return _order_page(request, school, order)


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
    return render(request, "schools/form.html", context)


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
