"""Certificates and revocation lists as bytes: reading them (PEM or DER), their fingerprint, the fields the
credential and trust-store tables keep of them, and whether a certificate can make a signature now.

One reader, ``load_x509``, serves certificates and CRLs alike: both arrive as uploads in either encoding
and are refused the same way, in Vietnamese, on the form field they came in. ``cryptography`` is imported
inside the functions, like every heavy library of this app.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy

from lienthong.core.errors import ValidationFailed

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Messages users see (the tests use these constants rather than copies of the text); dates as dd/mm/yyyy
# in Viet Nam's time.
NOT_A_CERTIFICATE = gettext_lazy("Tệp không phải chứng thư số (X.509, PEM hoặc DER).")
NOT_A_CRL = gettext_lazy("Tệp không phải danh sách chứng thư bị thu hồi (CRL).")
EXPIRED = gettext_lazy("Chứng thư số đã hết hạn ngày %(date)s.")
NOT_YET_VALID = gettext_lazy("Chứng thư số chưa có hiệu lực (có hiệu lực từ ngày %(date)s).")
NO_SIGNING_USAGE = gettext_lazy("Chứng thư số không được phép dùng để ký số (thiếu mục đích digitalSignature / "
                                "nonRepudiation).")


def fingerprint(der: bytes) -> str:
    return hashlib.sha256(bytes(der)).hexdigest()


def load_x509(data: bytes, *, kind: str = "certificate"):
    """A ``cryptography`` certificate (``kind="certificate"``) or CRL (``kind="crl"``) from PEM or DER bytes;
    ValidationFailed on the ``kind`` field otherwise."""
    from cryptography import x509

    loaders = {
        "certificate": (x509.load_pem_x509_certificate, x509.load_der_x509_certificate, NOT_A_CERTIFICATE),
        "crl": (x509.load_pem_x509_crl, x509.load_der_x509_crl, NOT_A_CRL),
    }
    load_pem, load_der, message = loaders[kind]
    data = bytes(data)
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return load_pem(data)
        return load_der(data)
    except ValueError as exc:
        raise ValidationFailed({kind: [str(message)]}) from exc


def _vn(moment: dt.datetime) -> str:
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y")


def certificate_check_usable(cert_der: bytes, *, at: dt.datetime | None = None) -> None:
    """Refuse a certificate that cannot make a legally meaningful signature at ``at`` (now by default):
    expired, not yet valid, or without the digitalSignature / nonRepudiation key usage."""
    from cryptography import x509

    cert = load_x509(cert_der)
    at = at or dt.datetime.now(dt.UTC)
    problems = []
    if cert.not_valid_after_utc < at:
        problems.append(EXPIRED % {"date": _vn(cert.not_valid_after_utc)})
    if cert.not_valid_before_utc > at:
        problems.append(NOT_YET_VALID % {"date": _vn(cert.not_valid_before_utc)})
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        signs = usage.digital_signature or usage.content_commitment
    except x509.ExtensionNotFound:
        signs = True  # no KeyUsage extension: every usage is allowed (RFC 5280 §4.2.1.3)
    if not signs:
        problems.append(str(NO_SIGNING_USAGE))
    if problems:
        raise ValidationFailed({"certificate": problems})


def asn1_certificate(cert):
    """The asn1crypto form of a certificate (``cryptography`` object or DER bytes), as pyHanko takes it."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    der = cert if isinstance(cert, bytes | bytearray | memoryview) else cert.public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(bytes(der))


def certificate_fields(cert) -> dict:
    """The columns ``Credential`` and ``TrustedCertificate`` keep of a certificate."""
    from cryptography.hazmat.primitives import serialization

    der = cert.public_bytes(serialization.Encoding.DER)
    return dict(certificate=der, subject=cert.subject.rfc4514_string()[:500],
                issuer=cert.issuer.rfc4514_string()[:500], serial=format(cert.serial_number, "X")[:80],
                fingerprint=fingerprint(der), not_before=cert.not_valid_before_utc,
                not_after=cert.not_valid_after_utc)


def name_attribute(name, oid) -> str:
    """The first value of ``oid`` in an X.509 name, or ``""``."""
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def is_ca(cert) -> bool:
    from cryptography import x509

    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def crl_url(cert) -> str:
    """The first URI of the certificate's CRL distribution points, or ``""``."""
    from cryptography import x509

    try:
        points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return ""
    for point in points:
        for name in point.full_name or ():
            if isinstance(name, x509.UniformResourceIdentifier):
                return name.value[:500]
    return ""


def self_signed(cert) -> bool:
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, Exception):  # noqa: BLE001 — InvalidSignature and friends
        return False
    return True
