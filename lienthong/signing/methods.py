"""How a draft gets its signatures: one interface, several methods.

The outgoing flow has two signing steps (NĐ30 Art. 13 and 17): the competent person signs the
approved draft, then the văn thư applies the agency's seal or digital signature to the numbered
document. ``SigningMethod`` is the interface the flow calls for both; the method chosen is stored
with the step. This module ships "signed on paper, scanned copy attached"; the PAdES methods
(server-held keys, remote token signing, PKCS#11) of the digital-signature issue plug in here by
being listed in ``settings.SIGNING_METHODS``.

- ``PaperSigning`` ("paper"): signed on paper, the scan is attached.
- ``ServerKeySigning`` ("pades"): a PAdES signature made on the server with the signer's key kept
  there (PKCS#12 unlocked by the signing PIN for this one signature) or, for the agency, on an HSM
  reached through PKCS#11.
- ``RemoteSigning`` ("remote"): the signature value came from the client's USB token through a
  remote-signing session (``drafting.remote_signing``); the method only hands over the finished files.

The heavy libraries (pyHanko) are imported inside the functions that sign (``pades``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core.errors import ValidationFailed
from lienthong.documents import services as document_services
from lienthong.signing import credentials, pades, selectors
from lienthong.signing.models import Credential, RevocationList
from lienthong.signing.verification import verify_pdf

# Refusals and history lines users see (the tests use these constants rather than copies of the text).
NO_AGENCY_CREDENTIAL = gettext_lazy("Cơ quan chưa có chữ ký số (chứng thư số cơ quan) trên hệ thống.")
NO_PERSONAL_CREDENTIAL = gettext_lazy("Bạn chưa có chữ ký số trên hệ thống. Hãy nhập chứng thư số "
                                      "(tệp .p12) ở trang “Chữ ký số của tôi”.")
NO_COMPETENT_SIGNATURE = gettext_lazy("Văn bản chưa có chữ ký số hợp lệ của người có thẩm quyền.")
SIGNED_DIGITALLY = gettext_lazy("Đã ký số (chữ ký số của %(s)s)")
AGENCY_SIGNED = gettext_lazy("Đã ký số cơ quan (%(a)s)")


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
    draft: object = None  # the draft being signed (signer, position), when the flow has one
    attachments: list = field(default_factory=list)  # separate attachments (ReadFiles) for the agency step


@dataclass
class SignResult:
    files: list  # ReadFile objects: the signed original(s) that replace ``current_files``
    summary: str  # what the history shows, in Vietnamese
    unchanged: bool = False  # the files are ``current_files`` as they were: nothing new to store


class SigningMethod(Protocol):
    code: str
    label: str

    def sign_personal(self, request: SignRequest) -> SignResult: ...

    def sign_agency(self, request: SignRequest) -> SignResult: ...

    def offered(self, *, actor, agency, step: str) -> bool:
        """Whether the sign ("sign") or seal ("seal") form offers this method to ``actor``."""


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
        return SignResult(files=list(request.current_files), summary=_("Đã đóng dấu trên bản giấy"), unchanged=True)

    def offered(self, *, actor, agency, step: str) -> bool:
        return True


# --- Digital signatures ---------------------------------------------------------------------------

def credential_for_step(*, actor, agency, step: str):
    """The credential a step signs with: the actor's own for "sign", the agency's for "seal"."""
    if step == "seal":
        return selectors.credential_for_agency(agency)
    return selectors.credential_for_user(actor)


def require_credential(credential, step: str):
    if credential is None:
        if step == "seal":
            raise ValidationFailed({"method": [str(NO_AGENCY_CREDENTIAL)]})
        raise ValidationFailed({"method": [str(NO_PERSONAL_CREDENTIAL)]})
    credentials.certificate_check_usable(bytes(credential.certificate))
    return credential


def pdf_of(read_file, field_name: str = "files") -> bytes:
    """The bytes of a PDF to sign, refused (in Vietnamese) when it is not a readable, unencrypted PDF."""
    if getattr(read_file.kind, "kind", "") != "pdf":
        raise ValidationFailed({field_name: [_("Tệp “%(f)s” không phải PDF: chỉ ký số được tệp PDF.") % {
            "f": read_file.name}]})
    pades.check_pdf(read_file.data)
    return read_file.data


def signed_file(name: str, data: bytes):
    """A signed PDF as a ``documents.services.ReadFile`` (checked and its text extracted like any upload)."""
    return document_services.files_read([SimpleUploadedFile(name, data, content_type="application/pdf")])[0]


def signer_details(draft, actor) -> tuple[str, str]:
    """The name and position printed under the signature (ô 7b, 7c)."""
    person = draft.signer if draft is not None else actor
    name = getattr(person, "full_name", "") or person.get_username()
    return name, (draft.signer_position if draft is not None else "")


def personal_signature_ok(data: bytes, *, signer_fingerprints=()) -> bool:
    """Whether ``data`` carries an intact, cryptographically valid signature of the competent person
    (the draft's signer's certificate when known; otherwise any personal signature), not followed by
    changes other than filling our fields and adding signatures."""
    report = verify_pdf(data, trust_roots=[], intermediates=[], crls=[],
                        known_personal_fingerprints=set(signer_fingerprints))
    for sig in getattr(report, "signatures", []) or []:
        if not getattr(sig, "intact", False):
            continue
        if getattr(sig, "modification", "") not in ("", "none", "form_filling", "NONE", "FORM_FILLING",
                                                    "LTA_UPDATES"):
            continue
        fingerprint = (getattr(sig, "fingerprint", "") or "").lower()
        if signer_fingerprints:
            if fingerprint in signer_fingerprints:
                return True
        elif getattr(sig, "kind", "") == "personal":
            return True
    return False


def _signer_fingerprints(draft) -> set[str]:
    if draft is None:
        return set()
    return {f.lower() for f in Credential.objects.filter(kind="personal", user_id=draft.signer_id)
            .values_list("fingerprint", flat=True)}


def require_personal_signature(data: bytes, draft) -> None:
    if not personal_signature_ok(data, signer_fingerprints=_signer_fingerprints(draft)):
        raise ValidationFailed({"files": [str(NO_COMPETENT_SIGNATURE)]})


class ServerKeySigning:
    """PAdES signatures made on the server: the signer's PKCS#12 (kept encrypted, opened with the
    signing PIN for this one signature) or the agency's key on an HSM (PKCS#11, no PIN asked)."""

    code = "pades"
    label = gettext_lazy("Ký số (mã PIN)")

    def offered(self, *, actor, agency, step: str) -> bool:
        credential = credential_for_step(actor=actor, agency=agency, step=step)
        return credential is not None and credential.custody in ("pkcs12", "pkcs11")

    def _signer(self, credential, options: dict):
        """A context manager yielding the pyHanko signer (a PKCS#11 session is closed after signing)."""
        pin = (options or {}).get("pin") or None
        if credential.custody == "pkcs12" and not pin:
            raise ValidationFailed({"pin": [_("Cần nhập mã PIN ký số.")]})
        if credential.custody not in ("pkcs12", "pkcs11"):
            raise ValidationFailed({"method": [
                _("Chứng thư số này nằm trên USB token: hãy chọn “Ký số bằng USB token”.")]})
        return credentials.open_signer(credential, pin=pin)

    def sign_personal(self, request: SignRequest) -> SignResult:
        credential = require_credential(credential_for_step(actor=request.actor, agency=request.agency, step="sign"),
                                        "sign")
        if not request.current_files:
            raise ValidationFailed({"files": [_("Dự thảo chưa có tệp để ký.")]})
        main = request.current_files[0]
        data = pdf_of(main)
        name, position = signer_details(request.draft, request.actor)
        with self._signer(credential, request.options) as signer:
            out = pades.sign_personal(data, signer=signer, image_png=bytes(credential.image or b""),
                                      image_width_mm=float(credential.image_width_mm), signer_name=name,
                                      signer_position=position, timestamper=pades.timestamper())
        return SignResult(files=[signed_file(main.name, out)],
                          summary=SIGNED_DIGITALLY % {"s": name})

    def sign_agency(self, request: SignRequest) -> SignResult:
        credential = require_credential(credential_for_step(actor=request.actor, agency=request.agency, step="seal"),
                                        "seal")
        if not request.current_files:
            raise ValidationFailed({"files": [str(NO_COMPETENT_SIGNATURE)]})
        main = request.current_files[0]
        data = pdf_of(main)
        require_personal_signature(data, request.draft)
        pdf_attachments, others = [], []
        for f in request.attachments:
            (pdf_attachments if getattr(f.kind, "kind", "") == "pdf" else others).append(f)
        for f in pdf_attachments:
            pades.check_pdf(f.data)
        stamper = pades.timestamper()
        with self._signer(credential, request.options) as signer:
            out = [signed_file(main.name, pades.sign_agency(
                data, signer=signer, seal_png=bytes(credential.image or b""),
                seal_width_mm=float(credential.image_width_mm), number_symbol=request.number_symbol,
                issued_on=request.issued_on, timestamper=stamper))]
            for f in pdf_attachments:
                out.append(signed_file(f.name, pades.sign_attachment(f.data, signer=signer,
                                                                     number_symbol=request.number_symbol,
                                                                     timestamper=stamper)))
        return SignResult(files=out, summary=agency_summary(request.agency, len(pdf_attachments), others))


