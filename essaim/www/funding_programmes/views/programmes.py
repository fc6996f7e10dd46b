"""The catalogue of dispositifs, a programme's page, its creation and edition, its credit envelopes
and linking a dossier to it."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.common.formats import format_date, format_euros, format_percent
from essaim.funding_applications import services as dossiers
from essaim.funding_applications.models import FundingApplication
from essaim.funding_programmes import services
from essaim.funding_programmes.eligibility import category_label
from essaim.funding_programmes.matching import base_labels, programme_criteria
from essaim.funding_programmes.models import BudgetEnvelope, EnvelopeMovement, FundingProgramme
from essaim.www.funding_programmes.forms import (
    CatalogueFilterForm,
    EnvelopeForm,
    LinkApplicationForm,
    ProgrammeForm,
    funder_organizations,
)
from essaim.www.funding_programmes.views.common import _error_text, _programme
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm

ZERO = Decimal("0.00")


@require_GET
def catalogue(request):
    """The catalogue, filtered by funder, kind and « ouverts aujourd'hui », with each programme's credit
    left in its current envelopes."""
    form = CatalogueFilterForm(request.GET or None)
    today = timezone.localdate()
    programmes = FundingProgramme.objects.visible_to(request.user).select_related("funder")
    if form.is_valid():
        if form.cleaned_data["funder"]:
            programmes = programmes.filter(funder=form.cleaned_data["funder"])
        if form.cleaned_data["kind"]:
            programmes = programmes.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["open_now"]:
            programmes = programmes.open_on(today)
    programmes = list(programmes)
    current = BudgetEnvelope.objects.with_totals().filter(
        programme__in=programmes, start_date__lte=today, end_date__gte=today
    )
    available: dict[int, Decimal] = {}
    demo: set[int] = set()
    for envelope in current:
        available[envelope.programme_id] = available.get(envelope.programme_id, ZERO) + envelope.available_total
        if envelope.is_demo_figure:
            demo.add(envelope.programme_id)
    rows = [
        {"programme": p, "available": available.get(p.pk), "demo": p.pk in demo, "open": p.is_open_on(today)}
        for p in programmes
    ]
    return render(
        request,
        "funding_programmes/catalogue.html",
        {
            "form": form,
            "rows": rows,
            "can_add": has_perm(request.user, "funding_programmes.add_programme"),
            "today": today,
        },
    )


def _criteria_lines(programme, labels) -> list[tuple[str, str]]:
    """The programme's criteria and payment rules, written in French for its page."""
    criteria = programme_criteria(programme, labels)
    rows = []
    if criteria.opens_on or criteria.closes_on:
        start = f"du {format_date(criteria.opens_on)}" if criteria.opens_on else "dès maintenant"
        end = f" au {format_date(criteria.closes_on)}" if criteria.closes_on else ", sans date de clôture"
        rows.append(("Période", f"Ouvert {start}{end}."))
    else:
        rows.append(("Période", "Ouvert en permanence."))
    places = []
    for codes, name in ((criteria.department_codes, "départements"), (criteria.epci_sirens, "EPCI (SIREN)")):
        if codes:
            places.append(f"{name} : " + ", ".join(labels.get(c, c) for c in codes))
    if criteria.commune_codes:
        places.append("communes : " + ", ".join(criteria.commune_codes))
    rows.append(("Territoire", " ; ".join(places) if places else "Toute la région Hauts-de-France."))
    rows.append(
        (
            "Bénéficiaires",
            ", ".join(labels.get(k, k) for k in criteria.beneficiary_kinds) if criteria.beneficiary_kinds else "Tous.",
        )
    )
    rows.append(
        (
            "Étapes du projet",
            ", ".join(labels.get(s, s) for s in criteria.project_stages) if criteria.project_stages else "Toutes.",
        )
    )
    base = programme.get_cost_base_display()
    if programme.expense_categories:
        base += " : " + ", ".join(category_label(c) for c in programme.expense_categories)
    if programme.excludes_recoverable_vat:
        base += ", hors TVA récupérable"
    rows.append(("Assiette", base + "."))
    if programme.max_rate is not None:
        rows.append(("Taux maximal", f"{format_percent(programme.max_rate, decimals=0)} des dépenses éligibles."))
    if programme.amount_per_youth is not None:
        rows.append(("Montant par jeune", f"{format_euros(programme.amount_per_youth, 0)} par jeune et par an."))
    if programme.floor_amount is not None or programme.ceiling_amount is not None:
        parts = []
        if programme.floor_amount is not None:
            parts.append(f"plancher {format_euros(programme.floor_amount, 0)}")
        if programme.ceiling_amount is not None:
            parts.append(f"plafond {format_euros(programme.ceiling_amount, 0)}")
        rows.append(("Montants", ", ".join(parts).capitalize() + "."))
    if programme.requires_local_authority_grant:
        rows.append(("Condition", "Seulement aux côtés d'une subvention d'investissement d'une collectivité."))
    if programme.reimburses_paid_expenses_only:
        rows.append(("Condition", "Ne rembourse que des dépenses justifiées et payées."))
    if programme.other_conditions:
        rows.append(("À vérifier", programme.other_conditions))
    return rows


