"""A project's funding lines (demandé → obtenu / refusé → versé) and its « Financements » block."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery, Sum
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.funding_applications.models import FundingApplication
from essaim.funding_programmes import services
from essaim.funding_programmes.models import FundingLine
from essaim.funding_programmes.selectors import funding_totals, funding_totals_grand_total
from essaim.www.funding_programmes.forms import LineCreateForm, LineDecisionForm, LinePaymentForm
from essaim.www.funding_programmes.views.common import _error_text, _project
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm


def _lines_of(request, project):
    return (
        FundingLine.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("funder", "programme", "envelope")
        .order_by("funder__name", "requested_date", "pk")
    )


def _with_planned(lines):
    """Each line's planned amount: the payment schedule of its dossier (a subquery, no GROUP BY)."""
    planned = (
        FundingLine.objects.filter(pk=OuterRef("pk"))
        .order_by()
        .values("pk")
        .annotate(total=Sum("application__planned_tranches__amount"))
        .values("total")
    )
    return lines.annotate(planned_amount=Subquery(planned))


@require_GET
def project_block(request, project_pk):
    """The « Financements » block of the project page (loaded by htmx; also a page of its own)."""
    project = _project(request, project_pk)
    lines = list(_with_planned(_lines_of(request, project)))
    rows = funding_totals(lines=_lines_of(request, project))
    context = {
        "project": project,
        "lines": lines,
        "total": funding_totals_grand_total(rows),
        "can_add_line": has_perm(request.user, "funding_programmes.add_line", project),
    }
    template = "funding_programmes/_project_block.html" if request.htmx else "funding_programmes/project_lines.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def line_create(request, project_pk):
    project = _project(request, project_pk)
    require_perm(request.user, "funding_programmes.add_line", project)
    form = LineCreateForm(request.POST or None, initial={"programme": request.GET.get("dispositif")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line = services.funding_line_create(
                project=project,
                funder=data["funder"],
                programme=data["programme"],
                requested_amount=data["requested_amount"],
                requested_date=data["requested_date"],
                label=data["label"],
                by=request.user,
            )
        except (services.FundingError, ValidationError) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, "La demande de financement a été enregistrée (« demandé »).")
            return redirect("funding_programmes:line_detail", pk=line.pk)
    return render(request, "funding_programmes/line_form.html", {"form": form, "project": project})


def _line(request, pk) -> FundingLine:
    return get_visible_or_404(FundingLine, request.user, pk=pk)


def _line_context(request, line, *, decision_form=None, payment_form=None):
    can_decide = has_perm(request.user, "funding_programmes.decide_line", line)
    can_pay = has_perm(request.user, "funding_programmes.record_line_payment", line)
    return {
        "line": line,
        "project": line.project,
        "can_decide": can_decide,
        "can_pay": can_pay,
        "can_delete": has_perm(request.user, "funding_programmes.delete_line", line),
        "decision_form": decision_form or (LineDecisionForm(line=line) if can_decide else None),
        "payment_form": payment_form or (LinePaymentForm() if can_pay else None),
        "movements": list(line.movements.select_related("envelope").order_by("at", "pk")),
        "application": FundingApplication.objects.visible_to(request.user).filter(funding_line=line).first(),
    }


@require_GET
def line_detail(request, pk):
    line = _line(request, pk)
    return render(request, "funding_programmes/line_detail.html", _line_context(request, line))


@require_POST
def line_decide(request, pk):
    line = _line(request, pk)
    require_perm(request.user, "funding_programmes.decide_line", line)
    form = LineDecisionForm(request.POST, line=line)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "granted":
                services.funding_line_grant(
                    line=line,
                    granted_amount=data["granted_amount"],
                    decision_date=data["decision_date"],
                    envelope=data.get("envelope"),
                    by=request.user,
                )
                messages.success(request, "Décision enregistrée : « obtenu ».")
            else:
                services.funding_line_refuse(
                    line=line, decision_date=data["decision_date"], comment=data["comment"], by=request.user
                )
                messages.success(request, "Décision enregistrée : « refusé ».")
        except (services.FundingError, ValidationError) as error:
            form.add_error(None, _error_text(error))
        else:
            return redirect("funding_programmes:line_detail", pk=line.pk)
    line = _line(request, pk)
    return render(
        request, "funding_programmes/line_detail.html", _line_context(request, line, decision_form=form), status=400
    )


@require_POST
def line_payment(request, pk):
    line = _line(request, pk)
    require_perm(request.user, "funding_programmes.record_line_payment", line)
    form = LinePaymentForm(request.POST)
    if form.is_valid():
        try:
            services.funding_line_record_payment(
                line=line, amount=form.cleaned_data["amount"], paid_date=form.cleaned_data["paid_date"], by=request.user
            )
        except (services.FundingError, ValidationError) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, "Le versement a été enregistré.")
            return redirect("funding_programmes:line_detail", pk=line.pk)
    line = _line(request, pk)
    return render(
        request, "funding_programmes/line_detail.html", _line_context(request, line, payment_form=form), status=400
    )


@require_POST
def line_delete(request, pk):
    line = _line(request, pk)
    require_perm(request.user, "funding_programmes.delete_line", line)
    project_pk = line.project_id
    try:
        services.funding_line_delete(line=line, by=request.user)
    except services.FundingError as error:
        messages.error(request, str(error))
        return redirect("funding_programmes:line_detail", pk=pk)
    messages.success(request, "La demande a été retirée.")
    return redirect("funding_programmes:project_block", project_pk=project_pk)
