from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from essaim.organizations.models import Membership, Organization
from essaim.organizations.permissions import organization_runs_school
from essaim.organizations.services import SCHOOL_MEMBERS_BY_ITS_ADMINS

# A school's members see its youths' records (minors' data): only the school's own administrateurs
# manage them, on the site. The Django admin shows them read-only and refuses to add any (see
# docs/security.md).


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organization"
    extra = 0
    autocomplete_fields = ["user"]
    exclude = ["updated_by"]

    def _school(self, obj):
        return obj is not None and obj.pk is not None and organization_runs_school(obj)

    def has_add_permission(self, request, obj=None):
        return not self._school(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._school(obj) and super().has_change_permission(request, obj)


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "siren"]
    list_filter = ["kind"]
    search_fields = ["name", "siren", "siret"]
    raw_id_fields = ["commune", "epci", "department"]
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "organization", "role", "is_active", "updated_by"]

    def clean_organization(self):
        organization = self.cleaned_data["organization"]
        if organization is not None and organization_runs_school(organization):
            raise forms.ValidationError(SCHOOL_MEMBERS_BY_ITS_ADMINS.format(organization=organization.name))
        return organization


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    form = MembershipAdminForm
    list_display = ["user", "organization", "role", "is_active"]
    list_filter = ["role", "is_active", "organization__kind"]
    search_fields = ["user__email", "organization__name"]
    raw_id_fields = ["user", "organization", "updated_by"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and organization_runs_school(obj.organization):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Also reached by django-simple-history's « revert » form, which asks no change permission.
        if organization_runs_school(obj.organization):
            raise PermissionDenied(SCHOOL_MEMBERS_BY_ITS_ADMINS.format(organization=obj.organization.name))
        if change:
            previous = Membership.objects.select_related("organization").get(pk=obj.pk)
            if organization_runs_school(previous.organization):
                raise PermissionDenied(SCHOOL_MEMBERS_BY_ITS_ADMINS.format(organization=previous.organization.name))
        super().save_model(request, obj, form, change)