def _payment_lines(programme) -> list[tuple[str, str]]:
    rows = [("Place dans le plan", programme.get_plan_target_display())]
    if programme.source_kind:
        rows.append(("Ressource", programme.get_source_kind_display()))
    if programme.loan_duration_months:
        rows.append(
            (
                "Prêt",
                f"{programme.loan_duration_months} mois dont {programme.loan_deferral_months or 0} de différé, "
                f"taux {format_percent(programme.loan_annual_rate or 0, decimals=2)}.",
            )
        )
    if programme.eu_fund or programme.reimburses_paid_expenses_only:
        threshold = format_percent(programme.claim_threshold or Decimal("0.30"), decimals=0)
        rows.append(
            (
                "Versements",
                f"Acomptes tous les {programme.claim_interval_months or 6} mois une fois {threshold} des dépenses "
                f"réalisées, payés {programme.balance_delay_months or 12} mois après la demande.",
            )
        )
    elif not programme.loan_duration_months:
        parts = []
        if programme.advance_share:
            parts.append(f"{format_percent(programme.advance_share, decimals=0)} à la signature")
        if programme.instalments_share:
            parts.append(
                f"{format_percent(programme.instalments_share, decimals=0)} en {programme.instalment_count} acomptes"
            )
        parts.append(f"le solde {programme.balance_delay_months} mois après la fin de la période financée")
        rows.append(("Versements", ", ".join(parts) + "."))
    return rows


@require_GET
def programme_detail(request, slug):
    programme = _programme(request, slug)
    envelopes = list(programme.envelopes.with_totals().select_related("department").order_by("-start_date", "pk"))
    can_view_ledger = has_perm(request.user, "funding_programmes.view_ledger", programme)
    can_change = has_perm(request.user, "funding_programmes.change_programme", programme)
    ledger = []
    if can_view_ledger:
        ledger = list(
            EnvelopeMovement.objects.visible_to(request.user)
            .filter(envelope__programme=programme)
            .select_related("envelope", "funding_line__project", "by")
            .order_by("-at", "-pk")[:100]
        )
    link_form = None
    if has_perm(request.user, "funding_programmes.link_application", programme):
        link_form = LinkApplicationForm(
            programme=programme, applications=FundingApplication.objects.visible_to(request.user)
        )
    linked = list(
        FundingApplication.objects.visible_to(request.user)
        .filter(programme=programme)
        .select_related("project", "envelope")
        .order_by("-created_at")
    )
    labels = base_labels()
    return render(
        request,
        "funding_programmes/programme_detail.html",
        {
            "programme": programme,
            "criteria_lines": _criteria_lines(programme, labels),
            "payment_lines": _payment_lines(programme),
            "envelopes": envelopes,
            "ledger": ledger,
            "can_view_ledger": can_view_ledger,
            "can_change": can_change,
            "link_form": link_form,
            "linked": linked,
            "today": timezone.localdate(),
        },
    )


