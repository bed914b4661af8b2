"""The package-level XML signature of an edXML package (``../shared/domain/edxml.md`` §1.5): a W3C XMLDSig
``Signature`` in ``edXMLHeader``, enveloped, over the whole package (``Reference URI=""``), RSA-SHA256 with
exclusive canonicalization when we sign.

``sign_package`` signs with the caller's key and certificate (PEM); ``verify_package`` says whether a package is
unsigned, validly signed (and by whom: the certificate's subject) or not, with the reason in Vietnamese (the
gateway answers status 02 with it). The real packages in circulation mostly carry a ``Signature`` block that is
**not** XMLDSig (no namespace declared, dummy values): that is reported as invalid with ``not_xmldsig`` set, so a
caller may treat it like "unsigned" where the partner does not require signatures; it never raises.

Pure Python (lxml, cryptography; signxml is imported inside the functions that use it). Messages are Vietnamese
source strings marked for translation with a no-op ``_`` (nothing here imports Django)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass

from lxml import etree


def _(text: str) -> str:
    """Marks a message for extraction (makemessages); the caller translates at display time."""
    return text


DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
MAX_PACKAGE_BYTES = 200 * 1024 * 1024

UNSIGNED, VALID, INVALID = "unsigned", "valid", "invalid"

# Reasons (Vietnamese; the gateway sends them back with status 02).
UNREADABLE = _("Gói tin không phải XML hợp lệ nên không kiểm tra được chữ ký.")
DTD_REFUSED = _("Gói tin có khai báo DOCTYPE/DTD; hệ thống không xử lý gói tin như vậy.")
TOO_LARGE = _("Gói tin quá lớn để kiểm tra chữ ký.")
NOT_XMLDSIG = _("Khối chữ ký (Signature) trong gói tin không theo chuẩn XMLDSig (thiếu không gian tên "
                "http://www.w3.org/2000/09/xmldsig#), nên không có chữ ký số hợp lệ.")
SEVERAL_SIGNATURES = _("Gói tin có nhiều hơn một chữ ký XMLDSig.")
NOT_WHOLE_PACKAGE = _("Chữ ký không bao trùm toàn bộ gói tin (Reference URI phải để trống).")
NO_CERTIFICATE = _("Chữ ký không kèm chứng thư số (X509Certificate) đọc được.")
WRONG_CERTIFICATE = _("Gói tin được ký bằng chứng thư số khác với chứng thư số đã đăng ký của đối tác.")
EXPIRED = _("Chứng thư số của người ký đã hết hạn ngày %(date)s.")
NOT_YET_VALID = _("Chứng thư số của người ký chưa có hiệu lực (từ ngày %(date)s).")
MISMATCH = _("Chữ ký không khớp với nội dung gói tin (gói tin đã bị thay đổi sau khi ký hoặc chữ ký giả).")
ALGORITHM_REFUSED = _("Thuật toán ký hoặc băm của chữ ký không được chấp nhận.")
CANNOT_CHECK = _("Không kiểm tra được chữ ký của gói tin.")
# Signing (SigningFailed.message).
NO_HEADER = _("Gói tin không có phần edXMLHeader để đặt chữ ký.")
BAD_KEY = _("Khóa bí mật hoặc chứng thư số dùng để ký gói tin không đọc được.")


class SigningFailed(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SignatureCheck:
    """The result of ``verify_package``. ``reason`` is empty unless ``state`` is INVALID; ``signer`` is the
    certificate subject (RFC 4514) when one could be read, even from an invalid signature; ``trusted`` is True
    when the signature was checked against the partner's registered certificate (not only the one it carries)."""

    state: str
    reason: str = ""
    signer: str = ""
    not_xmldsig: bool = False
    trusted: bool = False

    @property
    def valid(self) -> bool:
        return self.state == VALID


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False)