def agency_summary(agency, signed_attachments: int, unsigned: list) -> str:
    text = AGENCY_SIGNED % {"a": getattr(agency, "name", "")}
    if signed_attachments:
        text += "; " + _("ký số %(n)s phụ lục") % {"n": signed_attachments}
    if unsigned:
        text += "; " + _("không ký số được tệp không phải PDF: %(f)s") % {"f": ", ".join(f.name for f in unsigned)}
    return text


class RemoteSigning:
    """The signature value came from the client's USB token (``drafting.remote_signing``): the session,
    finished and checked by ``signing.pades.sessions.session_finish``, carries the signed files
    (``options["finished"]``)."""

    code = "remote"
    label = gettext_lazy("Ký số bằng USB token")

    def offered(self, *, actor, agency, step: str) -> bool:
        credential = credential_for_step(actor=actor, agency=agency, step=step)
        return credential is not None and credential.custody == "remote"

    def _finished(self, request: SignRequest, purpose: str) -> list:
        options = request.options or {}
        session = options.get("session")
        finished = options.get("finished")
        if session is None or finished is None or getattr(session, "purpose", "") != purpose:
            raise ValidationFailed({"method": [_("Ký bằng USB token: hãy chạy chương trình ký trên máy có "
                                                 "token (chuẩn bị → ký → hoàn tất).")]})
        return list(finished)

    def sign_personal(self, request: SignRequest) -> SignResult:
        files = self._finished(request, "draft_sign")
        name, _position = signer_details(request.draft, request.actor)
        return SignResult(files=files, summary=_("Đã ký số bằng USB token (chữ ký số của %(s)s)") % {"s": name})

    def sign_agency(self, request: SignRequest) -> SignResult:
        files = self._finished(request, "draft_seal")
        summary = agency_summary(request.agency, len(files) - 1, list((request.options or {}).get("unsigned", [])))
        return SignResult(files=files, summary=summary + " – " + _("bằng USB token"))


