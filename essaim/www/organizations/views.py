from django.conf import settings
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_GET, require_http_methods

from essaim.common.security import accepts_uploads
from essaim.jobs.enums import JobStatus
from essaim.jobs.models import Job
from essaim.organizations import services
from essaim.organizations.jobs import SIRENE_IMPORT_KIND, SIRENE_IMPORT_SUBJECT
from essaim.organizations.models import Organization
from essaim.organizations.sirene import SireneImportError, sirene_import
from essaim.projects.models import Project, ProjectPartner
from essaim.territories.models import Commune, Department
from essaim.www.imports import import_job_threshold, runs_in_background, submit_import
from essaim.www.organizations.forms import (
    MembershipAddForm,
    MembershipEditForm,
    OrganizationCreateForm,
    OrganizationFilterForm,
    OrganizationForm,
    SireneImportForm,
)
from essaim.www.organizations.maps import partners_map
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm

PAGE_SIZE = 50
MAP_NAMES_PER_COMMUNE = 3
MAP_COMMUNE_POINTS = 60  # above this many communes, one point per EPCI (as the steering map)


def directory_queryset(user, form):
    """The directory filtered by ``form``. Role and trade filters only look at partnerships on the
    projects ``user`` may see: a holder never learns who backs another holder's project."""
    organizations = Organization.objects.visible_to(user)
    if not form.is_valid():
        return organizations
    data = form.cleaned_data
    if q := data["q"]:
        organizations = organizations.search(q)
    if kind := data["kind"]:
        organizations = organizations.filter(kind=kind)
    if department := data["department"]:
        organizations = organizations.in_department(department)
    if epci := data["epci"]:
        organizations = organizations.in_epci(epci)
    if data["role"] or data["trade"]:
        links = ProjectPartner.objects.visible_to(user).filter(organization=OuterRef("pk"))
        if data["role"]:
            links = links.filter(role=data["role"])
        if trade := data["trade"]:
            links = links.filter(project__trade_lines__trade=trade)
        condition = Exists(links)
        if trade and not data["role"]:
            # A holder teaching the trade is part of that trade's network too.
            condition |= Exists(
                Project.objects.visible_to(user).filter(holder=OuterRef("pk"), trade_lines__trade=trade)
            )
        organizations = organizations.filter(condition)
    return organizations


def map_points(organizations):
    """What the directory's map draws, in 2 queries whatever the number of organisations: one point per
    commune where filtered organisations sit (count and a few names) or, above ``MAP_COMMUNE_POINTS``
    communes, one point per EPCI at the mean position of its organisations' communes (count only, a link
    to the directory filtered on that EPCI): the map is then bounded by the territory (issue 13)."""
    located = organizations.filter(commune__isnull=False).order_by()
    rows = list(
        located.values("commune__code", "commune__name", "commune__latitude", "commune__longitude").annotate(
            count=Count("pk")
        )[: MAP_COMMUNE_POINTS + 1]
    )
    if len(rows) > MAP_COMMUNE_POINTS:
        return [
            {
                "code": row["commune__epci__siren"],
                "name": row["commune__epci__name"] or "Communes hors EPCI",
                "latitude": row["latitude"],
                "longitude": row["longitude"],
                "count": row["count"],
                "names": [],
                "epci": True,
            }
            for row in located.values("commune__epci__siren", "commune__epci__name")
            .annotate(count=Count("pk"), latitude=Avg("commune__latitude"), longitude=Avg("commune__longitude"))
            .order_by("commune__epci__name")
        ]
    names = {}
    for code, name in located.order_by("commune__code", "name").values_list("commune__code", "name")[:5000]:
        bucket = names.setdefault(code, [])
        if len(bucket) < MAP_NAMES_PER_COMMUNE:
            bucket.append(name)
    return [
        {
            "code": row["commune__code"],
            "name": row["commune__name"],
            "latitude": row["commune__latitude"],
            "longitude": row["commune__longitude"],
            "count": row["count"],
            "names": names.get(row["commune__code"], []),
            "epci": False,
        }
        for row in rows
    ]


