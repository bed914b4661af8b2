"""Content checks of an original: the type decided from the bytes, then the file parsed as that type.

Uploads are hostile until proven otherwise: the declared name and MIME type are ignored, the type is
decided from the bytes, and then the file is *parsed*, never trusted on its magic bytes alone
(``check_upload``, the one check every upload path goes through, reached through
``files.uploads.read_upload`` for uploaded files):

- a PDF must open with pypdf, have between one page and ``PDF_MAX_PAGES`` pages, open without a
  password, and carry no active content (JavaScript, launch actions, embedded files, RichMedia, XFA)
  anywhere reachable from its catalog; with ``PDF_ACTIVE_CONTENT = "flag"`` such a file is kept but
  marked, and never shown inline;
- a DOCX, XLSX or ODT is unzipped within bounds (entry count, declared and actual unpacked size,
  compression ratio per entry and overall; no absolute or ``..`` paths, no encrypted entries), every
  XML part is parsed without entities, DTDs or network access and refused if it declares any, and
  macros (``vbaProject.bin``, ODF Basic/Scripts) are refused;
- an image must open with Pillow, pass ``verify()`` and stay under a pixel count.

ZIP containers are never extracted to disk, and every reader has a size ceiling. The limits (file
count and name length of one upload, pages, unpacked size, pixels) are here too, so that every path
that takes a file refuses the same things with the same words.
"""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _lazy

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


# --- Limits --------------------------------------------------------------------------------------------

MAX_FILENAME_CHARS = 200
PACKAGE_MAX_ENTRIES = 5000
PACKAGE_MAX_UNPACKED_BYTES = 512 * 1024 * 1024
PACKAGE_MAX_ENTRY_RATIO = 200
PACKAGE_MAX_TOTAL_RATIO = 100
PACKAGE_RATIO_FLOOR = 1024 * 1024  # below this many unpacked bytes the ratio is not looked at
PDF_MAX_OBJECTS = 200_000
IMAGE_MAX_PIXELS = 150_000_000
_READ_CHUNK = 256 * 1024

PDF_ACTIVE_REFUSE = "refuse"
PDF_ACTIVE_FLAG = "flag"

# --- What a refused upload is told ---------------------------------------------------------------------
# The upload as a whole:
TOO_MANY_FILES = gettext_lazy("Gửi %(n)s tệp trong một lần, vượt giới hạn %(limit)s tệp; "
                              "hãy chia thành nhiều lần gửi.")
NAME_TOO_LONG = gettext_lazy("Tên tệp “%(start)s…” dài %(n)s ký tự, vượt giới hạn %(limit)s ký tự; "
                             "hãy đổi tên tệp ngắn hơn rồi gửi lại.")
# One file, named by ``%(name)s`` (``check_upload`` fills it in):
EMPTY = gettext_lazy("Tệp “%(name)s” rỗng (0 byte).")
EXECUTABLE = gettext_lazy("Tệp “%(name)s” là chương trình thực thi, không được phép tải lên.")
NOT_ACCEPTED = gettext_lazy("Tệp “%(name)s” không thuộc định dạng được chấp nhận (%(types)s).")
PDF_BROKEN = gettext_lazy("Tệp “%(name)s” không phải tệp PDF hợp lệ: không mở được hoặc bị hỏng.")
PDF_PASSWORD = gettext_lazy("Tệp “%(name)s” là PDF được đặt mật khẩu; hãy gửi bản không đặt mật khẩu.")
PDF_NO_PAGES = gettext_lazy("Tệp “%(name)s” là PDF không có trang nào.")
PDF_TOO_MANY_PAGES = gettext_lazy("Tệp “%(name)s” có %(n)s trang, vượt giới hạn %(limit)s trang.")
PDF_ACTIVE = gettext_lazy("Tệp “%(name)s” là PDF chứa nội dung chủ động (%(what)s), không được phép tải lên; hãy in "
                          "lại thành PDF thông thường (ví dụ “Microsoft Print to PDF”) rồi gửi lại.")
