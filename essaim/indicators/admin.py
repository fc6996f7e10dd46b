from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from essaim.indicators.models import (
    BmoBasin,
    CommuneBmoBasin,
    DataImport,
    Indicator,
    IndicatorValue,
    IndustryTerritory,
    Qpv,
    TradeBmoCode,
    TrainingProvider,
)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["label", "code", "kind", "native_level", "higher_means_more_need", "is_trade_specific"]
    list_filter = ["kind", "native_level", "is_trade_specific"]
    search_fields = ["code", "label"]
    readonly_fields = ["code", "kind", "native_level", "is_trade_specific", "is_derived"]


@admin.register(TradeBmoCode)
class TradeBmoCodeAdmin(SimpleHistoryAdmin):
    list_display = ["trade", "job_code", "job_label", "note"]
    list_filter = ["trade"]
    search_fields = ["job_code", "job_label"]


@admin.register(DataImport)
class DataImportAdmin(admin.ModelAdmin):
    list_display = ["imported_at", "kind", "file_name", "vintage", "imported_by", "rows_created", "rows_updated"]
    list_filter = ["kind"]
    readonly_fields = [field.name for field in DataImport._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    """Read-only: values come from imports (``essaim indicators import``), never from hand edits."""

    list_display = ["indicator", "level", "territory_code", "vintage", "job_code", "value", "is_secret"]
    list_filter = ["indicator", "level", "vintage"]
    search_fields = ["territory_code", "job_code"]
    list_select_related = ["indicator"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BmoBasin)
class BmoBasinAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "departments"]


@admin.register(CommuneBmoBasin)
class CommuneBmoBasinAdmin(admin.ModelAdmin):
    list_display = ["commune", "basin", "is_provisional"]
    list_filter = ["basin", "is_provisional"]
    raw_id_fields = ["commune"]
    list_select_related = ["commune", "basin"]


@admin.register(IndustryTerritory)
class IndustryTerritoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    filter_horizontal = ["epcis"]


@admin.register(Qpv)
class QpvAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "commune"]
    raw_id_fields = ["commune"]
    search_fields = ["code", "name"]


@admin.register(TrainingProvider)
class TrainingProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "uai", "siret", "commune"]
    raw_id_fields = ["commune"]
    search_fields = ["name", "uai", "siret"]
