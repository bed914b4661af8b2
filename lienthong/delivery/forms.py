"""The forms of the delivery pages: what the recipient's văn thư sends (register, return, refuse a recall)
and a saved recipient list. Only the shape of the input; whether it is acceptable is for the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, TOO_LONG
from lienthong.core.widgets import DayInput
from lienthong.delivery.services import LIST_NAME_REQUIRED, REFUSAL_REASON_REQUIRED, RETURN_REASON_REQUIRED
from lienthong.documents.models import DocumentType

DATE = DayInput()


class RegisterForm(forms.Form):
    received_on = forms.DateField(label=gettext_lazy("Ngày đến"), widget=DATE,
                                  error_messages={"required": gettext_lazy("Cần nhập ngày đến."),
                                                  "invalid": gettext_lazy("Ngày không hợp lệ (dd/mm/yyyy).")})
    due_date = forms.DateField(label=gettext_lazy("Hạn xử lý"), widget=DATE, required=False,
                               error_messages={"invalid": gettext_lazy("Ngày không hợp lệ (dd/mm/yyyy).")})
    document_type = forms.ModelChoiceField(
        label=gettext_lazy("Loại văn bản"), queryset=DocumentType.objects.filter(is_active=True), required=False,
        error_messages={"invalid_choice": gettext_lazy("Loại văn bản không hợp lệ.")})
    notes = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, max_length=NOTE_MAX_LENGTH,
                            widget=forms.Textarea(attrs={"rows": 2}), error_messages={"max_length": TOO_LONG})

    def __init__(self, *args, source_type=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].empty_label = _("– Giữ loại của nơi gửi (%(t)s) –") % {
            "t": source_type.name if source_type else "?"}


class ReturnForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do trả lại"), max_length=REASON_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": RETURN_REASON_REQUIRED, "max_length": TOO_LONG})


class RefuseRecallForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do từ chối thu hồi"), max_length=REASON_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": REFUSAL_REASON_REQUIRED, "max_length": TOO_LONG})


class RecipientListForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên danh sách"), max_length=200,
                           widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Ví dụ: Các UBND xã, thị trấn")}),
                           error_messages={"required": LIST_NAME_REQUIRED})

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        agencies = list(agencies)
        self.fields["agency"] = forms.TypedChoiceField(
            label=gettext_lazy("Của cơ quan"), coerce=int, choices=[(a.pk, a.name) for a in agencies],
            initial=agencies[0].pk if agencies else None,
            widget=forms.HiddenInput if len(agencies) == 1 else None,
            error_messages={"invalid_choice": gettext_lazy(
                "Chỉ văn thư hoặc lãnh đạo cơ quan được lưu danh sách nơi nhận.")})
        self.order_fields(["agency", "name"])
