"""A project's network of partners: add, follow (status, contact, engagement, log), remove."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from essaim.common.workflow import workflow_for
from essaim.organizations.models import Organization
from essaim.projects import services
from essaim.projects.enums import PartnerStatus
from essaim.projects.models import ProjectPartner
from essaim.www.permissions import has_perm, require_perm
from essaim.www.projects.forms import PartnerDetailsForm, PartnerTransitionForm, ProjectPartnerForm
from essaim.www.projects.views.common import get_project

PARTNER_CHOICES_LIMIT = 200
DETAIL_FIELDS = list(PartnerDetailsForm.base_fields)


def _partner_candidates(project, q):
    organizations = Organization.objects.exclude(pk=project.holder_id).select_related("commune")
    return organizations.search(q).order_by_name()


def _details(cleaned_data):
    return {name: cleaned_data[name] for name in DETAIL_FIELDS}


@require_http_methods(["GET", "POST"])
def project_partner_add(request, pk):
    """Add a partner: search the directory (``q``), choose the organisation, its role, its status, its
    contact and what it commits to bring."""
    project = get_project(request, pk)
    require_perm(request.user, "projects.manage_partners", project)
    q = (request.POST.get("q") or request.GET.get("q") or "").strip()
    candidates = _partner_candidates(project, q)
    if request.method == "POST":
        form = ProjectPartnerForm(request.POST, organizations=candidates)
        if form.is_valid():
            try:
                partner = services.project_partner_add(
                    project=project,
                    organization=form.cleaned_data["organization"],
                    role=form.cleaned_data["role"],
                    status=form.cleaned_data["status"] or PartnerStatus.CONTACTED,
                    status_date=form.cleaned_data["status_date"],
                    added_by=request.user,
                    **_details(form.cleaned_data),
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(
                    request, f"{partner.organization.name} est partenaire du projet ({partner.get_role_display()})."
                )
                return redirect("projects:project_detail", pk=project.pk)
    else:
        form = ProjectPartnerForm(organizations=candidates)
    # Limit the drop-down to a readable size; the search narrows it (the directory may hold SIRENE imports).
    shown = list(candidates[: PARTNER_CHOICES_LIMIT + 1])
    form.fields["organization"].queryset = candidates.filter(pk__in=[o.pk for o in shown[:PARTNER_CHOICES_LIMIT]])
    return render(
        request,
        "projects/partner_add.html",
        {
            "project": project,
            "form": form,
            "q": q,
            "too_many": len(shown) > PARTNER_CHOICES_LIMIT,
            "can_create_organization": has_perm(request.user, "organizations.add_organization"),
        },
    )


def _get_partner(project, partner_id):
    # The partner of this project only: another project's partner is not found here (404), whoever asks.
    return get_object_or_404(
        ProjectPartner.objects.select_related("organization__commune", "added_by"), pk=partner_id, project=project
    )


def _partner_context(request, project, partner, *, form=None, transition_form=None):
    can_change = has_perm(request.user, "projects.change_partner", partner)
    transitions = workflow_for(partner).available(request.user, partner) if can_change else []
    return {
        "project": project,
        "partner": partner,
        "can_change": can_change,
        "form": form
        or (
            PartnerDetailsForm(initial={name: getattr(partner, name) for name in DETAIL_FIELDS}) if can_change else None
        ),
        "transition_form": transition_form
        or (PartnerTransitionForm(transitions=transitions, prefix="status") if transitions else None),
        "log": partner.transitions.select_related("by", "organization").order_by("-effective_date", "-recorded_at"),
        "history": partner.history.select_related("history_user").order_by("-history_date")[:20],
    }


@require_http_methods(["GET", "POST"])
def project_partner_detail(request, pk, partner_id):
    """A partner of the network: status and its log, contact, engagement (edited by the network's managers)."""
    project = get_project(request, pk)
    partner = _get_partner(project, partner_id)
    if request.method == "GET":
        return render(request, "projects/partner_detail.html", _partner_context(request, project, partner))
    require_perm(request.user, "projects.change_partner", partner)
    form = PartnerDetailsForm(request.POST)
    if form.is_valid():
        try:
            services.project_partner_update(partner=partner, updated_by=request.user, **_details(form.cleaned_data))
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"Le suivi de {partner.organization.name} a été enregistré.")
            return redirect("projects:project_partner_detail", pk=project.pk, partner_id=partner.pk)
    return render(request, "projects/partner_detail.html", _partner_context(request, project, partner, form=form))


@require_POST
def project_partner_transition(request, pk, partner_id):
    """Change a partner's status (contacté, intéressé, engagé, décliné), logged with who and when."""
    project = get_project(request, pk)
    partner = _get_partner(project, partner_id)
    require_perm(request.user, "projects.change_partner", partner)
    transitions = workflow_for(partner).available(request.user, partner)
    if not transitions:
        raise PermissionDenied
    form = PartnerTransitionForm(request.POST, transitions=transitions, prefix="status")
    if form.is_valid():
        try:
            services.project_partner_transition(
                partner=partner,
                name=form.cleaned_data["name"],
                by=request.user,
                comment=form.cleaned_data["comment"],
                effective_date=form.cleaned_data["effective_date"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"{partner.organization.name} : statut « {partner.get_status_display()} ».")
            return redirect("projects:project_partner_detail", pk=project.pk, partner_id=partner.pk)
    return render(
        request, "projects/partner_detail.html", _partner_context(request, project, partner, transition_form=form)
    )


@require_POST
def project_partner_remove(request, pk, partner_id):
    project = get_project(request, pk)
    partner = _get_partner(project, partner_id)
    require_perm(request.user, "projects.manage_partners", project)
    services.project_partner_remove(partner=partner, removed_by=request.user)
    messages.success(
        request, f"{partner.organization.name} n'est plus partenaire du projet ({partner.get_role_display()})."
    )
    return redirect("projects:project_detail", pk=project.pk)
