"""Administration of the exchange: partner systems, packages in transit (attempts, errors; retry, cancel),
packages received (refused, waiting for their sender to be confirmed)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from lienthong.core.errors import ValidationFailed
from lienthong.exchange import services
from lienthong.exchange.models import InboundPackage, InboundState, OutboundPackage, Partner


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "system_id", "base_url", "sign_packages", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "system_id", "organ_ids")


@admin.register(OutboundPackage)
class OutboundPackageAdmin(admin.ModelAdmin):
    list_display = ("id", "message_type", "partner", "from_organ_id", "to_organ_ids", "status_code", "state",
                    "attempts", "next_attempt_at", "last_error", "created_at")
    list_filter = ("state", "message_type", "partner")
    search_fields = ("edxml_document_id", "to_organ_ids", "from_organ_id", "remote_id")
    exclude = ("package",)
    readonly_fields = [f.name for f in OutboundPackage._meta.fields if f.name != "package"]
    actions = ["retry", "cancel"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Gửi lại ngay"))
    def retry(self, request, queryset):
        self._each(request, queryset, services.package_retry)

    @admin.action(description=_("Hủy gửi"))
    def cancel(self, request, queryset):
        self._each(request, queryset, services.package_cancel)

    def _each(self, request, queryset, action):
        done = 0
        for package in queryset:
            try:
                action(actor=request.user, package_id=package.pk)
                done += 1
            except ValidationFailed as exc:
                self.message_user(request, f"#{package.pk}: {exc.message}", messages.WARNING)
        if done:
            self.message_user(request, _("Đã xử lý %(n)s gói tin.") % {"n": done})


@admin.register(InboundPackage)
class InboundPackageAdmin(admin.ModelAdmin):
    list_display = ("id", "message_type", "partner", "from_organ_id", "edxml_document_id", "status_code", "state",
                    "reason", "received_at")
    list_filter = ("state", "message_type", "partner")
    search_fields = ("edxml_document_id", "from_organ_id", "remote_id")
    exclude = ("package",)
    readonly_fields = [f.name for f in InboundPackage._meta.fields if f.name != "package"]
    actions = ["confirm_sender"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Xác nhận cơ quan gửi và chuyển các gói tin đang chờ"))
    def confirm_sender(self, request, queryset):
        applied = 0
        for code in set(queryset.filter(state=InboundState.WAITING).values_list("from_organ_id", flat=True)):
            agency = services.selectors.agency_by_code(code)
            if agency is not None:
                applied += services.sender_confirm(actor=request.user, agency_id=agency.pk)
        self.message_user(request, _("Đã chuyển %(n)s gói tin vào hệ thống.") % {"n": applied})
