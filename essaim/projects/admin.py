from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from essaim.projects.models import Project, ProjectPartner, ProjectTrade, ProjectTransition


class ProjectTradeInline(admin.TabularInline):
    model = ProjectTrade
    extra = 0


class ProjectTransitionInline(admin.TabularInline):
    """The timeline, read-only: stages change only through ``services.project_transition``."""

    model = ProjectTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_stage", "to_stage", "by", "organization", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    raw_id_fields = ["organization", "added_by"]


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "holder", "commune", "stage", "is_demo"]
    list_filter = ["stage", "is_demo"]
    search_fields = ["name", "holder__name", "commune__name"]
    raw_id_fields = ["holder", "commune"]
    # The stage moves only through the workflow (project page), which logs who, when and why.
    readonly_fields = ["stage"]
    inlines = [ProjectTradeInline, ProjectPartnerInline, ProjectTransitionInline]