def credential_usable(credential, *, step: str) -> bool:
    """Whether ``credential`` can make a valid signature for ``step`` now: the right kind (personal for "sign",
    the agency's for "seal"), within its validity, with a signing key usage, and not listed on a stored CRL
    of its issuer."""
    if credential is None or not credential.active:
        return False
    if credential.kind != ("agency" if step == "seal" else "personal"):
        return False
    try:
        credentials.certificate_check_usable(bytes(credential.certificate))
    except ValidationFailed:
        return False
    return not _revoked(bytes(credential.certificate))


def _revoked(cert_der: bytes) -> bool:
    from cryptography import x509

    cert = x509.load_der_x509_certificate(cert_der)
    for der in RevocationList.objects.values_list("der", flat=True)[:50]:
        try:
            crl = x509.load_der_x509_crl(bytes(der))
        except ValueError:
            continue
        if crl.issuer == cert.issuer and crl.get_revoked_certificate_by_serial_number(cert.serial_number):
            return True
    return False


DIGITAL_FIRST = ("pades", "remote")  # the methods a usable credential makes the default, in this order


def preferred_method(*, actor, agency, step: str, offered: dict) -> str | None:
    """The method the sign / seal form starts with: a digital signature when the signer (or the agency, for
    the seal) holds a usable credential, else paper (issue 18: signing defaulted to paper even then)."""
    if any(code in offered for code in DIGITAL_FIRST) and credential_usable(
            credential_for_step(actor=actor, agency=agency, step=step), step=step):
        return next(code for code in DIGITAL_FIRST if code in offered)
    return "paper" if "paper" in offered else next(iter(offered), None)


def offered_methods(*, actor, agency, step: str) -> dict[str, SigningMethod]:
    """The methods the sign / seal form shows ``actor`` (paper always; a digital one only with a
    credential that it can use)."""
    out = {}
    for code, method in available_methods().items():
        check = getattr(method, "offered", None)
        if check is None or check(actor=actor, agency=agency, step=step):
            out[code] = method
    return out


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