PDF_TOO_COMPLEX = gettext_lazy("Tệp “%(name)s” có cấu trúc PDF quá phức tạp để kiểm tra.")
PACKAGE_BROKEN = gettext_lazy("Tệp “%(name)s” bị hỏng, không giải nén được.")
PACKAGE_BOMB = gettext_lazy("Tệp “%(name)s” quá lớn khi giải nén (tối đa %(limit)s, tỉ lệ nén bất thường), có dấu "
                            "hiệu “bom nén”; không được phép tải lên.")
PACKAGE_TOO_MANY_ENTRIES = gettext_lazy("Tệp “%(name)s” chứa quá nhiều thành phần (%(n)s, tối đa %(limit)s).")
PACKAGE_BAD_PATH = gettext_lazy("Tệp “%(name)s” chứa thành phần có đường dẫn không hợp lệ (“%(path)s”).")
PACKAGE_PASSWORD = gettext_lazy("Tệp “%(name)s” được đặt mật khẩu; hãy gửi bản không đặt mật khẩu.")
PACKAGE_MACROS = gettext_lazy("Tệp “%(name)s” chứa macro hoặc điều khiển ActiveX, không được phép tải lên; hãy lưu "
                              "lại thành tệp không có macro (.docx, .xlsx, .odt) rồi gửi lại.")
XML_ENTITIES = gettext_lazy("Tệp “%(name)s” chứa khai báo DTD hoặc thực thể XML (DOCTYPE, ENTITY), không được phép "
                            "tải lên.")
XML_BROKEN = gettext_lazy("Tệp “%(name)s” có phần nội dung XML bị lỗi, không đọc được.")
IMAGE_TOO_LARGE = gettext_lazy("Tệp “%(name)s” là ảnh có quá nhiều điểm ảnh, vượt giới hạn %(limit)s triệu điểm ảnh.")
IMAGE_BROKEN = gettext_lazy("Tệp “%(name)s” là ảnh bị hỏng, không đọc được.")


def pdf_max_pages() -> int:
    return getattr(settings, "PDF_MAX_PAGES", 3000)


def pdf_active_content_policy() -> str:
    return getattr(settings, "PDF_ACTIVE_CONTENT", PDF_ACTIVE_REFUSE)


def upload_max_files() -> int:
    return getattr(settings, "UPLOAD_MAX_FILES", 20)


@dataclass(frozen=True)
class Checked:
    """An upload whose content passed ``check_upload``. ``active_content`` is only ever true for a PDF
    kept under the "flag" policy: it is stored marked and served as a download only."""

    data: bytes
    kind: Sniffed
    active_content: bool = False


class _Refused(Exception):
    """Internal: one reason to refuse, as a Vietnamese sentence about the file named ``%(name)s``."""

    def __init__(self, message, **params):
        super().__init__(str(message))
        self.message = message
        self.params = params


def check_file_count(count: int, *, field: str = "files") -> None:
    """More files in one list than ``UPLOAD_MAX_FILES`` is refused before any of them is read."""
    limit = upload_max_files()
    if count > limit:
        raise ValidationFailed({field: [TOO_MANY_FILES % {"n": count, "limit": limit}]})


def check_file_name(name: str, *, field: str = "files") -> None:
    """File names longer than ``MAX_FILENAME_CHARS`` are refused, never shortened behind the user's back."""
    if len(name) > MAX_FILENAME_CHARS:
        raise ValidationFailed({field: [NAME_TOO_LONG % {"start": name[:40], "n": len(name),
                                                         "limit": MAX_FILENAME_CHARS}]})


def check_upload(data: bytes, *, name: str, field: str = "files") -> Checked:
    """The one content check of an original, whatever path it came by: decide the type from the bytes,
    then parse the file as that type. Raises ``ValidationFailed`` (``{field: [message]}``) naming the
    file and the problem in Vietnamese."""
    try:
        if not data:
            raise _Refused(EMPTY)
        if is_executable(data):
            raise _Refused(EXECUTABLE)
        kind = sniff(data)
        if kind is None:
            raise _Refused(NOT_ACCEPTED, types=ACCEPTED_LABELS)
        active = False
        if kind is PDF:
            active = _check_pdf(data)
        elif kind in (DOCX, XLSX, ODT):
            _check_package(data, kind)
        else:
            _check_image(data)
    except _Refused as refused:
        raise ValidationFailed({field: [refused.message % {"name": name, **refused.params}]}) from None
    return Checked(data=data, kind=kind, active_content=active)


