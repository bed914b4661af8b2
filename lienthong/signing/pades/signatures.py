"""PAdES signatures made on the server, placed the way Decree 30/2020 Appendix I prescribes. Pure functions
over bytes (no ORM); the signer is a pyHanko ``Signer`` (``signing.credentials.open_signer``).

* ``sign_personal``: the competent person's signature, with the blue signature image centred between the
  chức vụ line and the name line (ô 7c). In the same signed revision it creates the two empty text fields
  of the number and the date (``fields``).
* ``sign_agency``: one incremental revision that fills those two fields and adds the agency's signature
  with the red seal at real size over the left third of the personal signature image, so the number and
  date are in the document *before* the agency signs it — never edited afterwards.
* ``sign_attachment``: the agency signature of a separate attachment, no image, top right of page 1, number
  and ISO 8601 Vietnam time in a Times-compatible 10 pt black.

The ``*_writer`` functions lay a signature out without signing; ``remote`` signs the same layouts with a
USB token. pyHanko is imported inside the functions: it costs seconds to import.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import unicodedata
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core.errors import ValidationFailed
from lienthong.signing.pades.fields import (
    FIELD_DATE,
    FIELD_NUMBER,
    add_signature_field,
    add_text_fields,
    date_text,
    field_refs,
    fill_text_field,
    form_fields,
    number_text,
    unique_field_name,
)
from lienthong.signing.pades.fonts import stamp_font_path
from lienthong.signing.pades.layout import (
    MM,
    Box,
    ParsedPdf,
    checked_pdf,
    fit_box,
    number_date_lines,
    page_ref_of,
    signature_box,
    text_width,
)

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SIG_PERSONAL = "LT_KySo_CaNhan"
SIG_AGENCY = "LT_KySo_CoQuan"
SIG_ATTACHMENT = "LT_KySo_KemTheo"
BYTES_RESERVED = 16384  # room for the CMS: certificate chain + timestamp token

# The refusal users see (the tests use this constant rather than a copy of the text).
NO_PERSONAL_SIGNATURE = gettext_lazy("Văn bản chưa có chữ ký số của người có thẩm quyền, "
                                     "chưa thể ký số của cơ quan.")


def configure_logging() -> None:
    """pyHanko logs every failed difference-analysis rule as a WARNING with a full traceback; our
    verification reports the result itself, so keep only errors from those loggers."""
    for name in ("pyhanko.sign.diff_analysis", "pyhanko.sign.validation", "pyhanko.pdf_utils.reader",
                 "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.ERROR)


configure_logging()


def vn_now() -> dt.datetime:
    return dt.datetime.now(VN_TZ).replace(microsecond=0)


def iso_vn(moment: dt.datetime | None = None) -> str:
    """``2026-11-26T10:15:03+07:00``."""
    moment = moment or vn_now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def _png(data: bytes):
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception:  # noqa: BLE001
        raise ValidationFailed({"image": [_("Ảnh chữ ký/con dấu không phải là ảnh PNG hợp lệ.")]}) from None
    if image.mode not in ("RGBA", "LA"):
        image = image.convert("RGBA")
    return image


def _image_size(image, width_mm: float) -> tuple[float, float]:
    width = float(width_mm) * MM
    return width, width * image.height / image.width


def incremental_writer(doc: ParsedPdf):
    """An incremental writer over the already parsed file (the reader's objects become the writer's)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    return IncrementalPdfFileWriter.from_reader(doc.reader)


def _image_style(image):
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
    from pyhanko.stamp import StaticStampStyle

    return StaticStampStyle(background=PdfImage(image), border_width=0, background_opacity=1.0,
                            background_layout=SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MID,
                                                                  y_align=AxisAlignment.ALIGN_MID,
                                                                  margins=Margins.uniform(0)))


def text_stamp_style(font_size: int = 10):
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    font = GlyphAccumulatorFactory(stamp_font_path(), font_size=font_size)
    return TextStampStyle(
        stamp_text="%(number)s\n%(time)s", border_width=0, background=None,
        text_box_style=TextBoxStyle(font=font, font_size=font_size, leading=font_size + 2),
        inner_content_layout=SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MAX, y_align=AxisAlignment.ALIGN_MAX,
                                                 margins=Margins.uniform(0),
                                                 inner_content_scaling=InnerScaling.NO_SCALING))


def signature_metadata(field_name: str, *, reason: str = "", location: str = "", name: str | None = None):
    from pyhanko.sign import fields
    from pyhanko.sign.signers import PdfSignatureMetadata

    return PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256",
                                subfilter=fields.SigSeedSubFilter.PADES, reason=reason or None,
                                location=location or None, name=name)


# ------------------------------------------------------------------------------------ personal signature

def personal_writer(data, *, image_png, image_width_mm, signer_name, signer_position):
    doc = checked_pdf(data)
    image = _png(image_png)
    width, height = _image_size(image, image_width_mm)
    box = signature_box(doc, signer_name=signer_name, signer_position=signer_position, width_pt=width,
                         height_pt=height)
    number_date_lines(doc)  # text positions read before the writer touches the parsed objects
    writer = incremental_writer(doc)
    add_text_fields(writer, doc)
    name = unique_field_name(writer, SIG_PERSONAL)
    add_signature_field(writer, name, box)
    return writer, name, _image_style(image)