@require_GET
def organization_list(request):
    """The partner directory: search, filters (type, role, trade, département, EPCI), map and list."""
    form = OrganizationFilterForm(request.GET or None)
    organizations = directory_queryset(request.user, form)
    listed = (
        organizations.select_related("commune", "epci", "department")
        .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
        .prefetch_related(
            Prefetch(
                "project_partnerships",
                queryset=ProjectPartner.objects.visible_to(request.user).select_related("project").order_by("role"),
                to_attr="visible_partnerships",
            )
        )
        .order_by_name()
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    directory_map = partners_map(
        Department.objects.select_related("shape").order_by("code"),
        map_points(organizations),
        label="Carte des organisations filtrées",
    )
    return render(
        request,
        "organizations/list.html",
        {
            "form": form,
            "page": page,
            "map": directory_map,
            "can_import": has_perm(request.user, "organizations.import_companies"),
            "can_create": has_perm(request.user, "organizations.add_organization"),
        },
    )


@accepts_uploads(megabytes=lambda: settings.ESSAIM_MAX_IMPORT_MB)
@require_http_methods(["GET", "POST"])
def organization_import(request):
    """Import companies from a SIRENE StockEtablissement extract (see essaim.organizations.sirene).

    A file past ``ESSAIM_IMPORT_JOB_KB`` is imported by a background job (essaim/www/imports.py): the page
    then shows the latest import of the organisation, its progress, then its report or its errors."""
    require_perm(request.user, "organizations.import_companies")
    form = SireneImportForm(request.POST or None, request.FILES or None)
    report = errors = None
    if request.method == "POST" and form.is_valid():
        upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
        if runs_in_background(upload):
            try:
                submit_import(
                    request,
                    kind=SIRENE_IMPORT_KIND,
                    subject=SIRENE_IMPORT_SUBJECT,
                    upload=upload,
                    parameters={"filename": upload.name[:200], "dry_run": dry_run},
                    origin_url=reverse("organizations:organization_import"),
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return redirect("organizations:organization_import")
        else:
            try:
                report = sirene_import(data=upload.read(), imported_by=request.user, dry_run=dry_run)
            except SireneImportError as error:
                errors = error.errors
            else:
                if not dry_run:
                    messages.success(request, report.summary())
                    return redirect("organizations:organization_list")
    job = Job.objects.visible_to(request.user).latest_for(kind=SIRENE_IMPORT_KIND, subject=SIRENE_IMPORT_SUBJECT)
    return render(
        request,
        "organizations/import.html",
        {
            "form": form,
            "report": report,
            "errors": errors,
            "communes_count": Commune.objects.count(),
            "job": job,
            "job_errors": job.error.splitlines() if job is not None and job.status == JobStatus.FAILED else [],
            "threshold_kb": import_job_threshold() // 1024,
        },
    )


@require_http_methods(["GET", "POST"])
def organization_create(request):
    """A programme partner creates a CFA, a mission locale or a firm, with its SIRET checked."""
    require_perm(request.user, "organizations.add_organization")
    form = OrganizationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, f"{organization.name} a été ajoutée à l'annuaire.")
            return redirect("organizations:organization_detail", uid=organization.uid)
    return render(
        request,
        "organizations/create.html",
        {"form": form, "communes": Commune.objects.order_by("-population").values_list("code", "name")[:400]},
    )


@require_GET
def organization_detail(request, uid):
    organization = get_visible_or_404(Organization, request.user, uid=uid)
    can_view_members = has_perm(request.user, "organizations.view_members", organization)
    members = (
        organization.memberships.select_related("user").order_by("-is_active", "user__last_name")
        if can_view_members
        else []
    )
    projects = (
        Project.objects.visible_to(request.user).filter(holder=organization).select_related("commune").order_by("name")
    )
    partnerships = (
        ProjectPartner.objects.visible_to(request.user)
        .filter(organization=organization)
        .select_related("project__commune")
        .order_by("project__name", "role")
    )
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "can_view_members": can_view_members,
            "can_manage": has_perm(request.user, "organizations.manage_organization", organization),
            "can_manage_members": has_perm(request.user, "organizations.manage_members", organization),
            "members": members,
            "projects": projects,
            "partnerships": partnerships,
        },
    )


@require_http_methods(["GET", "POST"])
def organization_edit(request, uid):
    organization = get_visible_or_404(Organization, request.user, uid=uid)
    require_perm(request.user, "organizations.manage_organization", organization)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Les informations de l'organisation ont été enregistrées.")
        return redirect("organizations:organization_detail", uid=organization.uid)
    return render(request, "organizations/edit.html", {"organization": organization, "form": form})


def _send_invitation(request, membership):
    user = membership.user
    link = request.build_absolute_uri(
        reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    body = render_to_string(
        "organizations/invitation_email.txt",
        {"membership": membership, "link": link, "invited_by": request.user},
    )
    send_mail(f"Invitation à rejoindre {membership.organization.name} sur Essaim", body, None, [user.email])


@require_http_methods(["GET", "POST"])
def membership_add(request, uid):
    organization = get_visible_or_404(Organization, request.user, uid=uid)
    require_perm(request.user, "organizations.manage_members", organization)
    form = MembershipAddForm(request.POST or None)
    membership = None
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(
                organization=organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                added_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
    if membership is not None:
        if not membership.user.has_usable_password():
            _send_invitation(request, membership)
            messages.success(request, f"{membership.user.email} a été invité(e) par e-mail.")
        else:
            messages.success(request, f"{membership.user.email} a été ajouté(e) à l'organisation.")
        return redirect("organizations:organization_detail", uid=organization.uid)
    return render(request, "organizations/member_add.html", {"organization": organization, "form": form})


@require_http_methods(["GET", "POST"])
def membership_edit(request, uid, membership_id):
    organization = get_visible_or_404(Organization, request.user, uid=uid)
    require_perm(request.user, "organizations.manage_members", organization)
    membership = get_object_or_404(organization.memberships.select_related("user"), pk=membership_id)
    form = MembershipEditForm(request.POST or None, instance=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=membership,
                role=form.cleaned_data["role"],
                is_active=form.cleaned_data["is_active"],
                updated_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "L'adhésion a été mise à jour.")
            return redirect("organizations:organization_detail", uid=organization.uid)
    return render(
        request,
        "organizations/member_edit.html",
        {"organization": organization, "membership": membership, "form": form},
    )
