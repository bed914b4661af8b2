"""The SLA per severity is edited here by the system administrator; the reports are read here (the operator works
in the queue at /gop-y/van-hanh/, not in the admin)."""

from django.contrib import admin

from lienthong.feedback.models import ProblemReport, SlaTarget


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    list_display = ["severity", "response_hours", "fix_hours"]
    list_editable = ["response_hours", "fix_hours"]

    def has_add_permission(self, request):  # one row per severity, seeded by the migration
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "source", "kind", "severity", "state", "occurrences", "fixed_in"]
    list_filter = ["state", "severity", "kind", "source"]
    search_fields = ["text", "request_id", "cause"]
    readonly_fields = [f.name for f in ProblemReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
