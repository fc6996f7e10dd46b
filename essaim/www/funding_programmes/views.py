"""Pages of the funding programmes: catalogue, programme page and edit forms, envelopes, matching
of a project with « ajouter au plan », funding lines of a project, totals per funder with exports.

Objects are fetched through ``get_visible_or_404`` (another organisation's project or line is a 404);
every write goes through a service of ``essaim.funding_programmes.services``, which checks the rule
again.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from essaim.common.exports import Column, csv_response, xlsx_response
from essaim.common.formats import format_date, format_euros, format_percent
from essaim.financing.models import FinancingPlan, FinancingPlanVersion
from essaim.funding_applications import services as dossiers
from essaim.funding_applications.models import FundingApplication
from essaim.funding_programmes import services
from essaim.funding_programmes.eligibility import category_label
from essaim.funding_programmes.matching import (
    base_labels,
    investment_mix,
    match_project,
    programme_criteria,
    reference_version,
    version_plan,
)
from essaim.funding_programmes.models import (
    BudgetEnvelope,
    EnvelopeMovement,
    FundingLine,
    FundingProgramme,
)
from essaim.funding_programmes.selectors import funding_totals, funding_totals_grand_total
from essaim.organizations.enums import OrganizationKind
from essaim.organizations.models import Organization
from essaim.projects.models import Project
from essaim.www.funding_programmes.forms import (
    AddToPlanForm,
    CatalogueFilterForm,
    EnvelopeForm,
    LineCreateForm,
    LineDecisionForm,
    LinePaymentForm,
    LinkApplicationForm,
    ProgrammeForm,
    funder_organizations,
)
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm

ZERO = Decimal("0.00")


def _error_text(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


# --- Catalogue --------------------------------------------------------------------------------------


@login_required
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


def _programme(request, slug) -> FundingProgramme:
    return get_visible_or_404(FundingProgramme, request.user, slug=slug)


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


@login_required
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
    if can_change and programme.funder_id == getattr(request.current_organization, "pk", None):
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
    if request.user.is_staff:
        return funder_organizations()
    return None


@login_required
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


@login_required
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


@login_required
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


@login_required
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


@login_required
@require_POST
def programme_link_application(request, slug):
    """The funder's staff link one of its dossiers to this programme and one of its envelopes."""
    programme = _programme(request, slug)
    require_perm(request.user, "funding_programmes.change_programme", programme)
    if programme.funder_id != getattr(request.current_organization, "pk", None):
        raise Http404
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


# --- Matching and « ajouter au plan » --------------------------------------------------------------


def _project(request, project_pk) -> Project:
    return get_visible_or_404(Project, request.user, pk=project_pk)


@login_required
@require_GET
def project_matching(request, project_pk):
    """Every programme of the catalogue, éligible / à vérifier / non éligible for the project, on one
    version of its plan (``?version=<id>``; default: the latest version of its latest plan)."""
    project = _project(request, project_pk)
    versions = list(
        FinancingPlanVersion.objects.visible_to(request.user)
        .filter(plan__project=project)
        .select_related("plan")
        .order_by("plan__name", "-number")
    )
    version = None
    if request.GET.get("version"):
        version = next((v for v in versions if str(v.pk) == request.GET["version"]), None)
        if version is None:
            raise Http404
    used = version or (reference_version(project) if versions else None)
    plan_input = version_plan(used)  # read once, for the matching and the combination
    matches = match_project(project, version=used, plan=plan_input)
    plans = sorted({v.plan for v in versions}, key=lambda plan: (-plan.updated_at.timestamp(), plan.pk))
    can_add = bool(plans) and has_perm(request.user, "financing.change_plan", plans[0])
    forms_by_slug = {}
    if can_add:
        for match in matches:
            if match.can_add_to_plan:
                forms_by_slug[match.programme.slug] = AddToPlanForm(
                    plans=plans, suggested=match.result.suggestion.amount, slug=match.programme.slug
                )
    rows = [{"match": m, "form": forms_by_slug.get(m.programme.slug)} for m in matches]
    counts = {
        verdict: sum(1 for m in matches if m.result.verdict == verdict)
        for verdict in ("eligible", "to_check", "not_eligible")
    }
    return render(
        request,
        "funding_programmes/matching.html",
        {
            "project": project,
            "mix": investment_mix(matches, used, plan_input),
            "rows": rows,
            "versions": versions,
            "version": used,
            "counts": counts,
            "can_add": can_add,
            "has_plan": bool(versions),
        },
    )


@login_required
@require_POST
def project_add_to_plan(request, project_pk, slug):
    project = _project(request, project_pk)
    programme = _programme(request, slug)
    plans = list(FinancingPlan.objects.visible_to(request.user).filter(project=project))
    form = AddToPlanForm(request.POST, plans=plans, slug=slug)
    if not form.is_valid():
        messages.error(request, "Choisissez un plan du projet et un montant valide.")
        return redirect("funding_programmes:project_matching", project_pk=project.pk)
    plan = next(plan for plan in plans if plan.pk == form.cleaned_data["plan"])
    require_perm(request.user, "financing.change_plan", plan)
    try:
        draft, message = services.programme_add_to_plan(
            programme=programme, financing_plan=plan, amount=form.cleaned_data["amount"], by=request.user
        )
    except services.FundingError as error:
        messages.error(request, str(error))
        return redirect("funding_programmes:project_matching", project_pk=project.pk)
    messages.success(request, message)
    return redirect("financing:version_detail", project_pk=project.pk, plan_pk=plan.pk, number=draft.number)


# --- Funding lines ----------------------------------------------------------------------------------


def _lines_of(request, project):
    return (
        FundingLine.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("funder", "programme", "envelope")
        .order_by("funder__name", "requested_date", "pk")
    )


