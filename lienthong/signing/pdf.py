"""PAdES signatures placed the way Decree 30/2020 Appendix I prescribes. Pure functions over bytes (no ORM).

* ``sign_personal``: the competent person's signature, with the blue signature image centred between the
  chức vụ line and the name line (ô 7c). In the same signed revision it creates two empty text fields,
  ``LT_SoKyHieu`` and ``LT_NgayBanHanh``, over the printed "Số: …" and "…, ngày … tháng … năm …" lines.
* ``sign_agency``: one incremental revision that fills those two fields (a new appearance stream per widget,
  drawn with the rescaled stamp font so Vietnamese shows) and adds the agency's signature with the red seal at
  real size over the left third of the personal signature image. Filling a form field and adding a signature
  field are the changes PDF allows after a signature (pyHanko's difference analysis classes them as
  FORM_FILLING), so the personal signature stays valid and the number and date are in the document *before*
  the agency signs it — never edited afterwards.
* ``sign_attachment``: the agency signature of a separate attachment, no image, top right of page 1, number
  and ISO 8601 Vietnam time in a Times-compatible 10 pt black.
* ``prepare_*`` / ``finish_remote``: the same layouts for a USB token (the token signs the signed attributes
  on the user's machine; the server keeps nothing between the two calls but what ``Prepared`` carries).

pyHanko is imported inside the functions: it costs seconds to import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from lienthong.core.errors import ValidationFailed

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIELD_NUMBER = "LT_SoKyHieu"
FIELD_DATE = "LT_NgayBanHanh"
SIG_PERSONAL = "LT_KySo_CaNhan"
SIG_AGENCY = "LT_KySo_CoQuan"
SIG_ATTACHMENT = "LT_KySo_KemTheo"
MM = 72 / 25.4
BYTES_RESERVED = 16384  # room for the CMS: certificate chain + timestamp token
_REMOTE_MD = "sha256"


def configure_logging() -> None:
    """pyHanko logs every failed difference-analysis rule as a WARNING with a full traceback; our
    verification reports the result itself, so keep only errors from those loggers."""
    for name in ("pyhanko.sign.diff_analysis", "pyhanko.sign.validation", "pyhanko.pdf_utils.reader",
                 "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.ERROR)


configure_logging()


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points on page ``page`` (0-based; -1 = the last page)."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def rect(self) -> tuple[int, int, int, int]:
        return (round(self.x0), round(self.y0), round(self.x1), round(self.y1))


@dataclass(frozen=True)
class Prepared:
    """A PDF with a reserved, empty signature and what the token must sign (see ``finish_remote``)."""

    prepared_pdf: bytes
    document_digest: bytes
    reserved_start: int
    reserved_end: int
    signed_attributes: bytes
    to_sign_digest: bytes


# --------------------------------------------------------------------------------------------- checks

def check_pdf(data: bytes) -> None:
    """Refuse what cannot be signed: not a PDF, corrupt, encrypted, too big."""
    _checked(data)


def _checked(data: bytes) -> _Doc:
    if len(data) > settings.SIGNING_MAX_PDF_BYTES:
        raise ValidationFailed({"files": [_("Tệp PDF quá lớn để ký số (tối đa %(mb)d MB).")
                                          % {"mb": settings.SIGNING_MAX_PDF_BYTES // (1024 * 1024)}]})
    if not data or b"%PDF-" not in data[:1024]:
        raise ValidationFailed({"files": [_("Tệp không phải là PDF.")]})
    try:
        reader = _reader(data)
        encrypted = reader.encrypted
        doc = None
        if not encrypted:
            doc = _Doc(data, reader)
            if doc.count < 1:
                raise ValueError("no pages")
            doc.mediabox(0)
            doc.mediabox(doc.count - 1)
            reader.root.get("/AcroForm")
    except ValidationFailed:
        raise
    except Exception:  # noqa: BLE001 - any parser failure means a corrupt file
        raise ValidationFailed({"files": [_("Tệp PDF bị hỏng, không đọc được.")]}) from None
    if encrypted:
        raise ValidationFailed({"files": [_("Tệp PDF được mã hóa (đặt mật khẩu), không ký số được.")]})
    return doc


def _reader(data: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data), strict=False)


def _page_ref(reader, index: int):
    ref, _res = reader.find_page_for_modification(index)
    return ref


# ------------------------------------------------------------------------------------- text positions

# Liberation Serif / Times New Roman: ascent 0.891 em, descent 0.216 em
_ASCENT, _DESCENT = 0.891, 0.216


@dataclass
class _Line:
    page: int
    text: str
    x0: float
    x1: float
    bottom: float  # lowest point of the glyphs (descent), PDF points from the page's bottom
    top: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def size(self) -> float:
        return (self.top - self.bottom) / (_ASCENT + _DESCENT)

    @property
    def baseline(self) -> float:
        return self.bottom + _DESCENT * self.size


class _Doc:
    """A parsed PDF (pyHanko reader) with page boxes and text lines computed at most once per page."""

    def __init__(self, data: bytes, reader=None):
        self.data = data
        self.reader = reader or _reader(data)
        self.count = int(self.reader.root["/Pages"]["/Count"])
        self._lines: dict[int, list[_Line]] = {}
        self._boxes: dict[int, tuple[float, float, float, float]] = {}
        self._pypdf = None

    def index(self, page: int) -> int:
        return page if page >= 0 else self.count + page

    def mediabox(self, index: int) -> tuple[float, float, float, float]:
        if index not in self._boxes:
            page = _page_ref(self.reader, index).get_object()
            while "/MediaBox" not in page and "/Parent" in page:
                page = page["/Parent"]
            x0, y0, x1, y1 = (float(v) for v in page["/MediaBox"])
            self._boxes[index] = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        return self._boxes[index]

    def lines(self, index: int) -> list[_Line]:
        if index not in self._lines:
            lines = _poppler_lines(self.data, index, self.mediabox(index))
            if lines is None:
                lines = _pypdf_lines(self, index)
            self._lines[index] = lines
        return self._lines[index]


def _poppler_lines(data: bytes, index: int, mediabox) -> list[_Line] | None:
    """Text lines from Poppler's ``pdftotext -bbox-layout`` (exact glyph boxes, about 10 ms a page); None
    when Poppler is not installed or fails."""
    import html
    import subprocess

    try:
        xml = subprocess.run(["pdftotext", "-q", "-f", str(index + 1), "-l", str(index + 1), "-bbox-layout", "-",
                              "-"], input=data, capture_output=True, timeout=30, check=True).stdout.decode("utf-8",
                                                                                                       "replace")
    except (OSError, subprocess.SubprocessError):
        return None
    if "<page" not in xml:
        return None
    x_origin, _y0, _x1, y_top = mediabox
    lines = []
    for match in _POPPLER_LINE.finditer(xml):
        words = [html.unescape(w) for w in _POPPLER_WORD.findall(match.group(5))]
        if not words:
            continue
        x0, y0, x1, y1 = (float(match.group(i)) for i in range(1, 5))
        lines.append(_Line(index, unicodedata.normalize("NFC", " ".join(words)), x_origin + x0, x_origin + x1,
                           y_top - y1, y_top - y0))
    return lines


_POPPLER_LINE = re.compile(r'<line xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</line>',
                           re.S)
_POPPLER_WORD = re.compile(r"<word[^>]*>(.*?)</word>", re.S)


@lru_cache(maxsize=8)
def _metrics(style: str):
    """(cmap, advance widths, units per em) of Liberation Serif in a style, to measure extracted text."""
    import subprocess

    from fontTools.ttLib import TTFont

    pattern = {"regular": "Liberation Serif:regular", "bold": "Liberation Serif:bold",
               "italic": "Liberation Serif:italic", "bolditalic": "Liberation Serif:bold:italic"}[style]
    try:
        path = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True,
                              timeout=20).stdout.strip()
        font = TTFont(path, lazy=True)
    except Exception:  # noqa: BLE001
        from lienthong.signing.fonts import stamp_font_path

        font = TTFont(stamp_font_path())
    return font.getBestCmap(), {k: v[0] for k, v in font["hmtx"].metrics.items()}, font["head"].unitsPerEm


def text_width(text: str, size: float, style: str = "regular") -> float:
    """Width in points of ``text`` set in Liberation Serif (= Times New Roman metrics)."""
    cmap, widths, upem = _metrics(style)
    total = 0
    for ch in unicodedata.normalize("NFC", text):
        glyph = cmap.get(ord(ch))
        total += widths.get(glyph, upem // 2) if glyph else upem // 2
    return total * size / upem


def _mult(m, n):
    return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]]


def _pypdf_lines(doc: _Doc, index: int) -> list[_Line]:
    """Fallback without Poppler: pypdf's extraction visitor gives each fragment's text matrix; widths come
    from the Liberation Serif metrics. Fragments on one baseline and close together are merged."""
    from pypdf import PdfReader

    if doc._pypdf is None:
        doc._pypdf = PdfReader(io.BytesIO(doc.data), strict=False)
    frags: list[tuple[float, float, float, str, str]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text or not text.strip():
            return
        m = _mult(tm, cm)
        size = abs(font_size * (m[3] if abs(m[3]) > 1e-6 else m[1] or 1))
        base = str((font_dict or {}).get("/BaseFont", "")).lower()
        style = ("bold" if "bold" in base else "") + ("italic" if "italic" in base or "oblique" in base else "")
        for n, part in enumerate(text.split("\n")):
            if part.strip():
                frags.append((m[4], m[5] - n * size * 1.2, size, part, style or "regular"))

    try:
        doc._pypdf.pages[index].extract_text(visitor_text=visit)
    except Exception:  # noqa: BLE001 - a page we cannot read has no usable positions
        return []
    lines: list[_Line] = []
    for x, y, size, text, style in frags:
        text = unicodedata.normalize("NFC", text)
        width = text_width(text, size, style)
        prev = lines[-1] if lines else None
        if prev and abs(prev.baseline - y) < 0.4 * size and -size < x - prev.x1 < 3 * size:
            joiner = "" if prev.text.endswith(" ") or text.startswith(" ") else " "
            prev.text = prev.text + joiner + text
            prev.x1 = max(prev.x1, x + width)
            continue
        lines.append(_Line(index, text.strip(), x, x + width, y - _DESCENT * size, y + _ASCENT * size))
    for line in lines:
        line.text = re.sub(r"\s+", " ", line.text).strip()
    return lines


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def locate_signature_box(data: bytes, *, signer_name: str, signer_position: str = "", width_pt: float,
                         height_pt: float) -> Box:
    """Ô 7c: on the last page that carries ``signer_name``, centred on the name line horizontally and between
    the chức vụ line and the name line vertically. Fallback: bottom right of the last page's text."""
    return _signature_box(_Doc(data), signer_name=signer_name, signer_position=signer_position,
                          width_pt=width_pt, height_pt=height_pt)


