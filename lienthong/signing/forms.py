"""Forms of the digital-signature pages: importing a key file, registering a token's certificate,
changing the image, and the trust store uploads. Validation of the content is the services' job."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lienthong.core.errors import ValidationFailed
from lienthong.core.forms import VietnameseDecimalField
from lienthong.files import UploadTooLarge, read_limited

MAX_UPLOAD = 1024 * 1024
TOO_LARGE = _("Tệp quá lớn (tối đa 1 MB).")


def _file(label, accept, help_text="", required=True):
    return forms.FileField(label=label, required=required, help_text=help_text,
                           widget=forms.ClearableFileInput(attrs={"accept": accept}))


def read_upload(form, name) -> bytes | None:
    """The bytes of the key, certificate, CRL or image uploaded in field ``name`` (at most 1 MB), or None."""
    upload = form.cleaned_data.get(name)
    if not upload:
        return None
    try:
        return read_limited(upload, max_bytes=MAX_UPLOAD)
    except UploadTooLarge:
        raise ValidationFailed({name: [TOO_LARGE]}) from None


class ActionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)


class ImageFields(forms.Form):
    image = _file(_("Ảnh chữ ký / con dấu (PNG nền trong suốt)"), ".png,image/png",
                  _("Tối đa 1 MB. Để trống để giữ ảnh đang dùng."), required=False)
    image_width_mm = VietnameseDecimalField(label=_("Chiều rộng ảnh khi in (mm)"), required=False, min_value=10,
                                        max_value=60, decimal_places=1,
                                        help_text=_("Con dấu in đúng kích thước thật (thường 35–40 mm)."))


class Pkcs12Form(ImageFields):
    pkcs12 = _file(_("Tệp khóa PKCS#12 (.p12, .pfx)"), ".p12,.pfx,application/x-pkcs12")
    pin = forms.CharField(label=_("Mã PIN của tệp khóa"), max_length=100,
                          widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
                          help_text=_("Mã PIN không được lưu: anh/chị nhập lại mỗi lần ký."))
    field_order = ["pkcs12", "pin", "image", "image_width_mm"]


class CertificateForm(ImageFields):
    certificate = _file(_("Chứng thư số (.cer, .crt, .pem)"), ".cer,.crt,.pem,.der")
    custody = forms.ChoiceField(label=_("Khóa bí mật nằm ở"), choices=[
        ("remote", _("USB token của người ký (ký từ xa)")),
        ("pkcs11", _("HSM / token gắn với máy chủ (PKCS#11)"))])
    pkcs11_token = forms.CharField(label=_("Nhãn token PKCS#11"), max_length=100, required=False)
    pkcs11_key = forms.CharField(label=_("Nhãn khóa trên token"), max_length=100, required=False)
    field_order = ["certificate", "custody", "pkcs11_token", "pkcs11_key", "image", "image_width_mm"]

    def __init__(self, *args, agency: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not agency:
            for name in ("custody", "pkcs11_token", "pkcs11_key"):
                del self.fields[name]


class ImageForm(ImageFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].required = True
        self.fields["image"].help_text = _("Tối đa 1 MB.")


class TrustedCertificateForm(forms.Form):
    certificate = _file(_("Chứng thư gốc hoặc trung gian (PEM hoặc DER)"), ".cer,.crt,.pem,.der")
    is_test = forms.BooleanField(label=_("Chứng thư thử nghiệm (không có giá trị pháp lý)"), required=False)


class RevocationListForm(forms.Form):
    crl = _file(_("Danh sách chứng thư bị thu hồi (CRL, PEM hoặc DER)"), ".crl,.pem,.der")
