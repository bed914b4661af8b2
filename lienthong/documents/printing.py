"""Printed copies of stored PDF originals, each page stamped with who printed it, when, and the document's number.

The stored original is the legal object (its SHA-256 is what a signature and the register vouch for): it is
never changed and its download stays byte-exact. A print is a NEW PDF built from the original's pages, with
a small stamp ("In bởi … lúc … — Văn bản số …") laid over the bottom margin of every page, so the mark sits
outside anything the original's signatures cover. Every print is logged (``AuditAction.PRINTED``).
(vanthu.md §7 rule 11; NĐ30 Phụ lục VI: "download or print, with a mark on printed output".)

The stamp is laid out by WeasyPrint, once per page size, on an otherwise transparent page of exactly that
size, in Liberation Sans (fonts-liberation2, which has the Vietnamese glyphs); pypdf places it over each page
of the original, turned to follow the page's ``/Rotate`` so it reads upright at the bottom of the page as
shown, and moved to the page's visible box.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.errors import DomainError
from lienthong.documents.models import Direction, Document, DocumentFile
from lienthong.files import open_original

log = logging.getLogger(__name__)

ONLY_PDF_PRINTABLE = gettext_lazy("Chỉ in được tệp PDF; tệp khác hãy tải tệp gốc về để in.")

STAMP_FONT_SIZE_PT = 8
STAMP_BOTTOM_MM = 4  # distance of the stamp from the bottom edge of the page as shown
STAMP_SIDE_MM = 8


@dataclass(frozen=True)
class PrintedCopy:
    content: bytes
    filename: str
    stamp: str


def printer_label(*, user, document: Document) -> str:
    """"<full name> (<agency>)": the agency where the user holds a position in the document's agency when
    there is one, else the user's first active position; the name alone for someone without a position."""
    positions = account_selectors.active_positions(user=user).select_related("agency").order_by("pk")
    position = next((p for p in positions if p.agency_id == document.agency_id), None) or positions.first()
    name = user.full_name or user.get_username()
    return f"{name} ({position.agency.name})" if position else name


def document_label(document: Document) -> str:
    """The number the stamp names: the số, ký hiệu, and for an incoming document also its số đến."""
    label = document.number_symbol or str(document.register_number)
    if document.direction == Direction.INCOMING:
        label = _("%(s)s (số đến %(n)s)") % {"s": label, "n": document.register_number}
    return label


def stamp_text(*, user, document: Document, at=None) -> str:
    at = timezone.localtime(at or timezone.now())
    return _("In bởi %(who)s lúc %(time)s — Văn bản số %(number)s") % {
        "who": printer_label(user=user, document=document), "time": at.strftime("%H:%M %d/%m/%Y"),
        "number": document_label(document)}


def _overlay_html(text: str, width: float, height: float) -> str:
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: {width:.3f}pt {height:.3f}pt; margin: 0; }}
html, body {{ margin: 0; padding: 0; background: transparent; }}
.stamp {{ position: absolute; left: {STAMP_SIDE_MM}mm; right: {STAMP_SIDE_MM}mm; bottom: {STAMP_BOTTOM_MM}mm;
  text-align: center; font-family: "Liberation Sans", sans-serif; font-size: {STAMP_FONT_SIZE_PT}pt;
  line-height: 1.25; color: #1f1f1f; }}
.stamp span {{ background: rgba(255, 255, 255, 0.85); border: 0.4pt solid #777; padding: 0.6pt 3pt; }}
</style></head><body><div class="stamp"><span>{escape(text)}</span></div></body></html>"""


def _overlay_page(text: str, width: float, height: float):
    import weasyprint
    from pypdf import PdfReader

    pdf = weasyprint.HTML(string=_overlay_html(text, width, height)).write_pdf()
    return PdfReader(io.BytesIO(pdf)).pages[0]


def _placement(box, rotation: int):
    """The transformation that puts an overlay drawn upright for the page AS SHOWN onto the page's own
    coordinates: turned against the page's /Rotate, its lower-left corner on the visible box's."""
    from pypdf import Transformation

    width, height = float(box.width), float(box.height)
    shown_w, shown_h = (height, width) if rotation in (90, 270) else (width, height)
    turn = Transformation().rotate(rotation)  # /Rotate turns the page clockwise when shown
    corners = [turn.apply_on((x, y)) for x in (0, shown_w) for y in (0, shown_h)]
    dx = float(box.left) - min(c[0] for c in corners)
    dy = float(box.bottom) - min(c[1] for c in corners)
    return turn.translate(dx, dy), (shown_w, shown_h)


def stamped_pdf(original: bytes, text: str) -> bytes:
    """A new PDF: every page of ``original`` with ``text`` stamped in its bottom margin.

    Only the pages are carried over (not the catalog, its scripts, forms or signatures); page-level
    actions are dropped. ``DomainError`` when the original cannot be read as a PDF.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import RectangleObject

    try:
        reader = PdfReader(io.BytesIO(original))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DomainError(_("Tệp PDF có mật khẩu: không tạo được bản in."))
        writer = PdfWriter()
        overlays: dict[tuple[float, float], object] = {}
        for source in reader.pages:
            # A fresh page that takes the original's content: pages of the original may share one content
            # stream, which merging the stamp into them in place would stamp several times.
            page = writer.add_blank_page(width=float(source.mediabox.width), height=float(source.mediabox.height))
            page.mediabox = RectangleObject(source.mediabox)
            page.cropbox = RectangleObject(source.cropbox)
            page.merge_page(source, over=True)
            page.rotation = source.rotation or 0
            rotation = (page.rotation or 0) % 360
            if rotation not in (0, 90, 180, 270):
                rotation = 0
            transformation, (shown_w, shown_h) = _placement(page.cropbox, rotation)
            size = (round(shown_w, 2), round(shown_h, 2))
            if size not in overlays:
                overlays[size] = _overlay_page(text, *size)
            page.merge_transformed_page(overlays[size], transformation, over=True, expand=False)
        writer.add_metadata({"/Title": text, "/Producer": "Liên Thông (bản in)"})
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except DomainError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        log.warning("Cannot stamp a printed copy: %s", exc)
        raise DomainError(_("Không tạo được bản in của tệp này; hãy tải tệp gốc.")) from exc


def printed_filename(filename: str) -> str:
    stem = filename[:-4] if filename.lower().endswith(".pdf") else filename
    return f"{stem}-ban-in.pdf"


def document_file_print(*, actor, document_file: DocumentFile) -> PrintedCopy:
    """The stamped printed copy of a PDF file of a document, logged as PRINTED (who, which file, when, the
    hashes of the original and of the copy). The original in storage is only read."""
    stored = document_file.stored_file
    if stored.kind != "pdf":
        raise DomainError(str(ONLY_PDF_PRINTABLE))
    document = document_file.document
    now = timezone.now()
    text = stamp_text(user=actor, document=document, at=now)
    with open_original(stored.storage_name) as fh:
        original = fh.read()
    content = stamped_pdf(original, text)
    audit_log(actor=actor, action=AuditAction.PRINTED, obj_type="document", obj_id=document.pk,
              agency_id=document.agency_id,
              summary=_("In tệp %(f)s") % {"f": document_file.filename[:200]},
              details={"file_id": document_file.pk, "filename": document_file.filename[:255],
                       "original_sha256": stored.sha256, "printed_sha256": hashlib.sha256(content).hexdigest(),
                       "stamp": text})
    return PrintedCopy(content=content, filename=printed_filename(document_file.filename), stamp=text)
