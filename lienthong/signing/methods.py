"""How a draft gets its signatures: one interface, several methods.

The outgoing flow has two signing steps (NĐ30 Art. 13 and 17): the competent person signs the
approved draft, then the văn thư applies the agency's seal or digital signature to the numbered
document. ``SigningMethod`` is the interface the flow calls for both; the method chosen is stored
with the step. This module ships "signed on paper, scanned copy attached"; the PAdES methods
(server-held keys, remote token signing, PKCS#11) of the digital-signature issue plug in here by
being listed in ``settings.SIGNING_METHODS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core.errors import ValidationFailed


@dataclass
class SignRequest:
    """What the flow hands a method. ``files`` are ``documents.services.ReadFile`` objects: the file
    to sign (the approved version, or the numbered original) and whatever the user uploaded."""

    actor: object
    agency: object
    current_files: list = field(default_factory=list)
    uploads: list = field(default_factory=list)
    number_symbol: str = ""
    issued_on: object = None
    options: dict = field(default_factory=dict)


@dataclass
class SignResult:
    files: list  # ReadFile objects: the signed original(s) that replace ``current_files``
    summary: str  # what the history shows, in Vietnamese


class SigningMethod(Protocol):
    code: str
    label: str

    def sign_personal(self, request: SignRequest) -> SignResult: ...

    def sign_agency(self, request: SignRequest) -> SignResult: ...


class PaperSigning:
    """Signed (or sealed) on paper; the văn thư attaches the scanned copy.

    The personal step needs the scan of the signed paper. The agency step takes the scan of the
    sealed paper when there is one, otherwise the signed scan stays the original.
    """

    code = "paper"
    label = gettext_lazy("Ký trên giấy, đính kèm bản quét")

    def sign_personal(self, request: SignRequest) -> SignResult:
        if not request.uploads:
            raise ValidationFailed({"files": [_("Cần đính kèm bản quét văn bản đã ký (PDF hoặc ảnh).")]})
        return SignResult(files=list(request.uploads), summary=_("Đã ký trên giấy, đính kèm bản quét"))

    def sign_agency(self, request: SignRequest) -> SignResult:
        if request.uploads:
            return SignResult(files=list(request.uploads), summary=_("Đã đóng dấu, đính kèm bản quét có dấu"))
        return SignResult(files=list(request.current_files), summary=_("Đã đóng dấu trên bản giấy"))


def available_methods() -> dict[str, SigningMethod]:
    methods = {}
    for path in getattr(settings, "SIGNING_METHODS", ["lienthong.signing.methods.PaperSigning"]):
        method = import_string(path)()
        methods[method.code] = method
    return methods


def method_get(code: str) -> SigningMethod:
    methods = available_methods()
    if code not in methods:
        raise ValidationFailed({"method": [_("Cách ký không hợp lệ.")]})
    return methods[code]
