"""Verification of the digital signatures of a PDF: a pure function over bytes and trust material.

``verify_pdf`` checks every embedded signature for integrity (the signed byte range and the CMS
signature), the chain to a configured root, the certificate's validity at the signing time (the
timestamp's time when there is one, otherwise the time the signer's software reported), revocation
from the configured CRLs (soft-fail when nothing is known), and modifications after signing
(pyHanko's difference analysis: filling our number/date fields and adding signature fields is fine;
anything else is not). It never raises on hostile input: what cannot be read is reported as
``not_pdf`` / ``error`` with a Vietnamese message.

pyHanko is imported inside the functions (it takes seconds to import); a PDF without the
``/ByteRange`` marker is reported unsigned without importing it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

log = logging.getLogger(__name__)

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# What a report says users see (the tests use these constants rather than copies of the text): the file's
# refusals, each signature's problems (joined into "Chữ ký của …: …") and the message when all are valid.
TOO_LARGE = gettext_lazy("Tệp quá lớn để kiểm tra chữ ký số.")
ENCRYPTED = gettext_lazy("Tệp PDF được mã hóa, không kiểm tra được chữ ký số.")
TAMPERED = gettext_lazy("nội dung đã bị thay đổi hoặc chữ ký bị hỏng")
MODIFIED_AFTER_SIGNING = gettext_lazy("tệp bị sửa đổi sau khi ký")
REVOKED = gettext_lazy("chứng thư số đã bị thu hồi")
NOT_VALID_AT_SIGNING = gettext_lazy("chứng thư số hết hiệu lực hoặc chưa có hiệu lực tại thời điểm ký")
UNTRUSTED = gettext_lazy("chứng thư không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy")
SIGNER_PROBLEMS = gettext_lazy("Chữ ký của %(who)s: %(p)s.")
ALL_VALID = gettext_lazy("Tất cả %(n)s chữ ký số hợp lệ.")

# Words that start the name of a Vietnamese public body (used only when the certificate is not one
# the system knows).
_AGENCY_WORDS = re.compile(
    r"^(ủy ban|uỷ ban|ubnd|hội đồng|hđnd|sở|văn phòng|phòng|ban|bộ|cục|chi cục|tổng cục|trung tâm|"
    r"thanh tra|kho bạc|công an|tòa án|viện|trường|bệnh viện|đài|báo|hội|đoàn|tỉnh ủy|huyện ủy|"
    r"cơ quan|tổng công ty|công ty)\b", re.IGNORECASE)


@dataclass
class SignatureResult:
    """One signature, with the fields of ``models.SignatureCheck``."""

    position: int
    field_name: str = ""
    kind: str = ""  # personal / agency
    signer_name: str = ""
    organisation: str = ""
    issuer: str = ""
    serial: str = ""
    fingerprint: str = ""
    signing_time: dt.datetime | None = None
    timestamped: bool = False
    intact: bool = False
    trusted: bool = False
    valid_at_signing: bool = False
    revocation: str = ""  # good / revoked / unknown
    modification: str = ""  # none / form_filling / annotations / other
    coverage: str = ""  # entire_file / entire_revision / contiguous_blocks / unclear
    valid: bool = False
    test_authority: bool = False  # the chain passes through a CA marked as a test CA
    ca_fingerprints: str = ""  # the CA certificates of the validation path, root first, space-separated
    summary: str = ""
    has_personal_id: bool = False


@dataclass
class Report:
    status: str  # unsigned / valid / untrusted / invalid / not_pdf / error
    signatures: list[SignatureResult] = field(default_factory=list)
    personal_valid: bool = False
    agency_valid: bool = False
    modified_after_signing: bool = False
    test_authority: bool = False  # a valid signature comes from a test CA: no legal value (QĐ 28/2018)
    message: str = ""

    @property
    def signature_count(self) -> int:
        return len(self.signatures)


def _name_part(name, key: str) -> str:
    try:
        value = name.native.get(key, "")
    except Exception:  # noqa: BLE001 - malformed names in hostile certificates
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(value or "")[:300]


def _signing_time(embedded) -> tuple[dt.datetime | None, bool]:
    """The timestamp token's time when the signature has one, else the signer-reported time."""
    try:
        from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

        for tst in extract_tst_data_iter(embedded.signer_info, signed=False):
            return tst["encap_content_info"]["content"].parsed["gen_time"].native, True
    except Exception:
        log.info("unreadable signature timestamp", exc_info=True)
    try:
        return embedded.self_reported_timestamp, False
    except Exception:  # noqa: BLE001 - hostile input: reported, never raised
        return None, False


