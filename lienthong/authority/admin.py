from django import forms
from django.contrib import admin

from lienthong.authority import services
from lienthong.authority.models import ActingAppointment, PositionRank, SigningGrant
from lienthong.core.errors import ValidationFailed


class SigningGrantForm(forms.ModelForm):
    """The admin enters grants under the same rules as ``services.grant_create`` (no sub-delegation…)."""

    class Meta:
        model = SigningGrant
        fields = ["kind", "agency", "grantor", "grantor_title", "grantee", "grantee_title", "decision",
                  "document_types", "fields", "valid_from", "valid_until", "revoked_at"]

    def clean(self):
        cd = super().clean()
        if self.errors:
            return cd
        try:
            checked = services.grant_check(
                kind=cd.get("kind"), agency=cd.get("agency"), grantor=cd.get("grantor"), grantee=cd.get("grantee"),
                decision=cd.get("decision"), valid_from=cd.get("valid_from"), valid_until=cd.get("valid_until"),
                grantor_title=cd.get("grantor_title") or "", grantee_title=cd.get("grantee_title") or "",
                document_types=list(cd.get("document_types") or []), fields=cd.get("fields") or "")
        except ValidationFailed as exc:
            raise forms.ValidationError([str(m) for msgs in exc.errors.values() for m in msgs]) from exc
        cd.update({k: v for k, v in checked.items() if k != "parent"})
        self.instance.parent = checked["parent"]
        return cd


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
    form = SigningGrantForm
    list_display = ("kind", "grantee", "grantee_title", "grantor_title", "agency", "valid_from", "valid_until",
                    "revoked_at", "end_notified_at")
    list_filter = ("kind",)
    raw_id_fields = ("agency", "grantor", "grantee", "decision")
    readonly_fields = ("end_notified_at", "created_by", "created_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