def _signature_box(doc: _Doc, *, signer_name, signer_position, width_pt, height_pt) -> Box:
    name = _fold(signer_name)
    position = _fold(signer_position)
    for index in range(doc.count - 1, -1, -1):
        lines = doc.lines(index)
        named = [ln for ln in lines if name and name in _fold(ln.text)]
        if not named:
            continue
        line = named[-1]
        above = [ln for ln in lines if ln.bottom > line.baseline and ln.x0 < line.x1 + line.size
                 and ln.x1 > line.x0 - line.size]
        if position:
            preferred = [ln for ln in above if position in _fold(ln.text)]
            above = preferred or above
        if above:
            title = min(above, key=lambda ln: ln.bottom - line.top)
            cy = (title.bottom + line.top) / 2
        else:
            cy = line.top + 6 + height_pt / 2
        return _fit(doc, index, line.centre, cy, width_pt, height_pt)
    index = doc.count - 1
    lines = doc.lines(index)
    x0, y0, x1, y1 = doc.mediabox(index)
    right = x1 - 20 * MM
    top = min(ln.bottom for ln in lines) - 6 if lines else y0 + 60 * MM + height_pt
    cy = max(top - height_pt / 2, y0 + 15 * MM + height_pt / 2)
    return _fit(doc, index, right - width_pt / 2, cy, width_pt, height_pt)