def _crl_revocation(cert, crls: list, at: dt.datetime | None) -> tuple[str, dt.datetime | None]:
    """``revoked`` when a configured CRL of the certificate's issuer lists its serial with a revocation
    date before ``at``; ``good`` when such a CRL does not list it; ``unknown`` without a CRL."""
    found = False
    for crl in crls:
        try:
            if crl.issuer != cert.issuer:
                continue
            found = True
            entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
            if entry is not None and (at is None or entry.revocation_date_utc <= at):
                return "revoked", entry.revocation_date_utc
        except Exception:  # noqa: BLE001 - hostile input: reported, never raised
            continue
    return ("good" if found else "unknown"), None


def _crl_objects(crls: list[bytes], issuers: list) -> list:
    """Parse the CRLs and keep those whose signature checks against a configured CA certificate."""
    from cryptography import x509

    out = []
    for der in crls:
        try:
            crl = x509.load_der_x509_crl(der)
        except Exception:  # noqa: BLE001 - hostile input: reported, never raised
            continue
        for ca in issuers:
            try:
                if ca.subject == crl.issuer and crl.is_signature_valid(ca.public_key()):
                    out.append(crl)
                    break
            except Exception:  # noqa: BLE001 - hostile input: reported, never raised
                continue
    return out


# pyHanko reads a hex string one byte at a time through a generator (about 2 µs a digit); the two
# signature /Contents of a signed document are 2 × 32 768 digits and the difference analysis reads each of
# them several times, which made string parsing about half of a verification. ``_fast_hex_strings`` swaps
# in an equivalent reader (same result, same errors) for the duration of a verification and restores
# pyHanko's afterwards (reference-counted, so concurrent verifications are safe).
_HEX_DIGITS = b"0123456789abcdefABCDEF"
_PDF_WHITESPACE = b" \n\r\t\f\x00"
_hex_lock = threading.Lock()
_hex_users = 0
_hex_original = None


def _read_hex_string(stream):
    import binascii

    from pyhanko.pdf_utils.generic import pdf_string
    from pyhanko.pdf_utils.misc import PdfStreamError

    start = stream.tell()
    stream.read(1)  # "<"
    chunks, length = [], 0
    while True:
        chunk = stream.read(65536)
        if not chunk:
            raise PdfStreamError("Stream ended prematurely")
        end = chunk.find(b">")
        if end >= 0:
            chunks.append(chunk[:end])
            stream.seek(start + 1 + length + end + 1)
            break
        chunks.append(chunk)
        length += len(chunk)
    digits = b"".join(chunks)
    if b"%" in digits:  # a comment inside a hex string: leave the rare case to pyHanko's own reader
        stream.seek(start)
        return _hex_original(stream)
    digits = digits.translate(None, _PDF_WHITESPACE)
    if digits.translate(None, _HEX_DIGITS):
        raise PdfStreamError("Unexpected token in hex string")
    return pdf_string(binascii.unhexlify(digits + (b"0" if len(digits) % 2 else b"")))


@contextmanager
def _fast_hex_strings():
    global _hex_users, _hex_original
    from pyhanko.pdf_utils import generic

    with _hex_lock:
        if _hex_users == 0:
            _hex_original = generic.read_hex_string_from_stream
            generic.read_hex_string_from_stream = _read_hex_string
        _hex_users += 1
    try:
        yield
    finally:
        with _hex_lock:
            _hex_users -= 1
            if _hex_users == 0:
                generic.read_hex_string_from_stream = _hex_original


