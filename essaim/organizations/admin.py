from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from essaim.organizations.models import Membership, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organization"
    extra = 0
    autocomplete_fields = ["user"]
    exclude = ["updated_by"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "siren"]
    list_filter = ["kind"]
    search_fields = ["name", "siren", "siret"]
    raw_id_fields = ["commune", "epci", "department"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "role", "is_active"]
    list_filter = ["role", "is_active", "organization__kind"]
    search_fields = ["user__email", "organization__name"]
    raw_id_fields = ["user", "organization", "updated_by"]