def _fit(doc: _Doc, index: int, cx: float, cy: float, w: float, h: float) -> Box:
    x0, y0, x1, y1 = doc.mediabox(index)
    bx0 = min(max(cx - w / 2, x0 + 2), x1 - 2 - w)
    by0 = min(max(cy - h / 2, y0 + 2), y1 - 2 - h)
    return Box(index, bx0, by0, bx0 + w, by0 + h)


_NUMBER_RE = re.compile(r"^s[ốô]\s*[:.]", re.I)
_DATE_RE = re.compile(r"ngày\b.*\btháng\b.*\bnăm\b", re.I)


def _number_date_lines(doc: _Doc) -> tuple[_Line | None, _Line | None]:
    lines = doc.lines(0)
    number = next((ln for ln in lines if _NUMBER_RE.match(ln.text)), None)
    date = next((ln for ln in lines if _DATE_RE.search(ln.text)), None)
    return number, date


def _field_box(line: _Line, extra: float) -> Box:
    width = line.width + extra
    return Box(line.page, line.centre - width / 2, line.bottom - 0.15 * line.size, line.centre + width / 2,
               line.top + 0.1 * line.size)


def locate_number_date(data: bytes) -> tuple[Box, Box]:
    """Where the printed "Số: …" and "…, ngày … tháng … năm …" lines are on page 1, widened so a filled
    number and date fit (fallback: the Decree 30 layout positions on an A4 page)."""
    return _number_date_boxes(_Doc(data))[0:2]


