"""Quotes: list, edition with their lines, sending, acceptance (which makes the order), refusal, PDF."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.orders import documents, services
from essaim.orders.enums import QuoteStatus
from essaim.orders.models import CustomerOrder, Quote
from essaim.orders.services import LineInput
from essaim.orders.workflow import QUOTE_WORKFLOW
from essaim.www.orders.forms import QuoteAcceptForm, QuoteForm, QuoteLineFormSet, QuoteSendForm
from essaim.www.orders.views.common import _get, _page, _pdf_response, _writable_school, staff_school_or_404
from essaim.www.schools.views import _add_errors, school_context


@require_GET
def quote_list(request, school_pk):
    school = staff_school_or_404(request.user, school_pk)
    quotes = Quote.objects.visible_to(request.user).filter(school=school).as_list_rows()
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


@require_POST
def quote_refuse(request, school_pk, pk):
    def refuse(quote):
        services.quote_refuse(quote=quote, by=request.user)
        messages.success(request, f"Devis {quote.number} marqué comme refusé.")
        return redirect("orders:quote_detail", school_pk=school_pk, pk=pk)

    return _quote_action(request, school_pk, pk, refuse)


@require_GET
def quote_pdf(request, school_pk, pk):
    school = staff_school_or_404(request.user, school_pk)
    quote = _get(Quote, request, school, pk=pk)
    return _pdf_response(documents.quote_pdf(quote), f"devis-{quote.number}.pdf")