@login_required
@require_GET
def project_block(request, project_pk):
    """The « Financements » block of the project page (loaded by htmx; also a page of its own)."""
    project = _project(request, project_pk)
    lines = list(_lines_of(request, project))
    rows = funding_totals(lines=_lines_of(request, project))
    context = {
        "project": project,
        "lines": lines,
        "total": funding_totals_grand_total(rows),
        "can_add_line": has_perm(request.user, "funding_programmes.add_line", project),
    }
    template = "funding_programmes/_project_block.html" if request.htmx else "funding_programmes/project_lines.html"
    return render(request, template, context)


@login_required
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


@login_required
@require_GET
def line_detail(request, pk):
    line = _line(request, pk)
    return render(request, "funding_programmes/line_detail.html", _line_context(request, line))


@login_required
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


@login_required
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


@login_required
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


# --- Totals -----------------------------------------------------------------------------------------

TOTALS_COLUMNS = [
    Column("Financeur", lambda r: r.funder_name, width=40),
    Column("Dispositif", lambda r: r.programme_name, width=50),
    Column("Lignes", lambda r: r.line_count, kind="number"),
    Column("Demandé (€)", lambda r: r.asked_amount, kind="number", decimals=2),
    Column("Obtenu (€)", lambda r: r.granted_amount, kind="number", decimals=2),
    Column("Versé (€)", lambda r: r.paid_amount, kind="number", decimals=2),
    Column("Reste à verser (€)", lambda r: r.remaining_amount, kind="number", decimals=2),
]


def _totals_lines(request):
    lines = FundingLine.objects.visible_to(request.user)
    funder_pk = request.GET.get("financeur")
    if funder_pk and funder_pk.isdigit():
        lines = lines.filter(funder_id=int(funder_pk))
    return lines


def _scope_text(request) -> str:
    organization = request.current_organization
    if request.user.is_staff or (
        organization and organization.kind in {"region", "banque_des_territoires", "federation"}
    ):
        return "tous les projets du programme"
    if organization and organization.kind == OrganizationKind.COLLECTIVITE:
        territory = organization.territory_label()
        return f"les projets de votre territoire ({territory}) et les demandes qui vous sont adressées"
    if organization and organization.kind == OrganizationKind.PROJECT_HOLDER:
        return "vos projets"
    return "les demandes adressées à votre organisation"


@login_required
@require_GET
def totals(request):
    """Asked, granted, paid and remaining per funder and programme, over the lines the user sees."""
    rows = funding_totals(lines=_totals_lines(request))
    funders = Organization.objects.filter(
        pk__in=FundingLine.objects.visible_to(request.user).values("funder_id")
    ).order_by("name")
    by_funder = []
    for row in rows:
        if not by_funder or by_funder[-1]["funder_id"] != row.funder_id:
            by_funder.append({"funder_id": row.funder_id, "funder_name": row.funder_name, "rows": []})
        by_funder[-1]["rows"].append(row)
    for group in by_funder:
        group["total"] = funding_totals_grand_total(group["rows"])
    return render(
        request,
        "funding_programmes/totals.html",
        {
            "groups": by_funder,
            "total": funding_totals_grand_total(rows),
            "funders": funders,
            "selected_funder": request.GET.get("financeur", ""),
            "scope": _scope_text(request),
            "query": request.GET.urlencode(),
        },
    )


LINE_COLUMNS = [
    Column("Projet", lambda line: line.project.name, width=40),
    Column("Département", lambda line: line.project.commune.department.code, width=12),
    Column("Financeur", lambda line: line.funder.name, width=40),
    Column("Dispositif", lambda line: line.programme.name if line.programme else "", width=50),
    Column("Enveloppe", lambda line: line.envelope.label if line.envelope else "", width=30),
    Column("État", lambda line: line.get_status_display(), width=12),
    Column("Demandé le", lambda line: line.requested_date, kind="date", width=12),
    Column("Demandé (€)", lambda line: line.requested_amount, kind="number", decimals=2),
    Column("Décidé le", lambda line: line.decision_date, kind="date", width=12),
    Column("Obtenu (€)", lambda line: line.granted_amount, kind="number", decimals=2),
    Column("Versé (€)", lambda line: line.paid_amount, kind="number", decimals=2),
    Column("Reste à verser (€)", lambda line: line.remaining_amount, kind="number", decimals=2),
]


@login_required
@require_GET
def lines_export(request, fmt):
    """Every funding line the user sees (same scope and filter as the totals page), one row each."""
    lines = (
        _totals_lines(request)
        .select_related("project__commune__department", "funder", "programme", "envelope")
        .order_by("funder__name", "project__name", "pk")
    )
    if fmt == "csv":
        return csv_response(lines, LINE_COLUMNS, filename_stem="lignes-de-financement")
    if fmt == "xlsx":
        return xlsx_response(
            lines,
            LINE_COLUMNS,
            filename_stem="lignes-de-financement",
            title="Lignes de financement",
            parameters=[("Périmètre", _scope_text(request)), ("Extrait le", timezone.localdate().strftime("%d/%m/%Y"))],
        )
    raise Http404


@login_required
@require_GET
def totals_export(request, fmt):
    rows = funding_totals(lines=_totals_lines(request))
    if fmt == "csv":
        return csv_response(rows, TOTALS_COLUMNS, filename_stem="financements-par-financeur")
    if fmt == "xlsx":
        return xlsx_response(
            rows,
            TOTALS_COLUMNS,
            filename_stem="financements-par-financeur",
            title="Financements",
            parameters=[
                ("Périmètre", _scope_text(request)),
                ("Extrait le", timezone.localdate().strftime("%d/%m/%Y")),
                ("Reste à verser", "obtenu − versé"),
            ],
        )
    raise Http404
