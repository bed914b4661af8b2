"""Web forms for registering documents. They only parse input; services do the checking that matters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.agencies.models import Agency
from lienthong.core.choices import Urgency
from lienthong.core.limits import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, TOO_LONG
from lienthong.core.widgets import DayInput
from lienthong.documents.models import DocumentType, Language, Secrecy, SignerAuthority
from lienthong.documents.services.inputs import SUBJECT_REQUIRED
from lienthong.documents.services.registration import (
    INCOMING_NOTATION_REQUIRED,
    SCAN_REQUIRED,
    SIGNED_ON_REQUIRED,
    SIGNER_NOT_A_LEADER,
    SIGNER_REQUIRED,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


DATE = DayInput()


class _DocumentFields(forms.Form):
    document_type = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentType.objects.filter(is_active=True),
        empty_label=_("– Chọn loại văn bản –"),
        error_messages={"required": _("Cần chọn loại văn bản."), "invalid_choice": _("Loại văn bản không hợp lệ.")},
    )
    subject = forms.CharField(label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                              error_messages={"required": SUBJECT_REQUIRED})
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE,
                                error_messages={"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")})
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices, initial=Secrecy.NORMAL)
    signer_authority = forms.ChoiceField(label=_("Thẩm quyền ký"), choices=SignerAuthority.choices, required=False)
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=100, required=False)
    signer_name = forms.CharField(label=_("Người ký"), max_length=100, required=False)
    recipients_text = forms.CharField(label=_("Nơi nhận"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    page_count = forms.IntegerField(label=_("Số trang"), min_value=0, required=False)
    language = forms.ChoiceField(label=_("Ngôn ngữ"), choices=Language.choices, initial=Language.VI, required=False)
    due_date = forms.DateField(label=_("Hạn xử lý"), widget=DATE, required=False)
    notes = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                            max_length=NOTE_MAX_LENGTH, error_messages={"max_length": TOO_LONG})
    is_paper = forms.BooleanField(label=_("Văn bản giấy (bản scan)"), required=False)
    files = MultipleFileField(label=_("Tệp đính kèm (PDF, DOCX, XLSX, ODT, ảnh)"))

    def __init__(self, *args, clerk_agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = list(clerk_agencies or [])
        self.fields["agency"] = forms.ModelChoiceField(
            label=_("Cơ quan"), queryset=Agency.objects.filter(pk__in=[a.pk for a in agencies]),
            initial=agencies[0].pk if agencies else None, widget=forms.HiddenInput if len(agencies) == 1 else None,
            empty_label=_("– Chọn cơ quan –"),
        )
        self.order_fields(["agency"])


class OutgoingForm(_DocumentFields):
    """A document signed on paper, registered outside the drafting flow: the signer, the signing date and
    the scan of the signed page come before a number (NĐ30 Art. 13, 15.2)."""

    unit_abbreviation = forms.CharField(
        label=_("Viết tắt đơn vị soạn thảo (công văn)"), max_length=30, required=False,
        help_text=_("Dùng cho công văn: ký hiệu là <cơ quan>-<đơn vị>, ví dụ UBND-VX."),
    )
    signed_on = forms.DateField(label=_("Ngày ký"), widget=DATE,
                                error_messages={"required": SIGNED_ON_REQUIRED,
                                                "invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")})
    late_issue_reason = forms.CharField(
        label=_("Lý do không ban hành trong ngày ký"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        max_length=REASON_MAX_LENGTH, error_messages={"max_length": TOO_LONG},
        help_text=_("Cảnh báo: văn bản phải ban hành trong ngày ký, chậm nhất ngày làm việc tiếp theo. "
                    "Nếu ngày ký khác ngày ban hành, cần ghi lý do."))
    issued_amount = forms.IntegerField(label=_("Số lượng bản phát hành"), min_value=1, max_value=999,
                                       required=False)

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["signer_name"]  # the signer is a person chosen below, not typed text
        del self.fields["is_paper"]  # always paper: the electronic path is the drafting flow
        many = len({p.agency_id for p in leaders}) > 1

        def person(p):
            parts = [str(p.user)] + ([p.title] if p.title else []) + ([p.agency.short_name] if many else [])
            return " – ".join(parts)

        self.fields["signer"] = forms.TypedChoiceField(
            label=_("Người ký"), coerce=int,
            choices=[("", _("– Chọn lãnh đạo đã ký –"))] + [(p.user_id, person(p)) for p in leaders],
            error_messages={"required": SIGNER_REQUIRED, "invalid_choice": SIGNER_NOT_A_LEADER})
        self.fields["files"] = MultipleFileField(
            label=_("Bản scan văn bản đã ký (PDF hoặc ảnh)"), required=True,
            error_messages={"required": SCAN_REQUIRED})
        self.order_fields(["agency", "document_type", "subject", "signer", "signer_authority", "signer_position",
                           "signed_on", "issued_on", "late_issue_reason"])


class IncomingForm(_DocumentFields):
    number_symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=80,
                                    help_text=_("Như trên văn bản, ví dụ: 15/QĐ-UBND, 125/UBND-VP, 30/2020/NĐ-CP."),
                                    error_messages={"required": INCOMING_NOTATION_REQUIRED})
    issuer_agency = forms.ModelChoiceField(
        label=_("Cơ quan ban hành (trong danh mục)"), required=False,
        queryset=Agency.objects.filter(is_active=True).order_by("name"), empty_label=_("– Chọn cơ quan –"),
    )
    issuer_name = forms.CharField(label=_("hoặc tên cơ quan ban hành khác"), max_length=255, required=False)
    received_on = forms.DateField(label=_("Ngày đến"), widget=DATE, required=False)

    field_order = ["agency", "number_symbol", "issued_on", "document_type", "issuer_agency", "issuer_name",
                   "subject", "received_on"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Lý do hủy"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=REASON_MAX_LENGTH,
                             error_messages={"required": _("Cần nêu lý do hủy."), "max_length": TOO_LONG})


class DocumentFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False)
    direction = forms.ChoiceField(label=_("Loại sổ"), required=False,
                                  choices=[("", _("Tất cả")), ("in", _("Văn bản đến")), ("out", _("Văn bản đi"))])
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=1990, max_value=2100)
    register = forms.IntegerField(label=_("Sổ"), required=False)
    document_type = forms.ModelChoiceField(label=_("Loại văn bản"), required=False, empty_label=_("Tất cả"),
                                           queryset=DocumentType.objects.filter(is_active=True))
    urgency = forms.ChoiceField(label=_("Độ khẩn"), required=False, choices=[("", _("Tất cả"))] + Urgency.choices)
    sender = forms.CharField(label=_("Cơ quan ban hành"), required=False)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE)
    # With a search: the order of the results, and the issuing agency chosen among the facets.
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False,
                             choices=[("", _("Phù hợp nhất")), ("date", _("Mới nhất"))])
    issuer = forms.IntegerField(label=_("Cơ quan ban hành"), required=False, min_value=1, max_value=2**31 - 1,
                                widget=forms.HiddenInput)
