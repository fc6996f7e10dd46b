from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from essaim.analysis.models import ScoringProfile


@admin.register(ScoringProfile)
class ScoringProfileAdmin(SimpleHistoryAdmin):
    list_display = ["name", "owner", "is_reference", "is_shared", "normalisation", "updated_at"]
    list_filter = ["is_shared", "is_reference", "normalisation"]
    search_fields = ["name", "owner__name"]
    readonly_fields = ["is_reference", "created_by", "created_at", "updated_at"]
