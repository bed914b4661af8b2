"""Where things are on the page of a PDF to sign: the checks that refuse what cannot be signed, the text
lines of a page with their positions, and the boxes found from them (Decree 30/2020 Appendix I).

* ``checked_pdf`` / ``check_pdf``: not a PDF, corrupt, encrypted or too big is refused in Vietnamese.
* ``ParsedPdf``: the parsed file (pyHanko reader) with page boxes and text lines computed at most once a
  page: Poppler's ``pdftotext -bbox-layout`` when installed, else pypdf's extraction measured with the
  Liberation Serif metrics.
* ``locate_signature_box`` (ô 7c: between the chức vụ line and the name line) and ``locate_number_date``
  (the printed "Số: …" and "…, ngày … tháng … năm …" lines on page 1).

Pure functions over bytes (no ORM); pyHanko, pypdf and fontTools are imported inside the functions.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.translation import gettext_lazy

from lienthong.core.errors import ValidationFailed
from lienthong.signing.pades.fonts import stamp_font_path

MM = 72 / 25.4

# Refusals users see (the tests use these constants rather than copies of the text).
PDF_TOO_LARGE = gettext_lazy("Tệp PDF quá lớn để ký số (tối đa %(mb)d MB).")
NOT_A_PDF = gettext_lazy("Tệp không phải là PDF.")
CORRUPT_PDF = gettext_lazy("Tệp PDF bị hỏng, không đọc được.")
ENCRYPTED_PDF = gettext_lazy("Tệp PDF được mã hóa (đặt mật khẩu), không ký số được.")


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


# --------------------------------------------------------------------------------------------- checks

def check_pdf(data: bytes) -> None:
    """Refuse what cannot be signed: not a PDF, corrupt, encrypted, too big."""
    checked_pdf(data)


def checked_pdf(data: bytes) -> ParsedPdf:
    if len(data) > settings.SIGNING_MAX_PDF_BYTES:
        raise ValidationFailed({"files": [PDF_TOO_LARGE % {"mb": settings.SIGNING_MAX_PDF_BYTES // (1024 * 1024)}]})
    if not data or b"%PDF-" not in data[:1024]:
        raise ValidationFailed({"files": [str(NOT_A_PDF)]})
    try:
        reader = pdf_reader(data)
        encrypted = reader.encrypted
        doc = None
        if not encrypted:
            doc = ParsedPdf(data, reader)
            if doc.count < 1:
                raise ValueError("no pages")
            doc.mediabox(0)
            doc.mediabox(doc.count - 1)
            reader.root.get("/AcroForm")
    except ValidationFailed:
        raise
    except Exception:  # noqa: BLE001 - any parser failure means a corrupt file
        raise ValidationFailed({"files": [str(CORRUPT_PDF)]}) from None
    if encrypted:
        raise ValidationFailed({"files": [str(ENCRYPTED_PDF)]})
    return doc


def pdf_reader(data: bytes):
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data), strict=False)


def page_ref_of(reader, index: int):
    ref, _res = reader.find_page_for_modification(index)
    return ref


# ------------------------------------------------------------------------------------- text positions

# Liberation Serif / Times New Roman: ascent 0.891 em, descent 0.216 em
ASCENT, DESCENT = 0.891, 0.216


@dataclass
class TextLine:
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
        return (self.top - self.bottom) / (ASCENT + DESCENT)

    @property
    def baseline(self) -> float:
        return self.bottom + DESCENT * self.size


class ParsedPdf:
    """A parsed PDF (pyHanko reader) with page boxes and text lines computed at most once per page."""

    def __init__(self, data: bytes, reader=None):
        self.data = data
        self.reader = reader or pdf_reader(data)
        self.count = int(self.reader.root["/Pages"]["/Count"])
        self._lines: dict[int, list[TextLine]] = {}
        self._boxes: dict[int, tuple[float, float, float, float]] = {}
        self._pypdf = None

    def index(self, page: int) -> int:
        return page if page >= 0 else self.count + page

    def mediabox(self, index: int) -> tuple[float, float, float, float]:
        if index not in self._boxes:
            page = page_ref_of(self.reader, index).get_object()
            while "/MediaBox" not in page and "/Parent" in page:
                page = page["/Parent"]
            x0, y0, x1, y1 = (float(v) for v in page["/MediaBox"])
            self._boxes[index] = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        return self._boxes[index]

    def lines(self, index: int) -> list[TextLine]:
        if index not in self._lines:
            lines = _poppler_lines(self.data, index, self.mediabox(index))
            if lines is None:
                lines = _pypdf_lines(self, index)
            self._lines[index] = lines
        return self._lines[index]


def _poppler_lines(data: bytes, index: int, mediabox) -> list[TextLine] | None:
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
        lines.append(TextLine(index, unicodedata.normalize("NFC", " ".join(words)), x_origin + x0, x_origin + x1,
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


def _pypdf_lines(doc: ParsedPdf, index: int) -> list[TextLine]:
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
    lines: list[TextLine] = []
    for x, y, size, text, style in frags:
        text = unicodedata.normalize("NFC", text)
        width = text_width(text, size, style)
        prev = lines[-1] if lines else None
        if prev and abs(prev.baseline - y) < 0.4 * size and -size < x - prev.x1 < 3 * size:
            joiner = "" if prev.text.endswith(" ") or text.startswith(" ") else " "
            prev.text = prev.text + joiner + text
            prev.x1 = max(prev.x1, x + width)
            continue
        lines.append(TextLine(index, text.strip(), x, x + width, y - DESCENT * size, y + ASCENT * size))
    for line in lines:
        line.text = re.sub(r"\s+", " ", line.text).strip()
    return lines


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def locate_signature_box(data: bytes, *, signer_name: str, signer_position: str = "", width_pt: float,
                         height_pt: float) -> Box:
    """Ô 7c: on the last page that carries ``signer_name``, centred on the name line horizontally and between
    the chức vụ line and the name line vertically. Fallback: bottom right of the last page's text."""
    return signature_box(ParsedPdf(data), signer_name=signer_name, signer_position=signer_position,
                          width_pt=width_pt, height_pt=height_pt)


