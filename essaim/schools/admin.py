from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from essaim.schools.models import ProductionSchool


@admin.register(ProductionSchool)
class ProductionSchoolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "commune", "status", "opening_year"]
    list_filter = ["status"]
    search_fields = ["name", "commune__name"]
    raw_id_fields = ["commune", "organization"]
