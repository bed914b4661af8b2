from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.core.widgets import DayInput
from lienthong.records.models import PlanNumbering


def _retention_choices():
    from lienthong.records import selectors

    return [("", "—")] + [(r.code, r.name) for r in selectors.retention_periods()]


class PlanCreateForm(forms.Form):
    agency_id = forms.TypedChoiceField(label=_("Cơ quan"), coerce=int)
    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=2200)
    copy_previous = forms.BooleanField(label=_("Sao chép từ danh mục năm trước"), required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency_id"].choices = list(agencies)


class NumberingForm(forms.Form):
    numbering = forms.ChoiceField(label=_("Cách đánh số hồ sơ"), choices=PlanNumbering.choices)


class HeadingForm(forms.Form):
    title = forms.CharField(label=_("Tên đề mục"), max_length=500)
    abbreviation = forms.CharField(label=_("Chữ viết tắt (đề mục lớn)"), max_length=20, required=False)
    parent_id = forms.TypedChoiceField(label=_("Thuộc đề mục lớn"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_id"].choices = [("", _("— (đề mục lớn)"))] + list(parents)


class EntryForm(forms.Form):
    heading_id = forms.TypedChoiceField(label=_("Đề mục"), coerce=int)
    number = forms.CharField(label=_("Số và ký hiệu hồ sơ"), max_length=20, required=False,
                             help_text=_("Để trống để hệ thống tự đánh số."))
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=500)
    retention_code = forms.ChoiceField(label=_("Thời hạn bảo quản"))
    responsible_name = forms.CharField(label=_("Người (đơn vị) lập hồ sơ"), max_length=200, required=False)
    notes = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args, headings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["heading_id"].choices = list(headings)
        self.fields["retention_code"].choices = _retention_choices()


class ApproveForm(forms.Form):
    decision_reference = forms.CharField(label=_("Quyết định ban hành"), max_length=255,
                                         help_text=_("Ví dụ: Quyết định số 05/QĐ-VP ngày 02/01/2018"))
    decision_document_id = forms.IntegerField(label=_("Mã văn bản quyết định trên hệ thống"), required=False,
                                              min_value=1, max_value=2**63 - 1)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh mục (.xlsx)"))


class OpenForm(forms.Form):
    plan_entry_id = forms.TypedChoiceField(label=_("Hồ sơ trong danh mục"), coerce=int, required=False,
                                           empty_value=None)
    title = forms.CharField(label=_("Tiêu đề hồ sơ"), max_length=500, required=False)
    number = forms.CharField(label=_("Số và ký hiệu hồ sơ"), max_length=20, required=False)
    retention_code = forms.ChoiceField(label=_("Thời hạn bảo quản"), required=False)
    start_date = forms.DateField(label=_("Ngày bắt đầu"), required=False,
                                 widget=DayInput())
    description = forms.CharField(label=_("Ghi chú"), max_length=500, required=False, widget=forms.Textarea(
        attrs={"rows": 2}))

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_entry_id"].choices = [("", _("— Hồ sơ ngoài danh mục"))] + list(entries)
        self.fields["retention_code"].choices = _retention_choices()


class CloseForm(forms.Form):
    retention_code = forms.ChoiceField(label=_("Thời hạn bảo quản"))
    retention_confirmed = forms.BooleanField(label=_("Tôi đã xem lại và xác nhận thời hạn bảo quản"), required=False)
    reason = forms.CharField(label=_("Lý do kết thúc khi còn cảnh báo"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retention_code"].choices = _retention_choices()[1:]


class DisposeForm(forms.Form):
    """The disposal of the chosen files on a registered decision (records.disposal)."""

    case_file_ids = forms.TypedMultipleChoiceField(label=_("Hồ sơ tiêu hủy"), coerce=int, required=False)
    decision_document_id = forms.TypedChoiceField(
        label=_("Quyết định tiêu hủy (văn bản đã đăng ký)"), coerce=int, empty_value=None, required=False,
        help_text=_("Quyết định của người đứng đầu cơ quan ban hành trên cơ sở đề nghị của Hội đồng xác định "
                    "giá trị tài liệu."))
    decision_reference = forms.CharField(label=_("Số, ký hiệu, ngày quyết định"), max_length=255, required=False,
                                         help_text=_("Để trống thì lấy số, ký hiệu và ngày của văn bản đã chọn."))
    note = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, files=(), decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case_file_ids"].choices = list(files)
        self.fields["decision_document_id"].choices = [("", "—")] + list(decisions)