def _number_date_boxes(doc: _Doc):
    number, date = _number_date_lines(doc)
    x0, y0, x1, y1 = doc.mediabox(0)
    if number:
        number_box = _field_box(number, 6 * number.size)
    else:  # left column (30 mm margin, 40 % of 165 mm), about 45 mm from the top
        cx, base = x0 + (30 + 0.2 * 165) * MM, y1 - 45 * MM
        number_box = Box(0, cx - 40 * MM, base - 5, cx + 40 * MM, base + 13)
    if date:
        date_box = _field_box(date, 4 * date.size)
    else:  # right column, under the motto
        cx, base = x0 + (30 + 0.7 * 165) * MM, y1 - 45 * MM
        date_box = Box(0, cx - 50 * MM, base - 5, cx + 50 * MM, base + 13)
    return number_box, date_box, number, date


# ------------------------------------------------------------------------------------------ helpers

def _vn_now() -> dt.datetime:
    return dt.datetime.now(VN_TZ).replace(microsecond=0)


def iso_vn(moment: dt.datetime | None = None) -> str:
    """``2026-11-26T10:15:03+07:00``."""
    moment = moment or _vn_now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def date_words(day: dt.date) -> str:
    """"ngày 05 tháng 3 năm 2018": a zero before days below 10 and months 1 and 2 (PL1 §II.4)."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {d} tháng {m} năm {day.year}"


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


def _writer_for(doc: _Doc):
    """An incremental writer over the already parsed file (the reader's objects become the writer's)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    return IncrementalPdfFileWriter.from_reader(doc.reader)


def _unique_name(reader, wanted: str) -> str:
    names = {str(f.get("/T", "")) for f in _fields(reader)}
    name, n = wanted, 2
    while name in names:
        name, n = f"{wanted}_{n}", n + 1
    return name


def _fields(reader) -> list:
    try:
        form = reader.root["/AcroForm"]
        return [f.get_object() for f in form["/Fields"]]
    except (KeyError, TypeError):
        return []


def _image_style(image):
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
    from pyhanko.stamp import StaticStampStyle

    return StaticStampStyle(background=PdfImage(image), border_width=0, background_opacity=1.0,
                            background_layout=SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MID,
                                                                  y_align=AxisAlignment.ALIGN_MID,
                                                                  margins=Margins.uniform(0)))


def _text_style(font_size: int = 10):
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    from lienthong.signing.fonts import stamp_font_path

    font = GlyphAccumulatorFactory(stamp_font_path(), font_size=font_size)
    return TextStampStyle(
        stamp_text="%(number)s\n%(time)s", border_width=0, background=None,
        text_box_style=TextBoxStyle(font=font, font_size=font_size, leading=font_size + 2),
        inner_content_layout=SimpleBoxLayoutRule(x_align=AxisAlignment.ALIGN_MAX, y_align=AxisAlignment.ALIGN_MAX,
                                                 margins=Margins.uniform(0),
                                                 inner_content_scaling=InnerScaling.NO_SCALING))


