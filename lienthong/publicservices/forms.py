"""Forms of the public-service pages: parsing only; the rules live in ``services``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.core.months import MonthField

from .models import OnlineLevel, levels_in_force


def ranking_year(today: dt.date | None = None) -> int:
    """The ranking year whose window (01/11 of the year before to 31/10) holds ``today``."""
    today = today or timezone.localdate()
    return today.year + 1 if today.month >= 11 else today.year


class CatalogueFilterForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=None, required=False, label=_("Cơ quan"),
                                    empty_label=_("— Tất cả cơ quan —"))
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=2000, max_value=2100, required=False,
                              help_text=_("Kỳ số liệu từ 01/11 năm trước đến 31/10 năm đánh giá."))
    q = forms.CharField(label=_("Tìm mã, tên, lĩnh vực"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Mức độ"), required=False,
                              choices=[("", _("— Mọi mức độ —")), *OnlineLevel.choices])

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].label_from_instance = lambda a: a.short_name or a.name


COUNT_MAX = 2**31 - 1  # the columns are 32-bit integers on PostgreSQL


class ProcedureForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=None, label=_("Cơ quan"))
    code = forms.CharField(label=_("Mã TTHC"), max_length=60)
    name = forms.CharField(label=_("Tên thủ tục hành chính"), max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))
    field = forms.CharField(label=_("Lĩnh vực"), max_length=200, required=False)
    online_level = forms.ChoiceField(label=_("Mức độ DVCTT hiện nay"))
    active = forms.BooleanField(label=_("Đang áp dụng"), required=False, initial=True)

    def __init__(self, *args, agencies=None, current_level: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies
            self.fields["agency"].label_from_instance = lambda a: a.short_name or a.name
        allowed = list(levels_in_force(timezone.localdate()))
        if current_level and current_level not in allowed:
            allowed.append(current_level)  # an old level stays selectable until it is changed
        self.fields["online_level"].choices = [(v, label) for v, label in OnlineLevel.choices if v in allowed]


class ProcedureMonthForm(forms.Form):
    month = MonthField(label=_("Tháng"))
    online_level = forms.ChoiceField(label=_("Mức độ trong tháng"), choices=OnlineLevel.choices,
                                     help_text=_("Trước 15/8/2022: mức độ 1–4; từ 15/8/2022: toàn trình / một phần."))
    total = forms.IntegerField(label=_("Hồ sơ tiếp nhận"), min_value=0, max_value=COUNT_MAX)
    online = forms.IntegerField(label=_("Tiếp nhận trực tuyến"), min_value=0, max_value=COUNT_MAX)
    settled = forms.IntegerField(label=_("Đã giải quyết"), min_value=0, max_value=COUNT_MAX)
    on_time = forms.IntegerField(label=_("Giải quyết đúng hạn"), min_value=0, max_value=COUNT_MAX)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp số liệu (.xlsx hoặc .csv)"),
                           help_text=_("Tối đa 5 MB, 20 000 dòng; CSV lưu bảng mã UTF-8."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
