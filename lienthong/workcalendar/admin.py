"""Admin screens for the calendar. Thin: the form shows the services' validation errors, and every save or
delete goes through the services (permission, audit trail)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lienthong.workcalendar import services
from lienthong.workcalendar.models import DeadlinePolicy, Holiday

WEEKDAYS = [_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật")]


class _SystemAdminOnly(admin.ModelAdmin):
    """The calendar and the province defaults are province-wide: only system administrators change them here.
    (Agency administrators set their own agency's deadlines through ``deadline_policy_set``.)"""

    def has_add_permission(self, request):
        return bool(getattr(request.user, "is_system_admin", False))

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def has_view_permission(self, request, obj=None):
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request):
        return self.has_view_permission(request)


def _with_service_validation(form_class, validate):
    """A ModelForm subclass whose clean step also runs ``validate(form) -> {field: [messages]}``."""

    class Form(form_class):
        def _post_clean(self):
            super()._post_clean()
            if self.errors:
                return
            for field, messages in validate(self).items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)

    return Form


@admin.register(Holiday)
class HolidayAdmin(_SystemAdminOnly):
    list_display = ["date", "weekday", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"

    @admin.display(description=_("thứ"))
    def weekday(self, obj):
        return WEEKDAYS[obj.date.weekday()]

    def get_form(self, request, obj=None, **kwargs):
        def validate(form):
            data = form.cleaned_data
            return services.holiday_validate(day=data.get("date"), name=(data.get("name") or "").strip(),
                                             kind=data.get("kind"), holiday_id=form.instance.pk)

        return _with_service_validation(super().get_form(request, obj, **kwargs), validate)

    def save_model(self, request, obj, form, change):
        saved = services.holiday_save(actor=request.user, holiday_id=obj.pk if change else None, day=obj.date,
                                      name=obj.name, kind=obj.kind)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.holiday_delete(actor=request.user, holiday_id=obj.pk)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            services.holiday_delete(actor=request.user, holiday_id=pk)


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(_SystemAdminOnly):
    list_display = ["agency_label", "urgency", "working_days"]
    list_filter = ["urgency"]
    search_fields = ["agency__name", "agency__short_name"]
    raw_id_fields = ["agency"]
    list_select_related = ["agency"]

    @admin.display(description=_("cơ quan"), ordering="agency__name")
    def agency_label(self, obj):
        return obj.agency.short_name if obj.agency_id else _("Toàn tỉnh (mặc định)")

    def get_readonly_fields(self, request, obj=None):
        # The (agency, urgency) key of an existing row is fixed: change the number, or add another row.
        return ["agency", "urgency"] if obj is not None else []

    def get_form(self, request, obj=None, **kwargs):
        def validate(form):
            data, inst = form.cleaned_data, form.instance
            agency = data["agency"] if "agency" in data else inst.agency
            return services.deadline_policy_validate(
                agency_id=agency.pk if agency else None, urgency=data.get("urgency", inst.urgency),
                working_days=data.get("working_days"))

        return _with_service_validation(super().get_form(request, obj, **kwargs), validate)

    def save_model(self, request, obj, form, change):
        saved = services.deadline_policy_set(actor=request.user, agency_id=obj.agency_id, urgency=obj.urgency,
                                             working_days=obj.working_days)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.deadline_policy_reset(actor=request.user, agency_id=obj.agency_id, urgency=obj.urgency)

    def delete_queryset(self, request, queryset):
        for agency_id, urgency in queryset.values_list("agency_id", "urgency"):
            services.deadline_policy_reset(actor=request.user, agency_id=agency_id, urgency=urgency)
