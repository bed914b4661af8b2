"""Forms of the draft pages. They parse input only; the services decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.core.choices import Urgency
from lienthong.core.limits import COMMENT_MAX_LENGTH, REASON_MAX_LENGTH, SHORT_NOTE_MAX_LENGTH, TOO_LONG
from lienthong.core.text import distinct_parts
from lienthong.documents.forms import MultipleFileField
from lienthong.documents.models import DocumentType, RelationKind, Secrecy, SignerAuthority
from lienthong.drafting.models import FileRole
from lienthong.drafting.services import (
    ABANDON_REASON_REQUIRED,
    COMMENT_EMPTY,
    RELATION_INCOMPLETE,
    RETURN_REASON_REQUIRED,
    SIGNER_NOT_LEADER,
)

# Messages users see (the tests use these constants rather than copies of the text).
SUBJECT_REQUIRED = _("Trích yếu không được để trống.")
SIGNER_REQUIRED = _("Cần chọn người ký.")
DRAFT_FILE_REQUIRED = _("Cần đính kèm tệp dự thảo.")


class IdListField(forms.Field):
    """Agency ids posted as repeated values (the recipient picker's checkboxes). Duplicates are kept:
    the service reports "chosen twice" in Vietnamese rather than the form hiding it."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if not value:
            return []
        items = value if isinstance(value, (list, tuple)) else [value]
        try:
            return [int(v) for v in items if str(v).strip()]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Nơi nhận không hợp lệ.")) from None


class DraftForm(forms.Form):
    """Metadata, recipients and (on creation) the files of a draft.

    ``agencies``: the agencies where the user may draft. ``leaders``: Position rows (leaders of those
    agencies) offered as reviewer and signer. ``units``, ``lists`` and ``related`` likewise come from
    selectors in the view.
    """

    document_type = forms.ModelChoiceField(
        label=_("Loại văn bản"), queryset=DocumentType.objects.filter(is_active=True),
        empty_label=_("– Chọn loại văn bản –"),
        error_messages={"required": _("Cần chọn loại văn bản."), "invalid_choice": _("Loại văn bản không hợp lệ.")})
    subject = forms.CharField(label=_("Trích yếu"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                              error_messages={"required": SUBJECT_REQUIRED,
                                              "max_length": _("Trích yếu dài quá 1000 ký tự.")})
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices, initial=Secrecy.NORMAL)
    unit_abbreviation = forms.CharField(
        label=_("Viết tắt đơn vị soạn thảo (công văn)"), max_length=20, required=False,
        help_text=_("Công văn có ký hiệu <cơ quan>-<đơn vị>, ví dụ UBND-VX."))
    signer_authority = forms.ChoiceField(label=_("Thẩm quyền ký"), choices=SignerAuthority.choices, required=False)
    signer_position = forms.CharField(label=_("Chức vụ người ký"), max_length=100, required=False,
                                      widget=forms.TextInput(attrs={"placeholder": _("Ví dụ: Chủ tịch")}))
    recipients = IdListField(label=_("Nơi nhận trong hệ thống"))
    extra_recipients = forms.CharField(
        label=_("Nơi nhận khác"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
        help_text=_("Mỗi dòng một nơi nhận không gửi qua hệ thống, ví dụ: Lưu: VT, VX."))
    relation_kind = forms.ChoiceField(label=_("Quan hệ với văn bản khác"), required=False,
                                      choices=[("", _("– Không –"))] + RelationKind.choices)

    def __init__(self, *args, agencies=(), leaders=(), units=(), lists=(), related=(), with_files=True, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = list(agencies)
        many = len(agencies) > 1
        self.fields["agency"] = forms.TypedChoiceField(
            label=_("Cơ quan ban hành"), coerce=int, choices=[(a.pk, a.name) for a in agencies],
            initial=agencies[0].pk if agencies else None, widget=None if many else forms.HiddenInput,
            error_messages={"invalid_choice": _("Bạn chỉ soạn thảo được văn bản của cơ quan mình.")})

        def person(p):
            parts = [str(p.user), *distinct_parts([p.title, p.unit.name if p.unit_id else ""])]
            if many:
                parts.append(p.agency.short_name)
            return " – ".join(parts)

        leader_choices = [(p.user_id, person(p)) for p in leaders]
        self.fields["unit"] = forms.TypedChoiceField(
            label=_("Đơn vị soạn thảo"), coerce=int, empty_value=None, required=False,
            choices=[("", _("– Không thuộc đơn vị –"))] + [(u.pk, u.name) for u in units])
        self.fields["reviewer"] = forms.TypedChoiceField(
            label=_("Lãnh đạo đơn vị kiểm tra nội dung"), coerce=int, empty_value=None, required=False,
            choices=[("", _("– Không qua bước kiểm tra nội dung –"))] + leader_choices,
            help_text=_("Để trống nếu dự thảo chuyển thẳng văn thư kiểm tra thể thức."))
        self.fields["signer"] = forms.TypedChoiceField(
            label=_("Người ký"), coerce=int, choices=[("", _("– Chọn lãnh đạo ký –"))] + leader_choices,
            error_messages={"required": SIGNER_REQUIRED, "invalid_choice": SIGNER_NOT_LEADER})
        self.fields["recipient_lists"] = forms.TypedMultipleChoiceField(
            label=_("Danh sách nơi nhận đã lưu"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(rl.pk, f"{rl.name} ({rl.size})") for rl in lists],
            error_messages={"invalid_choice": _("Danh sách nơi nhận không tồn tại.")})
        self.fields["related_document"] = forms.TypedChoiceField(
            label=_("Văn bản liên quan"), coerce=int, empty_value=None, required=False,
            choices=[("", _("– Không –"))] + [(d.pk, _document_label(d)) for d in related],
            error_messages={"invalid_choice": _("Không tìm thấy văn bản liên quan hoặc bạn không có quyền xem.")})
        if with_files:
            self.fields["file"] = forms.FileField(
                label=_("Tệp dự thảo (DOCX, ODT, PDF)"),
                error_messages={"required": DRAFT_FILE_REQUIRED, "empty": _("Tệp dự thảo rỗng.")})
            self.fields["attachments"] = MultipleFileField(label=_("Phụ lục, tài liệu kèm theo"))
        self.order_fields(["agency", "document_type", "subject", "urgency", "secrecy", "unit", "unit_abbreviation",
                           "reviewer", "signer", "signer_authority", "signer_position"])

    def clean(self):
        cd = super().clean()
        if bool(cd.get("related_document")) != bool(cd.get("relation_kind")) and "related_document" not in self.errors:
            self.add_error("related_document", RELATION_INCOMPLETE)
        return cd


def _document_label(doc) -> str:
    number = doc.number_symbol or f"{doc.get_direction_display()} {doc.register_number}"
    return f"{number} ({doc.issued_on:%d/%m/%Y}) – {doc.subject[:90]}"


# --- The steps of the flow ------------------------------------------------------------------------

class NoteForm(forms.Form):
    note = forms.CharField(label=_("Ý kiến kèm theo"), required=False, max_length=COMMENT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 2}), error_messages={"max_length": TOO_LONG})


class ApproveForm(NoteForm):
    urgency = forms.ChoiceField(label=_("Độ khẩn (người ký quyết định)"), choices=Urgency.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("Cần nêu lý do."), "max_length": TOO_LONG})