def _meta(field_name: str, *, reason: str = "", location: str = "", name: str | None = None):
    from pyhanko.sign import fields
    from pyhanko.sign.signers import PdfSignatureMetadata

    return PdfSignatureMetadata(field_name=field_name, md_algorithm="sha256",
                                subfilter=fields.SigSeedSubFilter.PADES, reason=reason or None,
                                location=location or None, name=name)


def _add_sig_field(writer, name: str, box: Box) -> None:
    from pyhanko.sign import fields

    page = box.page if box.page >= 0 else int(writer.root["/Pages"]["/Count"]) - 1
    fields.append_signature_field(writer, fields.SigFieldSpec(sig_field_name=name, on_page=page, box=box.rect()))


# --------------------------------------------------------------------------------- form text fields

def _add_text_fields(writer, doc: _Doc) -> None:
    """The two empty fields the văn thư fills at issue time (created inside the personal signature's
    revision)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    number_box, date_box, number_line, date_line = _number_date_boxes(doc)
    page_ref = _page_ref(writer, 0)
    page = page_ref.get_object()
    root = writer.root
    if "/AcroForm" not in root:
        root["/AcroForm"] = writer.add_object(generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject()}))
        writer.update_root()
    form = root["/AcroForm"]
    form_ref = root.raw_get("/AcroForm")
    existing = {str(f.get_object().get("/T", "")) for f in form.get("/Fields", [])}
    if "/Fields" not in form:
        form["/Fields"] = generic.ArrayObject()
    annots = page.get("/Annots")
    if annots is None:
        page["/Annots"] = annots = generic.ArrayObject()
    elif isinstance(page.raw_get("/Annots"), generic.IndirectObject):
        writer.mark_update(page.raw_get("/Annots"))
    for name, box, line, italic in ((FIELD_NUMBER, number_box, number_line, False),
                                    (FIELD_DATE, date_box, date_line, True)):
        if name in existing:
            continue
        size = round(line.size, 1) if line else 13
        blank = generic.StreamObject(
            {pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
             pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(0), generic.FloatObject(0),
                                                     generic.FloatObject(box.width),
                                                     generic.FloatObject(box.height)]),
             pdf_name("/Resources"): generic.DictionaryObject()},
            stream_data=b"/Tx BMC EMC")
        field = generic.DictionaryObject({
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): generic.TextStringObject(name),
            pdf_name("/TU"): generic.TextStringObject("Số, ký hiệu văn bản" if name == FIELD_NUMBER
                                                      else "Địa danh, ngày tháng năm ban hành"),
            pdf_name("/V"): generic.TextStringObject(""),
            pdf_name("/Ff"): generic.NumberObject(1),  # read-only: a viewer must not let anyone type here
            pdf_name("/Q"): generic.NumberObject(1),
            pdf_name("/DA"): generic.pdf_string(f"/Helv {size:g} Tf 0 g"),
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/P"): page_ref,
            pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(round(v, 2)) for v in
                                                    (box.x0, box.y0, box.x1, box.y1)]),
            pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): writer.add_object(blank)}),
            pdf_name("/LT_Italic"): generic.BooleanObject(italic),
            # found the printed line: the filled field paints white over its blank; at a guessed (fallback)
            # place it must not hide whatever is printed there
            pdf_name("/LT_Cover"): generic.BooleanObject(line is not None),
        })
        if name == FIELD_DATE and line:  # the printed place, kept when the date is filled in
            match = re.match(r"^(.*?)[,\s]*ngày\b", line.text)
            if match and match.group(1).strip():
                field[pdf_name("/LT_Place")] = generic.TextStringObject(match.group(1).strip())
        ref = writer.add_object(field)
        form["/Fields"].append(ref)
        annots.append(ref)
    if "/DR" not in form:
        helv = generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
                                         pdf_name("/BaseFont"): pdf_name("/Helvetica"),
                                         pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding")})
        form["/DR"] = generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject(
            {pdf_name("/Helv"): writer.add_object(helv)})})
    if "/DA" not in form:
        form["/DA"] = generic.pdf_string("/Helv 0 Tf 0 g")
    if isinstance(form_ref, generic.IndirectObject):
        writer.mark_update(form_ref)
    else:
        writer.update_root()
    writer.mark_update(page_ref)


def _widths_array(widths: list, gids) -> list:
    """``/W`` for the glyphs the appearance shows only (``[gid [w] …]``, consecutive ids grouped): the other
    glyphs are never drawn, and a 500-entry array made the difference analysis of every later signature
    parse a thousand numbers."""
    from pyhanko.pdf_utils import generic

    out: list = []
    run: list[int] = []
    for gid in sorted(set(gids)):
        if run and gid == run[-1] + 1:
            run.append(gid)
            continue
        if run:
            out += [generic.NumberObject(run[0]), generic.ArrayObject(generic.NumberObject(widths[g]) for g in run)]
        run = [gid]
    if run:
        out += [generic.NumberObject(run[0]), generic.ArrayObject(generic.NumberObject(widths[g]) for g in run)]
    return out


def _embed_field_font(writer, italic: bool, gids=None):
    """The whole (small) stamp font as a Type 0 / CIDFontType2 font, Identity-H, CID = glyph id; the font
    program and ToUnicode map are compressed once per process (``fonts.field_font``). ``/W`` lists the
    widths of ``gids`` (all glyphs when None)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    from lienthong.signing.fonts import field_font

    font = field_font(italic=italic)
    flate = {pdf_name("/Filter"): pdf_name("/FlateDecode")}
    file_ref = writer.add_object(generic.StreamObject(
        {**flate, pdf_name("/Length1"): generic.NumberObject(font.font_file_length)}, encoded_data=font.font_file))
    name = pdf_name("/" + font.postscript_name)
    descriptor = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/FontDescriptor"), pdf_name("/FontName"): name,
        pdf_name("/Flags"): generic.NumberObject(0b100010 | (64 if italic else 0)),
        pdf_name("/FontBBox"): generic.ArrayObject(generic.NumberObject(v) for v in font.bbox),
        pdf_name("/ItalicAngle"): generic.FloatObject(font.italic_angle),
        pdf_name("/Ascent"): generic.NumberObject(font.ascent),
        pdf_name("/Descent"): generic.NumberObject(font.descent),
        pdf_name("/CapHeight"): generic.NumberObject(font.cap_height),
        pdf_name("/StemV"): generic.NumberObject(font.stem_v), pdf_name("/FontFile2"): file_ref}))
    cid_font = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/CIDFontType2"),
        pdf_name("/BaseFont"): name,
        pdf_name("/CIDSystemInfo"): generic.DictionaryObject({
            pdf_name("/Registry"): generic.pdf_string("Adobe"), pdf_name("/Ordering"): generic.pdf_string("Identity"),
            pdf_name("/Supplement"): generic.NumberObject(0)}),
        pdf_name("/FontDescriptor"): descriptor, pdf_name("/CIDToGIDMap"): pdf_name("/Identity"),
        pdf_name("/W"): generic.ArrayObject(_widths_array(font.widths, range(len(font.widths)) if gids is None
                                                          else gids))}))
    to_unicode = writer.add_object(generic.StreamObject(dict(flate), encoded_data=font.to_unicode))
    return writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type0"), pdf_name("/BaseFont"): name,
        pdf_name("/Encoding"): pdf_name("/Identity-H"), pdf_name("/DescendantFonts"): generic.ArrayObject([cid_font]),
        pdf_name("/ToUnicode"): to_unicode}))


