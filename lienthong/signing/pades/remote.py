"""Signing with a USB token (or any key the server does not hold): the same layouts as ``signatures``, in
two halves. ``prepare_*`` lays the signature out, reserves the room for the CMS and returns what the token
must sign (the DER signed attributes); ``finish_remote`` checks the token's signature value against the
certificate and embeds it. The server keeps nothing between the two calls but what ``Prepared`` carries.
Pure functions over bytes (no ORM); pyHanko is imported inside the functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core.errors import ValidationFailed
from lienthong.signing.pades.signatures import (
    BYTES_RESERVED,
    agency_writer,
    attachment_writer,
    personal_writer,
    signature_metadata,
)

_REMOTE_MD = "sha256"

# The refusal users see (the tests use this constant rather than a copy of the text).
SIGNATURE_MISMATCH = gettext_lazy("Chữ ký từ token không khớp với dữ liệu đã chuẩn bị.")


@dataclass(frozen=True)
class Prepared:
    """A PDF with a reserved, empty signature and what the token must sign (see ``finish_remote``)."""

    prepared_pdf: bytes
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attributes: bytes
    to_sign_digest: bytes


def _external_signer(certificate_der: bytes, chain_der=(), signature_value: bytes | None = None,
                     mechanism: str | None = None):
    from asn1crypto import algos
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.signers.pdf_cms import ExternalSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    cert = asn1_x509.Certificate.load(certificate_der)
    chain = [asn1_x509.Certificate.load(c) for c in chain_der]
    return ExternalSigner(signing_cert=cert, cert_registry=SimpleCertificateStore.from_certs([cert, *chain]),
                          signature_value=signature_value or bytes(512),
                          signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": mechanism})
                          if mechanism else None)


def _prepare(writer, name, style, certificate_der, chain_der, params=None, timestamper=None) -> Prepared:
    import asyncio

    from pyhanko.sign.signers import PdfSigner

    signer = _external_signer(certificate_der, chain_der)
    pdf_signer = PdfSigner(signature_metadata(name), signer=signer, stamp_style=style)

    async def run():
        prep, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, existing_fields_only=True, bytes_reserved=BYTES_RESERVED, appearance_text_params=params)
        attrs = await signer.signed_attrs(prep.document_digest, _REMOTE_MD, use_pades=True)
        return prep, output, attrs

    prep, output, attrs = asyncio.run(run())
    der = attrs.dump()
    return Prepared(prepared_pdf=output.getvalue(), document_digest=prep.document_digest,
                    reserved_start=prep.reserved_region_start, reserved_end=prep.reserved_region_end,
                    signed_attributes=der, to_sign_digest=hashlib.sha256(der).digest())


def prepare_personal(data: bytes, *, certificate_der: bytes, chain_der=(), image_png: bytes, image_width_mm: float,
                     signer_name: str, signer_position: str = "", reason: str = "", location: str = "") -> Prepared:
    writer, name, style = personal_writer(data, image_png=image_png, image_width_mm=image_width_mm,
                                           signer_name=signer_name, signer_position=signer_position)
    return _prepare(writer, name, style, certificate_der, chain_der)


def prepare_agency(data: bytes, *, certificate_der: bytes, chain_der=(), seal_png: bytes, seal_width_mm: float,
                   number_symbol: str, issued_on: dt.date, place: str = "") -> Prepared:
    writer, name, style = agency_writer(data, seal_png=seal_png, seal_width_mm=seal_width_mm,
                                         number_symbol=number_symbol, issued_on=issued_on, place=place)
    return _prepare(writer, name, style, certificate_der, chain_der)


def prepare_attachment(data: bytes, *, certificate_der: bytes, chain_der=(), number_symbol: str,
                       signed_at: dt.datetime | None = None) -> Prepared:
    writer, name, style, params = attachment_writer(data, number_symbol=number_symbol, signed_at=signed_at)
    return _prepare(writer, name, style, certificate_der, chain_der, params)


def _mismatch() -> ValidationFailed:
    return ValidationFailed({"signatures": [str(SIGNATURE_MISMATCH)]})


def _check_signature_value(certificate_der: bytes, signed_attributes: bytes, signature_value: bytes) -> str:
    """Verify the token's signature over the signed attributes; returns the pyHanko mechanism name."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    key = x509.load_der_x509_certificate(certificate_der).public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature_value, signed_attributes, padding.PKCS1v15(), hashes.SHA256())
            return "sha256_rsa"
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature_value, signed_attributes, ec.ECDSA(hashes.SHA256()))
            return "sha256_ecdsa"
    except (InvalidSignature, ValueError, TypeError):
        raise _mismatch() from None
    raise ValidationFailed({"signatures": [_("Loại khóa của chứng thư số không được hỗ trợ.")]})


def finish_remote(*, prepared_pdf: bytes, document_digest: bytes, reserved_start: int, reserved_end: int,
                  signed_attributes: bytes, signature_value: bytes, certificate_der: bytes, chain_der=(),
                  timestamper=None) -> bytes:
    """Embed the token's signature value in the prepared PDF after checking it against the certificate.
    With a ``timestamper`` the signature gets its RFC 3161 timestamp here (PAdES B-T)."""
    import asyncio

    from asn1crypto import cms
    from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
    from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

    try:
        attrs = cms.CMSAttributes.load(bytes(signed_attributes))
        digests = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
    except Exception:  # noqa: BLE001
        raise _mismatch() from None
    if digests != [bytes(document_digest)]:
        raise _mismatch()
    if not (0 < reserved_start < reserved_end <= len(prepared_pdf)):
        raise _mismatch()
    # the prepared PDF must still hash to the digest inside the signed attributes
    h = hashlib.sha256()
    h.update(prepared_pdf[:reserved_start])
    h.update(prepared_pdf[reserved_end:])
    if h.digest() != bytes(document_digest):
        raise _mismatch()
    mechanism = _check_signature_value(certificate_der, bytes(signed_attributes), bytes(signature_value))
    signer = _external_signer(certificate_der, chain_der, bytes(signature_value), mechanism)

    async def run():
        sig_cms = await signer.async_sign_prescribed_attributes(_REMOTE_MD, signed_attrs=attrs,
                                                                timestamper=timestamper)
        output = io.BytesIO(prepared_pdf)
        prep = PreparedByteRangeDigest(document_digest=bytes(document_digest), reserved_region_start=reserved_start,
                                       reserved_region_end=reserved_end)
        await PdfTBSDocument.async_finish_signing(output, prep, sig_cms)
        return output.getvalue()

    return asyncio.run(run())
