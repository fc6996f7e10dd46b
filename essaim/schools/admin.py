from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from essaim.schools.models import MasterTrainer, ProductionSchool, SchoolYear, Workshop


@admin.register(ProductionSchool)
class ProductionSchoolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "commune", "status", "opening_year"]
    list_filter = ["status"]
    search_fields = ["name", "commune__name"]
    raw_id_fields = ["commune", "organization", "project"]


@admin.register(SchoolYear)
class SchoolYearAdmin(SimpleHistoryAdmin):
    list_display = ["label", "school", "start_date", "end_date"]
    raw_id_fields = ["school"]


@admin.register(Workshop)
class WorkshopAdmin(SimpleHistoryAdmin):
    list_display = ["name", "school", "trade", "capacity", "is_active"]
    raw_id_fields = ["school"]


@admin.register(MasterTrainer)
class MasterTrainerAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "school", "workshop"]
    raw_id_fields = ["school", "workshop"]
