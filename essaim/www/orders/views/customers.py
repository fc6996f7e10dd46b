"""An open school's customers and market prices."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from essaim.orders import services
from essaim.orders.models import Customer, MarketPriceReference
from essaim.www.orders.forms import CustomerForm, MarketPriceForm
from essaim.www.orders.views.common import _get, _page, _writable_school, staff_school_or_404
from essaim.www.schools.views import _add_errors, school_context


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
    return render(request, "schools/form.html", context)


@require_GET
def market_price_list(request, school_pk):
    school = staff_school_or_404(request.user, school_pk)
    prices = MarketPriceReference.objects.visible_to(request.user).filter(school=school).order_by("label")
    context = school_context(request, school, "quotes") | {"prices": prices}
    return render(request, "orders/market_price_list.html", context)


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
    return render(request, "schools/form.html", context)
