"""The list of unhandled errors for system administrators (Django admin › Giám sát hệ thống › Lỗi chưa xử lý):
read-only, superusers only. Find a user's report by the reference they were shown (the request id)."""

from django.contrib import admin

from lienthong.monitoring.models import ErrorRecord


def _superuser(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and user.is_superuser)


@admin.register(ErrorRecord)
class ErrorRecordAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "request_id", "source", "method", "path", "username", "exception_type")
    list_filter = ("source", "occurred_at")
    search_fields = ("request_id", "path", "username", "exception_type", "message")
    date_hierarchy = "occurred_at"
    fields = ("occurred_at", "request_id", "source", "method", "path", "username", "exception_type", "message",
              "traceback")
    readonly_fields = fields
    show_full_result_count = False  # no COUNT(*) over the whole table on each page

    def has_module_permission(self, request):
        return _superuser(request)

    def has_view_permission(self, request, obj=None):
        return _superuser(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # kept as evidence; the nightly job deletes them after LIENTHONG_ERROR_RETENTION_DAYS
