"""Forms of the campaign pages: a new campaign (with one row per agency: group, separate ranking,
exclusion, criteria not applicable), the council's adjustment and the approval. Fields are checked here
for a clear message beside the field; the services check everything again."""

from __future__ import annotations

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.core.forms import VietnameseDecimalField
from lienthong.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, SHORT_NOTE_MAX_LENGTH, TOO_LONG

from .services import UnitInput
from .services.campaigns import EXCLUDED_NEEDS_REASON

SEPARATE_GROUP_DEFAULT = _("Cơ quan ngành dọc do Trung ương quản lý, xếp hạng trong nhóm riêng.")
# Messages users see (the tests use these constants rather than copies of the text).
UNKNOWN_CRITERIA = _("Không có tiêu chí %(c)s trong bộ tiêu chí.")
GROUP_REQUIRED = _("Chọn nhóm đơn vị cho cơ quan được đánh giá.")


def default_group(agency_group_code: str | None, set_group_codes) -> str:
    """Agency groups are slugs ("so-nganh"), criteria-set groups identifiers ("so_nganh")."""
    code = (agency_group_code or "").replace("-", "_")
    return code if code in set_group_codes else ""


class CampaignForm(forms.Form):
    criteria_set = forms.ModelChoiceField(label=_("Bộ tiêu chí"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Tên đợt đánh giá"), max_length=300, required=False,
                           help_text=_("Để trống: “Đánh giá, xếp hạng mức độ ứng dụng CNTT năm …”."))
    self_assessment_days = forms.IntegerField(label=_("Số ngày làm việc tự đánh giá"), min_value=1, max_value=120,
                                              initial=15)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = versions
        if not self.is_bound:
            self.fields["year"].initial = timezone.localdate().year - 1


def _codes(text: str) -> list[str]:
    return [c for c in re.split(r"[\s,;]+", (text or "").strip()) if c]


class UnitRowForm(forms.Form):
    """One agency of the province in the new-campaign form (prefix ``u<agency id>``)."""

    include = forms.BooleanField(label=_("Đánh giá"), required=False)
    group = forms.ChoiceField(label=_("Nhóm"), required=False)
    separate_reason = forms.CharField(label=_("Lý do xếp hạng riêng"), max_length=SHORT_NOTE_MAX_LENGTH, required=False,
                                      error_messages={"max_length": TOO_LONG},
                                      widget=forms.TextInput(attrs={"placeholder": _("Nếu xếp hạng trong nhóm riêng")}))
    excluded = forms.BooleanField(label=_("Không xếp hạng"), required=False)
    excluded_reason = forms.CharField(label=_("Lý do không xếp hạng"), max_length=SHORT_NOTE_MAX_LENGTH, required=False,
                                      error_messages={"max_length": TOO_LONG},
                                      widget=forms.TextInput(attrs={"placeholder": _("Lý do")}))
    not_applicable = forms.CharField(label=_("Tiêu chí không áp dụng"), max_length=500, required=False,
                                     widget=forms.TextInput(attrs={"placeholder": _("Ví dụ: C2, D4")}),
                                     help_text=_("Mã tiêu chí, cách nhau bởi dấu phẩy, ví dụ: C2, D4"))

    def __init__(self, *args, agency, group_choices, criterion_codes, default, **kwargs):
        super().__init__(*args, prefix=f"u{agency.pk}", **kwargs)
        self.agency, self.default = agency, default
        self.criterion_codes = criterion_codes
        self.fields["group"].choices = [("", _("— chọn nhóm —"))] + list(group_choices)
        if not self.is_bound:
            self.initial = {"include": bool(default), "group": default,
                            "separate_reason": SEPARATE_GROUP_DEFAULT if default == "nganh_doc" else ""}

    def clean_not_applicable(self):
        codes = _codes(self.cleaned_data.get("not_applicable"))
        unknown = [c for c in codes if c not in self.criterion_codes]
        if unknown:
            raise forms.ValidationError(UNKNOWN_CRITERIA % {"c": ", ".join(unknown)})
        return codes

    def clean(self):
        data = super().clean()
        if data.get("include"):
            if not data.get("group"):
                self.add_error("group", GROUP_REQUIRED)
            if data.get("excluded") and not (data.get("excluded_reason") or "").strip():
                self.add_error("excluded_reason", EXCLUDED_NEEDS_REASON)
        return data

    def unit_input(self) -> UnitInput | None:
        d = self.cleaned_data
        if not d.get("include"):
            return None
        return UnitInput(agency_id=self.agency.pk, group_code=d["group"], separate_reason=d["separate_reason"],
                         excluded=bool(d["excluded"]), excluded_reason=d["excluded_reason"] if d["excluded"] else "",
                         not_applicable=tuple(d["not_applicable"]))


class AdjustForm(forms.Form):
    criterion_code = forms.ChoiceField(label=_("Tiêu chí"))
    new_points = VietnameseDecimalField(label=_("Điểm mới"), min_value=0, max_digits=8, decimal_places=3)
    # Not ``required`` here: the service's own message ("Phải nêu lý do điều chỉnh điểm.") is the one shown.
    reason = forms.CharField(label=_("Lý do điều chỉnh"), required=False, max_length=REASON_MAX_LENGTH,
                             error_messages={"max_length": TOO_LONG},
                             widget=forms.Textarea(attrs={"rows": 3, "required": True}))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion_code"].choices = [(c.code, f"{c.code} · {c.name} (≤ {c.max:g})") for c in criteria]


class ValueCorrectionForm(forms.Form):
    """The council corrects a unit's value (typed as the unit types it: ratios in %, choices by code)."""

    criterion_code = forms.ChoiceField(label=_("Tiêu chí"))
    new_value = forms.CharField(label=_("Số liệu đúng"), required=False, max_length=200,
                                help_text=_("Như đơn vị nhập: tỷ lệ theo %, có/không là 1/0, lựa chọn theo mã; "
                                            "để trống nếu đơn vị không có số liệu."))
    reason = forms.CharField(label=_("Lý do sửa số liệu"), required=False, max_length=REASON_MAX_LENGTH,
                             error_messages={"max_length": TOO_LONG},
                             widget=forms.Textarea(attrs={"rows": 3, "required": True}))

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, prefix="value", **kwargs)
        self.fields["criterion_code"].choices = [(c.code, f"{c.code} · {c.name}") for c in criteria]


class ApproveForm(forms.Form):
    decision = forms.CharField(label=_("Quyết định phê duyệt"), max_length=300, required=False,
                               help_text=_("Ví dụ: Quyết định số 123/QĐ-UBND ngày 15/3/2018"))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=NOTE_MAX_LENGTH, error_messages={"max_length": TOO_LONG})
