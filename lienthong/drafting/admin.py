"""Drafts in the admin: read-only. A draft changes only through the flow's services (history,
audit, notifications), so the admin is a window for support staff, never an editor."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lienthong.drafting.models import Draft, DraftComment, DraftFile, DraftRecipient, DraftStep


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DraftFileInline(_ReadOnlyInline):
    model = DraftFile
    fields = ["role", "version", "filename", "note", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class DraftStepInline(_ReadOnlyInline):
    model = DraftStep
    fields = ["at", "action", "from_state", "to_state", "actor", "note"]
    readonly_fields = fields


class DraftCommentInline(_ReadOnlyInline):
    model = DraftComment
    fields = ["created_at", "author", "version", "text"]
    readonly_fields = fields


class DraftRecipientInline(_ReadOnlyInline):
    model = DraftRecipient
    fields = ["order", "agency"]
    readonly_fields = fields


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["subject_short", "agency", "document_type", "state", "urgency", "created_by", "state_changed_at"]
    list_filter = ["state", "urgency", "secrecy"]
    search_fields = ["subject"]
    list_select_related = ["agency", "document_type", "created_by"]
    date_hierarchy = "created_at"
    inlines = [DraftRecipientInline, DraftFileInline, DraftCommentInline, DraftStepInline]

    @admin.display(description=_("trích yếu"))
    def subject_short(self, obj):
        return obj.subject[:80]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
