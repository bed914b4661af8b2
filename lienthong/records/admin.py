"""Records in the admin: the retention code list is edited here (it is data, not code); plans and files
change only through the services (the audit log, the rules), so they are not offered here."""

from django.contrib import admin

from lienthong.records.models import HandoverRule, RecordsSettings, RetentionPeriod


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "years", "verified", "is_active", "order")
    list_editable = ("verified", "is_active", "order")
    search_fields = ("code", "name", "source")

    def has_delete_permission(self, request, obj=None):
        return False  # a period in use is kept; retire it with "đang dùng"


@admin.register(RecordsSettings)
class RecordsSettingsAdmin(admin.ModelAdmin):
    list_display = ("agency", "numbering")
    autocomplete_fields = ("agency",)


@admin.register(HandoverRule)
class HandoverRuleAdmin(admin.ModelAdmin):
    """The handover deadlines (nộp lưu) are data: months after the end of the work or the final accounts."""

    list_display = ("code", "name", "months", "counts_from", "remind_days", "max_keep_months", "is_default",
                    "verified")
    search_fields = ("code", "name", "source")

    def has_delete_permission(self, request, obj=None):
        return False  # files refer to their rule
