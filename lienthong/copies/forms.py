from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.copies.models import CopyForm


class CopyCreateForm(forms.Form):
    form = forms.ChoiceField(label=_("Hình thức sao"), choices=CopyForm.choices)
    pages = forms.CharField(label=_("Các trang trích sao"), required=False, max_length=100,
                            help_text=_("Chỉ với trích sao, ví dụ: 1-2, 4"))
    signer_id = forms.TypedChoiceField(label=_("Người ký bản sao"), coerce=int, choices=())
    recipients_text = forms.CharField(label=_("Nơi nhận"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000,
                                      initial="- Lưu: VT.")
    pin = forms.CharField(label=_("Mã PIN chữ ký số của cơ quan"), required=False, max_length=64,
                          widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, signers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer_id"].choices = list(signers)