class ReturnForm(ReasonForm):
    reason = forms.CharField(label=_("Lý do trả lại"), max_length=REASON_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": RETURN_REASON_REQUIRED, "max_length": TOO_LONG})


class AbandonForm(ReasonForm):
    reason = forms.CharField(label=_("Lý do hủy dự thảo"), max_length=REASON_MAX_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": ABANDON_REASON_REQUIRED, "max_length": TOO_LONG})


class _MethodForm(forms.Form):
    """The signing methods offered to this user at this step (paper always; a digital signature when
    the user — or, for the agency's signature, the agency — has a certificate), with the signing PIN
    when the key is kept on the server."""

    def __init__(self, *args, methods=None, remote_command: str = "", preferred: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        methods = methods or {}
        self.fields["method"] = forms.ChoiceField(
            label=_("Cách ký"), choices=[(code, m.label) for code, m in methods.items()],
            widget=forms.HiddenInput if len(methods) == 1 else forms.RadioSelect,
            initial=preferred if preferred in methods else next(iter(methods), None),
            error_messages={"invalid_choice": _("Cách ký không hợp lệ.")})
        if "pades" in methods:
            self.fields["pin"] = forms.CharField(
                label=_("Mã PIN ký số"), required=False, max_length=100, strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
                help_text=_("Chỉ khi chọn “Ký số (mã PIN)”."))
        self.remote_command = remote_command if "remote" in methods else ""
        self.order_fields(["method", "pin"])


class SignForm(_MethodForm):
    files = MultipleFileField(label=_("Bản quét văn bản đã ký (PDF hoặc ảnh)"))


class ApproveSignForm(SignForm):
    """"Duyệt và ký": the approval's urgency and note with the signature's method, PIN or scan."""

    urgency = forms.ChoiceField(label=_("Độ khẩn (người ký quyết định)"), choices=Urgency.choices)
    note = forms.CharField(label=_("Ý kiến kèm theo"), required=False, max_length=COMMENT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 2}), error_messages={"max_length": TOO_LONG})


class NumberForm(forms.Form):
    def __init__(self, *args, registers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["register"] = forms.TypedChoiceField(
            label=_("Sổ văn bản đi"), coerce=int, empty_value=None, required=False,
            choices=[("", _("– Tự chọn theo loại văn bản –"))] + [(r.pk, f"{r.name} {r.year}") for r in registers],
            error_messages={"invalid_choice": _("Sổ văn bản không hợp lệ cho văn bản này.")})


class SealForm(_MethodForm):
    files = MultipleFileField(label=_("Bản quét đã đóng dấu (không bắt buộc)"))
    issue = forms.BooleanField(label=_("Phát hành ngay sau khi đóng dấu"), required=False)


class IssueForm(forms.Form):
    pass


class UploadForm(forms.Form):
    role = forms.ChoiceField(label=_("Loại tệp"), choices=[(FileRole.DRAFT, _("Phiên bản mới của dự thảo")),
                                                          (FileRole.ATTACHMENT, _("Phụ lục, tài liệu kèm theo"))])
    files = MultipleFileField(label=_("Tệp"))
    note = forms.CharField(label=_("Ghi chú phiên bản"), required=False, max_length=SHORT_NOTE_MAX_LENGTH,
                           error_messages={"max_length": TOO_LONG})


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Ý kiến"), max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": COMMENT_EMPTY, "max_length": TOO_LONG})