def _fill_text_field(writer, field_ref, text: str) -> None:
    """Set ``/V`` and draw a new appearance: white over the printed blank, the text centred, in the
    rescaled Liberation Serif (regular for the number, italic for the date) at the printed size."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name

    from lienthong.signing.fonts import field_font

    text = unicodedata.normalize("NFC", text)
    field = field_ref.get_object()
    x0, y0, x1, y1 = (float(v) for v in field["/Rect"])
    width, height = x1 - x0, y1 - y0
    match = re.search(r"([\d.]+)\s+Tf", str(field.get("/DA", "")))
    size = float(match.group(1)) if match and float(match.group(1)) > 0 else 13.0
    italic = bool(field.get("/LT_Italic", False))
    glyphs, advance = field_font(italic=italic).encode(text)
    if advance * size > width - 2:
        size = (width - 2) / advance
    tx = (width - advance * size) / 2
    ty = (height - size * (_ASCENT + _DESCENT)) / 2 + _DESCENT * size
    cover = f"q 1 1 1 rg 0 0 {width:.2f} {height:.2f} re f Q " if field.get("/LT_Cover", True) else ""
    ops = (f"/Tx BMC {cover}q BT /F1 {size:.2f} Tf 0 g "
           f"{tx:.2f} {ty:.2f} Td <").encode() + glyphs + b"> Tj ET Q EMC"
    stream = generic.StreamObject(
        {pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
         pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(0), generic.FloatObject(0),
                                                 generic.FloatObject(width), generic.FloatObject(height)]),
         pdf_name("/Resources"): generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject(
             {pdf_name("/F1"): _embed_field_font(writer, italic, [int(glyphs[i:i + 4], 16)
                                                                   for i in range(0, len(glyphs), 4)])})})},
        stream_data=ops)
    field["/V"] = generic.TextStringObject(text)
    field["/AP"] = generic.DictionaryObject({pdf_name("/N"): writer.add_object(stream)})
    writer.mark_update(field_ref)


def _field_refs(writer) -> dict:
    try:
        refs = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return {}
    return {str(ref.get_object().get("/T", "")): ref for ref in refs}


def _date_text(field_ref, issued_on: dt.date, place: str) -> str:
    place = unicodedata.normalize("NFC", place or str(field_ref.get_object().get("/LT_Place", ""))).strip()
    return f"{place}, {date_words(issued_on)}" if place else date_words(issued_on)


def _number_text(number_symbol: str) -> str:
    return f"Số: {unicodedata.normalize('NFC', number_symbol).strip()}"


# ------------------------------------------------------------------------------------ personal signature

def _personal_writer(data, *, image_png, image_width_mm, signer_name, signer_position):
    doc = _checked(data)
    image = _png(image_png)
    width, height = _image_size(image, image_width_mm)
    box = _signature_box(doc, signer_name=signer_name, signer_position=signer_position, width_pt=width,
                         height_pt=height)
    _number_date_lines(doc)  # text positions read before the writer touches the parsed objects
    writer = _writer_for(doc)
    _add_text_fields(writer, doc)
    name = _unique_name(writer, SIG_PERSONAL)
    _add_sig_field(writer, name, box)
    return writer, name, _image_style(image)


def sign_personal(data: bytes, *, signer, image_png: bytes, image_width_mm: float, signer_name: str,
                  signer_position: str = "", reason: str = "", location: str = "", timestamper=None) -> bytes:
    """The competent person's visible PAdES signature (ô 7c) plus the two empty number/date fields."""
    from pyhanko.sign.signers import PdfSigner

    writer, name, style = _personal_writer(data, image_png=image_png, image_width_mm=image_width_mm,
                                           signer_name=signer_name, signer_position=signer_position)
    pdf_signer = PdfSigner(_meta(name, reason=reason, location=location), signer=signer, stamp_style=style,
                           timestamper=timestamper)
    out = pdf_signer.sign_pdf(writer, existing_fields_only=True, bytes_reserved=BYTES_RESERVED)
    return out.getvalue()