def _looks_like_agency(common_name: str, organisation: str, has_uid: bool) -> bool:
    if has_uid:
        return False
    cn = common_name.strip().casefold()
    return bool(cn) and (cn == organisation.strip().casefold() or bool(_AGENCY_WORDS.match(cn)))


def _short(text: str, n: int = 500) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def verify_pdf(data: bytes, *, trust_roots: list[bytes], intermediates: list[bytes] = (), crls: list[bytes] = (),
               known_agency_fingerprints: set[str] = frozenset(), known_personal_fingerprints: set[str] = frozenset(),
               test_fingerprints: set[str] = frozenset(), now: dt.datetime | None = None) -> Report:
    """Verify every signature of ``data``. Never raises (hostile input gives ``not_pdf`` / ``error``).

    ``test_fingerprints``: SHA-256 fingerprints of the CA certificates (roots or intermediates) marked as
    test CAs; a signature whose validation path passes through one is valid "from a test authority"."""
    try:
        with _fast_hex_strings():
                return _verify(data, trust_roots=list(trust_roots), intermediates=list(intermediates), crls=list(crls),
                           agency_fps=set(known_agency_fingerprints), personal_fps=set(known_personal_fingerprints),
                           test_fps=set(test_fingerprints), now=now)
    except Exception:  # the last guard: hostile input must never break the caller
        log.warning("PDF verification failed", exc_info=True)
        return Report(status="error", message=_("Không đọc được tệp để kiểm tra chữ ký số."))


def has_signature_marker(data: bytes) -> bool:
    return b"/ByteRange" in data


