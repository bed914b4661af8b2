"""The text of an incoming file: plain text, DOCX or PDF with a text layer. Every file is treated as hostile.

- Size: at most ``MAX_FILE_BYTES``; the text kept is at most ``MAX_TEXT_CHARS``.
- DOCX: a ZIP whose members are checked before anything is unpacked (count, declared sizes, compression
  ratio, reading stops at the declared size), XML parsed without entities, DTDs or network; the text comes in
  reading order from paragraphs, table cells (row by row, cell by cell) and text boxes (``w:txbxContent``,
  which python-docx does not read), headers first.
- PDF: pypdf's layout mode keeps the columns of the header and signature block apart (runs of spaces); at most
  ``MAX_PDF_PAGES`` pages; an encrypted PDF that does not open with an empty password is refused.
- Scans (PNG, JPEG, TIFF, and a PDF without a text layer): Tesseract's command line with Debian's Vietnamese model
  (``tesseract-ocr-vie``), one page at a time with a timeout, at most ``MAX_OCR_PAGES`` pages (a PDF's pages are
  rendered at 300 dpi by Poppler's ``pdftoppm``); images over ``MAX_IMAGE_PIXELS`` are refused. Without Tesseract
  a scan is refused with a message saying OCR is not installed.

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
MAX_OCR_PAGES = 20
MAX_IMAGE_PIXELS = 80_000_000
OCR_TIMEOUT_SECONDS = 120


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
IMAGE_UNREADABLE = _("Tệp ảnh bị hỏng, quá lớn hoặc không đọc được.")
NO_TEXT_FOUND = _("Không nhận dạng được chữ nào trong tệp (ảnh trắng hoặc không phải văn bản).")


class ReadError(ValueError):
    def __init__(self, template: str, **params: object):
        super().__init__(template.format(**params) if params else template)
        self.template = template
        self.params = params


@dataclass
class ReadText:
    text: str
    kind: str  # "text", "docx", "pdf", "image"
    pages: int | None = None
    ocr: bool = False  # the text was recognised from a scan


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
        try:
            text, pages = _pdf_text(data)
        except _NoTextLayer as scan:
            return ReadText(_ocr_pdf(data, scan.pages), "pdf", scan.pages, ocr=True)
        return ReadText(text, "pdf", pages)
    if kind == "docx":
        return ReadText(_docx_text(data), "docx")
    if kind == "image":
        return ReadText(_ocr_image(data), "image", 1, ocr=True)
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
        raise _NoTextLayer(count)
    return text, count


class _NoTextLayer(Exception):
    def __init__(self, pages: int):
        self.pages = pages


# ---------------------------------------------------------------- OCR


def ocr_available() -> bool:
    import shutil

    return shutil.which("tesseract") is not None


def _tesseract(image: bytes) -> str:
    import os
    import subprocess

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_THREAD_LIMIT": "1"}  # one core per page
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", "vie", "tsv"], input=image, capture_output=True,
                              timeout=OCR_TIMEOUT_SECONDS, env=env, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ReadError(IMAGE_UNREADABLE) from err
    if done.returncode != 0:
        raise ReadError(IMAGE_UNREADABLE)
    return layout_text(done.stdout.decode("utf-8", errors="replace"))


def layout_text(tsv: str) -> str:
    """Lines of text from Tesseract's word boxes (TSV), with the page's layout kept as the text readers keep it:
    Tesseract's lines that share a height make one row, left to right, three spaces between them (two columns);
    words of one line are joined by a space (three where a gap wider than a word's height separates them); a blank
    line where rows are far apart."""
    import csv

    found: dict[tuple[str, str, str], list[tuple[int, int, int, int, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        try:
            box = tuple(int(row[k]) for k in ("left", "top", "width", "height"))
        except (KeyError, TypeError, ValueError):
            continue
        if not row["text"].strip("_|~ "):
            continue  # a rule under the agency name or the motto, read as underscores
        key = (row.get("block_num") or "", row.get("par_num") or "", row.get("line_num") or "")
        found.setdefault(key, []).append((*box, row["text"].strip()))  # type: ignore[arg-type]
    if not found:
        return ""
    heights = sorted(w[3] for words in found.values() for w in words)
    unit = max(1, heights[len(heights) // 2])  # the median word height: one text line
    lines = []
    for words in found.values():
        words.sort(key=lambda w: w[0])
        text = words[0][4]
        for before, word in zip(words, words[1:], strict=False):
            text += ("   " if word[0] - (before[0] + before[2]) > unit * 1.5 else " ") + word[4]
        top = sorted(w[1] for w in words)[len(words) // 2]
        lines.append((top, words[0][0], text))
    lines.sort()
    rows: list[list[tuple[int, int, str]]] = []
    for line in lines:
        if rows and abs(line[0] - rows[-1][0][0]) <= unit * 0.6:
            rows[-1].append(line)
        else:
            rows.append([line])
    out: list[str] = []
    previous_top = None
    for row in rows:
        row.sort(key=lambda x: x[1])
        if previous_top is not None and row[0][0] - previous_top > unit * 2.2:
            out.append("")
        previous_top = row[0][0]
        out.append("   ".join(x[2] for x in row))
    return "\n".join(out)


def _ocr_image(data: bytes) -> str:
    if not ocr_available():
        raise ReadError(IMAGE_NEEDS_OCR)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only: the size before any decoding
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as err:
        raise ReadError(IMAGE_UNREADABLE) from err
    if width * height > MAX_IMAGE_PIXELS:
        raise ReadError(IMAGE_UNREADABLE)
    text = _tesseract(data)
    if not text.strip():
        raise ReadError(NO_TEXT_FOUND)
    return text[:MAX_TEXT_CHARS]


def _ocr_pdf(data: bytes, pages: int) -> str:
    import os
    import shutil
    import subprocess
    import tempfile

    if not ocr_available() or shutil.which("pdftoppm") is None:
        raise ReadError(PDF_NO_TEXT)
    texts = []
    with tempfile.TemporaryDirectory(prefix="intake-ocr-") as folder:
        source = os.path.join(folder, "in.pdf")
        with open(source, "wb") as handle:
            handle.write(data)
        for page in range(1, min(pages, MAX_OCR_PAGES) + 1):
            target = os.path.join(folder, f"p{page}")
            try:
                subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", "-f", str(page), "-l",
                                str(page), source, target], capture_output=True, timeout=OCR_TIMEOUT_SECONDS,
                               check=True)
                with open(f"{target}.png", "rb") as handle:
                    texts.append(_tesseract(handle.read()))
            except (OSError, subprocess.SubprocessError) as err:
                raise ReadError(PDF_UNREADABLE) from err
    text = "\n".join(texts)
    if not text.strip():
        raise ReadError(NO_TEXT_FOUND)
    return text[:MAX_TEXT_CHARS]


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

