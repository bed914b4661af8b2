"""Django admin for the ranking, for system administrators.

Criteria-set versions are edited as YAML text; a save goes through ``services.criteria_set_import`` /
``criteria_set_update``, so the errors (with line and field) appear on the form and a version a campaign
uses (frozen) is read-only. Campaigns, units, adjustments and results are read-only: they change only
through the campaign workflow (adjustments need a reason and leave an audit entry).
"""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lienthong.core.errors import DomainError, ValidationFailed

from . import services
from .models import (
    Adjustment,
    AssessmentAuthority,
    Campaign,
    CampaignUnit,
    CriteriaSetVersion,
    Result,
    ValueCorrection,
)

# Messages users see (the tests use these constants rather than copies of the text).
VERSION_EXISTS = _("Đã có bộ tiêu chí '%(code)s' phiên bản %(v)s; hãy sửa bản đó hoặc tăng số phiên bản.")
FROZEN_READ_ONLY = _("Bộ tiêu chí này đã được dùng trong đợt đánh giá nên đã khóa, chỉ xem được. Muốn thay đổi, hãy "
                     "nhập nội dung thành một phiên bản mới.")


def _is_system_admin(request) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and getattr(user, "is_system_admin", False))


class _SystemAdminOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return _is_system_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_system_admin(request)

    def has_add_permission(self, request):
        return _is_system_admin(request)

    def has_change_permission(self, request, obj=None):
        return _is_system_admin(request)

    def has_delete_permission(self, request, obj=None):
        return _is_system_admin(request)


class _ReadOnly(_SystemAdminOnly):
    """Changes go through the campaign workflow (``services``), never through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _messages(errors) -> list[str]:
    out = []
    for messages_ in errors.values():
        out += [str(m) for m in (messages_ if isinstance(messages_, (list, tuple)) else [messages_])]
    return out


class CriteriaSetVersionForm(forms.ModelForm):
    """The YAML text only; code, version, name and year are read from it by the service."""

    yaml_text = forms.CharField(
        label=_("nội dung YAML"), strip=False,
        widget=forms.Textarea(attrs={"rows": 40, "cols": 120, "spellcheck": "false",
                                     "style": "font-family: monospace; width: 100%;"}),
        help_text=_("Mã và phiên bản lấy từ nội dung; khi sửa không được đổi mã hoặc phiên bản."))

    class Meta:
        model = CriteriaSetVersion
        fields = ["yaml_text"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.saved = None

    def clean(self):
        data = super().clean()
        text = data.get("yaml_text")
        if text is None or self.errors:
            return data
        try:
            if self.instance.pk:
                self.saved = services.criteria_set_update(version=self.instance, yaml_text=text, actor=self.actor)
            else:
                from .criteria import CriteriaSetError, load_criteria_set

                try:
                    cs = load_criteria_set(text)
                except CriteriaSetError as exc:
                    raise ValidationFailed({"yaml_text": exc.errors}) from exc
                if CriteriaSetVersion.objects.filter(code=cs.code, version=cs.version).exists():
                    raise ValidationFailed({"yaml_text": [VERSION_EXISTS % {"code": cs.code, "v": cs.version}]})
                self.saved = services.criteria_set_import(yaml_text=text, actor=self.actor)
        except ValidationFailed as exc:
            for message in _messages(exc.errors):
                self.add_error("yaml_text", message)
        except DomainError as exc:
            self.add_error(None, str(exc))
        return data

    def _post_clean(self):
        pass  # the service validated and stored the row; nothing left for the model's own checks


@admin.register(CriteriaSetVersion)
class CriteriaSetVersionAdmin(_SystemAdminOnly):
    form = CriteriaSetVersionForm
    list_display = ("code", "version", "name", "year", "frozen_at")
    list_filter = ("code",)
    search_fields = ("code", "name")
    readonly_fields = ("code", "version", "name", "year", "checksum", "frozen_at", "imported_by", "updated_at")
    frozen_fields = ("code", "version", "name", "year", "checksum", "frozen_at", "imported_by", "updated_at",
                     "yaml_display")

    def has_change_permission(self, request, obj=None):
        return _is_system_admin(request) and not (obj is not None and obj.frozen)

    def has_delete_permission(self, request, obj=None):
        return False  # a version stays, for the campaigns and the audit trail

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("yaml_text",)
        if obj.frozen:
            return self.frozen_fields
        return (*self.readonly_fields, "yaml_text")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return self.frozen_fields if obj.frozen else self.readonly_fields

    @admin.display(description=_("nội dung YAML"))
    def yaml_display(self, obj):
        return format_html('<pre style="white-space: pre-wrap; font-size: 12px;">{}</pre>', obj.yaml_text)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class Form(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, actor=request.user, **kw)

        return Form

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.frozen and request.method == "GET":
            self.message_user(request, str(FROZEN_READ_ONLY), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        saved = form.saved  # stored by the service during validation
        for f in CriteriaSetVersion._meta.concrete_fields:
            setattr(obj, f.attname, getattr(saved, f.attname))

    def save_related(self, request, form, formsets, change):
        pass


@admin.register(AssessmentAuthority)
class AssessmentAuthorityAdmin(_SystemAdminOnly):
    list_display = ("kind", "agency")
    list_filter = ("kind",)
    list_select_related = ("agency",)
    search_fields = ("agency__name", "agency__identifier_code")
    raw_id_fields = ("agency",)


@admin.register(Campaign)
class CampaignAdmin(_ReadOnly):
    list_display = ("name", "year", "state", "criteria_set", "council_agency", "deadline")
    list_filter = ("state", "year")
    list_select_related = ("criteria_set", "council_agency")
    search_fields = ("name",)


@admin.register(CampaignUnit)
class CampaignUnitAdmin(_ReadOnly):
    list_display = ("agency", "campaign", "group_code", "excluded", "separate_reason")
    list_filter = ("campaign", "group_code", "excluded")
    list_select_related = ("agency", "campaign")
    search_fields = ("agency__name",)


class _UnitColumns:
    @admin.display(description=_("cơ quan"), ordering="campaign_unit__agency__name")
    def unit_agency(self, obj):
        return obj.campaign_unit.agency.name

    @admin.display(description=_("đợt đánh giá"), ordering="campaign_unit__campaign__year")
    def unit_campaign(self, obj):
        return obj.campaign_unit.campaign.name


@admin.register(Adjustment)
class AdjustmentAdmin(_UnitColumns, _ReadOnly):
    list_display = ("unit_agency", "unit_campaign", "criterion_code", "old_points", "new_points", "reason", "by", "at")
    list_select_related = ("campaign_unit__agency", "campaign_unit__campaign", "by")
    list_filter = ("campaign_unit__campaign",)


@admin.register(ValueCorrection)
class ValueCorrectionAdmin(_UnitColumns, _ReadOnly):
    list_display = ("unit_agency", "unit_campaign", "criterion_code", "old_value", "new_value", "reason", "by", "at")
    list_select_related = ("campaign_unit__agency", "campaign_unit__campaign", "by")
    list_filter = ("campaign_unit__campaign",)


@admin.register(Result)
class ResultAdmin(_UnitColumns, _ReadOnly):
    list_display = ("unit_agency", "unit_campaign", "total", "index", "class_label", "rank", "computed_at")
    list_select_related = ("campaign_unit__agency", "campaign_unit__campaign")
    list_filter = ("campaign_unit__campaign", "class_label")