def _parse(package: bytes) -> etree._Element:
    """Raises ValueError with the Vietnamese reason."""
    if len(package) > MAX_PACKAGE_BYTES:
        raise ValueError(TOO_LARGE)
    try:
        root = etree.fromstring(package, _parser())
    except (etree.XMLSyntaxError, ValueError):
        raise ValueError(UNREADABLE) from None
    if root.getroottree().docinfo.doctype:
        raise ValueError(DTD_REFUSED)
    return root


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _header(root):
    return next((e for e in root.iter() if _local(e) == "edXMLHeader"), None)


# --- Signing --------------------------------------------------------------------------------------------------


def sign_package(package: bytes, *, key_pem: bytes, cert_pem: bytes, passphrase: bytes | None = None) -> bytes:
    """The package with an XMLDSig enveloped signature (RSA-SHA256, SHA-256 digest, exclusive c14n) at the end of
    its ``edXMLHeader``; any ``Signature`` the header already had (the dummy blocks of other producers) is
    replaced. ``KeyInfo`` carries the certificate and its subject name."""
    from cryptography import x509
    from signxml import XMLSigner

    try:
        root = _parse(package)
    except ValueError as error:
        raise SigningFailed(str(error)) from None
    header = _header(root)
    if header is None:
        raise SigningFailed(NO_HEADER)
    try:
        certificate = x509.load_pem_x509_certificate(cert_pem)
    except ValueError:
        raise SigningFailed(BAD_KEY) from None
    for old in [e for e in header if _local(e) == "Signature"]:
        header.remove(old)
    placeholder = etree.SubElement(header, f"{{{DSIG_NS}}}Signature", nsmap={"ds": DSIG_NS})
    placeholder.set("Id", "placeholder")
    placeholder.tail = header[-2].tail if len(header) > 1 else None

    key_info = etree.Element(f"{{{DSIG_NS}}}KeyInfo", nsmap={"ds": DSIG_NS})
    x509_data = etree.SubElement(key_info, f"{{{DSIG_NS}}}X509Data")
    etree.SubElement(x509_data, f"{{{DSIG_NS}}}X509SubjectName").text = certificate.subject.rfc4514_string()
    etree.SubElement(x509_data, f"{{{DSIG_NS}}}X509Certificate").text = base64.b64encode(
        certificate.public_bytes(_der())).decode()
    signer = XMLSigner(signature_algorithm="rsa-sha256", digest_algorithm="sha256", c14n_algorithm=EXC_C14N)
    try:
        signed = signer.sign(root, key=key_pem, passphrase=passphrase, cert=[certificate], key_info=key_info)
    except (ValueError, TypeError) as error:
        raise SigningFailed(BAD_KEY) from error
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def _der():
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


# --- Verifying ------------------------------------------------------------------------------------------------


def verify_package(package: bytes, *, certificate_pem: bytes | None = None, allow_sha1: bool = True,
                   now: dt.datetime | None = None) -> SignatureCheck:
    """Check the package's XML signature. With ``certificate_pem`` (the partner's registered certificate) the
    package must be signed with that certificate; without it, the certificate the signature carries is used
    (integrity and signer's name, not trust). ``allow_sha1``: accept the RSA-SHA1 signatures the reference SDKs
    still make (never used when we sign). Never raises."""
    try:
        return _verify(package, certificate_pem, allow_sha1, now or dt.datetime.now(dt.UTC))
    except Exception:  # noqa: BLE001 (hostile input: a verdict, never a crash)
        return SignatureCheck(INVALID, reason=CANNOT_CHECK)


