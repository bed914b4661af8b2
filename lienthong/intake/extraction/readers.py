"""The text of an incoming file: plain text, DOCX or PDF with a text layer. Every file is treated as hostile.

- Size: at most ``MAX_FILE_BYTES``; the text kept is at most ``MAX_TEXT_CHARS``.
- DOCX: a ZIP whose members are checked before anything is unpacked (count, declared sizes, compression
  ratio, reading stops at the declared size), XML parsed without entities, DTDs or network; the text comes in
  reading order from paragraphs, table cells (row by row, cell by cell) and text boxes (``w:txbxContent``,
  which python-docx does not read), headers first.
- PDF: pypdf's layout mode keeps the columns of the header and signature block apart (runs of spaces); at most
  ``MAX_PDF_PAGES`` pages; an encrypted PDF that does not open with an empty password is refused.

Errors are ``ReadError`` with a Vietnamese msgid (``template``) and its values, translated on the Django side.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass

MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_TEXT_CHARS = 500_000
MAX_PDF_PAGES = 50
MAX_ZIP_MEMBERS = 2000
MAX_XML_BYTES = 40 * 1024 * 1024
MAX_RATIO = 200


def _(message: str) -> str:  # marker for makemessages; translation happens on the Django side
    return message


TOO_LARGE = _("Tệp quá lớn: {size} byte, tối đa {limit} byte.")
EMPTY = _("Tệp rỗng.")
UNKNOWN_KIND = _("Không đọc được loại tệp này; chấp nhận văn bản thuần (.txt), DOCX và PDF.")
PDF_ENCRYPTED = _("Tệp PDF được bảo vệ bằng mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.")
PDF_UNREADABLE = _("Tệp PDF bị hỏng hoặc không đọc được.")
PDF_NO_TEXT = _("Tệp PDF không có lớp chữ (bản quét): cần nhận dạng ký tự (OCR).")
DOCX_UNREADABLE = _("Tệp DOCX bị hỏng hoặc không phải DOCX.")
DOCX_BOMB = _("Tệp DOCX có nội dung nén bất thường (nghi “bom zip”): không đọc.")
XML_REFUSED = _("Tệp DOCX có khai báo DOCTYPE/ENTITY: không được chấp nhận.")
IMAGE_NEEDS_OCR = _("Tệp ảnh cần nhận dạng ký tự (OCR), chức năng này chưa được cài đặt.")


class ReadError(ValueError):
    def __init__(self, template: str, **params: object):
        super().__init__(template.format(**params) if params else template)
        self.template = template
        self.params = params


@dataclass
class ReadText:
    text: str
    kind: str  # "text", "docx", "pdf"
    pages: int | None = None


def sniff(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data[:8] in (b"\x89PNG\r\n\x1a\n",) or data[:3] == b"\xff\xd8\xff" or data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in data:
        return "text"
    return "unknown"  # binary: a format this reader does not know


def read_document(data: bytes, name: str = "") -> ReadText:
    if len(data) > MAX_FILE_BYTES:
        raise ReadError(TOO_LARGE, size=len(data), limit=MAX_FILE_BYTES)
    if not data.strip():
        raise ReadError(EMPTY)
    kind = sniff(data)
    if kind == "pdf":
        text, pages = _pdf_text(data)
        return ReadText(text, "pdf", pages)
    if kind == "docx":
        return ReadText(_docx_text(data), "docx")
    if kind == "image":
        raise ReadError(IMAGE_NEEDS_OCR)
    if kind == "text":
        return ReadText(_decode(data)[:MAX_TEXT_CHARS], "text")
    raise ReadError(UNKNOWN_KIND)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # legacy TCVN3/VNI bytes keep their values; ``legacy.detect`` converts them


# ---------------------------------------------------------------- PDF


def _pdf_text(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - an unknown encryption is a refusal like a password
                opened = 0
            if not opened:
                raise ReadError(PDF_ENCRYPTED)
        pages = reader.pages
        count = len(pages)
        parts: list[str] = []
        total = 0
        for index in range(min(count, MAX_PDF_PAGES)):
            page_text = pages[index].extract_text(extraction_mode="layout", layout_mode_space_vertically=True)
            parts.append(page_text or "")
            total += len(page_text or "")
            if total > MAX_TEXT_CHARS:
                break
    except ReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as err:
        raise ReadError(PDF_UNREADABLE) from err
    text = "\n".join(parts)[:MAX_TEXT_CHARS]
    if not text.strip():
        raise ReadError(PDF_NO_TEXT)
    return text, count


# ---------------------------------------------------------------- DOCX

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _checked_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as err:
        raise ReadError(DOCX_UNREADABLE) from err
    if len(members) > MAX_ZIP_MEMBERS:
        raise ReadError(DOCX_BOMB)
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > MAX_XML_BYTES or total > 4 * MAX_XML_BYTES:
            raise ReadError(DOCX_BOMB)
        ratio = member.file_size / member.compress_size if member.compress_size else 0
        if ratio > MAX_RATIO and member.file_size > 1_000_000:
            raise ReadError(DOCX_BOMB)
    return archive


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    with archive.open(info) as handle:
        data = handle.read(MAX_XML_BYTES + 1)  # never more than the limit, whatever the header says
    if len(data) > MAX_XML_BYTES:
        raise ReadError(DOCX_BOMB)
    return data


def _parse_xml(data: bytes):
    from lxml import etree

    head = data[:2048].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data[:65536].upper():
        raise ReadError(XML_REFUSED)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise ReadError(DOCX_UNREADABLE) from err


def _docx_text(data: bytes) -> str:
    archive = _checked_zip(data)
    body = _read_member(archive, "word/document.xml")
    if body is None:
        raise ReadError(DOCX_UNREADABLE)
    lines: list[str] = []
    root = _parse_xml(body)
    body_el = root.find(f"{W}body")
    if body_el is None:
        raise ReadError(DOCX_UNREADABLE)
    _block_text(body_el, lines)
    return "\n".join(lines)[:MAX_TEXT_CHARS]


def _paragraph_text(p) -> tuple[str, list]:
    """The text of a paragraph (runs, tabs, breaks) and the text boxes it anchors."""
    parts: list[str] = []
    boxes = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}txbxContent"):
        if el.tag == f"{W}txbxContent":
            boxes.append(el)
            continue
        if any(a.tag == f"{W}txbxContent" for a in el.iterancestors()) and _inside_box(el, p):
            continue
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag == f"{W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts), boxes


def _inside_box(el, p) -> bool:
    for ancestor in el.iterancestors():
        if ancestor is p:
            return False
        if ancestor.tag == f"{W}txbxContent":
            return True
    return False


def _block_text(container, lines: list[str], depth: int = 0) -> None:
    if depth > 8:  # nested tables and boxes: deeper levels are not read
        return
    for child in container:
        if child.tag == f"{W}p":
            text, boxes = _paragraph_text(child)
            lines.append(text)
            seen = set()
            for box in boxes:
                if id(box) in seen or any(a.tag == f"{W}txbxContent" for a in box.iterancestors()):
                    continue  # a box inside a box is read with its outer box
                seen.add(id(box))
                _block_text(box, lines, depth + 1)
        elif child.tag == f"{W}tbl":
            for row in child.findall(f"{W}tr"):  # a nested table is read from inside its cell
                for cell in row.findall(f"{W}tc"):
                    _block_text(cell, lines, depth + 1)
                    lines.append("")
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent")
            _block_text(content if content is not None else child, lines, depth + 1)

