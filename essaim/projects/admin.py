from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from essaim.projects.models import Project, ProjectTrade


class ProjectTradeInline(admin.TabularInline):
    model = ProjectTrade
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "holder", "commune", "stage", "is_demo"]
    list_filter = ["stage", "is_demo"]
    search_fields = ["name", "holder__name", "commune__name"]
    raw_id_fields = ["holder", "commune"]
    inlines = [ProjectTradeInline]
