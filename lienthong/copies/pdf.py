"""The PDF of an electronic copy: the original's pages (all of them, or the pages of a trích sao), then a
page with the copy's certification (Mẫu 3.2 of NĐ30 Phụ lục III: hình thức sao, tên cơ quan sao, số ký
hiệu bản sao, địa danh và thời gian sao, chức vụ và họ tên người ký, nơi nhận), then the agency's digital
signature without an image at the top right of page 1 (Phụ lục I ô 14, §II.8: the copy form, the copying
agency's name and the signing time in ISO 8601, 10 pt, black).

WeasyPrint draws the certification page, pypdf joins the pages, pyHanko signs (all imported inside).
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core.errors import ValidationFailed
from lienthong.signing import pades
from lienthong.signing.pades import date_words

# The upper-case form names printed on the copy (Mẫu 3.1/3.2) and in the signature's appearance.
FORM_TITLES = {"SY": "SAO Y", "TrS": "TRÍCH SAO", "SL": "SAO LỤC"}
MAX_PAGE_RANGES = 100

# Refusals users see (the tests use these constants rather than copies of the text).
PAGES_REQUIRED = gettext_lazy("Trích sao: cần ghi các trang cần sao (ví dụ: 1-2, 4).")
NO_SUCH_PAGE = gettext_lazy("Văn bản chỉ có %(n)s trang: không có trang %(p)s.")


def parse_pages(text: str, *, page_count: int) -> list[int]:
    """"1-2, 4" → [1, 2, 4] (1-based, in order, no repeats), each within 1…page_count."""
    text = (text or "").replace(" ", "")
    if not text:
        raise ValidationFailed({"pages": [str(PAGES_REQUIRED)]})
    pages: list[int] = []
    parts = text.split(",")
    if len(parts) > MAX_PAGE_RANGES:
        raise ValidationFailed({"pages": [_("Quá nhiều khoảng trang.")]})
    for part in parts:
        bounds = part.split("-")
        if len(bounds) > 2 or not all(b.isdigit() and len(b) <= 6 for b in bounds):
            raise ValidationFailed({"pages": [_("Trang “%(p)s” không hợp lệ: ghi số trang hoặc khoảng trang, "
                                                "ví dụ 1-2, 4.") % {"p": part}]})
        first, last = int(bounds[0]), int(bounds[-1])
        if first < 1 or last < first:
            raise ValidationFailed({"pages": [_("Khoảng trang “%(p)s” không hợp lệ.") % {"p": part}]})
        if last > page_count:
            raise ValidationFailed({"pages": [NO_SUCH_PAGE % {"n": page_count, "p": last}]})
        for n in range(first, last + 1):
            if n not in pages:
                pages.append(n)
    return pages


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


@dataclass
class Certification:
    """What the certification page prints."""

    form: str  # SY / TrS / SL
    parent_name: str  # tên cơ quan chủ quản (may be empty)
    agency_name: str
    number_symbol: str
    place: str
    day: dt.date
    signer_lines: list[str]
    signer_name: str
    recipients: list[str]
    original_label: str  # "Văn bản số 12/TB-UBND ngày 05/11/2026 của …"
    pages_label: str = ""


def certification_pdf(cert: Certification) -> bytes:
    import weasyprint

    html = render_to_string("copies/certification_pdf.html", {
        "c": cert, "title": FORM_TITLES[cert.form], "date_text": f"{cert.place}, {date_words(cert.day)}",
    })
    return weasyprint.HTML(string=html).write_pdf()


def assemble(original: bytes, certification: bytes, *, pages: list[int] | None) -> bytes:
    """The original's pages (``pages``, 1-based, or all) followed by the certification page."""
    from pypdf import PdfReader, PdfWriter

    try:
        reader = PdfReader(io.BytesIO(original))
        chosen = pages or list(range(1, len(reader.pages) + 1))
        writer = PdfWriter()
        for n in chosen:
            writer.add_page(reader.pages[n - 1])
        for page in PdfReader(io.BytesIO(certification)).pages:
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    except Exception as exc:  # noqa: BLE001 - an unreadable original is the user's problem, in Vietnamese
        raise ValidationFailed({"original": [_("Không đọc được tệp PDF của văn bản gốc để sao.")]}) from exc
    return out.getvalue()


def _copy_writer(data: bytes, *, form: str, agency_name: str, signed_at: dt.datetime):
    """A signature field at the top right of page 1 sized for three lines (form, agency, time)."""
    doc = pades.checked_pdf(data)
    when = pades.iso_vn(signed_at)
    agency = unicodedata.normalize("NFC", agency_name).strip()
    label = f"{FORM_TITLES[form]}\n{agency}"
    width = max(pades.text_width(line, 10) for line in (FORM_TITLES[form], agency, when)) + 12
    # Three 12 pt lines from 3 mm below the top edge: clear of the national motto of a Decree 30 page
    # (printed from the 20 mm top margin).
    height = 3 * 12 + 10
    _x0, _y0, x1, y1 = doc.mediabox(0)
    box = pades.Box(0, x1 - 12 * pades.MM - width, y1 - 3 * pades.MM - height, x1 - 12 * pades.MM,
                    y1 - 3 * pades.MM)
    writer = pades.incremental_writer(doc)
    name = pades.unique_field_name(writer, "LT_KySo_BanSao")
    pades.add_signature_field(writer, name, box)
    return writer, name, pades.text_stamp_style(10), {"number": label, "time": when}


def sign_copy(data: bytes, *, signer, form: str, agency_name: str, signed_at: dt.datetime, timestamper=None) -> bytes:
    """The copying agency's signature on the copy: no image, top right of page 1 (Phụ lục I ô 14)."""
    from pyhanko.sign.signers import PdfSigner

    writer, name, style, params = _copy_writer(data, form=form, agency_name=agency_name, signed_at=signed_at)
    pdf_signer = PdfSigner(pades.signature_metadata(name, reason=FORM_TITLES[form]), signer=signer, stamp_style=style,
                           timestamper=timestamper)
    return pdf_signer.sign_pdf(writer, existing_fields_only=True, bytes_reserved=pades.BYTES_RESERVED,
                               appearance_text_params=params).getvalue()
