"""Forms of the agency directory pages: the filter bar and the import upload."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup
from lienthong.core.text import fold, nfc


class Scope:
    INTERNAL = "internal"
    EXTERNAL = "external"


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Có dấu hoặc không dấu: vi thuy")}))
    level = forms.ModelChoiceField(label=_("Cấp"), queryset=AdministrativeLevel.objects.all(), to_field_name="code",
                                   required=False, empty_label=_("Tất cả"))
    group = forms.ModelChoiceField(label=_("Nhóm xếp hạng"), queryset=AgencyGroup.objects.all(), to_field_name="code",
                                   required=False, empty_label=_("Tất cả"))
    scope = forms.ChoiceField(label=_("Phạm vi"), required=False, choices=[
        ("", _("Tất cả")), (Scope.INTERNAL, _("Trong hệ thống")), (Scope.EXTERNAL, _("Ngoài hệ thống"))])

    def filter(self, qs: QuerySet[Agency]) -> QuerySet[Agency]:
        """Narrow ``qs`` by the valid filters; the name matches without diacritics ("vi thuy" finds "Vị Thủy")."""
        cd = self.cleaned_data
        query = " ".join(nfc(cd.get("q")).split())
        if query:
            qs = qs.filter(Q(name_folded__contains=fold(query)) | Q(identifier_code__startswith=query))
        if cd.get("level"):
            qs = qs.filter(level=cd["level"])
        if cd.get("group"):
            qs = qs.filter(group=cd["group"])
        if cd.get("scope") == Scope.INTERNAL:
            qs = qs.filter(is_external=False)
        elif cd.get("scope") == Scope.EXTERNAL:
            qs = qs.filter(is_external=True)
        return qs


class AgencyImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp CSV hoặc Excel (.xlsx)"), help_text=_("Tối đa 5 MB, dòng đầu là tiêu đề cột."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}))