def signature_box(doc: ParsedPdf, *, signer_name, signer_position, width_pt, height_pt) -> Box:
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
        return fit_box(doc, index, line.centre, cy, width_pt, height_pt)
    index = doc.count - 1
    lines = doc.lines(index)
    x0, y0, x1, y1 = doc.mediabox(index)
    right = x1 - 20 * MM
    top = min(ln.bottom for ln in lines) - 6 if lines else y0 + 60 * MM + height_pt
    cy = max(top - height_pt / 2, y0 + 15 * MM + height_pt / 2)
    return fit_box(doc, index, right - width_pt / 2, cy, width_pt, height_pt)


def fit_box(doc: ParsedPdf, index: int, cx: float, cy: float, w: float, h: float) -> Box:
    x0, y0, x1, y1 = doc.mediabox(index)
    bx0 = min(max(cx - w / 2, x0 + 2), x1 - 2 - w)
    by0 = min(max(cy - h / 2, y0 + 2), y1 - 2 - h)
    return Box(index, bx0, by0, bx0 + w, by0 + h)


_NUMBER_RE = re.compile(r"^s[ốô]\s*[:.]", re.I)
_DATE_RE = re.compile(r"ngày\b.*\btháng\b.*\bnăm\b", re.I)


def number_date_lines(doc: ParsedPdf) -> tuple[TextLine | None, TextLine | None]:
    lines = doc.lines(0)
    number = next((ln for ln in lines if _NUMBER_RE.match(ln.text)), None)
    date = next((ln for ln in lines if _DATE_RE.search(ln.text)), None)
    return number, date


def _field_box(line: TextLine, extra: float) -> Box:
    width = line.width + extra
    return Box(line.page, line.centre - width / 2, line.bottom - 0.15 * line.size, line.centre + width / 2,
               line.top + 0.1 * line.size)


def locate_number_date(data: bytes) -> tuple[Box, Box]:
    """Where the printed "Số: …" and "…, ngày … tháng … năm …" lines are on page 1, widened so a filled
    number and date fit (fallback: the Decree 30 layout positions on an A4 page)."""
    return number_date_boxes(ParsedPdf(data))[0:2]


def number_date_boxes(doc: ParsedPdf):
    number, date = number_date_lines(doc)
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
