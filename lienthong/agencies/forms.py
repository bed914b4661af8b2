"""Forms of the agency directory pages: the filter bar and the import upload."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup
from lienthong.agencies.selectors import agency_directory


class Scope:
    INTERNAL = "internal"
    EXTERNAL = "external"


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Có dấu hoặc không dấu: vi thuy")}))
    level = forms.ModelChoiceField(label=_("Cấp"), queryset=AdministrativeLevel.objects.all(), to_field_name="code",
                                   required=False, empty_label=_("Tất cả"))
    group = forms.ModelChoiceField(label=_("Nhóm xếp hạng"), queryset=AgencyGroup.objects.all(), to_field_name="code",
                                   required=False, empty_label=_("Tất cả"))
    scope = forms.ChoiceField(label=_("Phạm vi"), required=False, choices=[
        ("", _("Tất cả")), (Scope.INTERNAL, _("Trong hệ thống")), (Scope.EXTERNAL, _("Ngoài hệ thống"))])

    def directory(self) -> QuerySet[Agency]:
        """The directory narrowed by the valid filters (see ``agencies.selectors.agency_directory``)."""
        cd = self.cleaned_data
        scope = cd.get("scope")
        external = True if scope == Scope.EXTERNAL else False if scope == Scope.INTERNAL else None
        return agency_directory(q=cd.get("q"), level=cd.get("level"), group=cd.get("group"), external=external)


class AgencyImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp CSV hoặc Excel (.xlsx)"), help_text=_("Tối đa 5 MB, dòng đầu là tiêu đề cột."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}))