# --- PDF ------------------------------------------------------------------------------------------------

# What an action or dictionary does, by the names that give it away; each maps to how the refusal says it.
ACTIVE_LABELS = {
    "javascript": _lazy("mã JavaScript"),
    "launch": _lazy("lệnh mở chương trình"),
    "embedded": _lazy("tệp nhúng bên trong"),
    "import": _lazy("lệnh nạp dữ liệu từ tệp khác"),
    "richmedia": _lazy("nội dung đa phương tiện (RichMedia)"),
    "xfa": _lazy("biểu mẫu XFA"),
}
_ACTION_KINDS = {"/JavaScript": "javascript", "/Launch": "launch", "/ImportData": "import", "/GoToE": "embedded",
                 "/RichMediaExecute": "richmedia"}


def _check_pdf(data: bytes) -> bool:
    """Open the PDF, count its pages and walk its objects for active content. Returns True when active
    content is present and the policy keeps such files (flag); refuses otherwise."""
    from pypdf import PasswordType, PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    broken = _Refused(PDF_BROKEN)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise _Refused(PDF_PASSWORD)
        pages = len(reader.pages)
        root = reader.trailer["/Root"]
    except _Refused:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds of errors on a hostile file
        log.info("unreadable PDF upload", exc_info=True)
        raise broken from None
    if pages < 1:
        raise _Refused(PDF_NO_PAGES)
    if pages > pdf_max_pages():
        raise _Refused(PDF_TOO_MANY_PAGES, n=pages, limit=pdf_max_pages())
    try:
        found = _pdf_active_content(root)
    except _Refused:
        raise
    except Exception:  # noqa: BLE001
        log.info("PDF upload fails while walking its objects", exc_info=True)
        raise broken from None
    if not found:
        return False
    if pdf_active_content_policy() == PDF_ACTIVE_FLAG:
        return True
    what = ", ".join(str(ACTIVE_LABELS[k]) for k in ACTIVE_LABELS if k in found)
    raise _Refused(PDF_ACTIVE, what=what)