def _verify(package: bytes, certificate_pem: bytes | None, allow_sha1: bool, now: dt.datetime) -> SignatureCheck:
    try:
        root = _parse(package)
    except ValueError as error:
        return SignatureCheck(INVALID, reason=str(error))
    dsig = list(root.iter(f"{{{DSIG_NS}}}Signature"))
    others = [e for e in root.iter() if _local(e) == "Signature" and etree.QName(e).namespace != DSIG_NS]
    if not dsig and not others:
        return SignatureCheck(UNSIGNED)
    if not dsig:
        return _not_xmldsig(others[0], now)
    if len(dsig) > 1:
        return SignatureCheck(INVALID, reason=SEVERAL_SIGNATURES)
    signature = dsig[0]
    references = signature.findall(f"{{{DSIG_NS}}}SignedInfo/{{{DSIG_NS}}}Reference")
    if len(references) != 1 or references[0].get("URI") != "":
        return SignatureCheck(INVALID, reason=NOT_WHOLE_PACKAGE)
    certificate = _certificate(signature)
    if certificate is None:
        return SignatureCheck(INVALID, reason=NO_CERTIFICATE)
    signer = certificate.subject.rfc4514_string()
    if certificate_pem is not None:
        from cryptography import x509

        expected = x509.load_pem_x509_certificate(certificate_pem)
        if expected.public_bytes(_der()) != certificate.public_bytes(_der()):
            return SignatureCheck(INVALID, reason=WRONG_CERTIFICATE, signer=signer)
    reasons = []
    mismatch = _check_value(root, certificate, allow_sha1)
    if mismatch:
        reasons.append(mismatch)
    period = _period_problem(certificate, now)
    if period:
        reasons.append(period)
    if reasons:
        return SignatureCheck(INVALID, reason=" ".join(reasons), signer=signer)
    return SignatureCheck(VALID, signer=signer, trusted=certificate_pem is not None)


def _check_value(root, certificate, allow_sha1: bool) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding
    from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLVerifier
    from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature

    methods = {SignatureMethod.RSA_SHA256, SignatureMethod.RSA_SHA384, SignatureMethod.RSA_SHA512,
               SignatureMethod.ECDSA_SHA256, SignatureMethod.ECDSA_SHA384, SignatureMethod.ECDSA_SHA512}
    digests = {DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512}
    if allow_sha1:
        methods.add(SignatureMethod.RSA_SHA1)
        digests.add(DigestAlgorithm.SHA1)
    # The certificate's validity period is checked apart (a reason with its date): signxml checks the value only.
    config = SignatureConfiguration(signature_methods=frozenset(methods), digest_algorithms=frozenset(digests),
                                    expect_references=1, verification_time=certificate.not_valid_before_utc)
    try:
        XMLVerifier().verify(root, x509_cert=certificate.public_bytes(Encoding.PEM).decode(), expect_config=config,
                             parser=_parser())
    except InvalidInput as error:
        return ALGORITHM_REFUSED if "algorithm" in str(error).lower() or "method" in str(error).lower() \
            else MISMATCH
    except (InvalidSignature, InvalidDigest, InvalidCertificate):
        return MISMATCH
    return ""


def _certificate(signature):
    from cryptography import x509

    for element in signature.iter():
        if _local(element) == "X509Certificate" and element.text:
            try:
                return x509.load_der_x509_certificate(base64.b64decode("".join(element.text.split()), validate=True))
            except (ValueError, binascii.Error):
                return None
    return None


def _period_problem(certificate, now: dt.datetime) -> str:
    if now > certificate.not_valid_after_utc:
        return EXPIRED % {"date": certificate.not_valid_after_utc.strftime("%d/%m/%Y")}
    if now < certificate.not_valid_before_utc:
        return NOT_YET_VALID % {"date": certificate.not_valid_before_utc.strftime("%d/%m/%Y")}
    return ""


def _not_xmldsig(signature, now: dt.datetime) -> SignatureCheck:
    """The samples' Signature blocks: report who they claim and what else is wrong, but never valid."""
    certificate = _certificate(signature)
    reasons = [NOT_XMLDSIG]
    signer = ""
    if certificate is not None:
        signer = certificate.subject.rfc4514_string()
        period = _period_problem(certificate, now)
        if period:
            reasons.append(period)
    else:
        subject = next((e.text.strip() for e in signature.iter()
                        if _local(e) == "X509SubjectName" and e.text and e.text.strip()), "")
        signer = subject
    return SignatureCheck(INVALID, reason=" ".join(reasons), signer=signer, not_xmldsig=True)
