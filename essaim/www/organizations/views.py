from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.http import require_GET, require_http_methods

from essaim.organizations import services
from essaim.organizations.models import Organization
from essaim.projects.models import Project
from essaim.www.forms import MembershipAddForm, MembershipEditForm, OrganizationFilterForm, OrganizationForm
from essaim.www.permissions import get_visible_or_404, has_perm, require_perm

PAGE_SIZE = 50


@login_required
@require_GET
def organization_list(request):
    form = OrganizationFilterForm(request.GET or None)
    organizations = Organization.objects.visible_to(request.user).select_related("commune", "epci", "department")
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            organizations = organizations.filter(Q(name__icontains=q) | Q(siren__startswith=q))
        if kind := form.cleaned_data["kind"]:
            organizations = organizations.filter(kind=kind)
    organizations = organizations.annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
    page = Paginator(organizations.order_by("name"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "www/organizations/list.html", {"form": form, "page": page})


@login_required
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
    return render(
        request,
        "www/organizations/detail.html",
        {
            "organization": organization,
            "can_view_members": can_view_members,
            "can_manage": has_perm(request.user, "organizations.manage_organization", organization),
            "members": members,
            "projects": projects,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_edit(request, uid):
    organization = get_visible_or_404(Organization, request.user, uid=uid)
    require_perm(request.user, "organizations.manage_organization", organization)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Les informations de l'organisation ont été enregistrées.")
        return redirect("www:organization_detail", uid=organization.uid)
    return render(request, "www/organizations/edit.html", {"organization": organization, "form": form})


def _send_invitation(request, membership):
    user = membership.user
    link = request.build_absolute_uri(
        reverse(
            "www:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    body = render_to_string(
        "registration/invitation_email.txt",
        {"membership": membership, "link": link, "invited_by": request.user},
    )
    send_mail(f"Invitation à rejoindre {membership.organization.name} sur Essaim", body, None, [user.email])


@login_required
@require_http_methods(["GET", "POST"])
def membership_add(request, uid):
    organization = get_visible_or_404(Organization, request.user, uid=uid)
    require_perm(request.user, "organizations.manage_organization", organization)
    form = MembershipAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = services.membership_add(
            organization=organization,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            added_by=request.user,
        )
        if not membership.user.has_usable_password():
            _send_invitation(request, membership)
            messages.success(request, f"{membership.user.email} a été invité(e) par e-mail.")
        else:
            messages.success(request, f"{membership.user.email} a été ajouté(e) à l'organisation.")
        return redirect("www:organization_detail", uid=organization.uid)
    return render(request, "www/organizations/member_add.html", {"organization": organization, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request, uid, membership_id):
    organization = get_visible_or_404(Organization, request.user, uid=uid)
    require_perm(request.user, "organizations.manage_organization", organization)
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
            return redirect("www:organization_detail", uid=organization.uid)
    return render(
        request,
        "www/organizations/member_edit.html",
        {"organization": organization, "membership": membership, "form": form},
    )
