"""Material for the ``signing.pades`` tests: a Decree 30 notice rendered with WeasyPrint (number left blank, as a
draft is when the leader signs), a small test PKI, pyHanko signers and validation helpers."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import serialization

from lienthong.signing import pki

SIGNER_NAME = "Nguyễn Văn An"
SIGNER_POSITION = "Phó Chủ tịch"
AGENCY_NAME = "Ủy ban nhân dân tỉnh Quảng Ngãi"
NUMBER = "125/TB-UBND"
ISSUED_ON = dt.date(2026, 11, 26)


@cache
def decree30_pdf() -> bytes:
    from lienthong.demo.pdf import PdfContent, render_pdf, signer_lines

    return render_pdf(PdfContent(
        header_parent="", header_name="ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI", number_symbol="      /TB-UBND",
        place="Quảng Ngãi", issued_on=ISSUED_ON, type_code="thong-bao",
        subject="Về việc tổ chức Hội nghị tổng kết công tác văn thư, lưu trữ năm 2026",
        body=["Ủy ban nhân dân tỉnh thông báo lịch tổ chức Hội nghị tổng kết công tác văn thư, lưu trữ "
              "năm 2026 để các cơ quan, đơn vị biết, thực hiện.",
              "Thời gian: 07 giờ 30 phút, ngày 05 tháng 12 năm 2026. Địa điểm: Hội trường Ủy ban nhân dân tỉnh.",
              "Đề nghị các cơ quan, đơn vị cử đại biểu tham dự đúng thành phần./."],
        recipients_text="- Các sở, ban, ngành;\n- UBND các xã, phường;\n- Lưu: VT, VP.",
        signer_lines=signer_lines(authority="KT.", position=SIGNER_POSITION, collective="Ủy ban nhân dân",
                                  head_title="Chủ tịch"),
        signer_name=SIGNER_NAME, date_text="Quảng Ngãi, ngày      tháng      năm 2026"))


@dataclass
class Pki:
    root: pki.Issued
    ca: pki.Issued
    person: pki.Issued
    agency: pki.Issued
    other: pki.Issued


@cache
def make_pki() -> Pki:
    root = pki.make_root(reuse_key=True)
    ca = pki.make_intermediate(root, "CA chuyên dùng (thử nghiệm)", reuse_key=True)
    person = pki.make_end_entity(ca, SIGNER_NAME, organisation=AGENCY_NAME, uid="CCCD:001085000123", reuse_key=True)
    agency = pki.make_end_entity(ca, AGENCY_NAME, organisation=AGENCY_NAME, reuse_key=True)
    other = pki.make_end_entity(ca, "Trần Thị Bình", uid="CCCD:002", reuse_key=True)
    while other.key is person.key:  # the key pool hands keys out in turn
        other = pki.make_end_entity(ca, "Trần Thị Bình", uid="CCCD:002", reuse_key=True)
    return Pki(root=root, ca=ca, person=person, agency=agency, other=other)


def signer_of(issued: pki.Issued):
    from asn1crypto import keys
    from asn1crypto import x509 as ax
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key_der = issued.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
    return signers.SimpleSigner(signing_cert=ax.Certificate.load(issued.der),
                                signing_key=keys.PrivateKeyInfo.load(key_der),
                                cert_registry=SimpleCertificateStore.from_certs(
                                    [ax.Certificate.load(c.der) for c in issued.chain]))


@cache
def signature_png() -> bytes:
    from lienthong.signing.pades.images import signature_image

    return signature_image(SIGNER_NAME)


@cache
def seal_png() -> bytes:
    from lienthong.signing.pades.images import seal_image

    return seal_image(AGENCY_NAME, diameter_mm=36)


@cache
def personally_signed() -> bytes:
    from lienthong.signing import pades

    return pades.sign_personal(decree30_pdf(), signer=signer_of(make_pki().person), image_png=signature_png(),
                               image_width_mm=40, signer_name=SIGNER_NAME, signer_position=SIGNER_POSITION,
                               reason="Ký ban hành", location="Quảng Ngãi")


@cache
def fully_signed() -> bytes:
    from lienthong.signing import pades

    return pades.sign_agency(personally_signed(), signer=signer_of(make_pki().agency), seal_png=seal_png(),
                             seal_width_mm=36, number_symbol=NUMBER, issued_on=ISSUED_ON)


def validate(data: bytes) -> list:
    """pyHanko's status of every embedded signature, trusting the test root."""
    from asn1crypto import x509 as ax
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    p = make_pki()
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    out = []
    for sig in reader.embedded_signatures:
        context = ValidationContext(trust_roots=[ax.Certificate.load(p.root.der)],
                                    other_certs=[ax.Certificate.load(p.ca.der)], allow_fetching=False,
                                    revocation_mode="soft-fail")
        out.append(validate_pdf_signature(sig, context))
    return out


def page_text(data: bytes, page: int = 1) -> str:
    """Poppler's text of a page in content order (``-raw``): the page, then the form fields drawn over it
    (sorted by position the filled number would interleave with the printed blank under it)."""
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-raw", "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode()


def words(data: bytes, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) of each word Poppler sees (points, origin top left)."""
    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", "-", "-"], input=data,
                         capture_output=True, check=True).stdout.decode()
    return [(m.group(5), *(float(m.group(i)) for i in range(1, 5))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', xml)]


def text_lines(data: bytes, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) of each line Poppler sees (points, origin top left)."""
    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", "-", "-"], input=data,
                         capture_output=True, check=True).stdout.decode()
    lines = []
    for match in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>',
                             xml, re.S):
        words = re.findall(r"<word[^>]*>(.*?)</word>", match.group(5))
        lines.append((" ".join(words), *(float(match.group(i)) for i in range(1, 5))))
    return lines


def render(data: bytes, *, dpi: int = 100, page: int = 1):
    """The page as a PIL image (Poppler's pdftoppm)."""
    from PIL import Image

    png = subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-", ],
                         input=data, capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def colour_box(image, kind: str):
    """Bounding box (pixels) of the clearly blue or clearly red pixels, or None."""
    from PIL import ImageChops

    r, g, b = image.split()
    # saturated colour only: grey anti-aliasing of black text has r = g = b
    if kind == "blue":
        masks = [ImageChops.subtract(b, r).point(lambda v: 255 if v > 60 else 0),
                 ImageChops.subtract(b, g).point(lambda v: 255 if v > 40 else 0)]
    else:
        masks = [ImageChops.subtract(r, g).point(lambda v: 255 if v > 80 else 0),
                 ImageChops.subtract(r, b).point(lambda v: 255 if v > 60 else 0)]
    mask = ImageChops.multiply(masks[0], masks[1])
    return mask.getbbox(), mask


def make_tsa(ca):
    """A timestamp authority certificate (extended key usage timeStamping, critical) under the test CA."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    from lienthong.signing import pki

    key = pki.new_key(reuse=True)
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA thử nghiệm")]))
            .issuer_name(ca.certificate.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(ca.key, hashes.SHA256()))
    return pki.Issued(key=key, certificate=cert, chain=(ca,))
