from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from essaim.schools.models import ProductionSchool, SchoolYear, Workshop

# Maîtres professionnels are not in the admin: their names and e-mails stay in the school (platform
# administrators see a count per workshop only, docs/open-schools.md).


@admin.register(ProductionSchool)
class ProductionSchoolAdmin(SimpleHistoryAdmin):
    list_display = ["name", "commune", "status", "opening_year"]
    list_filter = ["status"]
    search_fields = ["name", "commune__name"]
    raw_id_fields = ["commune", "project"]
    # The organisation running a school decides who sees its youths' records (its members): it is set
    # when the school is opened from its project, never in the admin (docs/security.md).
    readonly_fields = ["organization"]

    def save_model(self, request, obj, form, change):
        # Also reached by django-simple-history's « revert » form, which ignores readonly_fields.
        previous = ProductionSchool.objects.filter(pk=obj.pk).values_list("organization_id", flat=True).first()
        if obj.organization_id is not None and obj.organization_id != previous:
            raise PermissionDenied("L'organisation d'une école ne se change pas dans l'administration.")
        super().save_model(request, obj, form, change)


@admin.register(SchoolYear)
class SchoolYearAdmin(SimpleHistoryAdmin):
    list_display = ["label", "school", "start_date", "end_date"]
    raw_id_fields = ["school"]


@admin.register(Workshop)
class WorkshopAdmin(SimpleHistoryAdmin):
    list_display = ["name", "school", "trade", "capacity", "is_active"]
    raw_id_fields = ["school"]
