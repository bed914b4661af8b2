"""Web forms of the processing panel and the printouts. They parse input only: whether a unit belongs
to the receiving agency, whether a deadline falls before the date received and who may act are the
services' checks, shown next to the form they came from."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core.limits import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, REASON_MAX_LENGTH, TOO_LONG
from lienthong.core.widgets import DayInput
from lienthong.processing.models import AssignmentRole
from lienthong.processing.services import AssignmentSpec
from lienthong.processing.services.assignments import LATE_REASON_MAX_LENGTH, NOBODY_CHOSEN, NOTE_EMPTY

DATE = DayInput()
DATE_ERRORS = {"invalid": gettext_lazy("Ngày không hợp lệ (dd/mm/yyyy).")}
MAX_ROWS = 30  # more rows than any instruction needs; the rest of a hostile post is ignored
_TARGET = re.compile(r"^(unit|user):(\d{1,12})$")
_ROW_KEY = re.compile(r"^(?P<prefix>[\w]+)-row-(?P<i>\d{1,3})-target$")

# Messages users see (the tests use these constants rather than copies of the text).
LEADER_REQUIRED = gettext_lazy("Cần chọn lãnh đạo nhận trình.")
LEADER_INVALID = gettext_lazy("Lãnh đạo không hợp lệ.")
TARGET_INVALID = gettext_lazy("Lựa chọn đơn vị hoặc người không hợp lệ.")


class SubmitForm(forms.Form):
    leader = forms.TypedChoiceField(label=gettext_lazy("Trình lãnh đạo"), coerce=int,
                                    error_messages={"required": LEADER_REQUIRED, "invalid_choice": LEADER_INVALID})
    note = forms.CharField(label=gettext_lazy("Ý kiến văn thư"), required=False, max_length=REASON_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 1}), error_messages={"max_length": TOO_LONG})

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [("", _("– Chọn lãnh đạo –"))] + [
            (p.user_id, f"{p.user}" + (f" – {p.title}" if p.title else "")) for p in leaders]


class AssignmentRowForm(forms.Form):
    """One line of an instruction: a role, a unit or a person (one select, "unit:3" / "user:7"),
    a deadline and the instruction text."""

    role = forms.ChoiceField(label=gettext_lazy("Vai trò"), choices=AssignmentRole.choices,
                             error_messages={"invalid_choice": gettext_lazy("Vai trò không hợp lệ.")})
    target = forms.CharField(label=gettext_lazy("Đơn vị hoặc người"), required=False, widget=forms.Select)
    deadline = forms.DateField(label=gettext_lazy("Hạn xử lý"), required=False, widget=DATE,
                               error_messages=DATE_ERRORS)
    instruction = forms.CharField(label=gettext_lazy("Ý kiến chỉ đạo"), required=False, max_length=REASON_MAX_LENGTH,
                                  error_messages={"max_length": TOO_LONG},
                                  widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Ý kiến chỉ đạo")}))

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].widget.choices = [("", _("– Chọn đơn vị hoặc người –"))] + list(targets)

    def clean_target(self):
        value = self.cleaned_data.get("target") or ""
        if value and not _TARGET.match(value):
            raise forms.ValidationError(TARGET_INVALID)
        return value

    def spec(self) -> AssignmentSpec | None:
        """The line as the service takes it; ``None`` for a line left empty."""
        target = self.cleaned_data.get("target")
        if not target:
            return None
        kind, pk = _TARGET.match(target).groups()
        return AssignmentSpec(role=self.cleaned_data["role"], unit_id=int(pk) if kind == "unit" else None,
                              user_id=int(pk) if kind == "user" else None,
                              deadline=self.cleaned_data.get("deadline"),
                              instruction=self.cleaned_data.get("instruction") or "")


class AssignmentRows:
    """The lines of an assignment (or a unit head's hand-on) posted as ``<prefix>-row-<i>-<field>``.

    Lines come from the keys present in the post, so a line added in the browser (htmx "add row")
    needs no counter; lines whose target is empty are skipped. Errors the service finds on the
    whole instruction ("Dòng 2: …") are shown above the lines.
    """

    def __init__(self, data=None, *, prefix: str, targets, default_deadline: dt.date | None = None,
                 roles=(AssignmentRole.LEAD, AssignmentRole.SUPPORT)):
        self.prefix, self.targets, self.default_deadline = prefix, list(targets), default_deadline
        self.data = data
        self.non_field_errors: list[str] = []
        # A deadline after the document's own: the leader ticks the confirmation and says why (issue 18).
        self.late_confirmed = bool(data and data.get(f"{prefix}-late-confirm"))
        self.late_reason = (data.get(f"{prefix}-late-reason", "") if data else "")[:LATE_REASON_MAX_LENGTH + 1]
        self.late_errors: list[str] = []
        if data is None:
            self.rows = [self.row(i, role=role) for i, role in enumerate(roles)]
        else:
            indexes = sorted({int(m.group("i")) for key in data.keys()
                              if (m := _ROW_KEY.match(key)) and m.group("prefix") == prefix})[:MAX_ROWS]
            self.rows = [self.row(i) for i in indexes]

    def row(self, index: int, *, role: str = AssignmentRole.SUPPORT) -> AssignmentRowForm:
        form = AssignmentRowForm(self.data, prefix=f"{self.prefix}-row-{index}", targets=self.targets,
                                 initial={"role": role, "deadline": self.default_deadline})
        form.index = index
        return form

    @property
    def next_index(self) -> int:
        return max((r.index for r in self.rows), default=-1) + 1

    def is_valid(self) -> bool:
        valid = all([r.is_valid() for r in self.rows])  # every row validated, to show every error
        if valid and not self.specs():
            self.non_field_errors.append(str(NOBODY_CHOSEN))
            return False
        return valid and not self.non_field_errors

    def specs(self) -> list[AssignmentSpec]:
        return [s for r in self.rows if (s := r.spec()) is not None]

    @property
    def confirmed_late_reason(self) -> str:
        """The reason for a late deadline, only when the confirmation is ticked."""
        return self.late_reason.strip() if self.late_confirmed else ""

    def add_errors(self, messages) -> None:
        self.non_field_errors.extend(str(m) for m in messages)

    def add_late_errors(self, messages) -> None:
        self.late_errors.extend(str(m) for m in messages)

    @property
    def has_errors(self) -> bool:
        return bool(self.non_field_errors or self.late_errors) or any(r.errors for r in self.rows)


def _reply_field():
    """The text the sender reads with the status (issue 11): separate from the internal note or result."""
    return forms.CharField(
        label=gettext_lazy("Nội dung phản hồi cho nơi gửi"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1}),
        help_text=gettext_lazy("Không bắt buộc. Chỉ nội dung này được gửi về cơ quan gửi văn bản; ý kiến xử lý "
                               "và kết quả là nội bộ."),
        error_messages={"max_length": gettext_lazy("Nội dung phản hồi cho nơi gửi tối đa %(limit_value)d ký tự "
                                                   "(đang có %(show_value)d).")})


class NoteForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Ý kiến, tiến độ xử lý"), max_length=COMMENT_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": NOTE_EMPTY, "max_length": TOO_LONG})
    # The range is the service's check (one message for the web and the API); the browser hints it.
    progress = forms.IntegerField(label=gettext_lazy("Tiến độ (%)"), required=False,
                                  widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
                                  error_messages={"invalid": gettext_lazy("Tiến độ phải là số.")})
    reply_to_sender = _reply_field()


class CompleteForm(forms.Form):
    result = forms.CharField(label=gettext_lazy("Kết quả xử lý"), required=False, max_length=COMMENT_MAX_LENGTH,
                             error_messages={"max_length": TOO_LONG},
                             widget=forms.Textarea(attrs={"rows": 2}))
    reply_document = forms.TypedChoiceField(label=gettext_lazy("Văn bản trả lời"), coerce=int, required=False,
                                            empty_value=None,
                                            error_messages={"invalid_choice": gettext_lazy(
                                                "Văn bản trả lời không hợp lệ.")})
    reply_number = forms.CharField(label=gettext_lazy("hoặc số, ký hiệu văn bản trả lời"), required=False,
                                   max_length=80, widget=forms.TextInput(attrs={"placeholder": "15/UBND-VP"}))
    reply_to_sender = _reply_field()

    def __init__(self, *args, replies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_document"].choices = [("", _("– Không có / chọn văn bản đi –"))] + [
            (d.pk, f"{d.number_symbol} – {d.issued_on:%d/%m/%Y} – {d.subject[:70]}") for d in replies]


class ChaseForm(forms.Form):
    message = forms.CharField(label=gettext_lazy("Lời nhắc"), required=False, max_length=NOTE_MAX_LENGTH,
                              error_messages={"max_length": TOO_LONG},
                              widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Đề nghị khẩn trương xử lý")}))


class TrackingForm(forms.Form):
    """The period (and agency) of the Sổ theo dõi giải quyết văn bản đến."""

    MAX_DAYS = 366

    agency = forms.TypedChoiceField(label=gettext_lazy("Cơ quan"), coerce=int,
                                    error_messages={"invalid_choice": gettext_lazy("Cơ quan không hợp lệ.")})
    date_from = forms.DateField(label=gettext_lazy("Từ ngày"), widget=DATE,
                                error_messages={**DATE_ERRORS, "required": gettext_lazy("Cần nhập từ ngày.")})
    date_to = forms.DateField(label=gettext_lazy("Đến ngày"), widget=DATE,
                              error_messages={**DATE_ERRORS, "required": gettext_lazy("Cần nhập đến ngày.")})

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
        if len(self.fields["agency"].choices) == 1:
            self.fields["agency"].widget = forms.HiddenInput()

    def clean(self):
        cd = super().clean()
        a, b = cd.get("date_from"), cd.get("date_to")
        if a and b:
            if a > b:
                self.add_error("date_to", _("Đến ngày không được trước từ ngày."))
            elif (b - a).days >= self.MAX_DAYS:
                self.add_error("date_to", _("Mỗi lần in tối đa một năm (366 ngày)."))
        return cd