# -------------------------------------------------------------------------------------- agency signature

def _personal_widget(reader):
    """(page index, rect) of the first signed signature field (the personal signature)."""
    sigs = [f for f in _fields(reader) if f.get("/FT") == "/Sig" and f.get("/V") is not None]
    if not sigs:
        raise ValidationFailed({"files": [_("Văn bản chưa có chữ ký số của người có thẩm quyền, "
                                            "chưa thể ký số của cơ quan.")]})
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
        ref = _page_ref(reader, index)
        if target is not None and getattr(target, "reference", None) == getattr(ref, "reference", ref):
            return index
        for annot in ref.get_object().get("/Annots", []) or []:
            if annot.get_object() is widget:
                return index
    return count - 1


def _agency_writer(data, *, seal_png, seal_width_mm, number_symbol, issued_on, place):
    doc = _checked(data)
    page_index, rect = _personal_widget(doc.reader)
    image = _png(seal_png)
    width, height = _image_size(image, seal_width_mm)
    px0, py0, px1, py1 = rect
    x1 = px0 + (px1 - px0) / 3  # the seal covers the left third of the signature image
    cy = (py0 + py1) / 2
    box = _fit(doc, page_index, x1 - width / 2, cy, width, height)
    writer = _writer_for(doc)
    refs = _field_refs(writer)
    if FIELD_NUMBER in refs:
        _fill_text_field(writer, refs[FIELD_NUMBER], _number_text(number_symbol))
    if FIELD_DATE in refs:
        _fill_text_field(writer, refs[FIELD_DATE], _date_text(refs[FIELD_DATE], issued_on, place))
    name = _unique_name(writer, SIG_AGENCY)
    _add_sig_field(writer, name, box)
    return writer, name, _image_style(image)


