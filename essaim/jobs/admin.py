from django.contrib import admin

from essaim.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: platform administrators see that jobs run, never their results (they may hold an
    organisation's data)."""

    list_display = ["kind", "status", "requested_by", "organization", "created_at", "attempts", "worker_host"]
    list_filter = ["status", "kind"]
    fields = [
        "kind",
        "status",
        "subject",
        "requested_by",
        "organization",
        "created_at",
        "started_at",
        "finished_at",
        "heartbeat_at",
        "attempts",
        "worker_id",
        "worker_host",
        "worker_pid",
        "step",
        "error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
