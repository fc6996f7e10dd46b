from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from essaim.funding_programmes.models import BudgetEnvelope, EnvelopeMovement, FundingLine, FundingProgramme

# Admin forms state the scheme of typed addresses (Django 6 default), like the platform's own forms.
URL_FIELD = {models.URLField: {"assume_scheme": "https"}}


class EnvelopeMovementInline(admin.TabularInline):
    """The ledger, read-only: it is written only by ``services.py`` with the envelope row locked."""

    model = EnvelopeMovement
    extra = 0
    can_delete = False
    fields = ["at", "on_date", "kind", "amount", "funding_line", "label", "by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "funder", "kind", "opens_on", "closes_on"]
    list_filter = ["kind", "funder"]
    search_fields = ["name", "slug"]
    formfield_overrides = URL_FIELD


@admin.register(BudgetEnvelope)
class BudgetEnvelopeAdmin(SimpleHistoryAdmin):
    list_display = ["label", "programme", "allocated_amount", "start_date", "end_date", "is_demo_figure"]
    list_filter = ["is_demo_figure"]
    inlines = [EnvelopeMovementInline]


@admin.register(FundingLine)
class FundingLineAdmin(SimpleHistoryAdmin):
    """Read for support: lines change through the services (and the dossiers), never by hand here."""

    list_display = ["project", "funder", "programme", "status", "requested_amount", "granted_amount", "paid_amount"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in FundingLine._meta.fields]

    def has_add_permission(self, request):
        return False
