"""Read-only admin views of the catalogue: changes go through the pages (``services``), which check the
agency, the level in force and the counts, and write the audit entry."""

from django.contrib import admin

from .models import Procedure, ProcedureMonth


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MonthInline(admin.TabularInline):
    model = ProcedureMonth
    fields = ("month", "online_level", "total", "online", "settled", "on_time", "updated_by", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-month",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "agency", "field", "online_level", "level_as_of", "active")
    list_filter = ("online_level", "active")
    search_fields = ("code", "name", "field", "agency__name")
    list_select_related = ("agency",)
    inlines = [MonthInline]