def _pdf_active_content(root) -> set[str]:
    """Every object reachable from the catalog, each read once, at most ``PDF_MAX_OBJECTS`` of them:
    the kinds of active content found (keys of ``ACTIVE_LABELS``). Web links (/URI) and go-to
    actions are ordinary and not reported. Stream data is never decoded, only stream dictionaries."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = [root]
    visited = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise _Refused(PDF_TOO_COMPLEX)
        if isinstance(obj, DictionaryObject):  # stream objects are dictionaries too
            _classify_pdf_dict(obj, found)
            stack.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))
    return found


def _classify_pdf_dict(d, found: set[str]) -> None:
    def name(key):
        value = dict.get(d, key)
        return str(value.get_object()) if value is not None else None

    if "/JS" in d:
        found.add("javascript")
    action = name("/S")
    if action in _ACTION_KINDS:
        found.add(_ACTION_KINDS[action])
    subtype = name("/Subtype")
    if subtype == "/FileAttachment" or name("/Type") == "/EmbeddedFile" or "/EF" in d:
        found.add("embedded")
    if subtype == "/RichMedia" or "/RichMediaContent" in d:
        found.add("richmedia")
    if "/XFA" in d:
        found.add("xfa")
    if "/JavaScript" in d:  # the /Names dictionary's document-level scripts
        found.add("javascript")
    if "/EmbeddedFiles" in d:
        found.add("embedded")


# --- ZIP packages (DOCX, XLSX, ODT) ----------------------------------------------------------------------

_MACRO_NAMES = ("vbaproject.bin", "vbadata.xml")
_MACRO_DIRS = ("basic/", "scripts/", "word/activex/", "xl/activex/")


def _check_package(data: bytes, kind: Sniffed) -> None:
    """Bounded unzip of an Office/ODF package and a safe parse of every XML part."""
    broken = _Refused(PACKAGE_BROKEN)
    bomb = _Refused(PACKAGE_BOMB, limit=filesizeformat(PACKAGE_MAX_UNPACKED_BYTES))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise broken from None
    if len(members) > PACKAGE_MAX_ENTRIES:
        raise _Refused(PACKAGE_TOO_MANY_ENTRIES, n=len(members), limit=PACKAGE_MAX_ENTRIES)
    declared = sum(m.file_size for m in members)
    if declared > PACKAGE_MAX_UNPACKED_BYTES or (
            declared > PACKAGE_RATIO_FLOOR and declared > PACKAGE_MAX_TOTAL_RATIO * len(data)):
        raise bomb
    for m in members:
        if _unsafe_member_name(m.filename):
            raise _Refused(PACKAGE_BAD_PATH, path=m.filename[:80])
        if m.flag_bits & 0x1:
            raise _Refused(PACKAGE_PASSWORD)
        if m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise broken
        if m.file_size > PACKAGE_RATIO_FLOOR and m.file_size > PACKAGE_MAX_ENTRY_RATIO * max(m.compress_size, 1):
            raise bomb
        lower = m.filename.lower()
        if lower.rsplit("/", 1)[-1] in _MACRO_NAMES or lower.startswith(_MACRO_DIRS):
            raise _Refused(PACKAGE_MACROS)
    names = {m.filename for m in members}
    if kind is ODT and "content.xml" not in names:
        raise broken
    if "[Content_Types].xml" in names and b"macroenabled" in archive.read("[Content_Types].xml")[:1_000_000].lower():
        raise _Refused(PACKAGE_MACROS)
    unpacked = 0
    try:
        for m in members:
            if m.is_dir():
                continue
            is_xml = m.filename.lower().endswith((".xml", ".rels"))
            unpacked = _read_member(archive, m, unpacked, bomb, is_xml)
    except _Refused:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error):
        raise broken from None


def _unsafe_member_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":") or "\x00" in name


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, unpacked: int, bomb: _Refused,
                 is_xml: bool) -> int:
    """Read one member through, counting what it really inflates to (declared sizes can lie) and, for
    XML, parsing it as it comes. Returns the running total of unpacked bytes."""
    parser = _safe_xml_parser() if is_xml else None
    size = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_READ_CHUNK):
            size += len(chunk)
            unpacked += len(chunk)
            if (size > member.file_size or unpacked > PACKAGE_MAX_UNPACKED_BYTES
                    or (size > PACKAGE_RATIO_FLOOR and size > PACKAGE_MAX_ENTRY_RATIO * max(member.compress_size, 1))):
                raise bomb
            if parser is not None:
                window = (tail + chunk).upper()
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    raise _entities_refused()
                tail = chunk[-16:]
                _feed(parser, chunk)
    if parser is not None:
        _close_xml(parser)
    return unpacked


def _entities_refused() -> _Refused:
    return _Refused(XML_ENTITIES)


def _safe_xml_parser():
    from lxml import etree

    return etree.XMLPullParser(events=("end",), resolve_entities=False, no_network=True, load_dtd=False,
                               huge_tree=False)


def _feed(parser, chunk: bytes) -> None:
    from lxml import etree

    try:
        parser.feed(chunk)
        for _event, element in parser.read_events():
            element.clear(keep_tail=False)  # keep memory flat: only the open elements stay
    except etree.XMLSyntaxError:
        raise _Refused(XML_BROKEN) from None


def _close_xml(parser) -> None:
    from lxml import etree

    try:
        root = parser.close()
    except etree.XMLSyntaxError:
        raise _Refused(XML_BROKEN) from None
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.externalDTD is not None or info.doctype:
        raise _entities_refused()


# --- Images ---------------------------------------------------------------------------------------------

def _check_image(data: bytes) -> None:
    from PIL import Image

    too_large = _Refused(IMAGE_TOO_LARGE, limit=IMAGE_MAX_PIXELS // 1_000_000)
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > IMAGE_MAX_PIXELS:
                raise too_large
            image.verify()
    except _Refused:
        raise
    except Image.DecompressionBombError:
        raise too_large from None
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors on a broken file
        raise _Refused(IMAGE_BROKEN) from None
