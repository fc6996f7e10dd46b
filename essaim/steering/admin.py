from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from essaim.steering.models import Objective


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["label", "metric", "scope", "target_value", "due_date"]
    list_filter = ["metric", "scope"]
    search_fields = ["label"]
    autocomplete_fields = ["funder"]
    raw_id_fields = ["department", "epci"]
