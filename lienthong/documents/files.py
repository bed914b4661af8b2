"""Original files: type sniffing, content-addressed storage and text extraction.

Uploads are hostile until proven otherwise: the declared name and MIME type are ignored, the type is
decided from the bytes, ZIP containers are opened only to look at their member names (never
extracted to disk), XML is parsed without entities or network access, and every reader has a size
ceiling.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from lienthong.core.errors import ValidationFailed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sniffed:
    kind: str
    content_type: str
    label: str


PDF = Sniffed("pdf", "application/pdf", "PDF")
DOCX = Sniffed("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX")
XLSX = Sniffed("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX")
ODT = Sniffed("odt", "application/vnd.oasis.opendocument.text", "ODT")
JPEG = Sniffed("jpeg", "image/jpeg", "JPEG")
PNG = Sniffed("png", "image/png", "PNG")
TIFF = Sniffed("tiff", "image/tiff", "TIFF")
ACCEPTED_LABELS = "PDF, DOCX, XLSX, ODT, JPEG, PNG, TIFF"

_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")


def sniff(data: bytes) -> Sniffed | None:
    """Decide the file type from its content. Returns None for anything not accepted."""
    head = data[:8]
    if data[:1024].lstrip(b"\x00\t\r\n ").startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"II*\x00") or head.startswith(b"MM\x00*"):
        return TIFF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                if "mimetype" in names and zf.getinfo("mimetype").file_size < 200:
                    if zf.read("mimetype").strip() == ODT.content_type.encode():
                        return ODT
                if "word/document.xml" in names and "[Content_Types].xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
                    return XLSX
        except (zipfile.BadZipFile, KeyError, ValueError):
            return None
    return None


def is_executable(data: bytes) -> bool:
    return data[:4].startswith(_EXECUTABLE_MAGIC)


def read_upload(upload, *, field: str = "files") -> tuple[bytes, Sniffed]:
    """Read an uploaded file (Django ``UploadedFile`` or ``(name, bytes)``) and check it.

    Raises ``ValidationFailed`` with a Vietnamese message naming the file for: empty file, file over
    the size limit, executable, or a type outside the accepted list.
    """
    name = getattr(upload, "name", None) or "tệp"
    limit = settings.MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationFailed({field: [_("Tệp “%(name)s” có dung lượng %(size)s, vượt giới hạn %(limit)s.") % {
            "name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}]})
    chunks = []
    total = 0
    for chunk in upload.chunks():
        total += len(chunk)
        if total > limit:
            raise ValidationFailed({field: [_("Tệp “%(name)s” vượt giới hạn %(limit)s.") % {
                "name": name, "limit": filesizeformat(limit)}]})
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise ValidationFailed({field: [_("Tệp “%(name)s” rỗng (0 byte).") % {"name": name}]})
    if is_executable(data):
        raise ValidationFailed({field: [_("Tệp “%(name)s” là chương trình thực thi, không được phép tải lên.") % {"name": name}]})
    kind = sniff(data)
    if kind is None:
        raise ValidationFailed({field: [_("Tệp “%(name)s” không thuộc định dạng được chấp nhận (%(types)s).") % {
            "name": name, "types": ACCEPTED_LABELS}]})
    return data, kind


def storage_name_for(sha256: str) -> str:
    return f"originals/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_original(data: bytes, sha256: str, written: list[str]) -> str:
    """Write the bytes under their hash unless already there; remember newly written names in ``written``."""
    name = storage_name_for(sha256)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a concurrent writer won the race; keep one copy
            default_storage.delete(saved)
        else:
            written.append(name)
    return name


def open_original(storage_name: str):
    return default_storage.open(storage_name, "rb")


def discard_written(written: list[str], still_referenced) -> None:
    """After a rollback, delete files this call wrote unless a committed row now references them."""
    for name in written:
        sha = name.rsplit("/", 1)[-1]
        if not still_referenced(sha):
            try:
                default_storage.delete(name)
            except OSError:  # pragma: no cover - best effort clean-up
                log.warning("could not remove orphan original %s", name)


# --- Text extraction ------------------------------------------------------------------------------

MAX_EXTRACTED_CHARS = 2_000_000
MAX_PDF_PAGES = 500
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024


def extract_text(data: bytes, kind: str) -> tuple[str, int | None]:
    """Plain text and page count (PDF) of an original. Raises on unreadable content."""
    if kind == "pdf":
        return _pdf_text(data)
    if kind == "docx":
        return _docx_text(data), None
    return "", None


def _pdf_text(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data))
    parts = []
    total = 0
    for i, page in enumerate(reader.pages):
        if i >= MAX_PDF_PAGES or total > MAX_EXTRACTED_CHARS:
            break
        text = page.extract_text() or ""
        parts.append(text)
        total += len(text)
    return "\n".join(parts)[:MAX_EXTRACTED_CHARS], len(reader.pages)


def _docx_text(data: bytes) -> str:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("word/document.xml")
        if info.file_size > MAX_DOCX_XML_BYTES:
            raise ValueError("document.xml too large")
        xml = zf.read(info)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    root = etree.fromstring(xml, parser)
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    paragraphs = []
    for p in root.iter(f"{ns}p"):
        paragraphs.append("".join(t.text or "" for t in p.iter(f"{ns}t")))
    return "\n".join(paragraphs)[:MAX_EXTRACTED_CHARS]
