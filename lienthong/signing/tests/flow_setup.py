"""A district with digital signatures for the flow tests: a test CA in the trust store, the chairman's
personal certificate and the district's agency certificate (PKCS#12 kept on the server, or only the
certificate for USB-token signing), and drafts brought to the signing step through the real services."""

from __future__ import annotations

import datetime as dt
import functools

from django.core.files.uploadedfile import SimpleUploadedFile

from lienthong.drafting import services as drafting
from lienthong.signing import credentials, pki
from lienthong.signing.models import Credential, TrustedCertificate
from lienthong.testing.builders import doc_type, tiny_pdf

PERSONAL_PIN = "123456"
AGENCY_PIN = "654321"


@functools.cache
def demo_ca():
    root = pki.make_root(reuse_key=True)
    ca = pki.make_intermediate(root, "CA chuyên dùng (thử nghiệm)", reuse_key=True)
    return root, ca


def trust_demo_ca() -> None:
    from cryptography.hazmat.primitives import serialization

    for kind, issued in zip(("root", "intermediate"), demo_ca(), strict=True):
        cert = issued.certificate
        TrustedCertificate.objects.get_or_create(fingerprint=issued.fingerprint, defaults=dict(
            kind=kind, subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(),
            serial=str(cert.serial_number), not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
            der=cert.public_bytes(serialization.Encoding.DER), is_test=True))


def trust_material() -> dict:
    root, ca = demo_ca()
    return {"trust_roots": [root.der], "intermediates": [ca.der], "crls": []}


def _image(kind: str, name: str) -> bytes:
    from lienthong.signing.pades import images

    return images.seal_image(name) if kind == "agency" else images.signature_image(name)


def add_credential(*, user=None, agency=None, custody_mode: str = "pkcs12", pin: str = PERSONAL_PIN,
                   issued=None, **cert_kw) -> tuple[Credential, pki.Issued]:
    """A credential of ``user`` (personal) or ``agency``, issued by the test CA unless ``issued`` is given."""
    _root, ca = demo_ca()
    if issued is None:
        if agency is not None:
            issued = pki.make_end_entity(ca, agency.name, organisation=agency.name, reuse_key=True, **cert_kw)
        else:
            issued = pki.make_end_entity(ca, user.full_name, organisation="UBND huyện Vị Thủy",
                                         uid=f"CCCD:0010{user.pk:08d}", reuse_key=True, **cert_kw)
    cert = issued.certificate
    kind = "agency" if agency is not None else "personal"
    credential = Credential.objects.create(
        kind=kind, user=user, agency=agency, custody=custody_mode, certificate=issued.der,
        subject=cert.subject.rfc4514_string(), issuer=cert.issuer.rfc4514_string(), serial=str(cert.serial_number),
        fingerprint=issued.fingerprint, not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        pkcs12=credentials.protect_pkcs12(issued.pkcs12(pin), pin) if custody_mode == "pkcs12" else None,
        image=_image(kind, agency.name if agency is not None else user.full_name),
        image_width_mm=36 if kind == "agency" else 30)
    return credential, issued


def expired(**kw) -> dict:
    return dict(not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=400), days=30, **kw)


def draft_at_signing(p, *, main: bytes | None = None, name: str = "du-thao.pdf", attachments=True):
    """A district report (signer: leader.huyen) approved and waiting for the signature."""
    u = p.users
    files = [SimpleUploadedFile(name, main or tiny_pdf("Du thao bao cao"), content_type="application/pdf")]
    extra = ([SimpleUploadedFile("phu-luc.pdf", tiny_pdf("Phu luc"), content_type="application/pdf")]
             if attachments else [])
    data = drafting.DraftInput(
        document_type=doc_type("bao-cao"), subject="Báo cáo kết quả chuyển đổi số quý IV",
        signer_id=u["leader.huyen"].pk, signer_position="Chủ tịch", recipient_ids=[p.agencies["xa"].pk],
        files=files, attachments=extra)
    draft = drafting.draft_create(actor=u["specialist.huyen.noivu"], agency=p.agencies["huyen"], data=data)
    drafting.draft_submit(actor=u["specialist.huyen.noivu"], draft=draft)
    drafting.draft_check_format(actor=u["clerk.huyen"], draft=draft)
    drafting.draft_approve(actor=u["leader.huyen"], draft=draft)
    return draft
