from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.core.forms import VietnameseDecimalField

from .rules import CommendationRules
from .services import MIN_YEAR
from .tables import MAX_BYTES


class ReformImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp CSV hoặc Excel (.xlsx)"),
        help_text=_("Tối đa %(n)s MB; dòng đầu là tiêu đề cột như tệp mẫu.") % {"n": MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}))


class RulesForm(forms.Form):
    """The commendation rule for one reading of the page (defaults: ``rules.default_rules``)."""

    ranking_rule = forms.ChoiceField(label=_("Điều kiện xếp hạng CNTT"), choices=[
        ("class", _("Theo xếp loại (mức cao nhất)")), ("top_n", _("Theo thứ hạng trong nhóm"))])
    class_levels = forms.IntegerField(label=_("Số mức xếp loại được xét"), min_value=1, max_value=5,
                                      help_text=_("1 = chỉ mức cao nhất (Xuất sắc); 2 = thêm mức Tốt…"))
    top_n = forms.IntegerField(label=_("Lấy bao nhiêu hạng đầu mỗi nhóm"), min_value=1, max_value=50)
    min_reform_index = VietnameseDecimalField(label=_("Ngưỡng chỉ số CCHC"), min_value=0, max_value=100,
                                          decimal_places=2, max_digits=5)
    it_weight = VietnameseDecimalField(label=_("Trọng số CNTT trong điểm kết hợp"), min_value=0, max_value=1,
                                   decimal_places=2, max_digits=3)
    reform_year = forms.IntegerField(label=_("Năm chỉ số CCHC"), min_value=MIN_YEAR, required=False,
                                     help_text=_("Để trống: năm của đợt đánh giá."))

    def __init__(self, data=None, *, defaults: CommendationRules):
        self.defaults = defaults
        initial = {"ranking_rule": defaults.ranking_rule, "class_levels": defaults.class_levels,
                   "top_n": defaults.top_n, "min_reform_index": defaults.min_reform_index,
                   "it_weight": defaults.it_weight, "reform_year": defaults.reform_year}
        if data is not None:
            data = {**{k: v for k, v in initial.items() if v is not None}, **data.dict()}
        super().__init__(data, initial=initial)

    def clean_reform_year(self):
        year = self.cleaned_data.get("reform_year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("Năm chỉ số CCHC không được sau năm hiện tại."))
        return year

    def rules(self) -> CommendationRules:
        if not self.is_bound or not self.is_valid():
            return self.defaults
        d = self.cleaned_data
        return CommendationRules(ranking_rule=d["ranking_rule"], class_levels=d["class_levels"], top_n=d["top_n"],
                                 min_reform_index=Decimal(d["min_reform_index"]), it_weight=Decimal(d["it_weight"]),
                                 reform_year=d["reform_year"])
