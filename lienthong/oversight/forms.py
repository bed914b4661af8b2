"""The usage dashboard's filters (period, level, group) and thresholds, all read from the query string so
that the page, the drill-down and the XLSX export show the same rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.core.forms import VietnameseDecimalField
from lienthong.core.months import MonthField  # noqa: F401 - re-exported: ``YYYY-MM``, years 2000–2100
from lienthong.core.numbers import vietnamese_number
from lienthong.core.widgets import DayInput
from lienthong.oversight.definitions import VN, month_start

MAX_MONTHS = 36
# Messages users see (the tests use these constants rather than copies of the text).
PERIOD_REVERSED = _("Tháng bắt đầu phải trước hoặc bằng tháng kết thúc.")
PERIOD_TOO_LONG = _("Khoảng thời gian tối đa %(n)s tháng.")
AGENCY_LIST_INVALID = _("Danh sách cơ quan không hợp lệ.")


def months_back(month: dt.date, n: int) -> dt.date:
    y, m = divmod(month.year * 12 + month.month - 1 - n, 12)
    return dt.date(y, m + 1, 1)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last complete month (issue 18: the current month is nearly empty in its first days, and a công văn
    đôn đốc cites whole months)."""
    last = months_back(month_start(today or timezone.localdate(timezone=VN)), 1)
    return last, last


class UsageFilterForm(forms.Form):
    month_from = MonthField(label=_("Từ tháng"), required=False)
    month_to = MonthField(label=_("Đến tháng"), required=False)
    level = forms.ChoiceField(label=_("Cấp"), required=False)
    group = forms.ChoiceField(label=_("Nhóm"), required=False)

    def __init__(self, data=None, *, levels=(), groups=(), today=None):
        first, last = default_period(today)
        data = data.copy() if data is not None else {}
        for name, value in (("month_from", first), ("month_to", last)):
            if not data.get(name):
                data[name] = value.strftime("%m/%Y")  # as the month input shows it (core.months)
        super().__init__(data)
        self.fields["level"].choices = [("", _("Tất cả"))] + [(lv.code, lv.name) for lv in levels]
        self.fields["group"].choices = [("", _("Tất cả"))] + [(g.code, g.name) for g in groups]

    def clean(self):
        data = super().clean()
        first, last = data.get("month_from"), data.get("month_to")
        if first and last:
            if first > last:
                raise forms.ValidationError(PERIOD_REVERSED)
            if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
                raise forms.ValidationError(PERIOD_TOO_LONG % {"n": MAX_MONTHS})
        return data


def _percent(label):
    return VietnameseDecimalField(label=label, required=False, min_value=0, max_value=100, decimal_places=1)


class ThresholdForm(forms.Form):
    """Percentages in the form, ratios for ``selectors.laggards``."""

    min_active = _percent(_("Tỷ lệ người dùng hoạt động tối thiểu (%)"))
    min_electronic = _percent(_("Tỷ lệ gửi điện tử tối thiểu (%)"))
    min_signed = _percent(_("Tỷ lệ ký số hợp lệ tối thiểu (%)"))
    max_overdue = forms.IntegerField(label=_("Số việc quá hạn tối đa"), required=False, min_value=0,
                                     max_value=1_000_000, widget=forms.NumberInput(attrs={"min": "0"}))

    KEYS = {"min_active": "active_user_share", "min_electronic": "sent_electronically_share",
            "min_signed": "digital_sign_valid_share", "max_overdue": "overdue_items"}

    @classmethod
    def as_data(cls, thresholds: dict[str, float]) -> dict[str, str]:
        """The form's fields as typed for ``thresholds`` (ratios shown as Vietnamese percentages: 0.805 → "80,5")."""
        out = {}
        for name, key in cls.KEYS.items():
            value = thresholds.get(key)
            if value is None:
                out[name] = ""
            elif name == "max_overdue":
                out[name] = str(int(value))
            else:
                out[name] = vietnamese_number(round(Decimal(str(value)) * 100, 1))
        return out

    def thresholds(self) -> dict[str, float]:
        out = {}
        for name, key in self.KEYS.items():
            value = self.cleaned_data.get(name)
            if value is not None:
                out[key] = int(value) if name == "max_overdue" else float(value) / 100
        return out


class AgencyIdsField(forms.Field):
    """Checkboxes ``agency`` repeated in the POST → a list of agency ids."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            return [int(v) for v in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(AGENCY_LIST_INVALID) from None


class ReminderForm(forms.Form):
    """The công văn đôn đốc action under the dashboard: the laggards ticked, who signs, the reply date."""

    agency = AgencyIdsField(label=_("Cơ quan được đôn đốc"), required=False)
    signer = forms.IntegerField(label=_("Người ký"), required=False, widget=forms.Select)
    reply_by = forms.DateField(label=_("Hạn báo cáo kết quả khắc phục"), required=False,
                               widget=DayInput(),
                               input_formats=["%Y-%m-%d", "%d/%m/%Y"])