def _funder_choices(request):
    """Platform administrators choose the funder; a funder's staff publish for their organisation."""
    if has_perm(request.user, "funding_programmes.choose_funder"):
        return funder_organizations()
    return None


@require_http_methods(["GET", "POST"])
def programme_create(request):
    require_perm(request.user, "funding_programmes.add_programme")
    funder_choices = _funder_choices(request)
    programme = FundingProgramme()
    if funder_choices is None:
        programme.funder = request.current_organization
    form = ProgrammeForm(request.POST or None, instance=programme, funder_choices=funder_choices)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.programme_save(programme=form.instance, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        except services.FundingPermissionError:
            raise
        else:
            messages.success(request, f"Le dispositif « {saved.name} » a été publié dans le catalogue.")
            return redirect("funding_programmes:programme_detail", slug=saved.slug)
    return render(request, "funding_programmes/programme_form.html", {"form": form, "programme": None})


@require_http_methods(["GET", "POST"])
def programme_edit(request, slug):
    programme = _programme(request, slug)
    require_perm(request.user, "funding_programmes.change_programme", programme)
    form = ProgrammeForm(request.POST or None, instance=programme, funder_choices=_funder_choices(request))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.programme_save(programme=form.instance, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Le dispositif a été enregistré.")
            return redirect("funding_programmes:programme_detail", slug=saved.slug)
    return render(request, "funding_programmes/programme_form.html", {"form": form, "programme": programme})


@require_http_methods(["GET", "POST"])
def envelope_create(request, slug):
    programme = _programme(request, slug)
    require_perm(request.user, "funding_programmes.change_programme", programme)
    form = EnvelopeForm(request.POST or None, instance=BudgetEnvelope(programme=programme))
    if request.method == "POST" and form.is_valid():
        try:
            services.envelope_save(envelope=form.instance, by=request.user)
        except (ValidationError, services.FundingError) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, "L'enveloppe a été créée.")
            return redirect("funding_programmes:programme_detail", slug=programme.slug)
    return render(
        request, "funding_programmes/envelope_form.html", {"form": form, "programme": programme, "envelope": None}
    )


@require_http_methods(["GET", "POST"])
def envelope_edit(request, pk):
    envelope = get_visible_or_404(BudgetEnvelope, request.user, pk=pk)
    programme = envelope.programme
    require_perm(request.user, "funding_programmes.change_programme", programme)
    form = EnvelopeForm(request.POST or None, instance=envelope)
    if request.method == "POST" and form.is_valid():
        try:
            services.envelope_save(envelope=form.instance, by=request.user)
        except (ValidationError, services.FundingError) as error:
            form.add_error(None, _error_text(error))
        else:
            messages.success(request, "L'enveloppe a été enregistrée.")
            return redirect("funding_programmes:programme_detail", slug=programme.slug)
    return render(
        request, "funding_programmes/envelope_form.html", {"form": form, "programme": programme, "envelope": envelope}
    )


@require_POST
def programme_link_application(request, slug):
    """The funder's staff link one of its dossiers to this programme and one of its envelopes."""
    programme = _programme(request, slug)
    require_perm(request.user, "funding_programmes.link_application", programme)
    form = LinkApplicationForm(
        request.POST, programme=programme, applications=FundingApplication.objects.visible_to(request.user)
    )
    if form.is_valid():
        application = form.cleaned_data["application"]
        try:
            dossiers.funding_application_link_programme(
                application=application, programme=programme, envelope=form.cleaned_data["envelope"], by=request.user
            )
        except (dossiers.ApplicationError, ValidationError) as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, f"Le dossier {application.reference} est rattaché au dispositif.")
    else:
        messages.error(request, "Choisissez un dossier de votre organisation, pas encore décidé.")
    return redirect("funding_programmes:programme_detail", slug=programme.slug)