def sign_personal(data: bytes, *, signer, image_png: bytes, image_width_mm: float, signer_name: str,
                  signer_position: str = "", reason: str = "", location: str = "", timestamper=None) -> bytes:
    """The competent person's visible PAdES signature (ô 7c) plus the two empty number/date fields."""
    from pyhanko.sign.signers import PdfSigner

    writer, name, style = personal_writer(data, image_png=image_png, image_width_mm=image_width_mm,
                                           signer_name=signer_name, signer_position=signer_position)
    pdf_signer = PdfSigner(signature_metadata(name, reason=reason, location=location), signer=signer, stamp_style=style,
                           timestamper=timestamper)
    out = pdf_signer.sign_pdf(writer, existing_fields_only=True, bytes_reserved=BYTES_RESERVED)
    return out.getvalue()


# -------------------------------------------------------------------------------------- agency signature

def _personal_widget(reader):
    """(page index, rect) of the first signed signature field (the personal signature)."""
    sigs = [f for f in form_fields(reader) if f.get("/FT") == "/Sig" and f.get("/V") is not None]
    if not sigs:
        raise ValidationFailed({"files": [str(NO_PERSONAL_SIGNATURE)]})
    preferred = [f for f in sigs if str(f.get("/T", "")).startswith(SIG_PERSONAL)]
    field = (preferred or sigs)[0]
    widget = field
    if "/Rect" not in widget and "/Kids" in field:
        widget = field["/Kids"][0].get_object()
    rect = [float(v) for v in widget["/Rect"]]
    page_index = _page_of(reader, widget)
    return page_index, rect


def _page_of(reader, widget) -> int:
    pages = reader.root["/Pages"]
    count = int(pages["/Count"])
    target = widget.get("/P")
    for index in range(count):
        ref = page_ref_of(reader, index)
        if target is not None and getattr(target, "reference", None) == getattr(ref, "reference", ref):
            return index
        for annot in ref.get_object().get("/Annots", []) or []:
            if annot.get_object() is widget:
                return index
    return count - 1


def agency_writer(data, *, seal_png, seal_width_mm, number_symbol, issued_on, place):
    doc = checked_pdf(data)
    page_index, rect = _personal_widget(doc.reader)
    image = _png(seal_png)
    width, height = _image_size(image, seal_width_mm)
    px0, py0, px1, py1 = rect
    x1 = px0 + (px1 - px0) / 3  # the seal covers the left third of the signature image
    cy = (py0 + py1) / 2
    box = fit_box(doc, page_index, x1 - width / 2, cy, width, height)
    writer = incremental_writer(doc)
    refs = field_refs(writer)
    if FIELD_NUMBER in refs:
        fill_text_field(writer, refs[FIELD_NUMBER], number_text(number_symbol))
    if FIELD_DATE in refs:
        fill_text_field(writer, refs[FIELD_DATE], date_text(refs[FIELD_DATE], issued_on, place))
    name = unique_field_name(writer, SIG_AGENCY)
    add_signature_field(writer, name, box)
    return writer, name, _image_style(image)


def sign_agency(data: bytes, *, signer, seal_png: bytes, seal_width_mm: float, number_symbol: str,
                issued_on: dt.date, place: str = "", timestamper=None) -> bytes:
    """Fill the number and date fields and add the agency's signature with the seal (one incremental
    revision: the personal signature sees only form filling and a new signature field)."""
    from pyhanko.sign.signers import PdfSigner

    writer, name, style = agency_writer(data, seal_png=seal_png, seal_width_mm=seal_width_mm,
                                         number_symbol=number_symbol, issued_on=issued_on, place=place)
    pdf_signer = PdfSigner(signature_metadata(name), signer=signer, stamp_style=style, timestamper=timestamper)
    return pdf_signer.sign_pdf(writer, existing_fields_only=True, bytes_reserved=BYTES_RESERVED).getvalue()


# ---------------------------------------------------------------------------------- attachment signature

def attachment_writer(data, *, number_symbol, signed_at):
    doc = checked_pdf(data)
    when = iso_vn(signed_at)
    number = unicodedata.normalize("NFC", number_symbol).strip()
    width = max(text_width(number, 10), text_width(when, 10)) + 12
    height = 2 * 12 + 14
    x0, y0, x1, y1 = doc.mediabox(0)
    box = Box(0, x1 - 12 * MM - width, y1 - 6 * MM - height, x1 - 12 * MM, y1 - 6 * MM)
    writer = incremental_writer(doc)
    name = unique_field_name(writer, SIG_ATTACHMENT)
    add_signature_field(writer, name, box)
    return writer, name, text_stamp_style(10), {"number": number, "time": when}


def sign_attachment(data: bytes, *, signer, number_symbol: str, signed_at: dt.datetime | None = None,
                    timestamper=None) -> bytes:
    """The agency's signature on a separate attachment: no image, top right of page 1, number + time."""
    from pyhanko.sign.signers import PdfSigner

    writer, name, style, params = attachment_writer(data, number_symbol=number_symbol, signed_at=signed_at)
    pdf_signer = PdfSigner(signature_metadata(name), signer=signer, stamp_style=style, timestamper=timestamper)
    return pdf_signer.sign_pdf(writer, existing_fields_only=True, bytes_reserved=BYTES_RESERVED,
                               appearance_text_params=params).getvalue()


# ------------------------------------------------------------------------------------------ timestamps

def timestamper():
    """The configured RFC 3161 timestamp authority (PAdES B-T), or None (B-B)."""
    url = getattr(settings, "SIGNING_TSA_URL", "")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=10)