def _verify(data: bytes, *, trust_roots, intermediates, crls, agency_fps, personal_fps, test_fps, now) -> Report:
    if not isinstance(data, bytes | bytearray) or not data[:1024].lstrip(b"\x00\t\r\n ").startswith(b"%PDF-"):
        return Report(status="not_pdf", message=_("Tệp không phải là PDF."))
    if len(data) > settings.SIGNING_MAX_PDF_BYTES:
        return Report(status="error", message=str(TOO_LARGE))
    if not has_signature_marker(data) and b"/Encrypt" not in data:
        return Report(status="unsigned", message=_("Tệp không có chữ ký số."))

    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return Report(status="error", message=str(ENCRYPTED))
        embedded = list(reader.embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        log.info("unreadable PDF: %s", exc)
        return Report(status="error", message=_("Tệp PDF bị hỏng, không đọc được chữ ký số."))
    if not embedded:
        return Report(status="unsigned", message=_("Tệp không có chữ ký số."))

    material = _trust_material(tuple(bytes(d) for d in trust_roots), tuple(bytes(d) for d in intermediates),
                               tuple(bytes(d) for d in crls))
    now = now or dt.datetime.now(dt.UTC)

    results = [_check_one(i, sig, material=material, now=now, test_fps=test_fps)
               for i, sig in enumerate(embedded, start=1)]
    _classify(results, agency_fps, personal_fps)
    for r in results:
        r.summary = _short(_summary(r))
    return _overall(results)


@dataclass(frozen=True)
class _Material:
    roots: tuple  # asn1crypto certificates, parsed
    intermediates: tuple
    crls: tuple  # asn1crypto CertificateLists (for pyHanko's revocation checks)
    crl_objs: tuple  # cryptography CRLs whose signature checks against a configured CA


def _parsed_certs(ders) -> tuple:
    from asn1crypto import x509 as ax

    out = []
    for der in ders:
        try:
            cert = ax.Certificate.load(der)
            cert.native  # noqa: B018 - force parsing of bad bytes here
        except Exception:  # noqa: BLE001 - hostile input: reported, never raised
            continue
        out.append(cert)
    return tuple(out)


@lru_cache(maxsize=8)
def _trust_material(trust_roots: tuple, intermediates: tuple, crls: tuple) -> _Material:
    """The trust store parsed once per process and content (parsing the certificates cost 4 ms per
    signature, a large CRL much more). The arguments are DER bytes, so a changed trust store is a new key."""
    from asn1crypto import crl as acrl
    from cryptography import x509 as cx509

    ca_certs = []
    for der in trust_roots + intermediates:
        try:
            ca_certs.append(cx509.load_der_x509_certificate(der))
        except Exception:  # noqa: BLE001 - hostile input: reported, never raised
            continue
    parsed_crls = []
    for der in crls:
        try:
            item = acrl.CertificateList.load(der)
            item.native  # noqa: B018 - force parsing of bad bytes here
        except Exception:  # noqa: BLE001 - hostile input: reported, never raised
            continue
        parsed_crls.append(item)
    return _Material(roots=_parsed_certs(trust_roots), intermediates=_parsed_certs(intermediates),
                     crls=tuple(parsed_crls), crl_objs=tuple(_crl_objects(list(crls), ca_certs)))


def _path_fingerprints(status, leaf_fingerprint: str) -> list[str]:
    """SHA-256 fingerprints of the CA certificates (root, intermediates) of the signer's validation path."""
    path = getattr(status, "validation_path", None)
    if path is None:
        return []
    try:
        fps = [hashlib.sha256(c.dump()).hexdigest() for c in path.iter_certs(include_root=True)]
    except Exception:
        log.info("unreadable validation path", exc_info=True)
        return []
    return [fp for fp in fps if fp != leaf_fingerprint]


def _check_one(position: int, embedded, *, material: _Material, now, test_fps=frozenset()) -> SignatureResult:
    from cryptography import x509 as cx509
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    res = SignatureResult(position=position)
    try:
        res.field_name = str(embedded.field_name or "")[:200]
    except Exception:  # noqa: BLE001 - hostile input: reported, never raised
        pass
    try:
        cert = embedded.signer_cert
    except Exception:  # noqa: BLE001 - hostile input: reported, never raised
        res.summary = _("Không đọc được chứng thư của người ký.")
        return res
    res.signer_name = _name_part(cert.subject, "common_name")
    res.organisation = _name_part(cert.subject, "organization_name")
    res.issuer = _name_part(cert.issuer, "common_name") or _name_part(cert.issuer, "organization_name")
    res.has_personal_id = bool(_name_part(cert.subject, "user_id") or _name_part(cert.subject, "serial_number"))
    try:
        res.serial = format(cert.serial_number, "X")[:80]
        res.fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    except Exception:  # noqa: BLE001 - hostile input: reported, never raised
        pass
    signing_time, res.timestamped = _signing_time(embedded)
    if signing_time is not None and signing_time.tzinfo is None:
        signing_time = signing_time.replace(tzinfo=dt.UTC)
    res.signing_time = signing_time.astimezone(VN) if signing_time else None
    moment = signing_time or now

    context = ValidationContext(
        trust_roots=list(material.roots), other_certs=list(material.intermediates), crls=list(material.crls),
        allow_fetching=settings.SIGNING_REVOCATION_FETCH, revocation_mode="soft-fail",
        moment=moment, retroactive_revinfo=True)
    try:
        status = validate_pdf_signature(embedded, signer_validation_context=context,
                                        ts_validation_context=context)
    except Exception as exc:  # noqa: BLE001 - hostile input: reported, never raised
        log.info("signature validation failed: %s", exc)
        res.summary = _("Không kiểm tra được chữ ký: dữ liệu chữ ký bị hỏng.")
        return res

    res.intact = bool(status.intact and status.valid)
    res.trusted = bool(status.trusted)
    res.coverage = status.coverage.name.lower() if status.coverage is not None else ""
    level = getattr(status, "modification_level", None)
    res.modification = level.name.lower() if level is not None else ""
    if status.docmdp_ok is False and res.modification != "other":
        res.modification = "other"
    try:
        c_cert = cx509.load_der_x509_certificate(cert.dump())
        not_before, not_after = c_cert.not_valid_before_utc, c_cert.not_valid_after_utc
        res.valid_at_signing = not_before <= moment <= not_after
        res.revocation, _when = _crl_revocation(c_cert, material.crl_objs, moment)
    except Exception:  # noqa: BLE001 - hostile input: reported, never raised
        res.valid_at_signing = False
        res.revocation = "unknown"
    if status.revoked:
        res.revocation = "revoked"
    res.valid = (res.intact and res.trusted and res.valid_at_signing and res.revocation != "revoked"
                 and res.modification != "other")
    if res.trusted:
        path = _path_fingerprints(status, res.fingerprint)
        res.ca_fingerprints = " ".join(path)
        res.test_authority = any(fp in test_fps for fp in path)
    return res


def _classify(results: list[SignatureResult], agency_fps: set[str], personal_fps: set[str]) -> None:
    for r in results:
        if r.fingerprint in agency_fps:
            r.kind = "agency"
        elif r.fingerprint in personal_fps:
            r.kind = "personal"
        elif _looks_like_agency(r.signer_name, r.organisation, r.has_personal_id):
            r.kind = "agency"
        else:
            r.kind = "personal"
    unknown = [r for r in results if r.fingerprint not in agency_fps | personal_fps]
    if len(results) >= 2 and unknown and results[-1] in unknown and not any(r.kind == "agency" for r in results) \
            and not results[-1].has_personal_id:
        results[-1].kind = "agency"


def _problems(r: SignatureResult) -> list[str]:
    out = []
    if not r.intact:
        out.append(str(TAMPERED))
    if r.modification == "other":
        out.append(str(MODIFIED_AFTER_SIGNING))
    if r.revocation == "revoked":
        out.append(str(REVOKED))
    if not r.valid_at_signing:
        out.append(str(NOT_VALID_AT_SIGNING))
    if not r.trusted and r.intact:  # a broken signature's chain cannot be judged
        out.append(str(UNTRUSTED))
    return out


def _summary(r: SignatureResult) -> str:
    who = r.signer_name or _("(không rõ người ký)")
    problems = _problems(r)
    if r.summary and not r.intact and not r.signer_name:
        return r.summary
    if not problems and r.test_authority:
        return _("Chữ ký của %(who)s hợp lệ, nhưng chứng thư do CA thử nghiệm cấp: không có giá trị pháp lý.") % {
            "who": who}
    if not problems:
        return _("Chữ ký của %(who)s hợp lệ.") % {"who": who}
    return SIGNER_PROBLEMS % {"who": who, "p": "; ".join(problems)}


def _overall(results: list[SignatureResult]) -> Report:
    report = Report(status="valid", signatures=results)
    report.personal_valid = any(r.valid and r.kind == "personal" for r in results)
    report.agency_valid = any(r.valid and r.kind == "agency" for r in results)
    report.modified_after_signing = any(r.modification == "other" for r in results)
    report.test_authority = any(r.valid and r.test_authority for r in results)
    hard = [r for r in results if not r.intact or r.modification == "other" or r.revocation == "revoked"
            or not r.valid_at_signing]
    if hard:
        report.status = "invalid"
        report.message = _short(" ".join(r.summary for r in hard), 2000)
    elif any(not r.trusted for r in results):
        report.status = "untrusted"
        report.message = _short(" ".join(r.summary for r in results if not r.trusted), 2000)
    elif report.test_authority:
        report.message = _("Tất cả %(n)s chữ ký số hợp lệ, nhưng có chữ ký do CA thử nghiệm cấp chứng thư: "
                           "văn bản không có giá trị pháp lý.") % {"n": len(results)}
    else:
        report.message = ALL_VALID % {"n": len(results)}
    return report
