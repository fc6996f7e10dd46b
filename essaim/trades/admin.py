from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from essaim.trades.models import Trade


@admin.register(Trade)
class TradeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
