"""Forms of the handover pages (nộp lưu, Lưu trữ cơ quan, Sổ sử dụng bản lưu, bàn giao hồ sơ)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Nhận")), ("return", _("Trả lại"))])
    reason = forms.CharField(label=_("Lý do trả lại"), max_length=1000, required=False)


class DueForm(forms.Form):
    rule_code = forms.ChoiceField(label=_("Quy định thời hạn nộp lưu"))
    final_accounts_date = forms.DateField(label=_("Ngày quyết toán công trình"), required=False,
                                          widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_code"].choices = [(r.code, r.name) for r in rules]


class KeepForm(forms.Form):
    until = forms.DateField(label=_("Giữ lại đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Lý do giữ lại"), max_length=1000)
    decision_reference = forms.CharField(label=_("Văn bản đồng ý (nếu có)"), max_length=255, required=False)


class UsageRequestForm(forms.Form):
    purpose = forms.CharField(label=_("Mục đích sử dụng"), max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class UsageDecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Đồng ý")), ("refuse", _("Không đồng ý"))])
    note = forms.CharField(label=_("Ý kiến"), max_length=1000, required=False)
    access_until = forms.DateField(label=_("Được sử dụng đến ngày"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))


class UsageRecordForm(forms.Form):
    note = forms.CharField(label=_("Ghi nhận sử dụng"), max_length=1000, required=False)


class PassOnForm(forms.Form):
    agency_id = forms.TypedChoiceField(label=_("Cơ quan"), coerce=int)
    from_user_id = forms.TypedChoiceField(label=_("Người bàn giao"), coerce=int)
    successor_id = forms.TypedChoiceField(label=_("Người nhận bàn giao"), coerce=int)
    reason = forms.CharField(label=_("Lý do"), max_length=500,
                             help_text=_("Ví dụ: nghỉ hưu, thôi việc, chuyển công tác."))

    def __init__(self, *args, agencies=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency_id"].choices = list(agencies)
        self.fields["from_user_id"].choices = list(people)
        self.fields["successor_id"].choices = [("", "—")] + list(people)