def sign_agency(data: bytes, *, signer, seal_png: bytes, seal_width_mm: float, number_symbol: str,
                issued_on: dt.date, place: str = "", timestamper=None) -> bytes:
    """Fill the number and date fields and add the agency's signature with the seal (one incremental
    revision: the personal signature sees only form filling and a new signature field)."""
    from pyhanko.sign.signers import PdfSigner

    writer, name, style = _agency_writer(data, seal_png=seal_png, seal_width_mm=seal_width_mm,
                                         number_symbol=number_symbol, issued_on=issued_on, place=place)
    pdf_signer = PdfSigner(_meta(name), signer=signer, stamp_style=style, timestamper=timestamper)
    return pdf_signer.sign_pdf(writer, existing_fields_only=True, bytes_reserved=BYTES_RESERVED).getvalue()


# ---------------------------------------------------------------------------------- attachment signature

def _attachment_writer(data, *, number_symbol, signed_at):
    doc = _checked(data)
    when = iso_vn(signed_at)
    number = unicodedata.normalize("NFC", number_symbol).strip()
    width = max(text_width(number, 10), text_width(when, 10)) + 12
    height = 2 * 12 + 14
    x0, y0, x1, y1 = doc.mediabox(0)
    box = Box(0, x1 - 12 * MM - width, y1 - 6 * MM - height, x1 - 12 * MM, y1 - 6 * MM)
    writer = _writer_for(doc)
    name = _unique_name(writer, SIG_ATTACHMENT)
    _add_sig_field(writer, name, box)
    return writer, name, _text_style(10), {"number": number, "time": when}


def sign_attachment(data: bytes, *, signer, number_symbol: str, signed_at: dt.datetime | None = None,
                    timestamper=None) -> bytes:
    """The agency's signature on a separate attachment: no image, top right of page 1, number + time."""
    from pyhanko.sign.signers import PdfSigner

    writer, name, style, params = _attachment_writer(data, number_symbol=number_symbol, signed_at=signed_at)
    pdf_signer = PdfSigner(_meta(name), signer=signer, stamp_style=style, timestamper=timestamper)
    return pdf_signer.sign_pdf(writer, existing_fields_only=True, bytes_reserved=BYTES_RESERVED,
                               appearance_text_params=params).getvalue()


# ----------------------------------------------------------------------------------- remote / token signing

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
    pdf_signer = PdfSigner(_meta(name), signer=signer, stamp_style=style)

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
    writer, name, style = _personal_writer(data, image_png=image_png, image_width_mm=image_width_mm,
                                           signer_name=signer_name, signer_position=signer_position)
    return _prepare(writer, name, style, certificate_der, chain_der)


def prepare_agency(data: bytes, *, certificate_der: bytes, chain_der=(), seal_png: bytes, seal_width_mm: float,
                   number_symbol: str, issued_on: dt.date, place: str = "") -> Prepared:
    writer, name, style = _agency_writer(data, seal_png=seal_png, seal_width_mm=seal_width_mm,
                                         number_symbol=number_symbol, issued_on=issued_on, place=place)
    return _prepare(writer, name, style, certificate_der, chain_der)


def prepare_attachment(data: bytes, *, certificate_der: bytes, chain_der=(), number_symbol: str,
                       signed_at: dt.datetime | None = None) -> Prepared:
    writer, name, style, params = _attachment_writer(data, number_symbol=number_symbol, signed_at=signed_at)
    return _prepare(writer, name, style, certificate_der, chain_der, params)


def _mismatch() -> ValidationFailed:
    return ValidationFailed({"signatures": [_("Chữ ký từ token không khớp với dữ liệu đã chuẩn bị.")]})


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


# ------------------------------------------------------------------------------------------ timestamps

def timestamper():
    """The configured RFC 3161 timestamp authority (PAdES B-T), or None (B-B)."""
    url = getattr(settings, "SIGNING_TSA_URL", "")
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=10)
