"""Processing of incoming documents in the admin: read-only, for support.

Every change goes through the services (they lock the handling, check who may act, write the audit
entry and tell the sender), so nothing is added, changed or deleted here. The lists show states,
dates and deadlines by id, not the documents' subjects: a system administrator manages the
platform, not its content (see ``documents_visible_to``).
"""

from django.contrib import admin

from lienthong.processing.models import Assignment, Handling


class _ReadOnly(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in (self.exclude or ())]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    fields = ["id", "parent", "role", "unit", "user", "deadline", "state", "progress", "assigned_at", "completed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Handling)
class HandlingAdmin(_ReadOnly):
    list_display = ["id", "document_id", "agency", "state", "is_urgent", "received_on", "submitted_at", "completed_at"]
    list_filter = ["state", "is_urgent"]
    list_select_related = ["agency"]
    exclude = ["document", "reply_document", "submit_note"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(_ReadOnly):
    list_display = ["id", "handling_id", "role", "unit", "user", "deadline", "state", "progress"]
    list_filter = ["state", "role"]
    list_select_related = ["unit", "user"]
    exclude = ["document", "reply_document", "instruction", "result"]
