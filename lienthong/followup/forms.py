from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.core.widgets import DayInput


class TaskForm(forms.Form):
    content = forms.CharField(label=_("Nội dung nhiệm vụ"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    lead_agency = forms.TypedChoiceField(label=_("Cơ quan chủ trì"), coerce=int, required=False, empty_value=None)
    lead_unit = forms.TypedChoiceField(label=_("Đơn vị chủ trì (không bắt buộc)"), coerce=int, required=False,
                                       empty_value=None)
    coordinators = forms.TypedMultipleChoiceField(label=_("Cơ quan phối hợp"), coerce=int, required=False,
                                                  widget=forms.SelectMultiple(attrs={"size": 5}))
    routine = forms.BooleanField(label=_("Thường xuyên (không có hạn)"), required=False)
    deadline = forms.DateField(label=_("Hạn hoàn thành"), required=False, widget=DayInput())
    given_by = forms.CharField(label=_("Lãnh đạo giao"), max_length=200, required=False)
    passage = forms.CharField(label=_("Trích đoạn văn bản"), max_length=4000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].choices = [("", _("— Chọn cơ quan chủ trì"))] + list(agencies)
        self.fields["lead_unit"].choices = [("", "—")] + list(units)
        self.fields["coordinators"].choices = list(agencies)

    def clean(self):
        cd = super().clean()
        if cd.get("routine"):
            cd["deadline"] = None
        elif not cd.get("deadline") and not self.errors.get("deadline"):
            self.add_error("deadline", _("Nhập hạn hoàn thành, hoặc đánh dấu “Thường xuyên”."))
        return cd


class HandOnForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int, required=False, empty_value=None)
    user = forms.TypedChoiceField(label=_("Người thực hiện"), coerce=int, required=False, empty_value=None)
    note = forms.CharField(label=_("Ghi chú"), max_length=1000, required=False)

    def __init__(self, *args, units=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—")] + list(units)
        self.fields["user"].choices = [("", "—")] + list(people)


class TextForm(forms.Form):
    text = forms.CharField(label=_("Nội dung báo cáo"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ResultForm(TextForm):
    file = forms.FileField(label=_("Tệp báo cáo kết quả"), required=False)
    linked_document = forms.TypedChoiceField(label=_("Hoặc văn bản đã ban hành"), coerce=int, required=False,
                                             empty_value=None)

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["linked_document"].choices = [("", "—")] + list(documents)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(ReasonForm):
    new_deadline = forms.DateField(label=_("Hạn mới đề nghị"), widget=DayInput())


class DecisionForm(forms.Form):
    grant = forms.TypedChoiceField(label=_("Quyết định"), coerce=lambda v: v == "1",
                                   choices=[("1", _("Đồng ý gia hạn")), ("0", _("Không đồng ý"))])
    new_deadline = forms.DateField(label=_("Hạn mới (để trống: theo đề nghị)"), required=False, widget=DayInput())
    note = forms.CharField(label=_("Ý kiến"), max_length=2000, required=False)


class DeadlineForm(ReasonForm):
    new_deadline = forms.DateField(label=_("Hạn mới (để trống: thường xuyên)"), required=False, widget=DayInput())


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Giao từ ngày"), required=False, widget=DayInput())
    end = forms.DateField(label=_("đến ngày"), required=False, widget=DayInput())


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Trạng thái"), required=False)
    overdue = forms.BooleanField(label=_("Chỉ nhiệm vụ quá hạn"), required=False)

    def __init__(self, *args, states=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Tất cả"))] + list(states)
