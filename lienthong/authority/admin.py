from django.contrib import admin

from lienthong.authority.models import ActingAppointment, PositionRank, SigningGrant


@admin.register(PositionRank)
class PositionRankAdmin(admin.ModelAdmin):
    list_display = ("position", "rank", "head_title")
    list_filter = ("rank",)
    raw_id_fields = ("position",)


@admin.register(ActingAppointment)
class ActingAppointmentAdmin(admin.ModelAdmin):
    list_display = ("user", "head_title", "agency", "valid_from", "valid_until", "revoked_at")
    raw_id_fields = ("agency", "user", "decision")


@admin.register(SigningGrant)
class SigningGrantAdmin(admin.ModelAdmin):
    list_display = ("kind", "grantee", "grantee_title", "grantor_title", "agency", "valid_from", "valid_until",
                    "revoked_at", "end_notified_at")
    list_filter = ("kind",)
    raw_id_fields = ("agency", "grantor", "grantee", "decision", "parent", "created_by")
    readonly_fields = ("end_notified_at", "created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
