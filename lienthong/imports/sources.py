"""What a bulk load reads: the table of metadata (CSV or XLSX) and the files it names (a folder or a ZIP).

Both are hostile input. The table goes through ``core.spreadsheets`` (type from the content, size and row
limits, no DTDs in workbooks). File names in the table are relative paths inside the source: an absolute
path, a ``..`` step or a link leading out of the folder is refused for that row. A ZIP archive is checked
as a whole before anything is read from it: member count, total unpacked size, per-member compression
ratio (a zip bomb), encrypted members and member names that are absolute or climb out (path traversal) are
refused with a Vietnamese message and nothing is imported; a member is then read in chunks and never past
the upload limit, whatever its header claims.

Columns (headers matched case-insensitively; "Sổ" and "Số" differ only by their accent, so headers are
compared with diacritics first, then without for the unambiguous variants): see ``COLUMNS`` and
docs/operations.md, "Migrating documents from another system".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.utils.translation import gettext_lazy

from lienthong.core import spreadsheets
from lienthong.core.spreadsheets import RowError
from lienthong.core.text import fold_words, nfc
from lienthong.files import UploadTooLarge, read_limited

MAX_TABLE_BYTES = 1024 * 1024 * 1024
MAX_ROWS = 5_000_000
MAX_COLUMNS = 40
MAX_WORKBOOK_UNPACKED_BYTES = 4 * 1024 * 1024 * 1024
MAX_WORKBOOK_MEMBERS = 2000

# (key, headers as written (lower case, accents kept), headers accepted without accents, required)
COLUMNS = (
    ("source_id", ("mã nguồn", "id", "mã văn bản nguồn", "mã hệ thống cũ"), ("ma nguon", "source id"), False),
    ("register", ("sổ", "sổ văn bản", "mã sổ", "tên sổ", "sổ đăng ký"), ("so van ban", "ma so", "ten so"), False),
    ("number", ("số đến", "số", "số vào sổ", "số thứ tự", "số trong sổ", "số đi"),
     ("so den", "so vao so", "so thu tu", "so trong so", "so di"), True),
    ("number_symbol", ("số, ký hiệu", "số ký hiệu", "số/ký hiệu", "số hiệu"), ("so ky hieu", "so hieu"), False),
    ("notation", ("ký hiệu",), ("ky hieu",), False),
    ("issued_on", ("ngày ban hành", "ngày văn bản", "ngày ký"), ("ngay ban hanh", "ngay van ban", "ngay ky"), True),
    ("received_on", ("ngày đến", "ngày nhận"), ("ngay den", "ngay nhan"), False),
    ("subject", ("trích yếu", "trích yếu nội dung", "nội dung"), ("trich yeu", "trich yeu noi dung"), True),
    ("document_type", ("loại văn bản", "loại", "tên loại"), ("loai van ban", "loai", "ten loai"), True),
    ("issuer", ("cơ quan ban hành", "nơi ban hành", "nơi gửi", "cơ quan gửi"),
     ("co quan ban hanh", "noi ban hanh", "noi gui", "co quan gui"), False),
    ("signer_name", ("người ký",), ("nguoi ky",), False),
    ("signer_position", ("chức vụ người ký", "chức vụ"), ("chuc vu nguoi ky", "chuc vu"), False),
    ("urgency", ("độ khẩn",), ("do khan",), False),
    ("notes", ("ghi chú",), ("ghi chu",), False),
    ("files", ("tệp", "tệp đính kèm", "tệp tin", "file", "tên tệp"), ("tep", "tep dinh kem", "tep tin", "ten tep"),
     False),
)
LABELS = {
    "source_id": gettext_lazy("Mã nguồn"), "register": gettext_lazy("Sổ"), "number": gettext_lazy("Số đến / Số"),
    "number_symbol": gettext_lazy("Số, ký hiệu"), "notation": gettext_lazy("Ký hiệu"),
    "issued_on": gettext_lazy("Ngày ban hành"), "received_on": gettext_lazy("Ngày đến"),
    "subject": gettext_lazy("Trích yếu"), "document_type": gettext_lazy("Loại văn bản"),
    "issuer": gettext_lazy("Cơ quan ban hành"), "signer_name": gettext_lazy("Người ký"),
    "signer_position": gettext_lazy("Chức vụ người ký"), "urgency": gettext_lazy("Độ khẩn"),
    "notes": gettext_lazy("Ghi chú"), "files": gettext_lazy("Tệp"),
}

# What the table is told.
MISSING_COLUMN = gettext_lazy("Thiếu cột “%(c)s”.")
NO_HEADER = gettext_lazy("Tệp không có dòng tiêu đề.")
# What the archive is told (the whole import stops; nothing is imported).
ARCHIVE_BROKEN = gettext_lazy("Tệp nén bị hỏng, không mở được.")
ARCHIVE_UNSAFE_NAME = gettext_lazy("Tệp nén chứa đường dẫn không an toàn: “%(n)s”; không nhập.")
ARCHIVE_TOO_MANY = gettext_lazy("Tệp nén có quá %(n)s tệp.")
ARCHIVE_TOO_LARGE = gettext_lazy("Tệp nén quá lớn khi giải nén (quá %(n)s MB).")
ARCHIVE_BOMB = gettext_lazy("Tệp “%(n)s” trong tệp nén có tỉ lệ nén bất thường (nghi là bom nén); không nhập.")
ARCHIVE_ENCRYPTED = gettext_lazy("Tệp “%(n)s” trong tệp nén được đặt mật khẩu; không nhập.")
SOURCE_MISSING = gettext_lazy("Không tìm thấy thư mục hoặc tệp nén “%(p)s”.")
# What a row is told about its files.
FILE_NOT_FOUND = gettext_lazy("không tìm thấy tệp “%(f)s” trong nguồn tệp.")
FILE_UNSAFE_PATH = gettext_lazy("đường dẫn tệp “%(f)s” không hợp lệ (tuyệt đối hoặc ra ngoài thư mục nguồn).")
FILE_TOO_LARGE = gettext_lazy("tệp “%(f)s” vượt giới hạn %(n)s MB.")
NO_FILE_SOURCE = gettext_lazy("dòng có tệp nhưng lệnh không có --files.")

ZIP_MAX_MEMBERS = 1_000_000
ZIP_MAX_UNPACKED_BYTES = 200 * 1024 * 1024 * 1024
ZIP_MAX_RATIO = 200  # a PDF or scan compresses 1–10 times; a bomb a thousand times and more
ZIP_RATIO_FLOOR_BYTES = 1024 * 1024  # small members may compress well (text, XML) without being a bomb


class SourceRefused(Exception):
    """The table or the file source as a whole cannot be imported; ``message`` is Vietnamese."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def _header_exact(text: str) -> str:
    text = unicodedata.normalize("NFC", nfc(text)).lower()
    text = re.sub(r"\(.*?\)", " ", text)
    return " ".join(re.sub(r"[^\w,/ ]", " ", text).replace("_", " ").split()).strip(" ,/")


def match_columns(header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    """Column index of each known key; errors for required columns that are missing."""
    exact = {h: key for key, written, _folded, _req in COLUMNS for h in written}
    folded = {h: key for key, _written, other, _req in COLUMNS for h in other}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = _header_exact(cell)
        key = exact.get(text) or exact.get(text.replace(",", "").replace("/", " ").replace("  ", " "))
        if key is None:
            key = folded.get(" ".join(re.sub(r"[^a-z0-9 ]", " ", fold_words(text)).split()))
        if key is not None and key not in found:
            found[key] = index
    errors = [RowError(1, "", str(MISSING_COLUMN % {"c": LABELS[key]}))
              for key, _w, _f, required in COLUMNS if required and key not in found]
    return found, errors


def read_table(path: Path):
    """(row number, {key: text}) for every non-blank row after the header; ``SourceRefused`` for a file
    that cannot be read or misses a required column."""
    try:
        with path.open("rb") as fh:
            data = read_limited(fh, max_bytes=MAX_TABLE_BYTES)
    except OSError:
        raise SourceRefused(SOURCE_MISSING % {"p": path}) from None
    except UploadTooLarge:
        raise SourceRefused(spreadsheets.TOO_MANY_ROWS % {"n": MAX_ROWS}) from None
    try:
        rows = spreadsheets.iter_rows(data, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS,
                                      max_unpacked_bytes=MAX_WORKBOOK_UNPACKED_BYTES,
                                      max_members=MAX_WORKBOOK_MEMBERS, cell_text=_cell_text, what="documents")
        first = next(rows, None)
        if first is None:
            raise SourceRefused(NO_HEADER)
        columns, errors = match_columns(first[1])
        if errors:
            raise SourceRefused("; ".join(str(e) for e in errors))
        for number, cells in rows:
            if not any(cells):
                continue
            yield number, {key: (cells[i] if i < len(cells) else "") for key, i in columns.items()}
    except spreadsheets.SpreadsheetError as exc:
        raise SourceRefused(exc.message) from None


def _cell_text(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return spreadsheets.default_cell_text(value)


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(text: str) -> dt.date | None:
    """dd/mm/yyyy (also with "-" or "."), yyyy-mm-dd or yyyy/mm/dd, with or without a time after it."""
    text = text.strip().split(" ")[0].split("T")[0]
    for pattern, order in ((_DMY, (2, 1, 0)), (_YMD, (0, 1, 2))):
        if m := pattern.fullmatch(text):
            y, mo, d = (int(m.group(i + 1)) for i in order)
            try:
                return dt.date(y, mo, d)
            except ValueError:
                return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def file_refs(cell: str) -> list[str]:
    """The file names of a "Tệp" cell: separated by ";", "|" or line breaks."""
    return [part.strip() for part in re.split(r"[;|\n]", cell) if part.strip()]


# --- Files ----------------------------------------------------------------------------------------------

@dataclass
class FileProblem:
    message: str


@dataclass
class FileSource:
    """A folder or a ZIP archive holding the files the table names. ``read(ref)`` gives the bytes or a
    ``FileProblem`` with the row's Vietnamese message."""

    path: Path
    _zip: zipfile.ZipFile | None = None
    _members: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    _by_basename: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path) -> FileSource:
        if not path.exists():
            raise SourceRefused(SOURCE_MISSING % {"p": path})
        source = cls(path=path)
        if path.is_file():
            source._open_zip()
        return source

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def _open_zip(self) -> None:
        try:
            archive = zipfile.ZipFile(self.path)
            members = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise SourceRefused(ARCHIVE_BROKEN) from None
        if len(members) > ZIP_MAX_MEMBERS:
            raise SourceRefused(ARCHIVE_TOO_MANY % {"n": ZIP_MAX_MEMBERS})
        if sum(m.file_size for m in members) > ZIP_MAX_UNPACKED_BYTES:
            raise SourceRefused(ARCHIVE_TOO_LARGE % {"n": ZIP_MAX_UNPACKED_BYTES // (1024 * 1024)})
        for m in members:
            name = nfc(m.filename)
            if _unsafe(name):
                raise SourceRefused(ARCHIVE_UNSAFE_NAME % {"n": name})
            if m.flag_bits & 0x1:
                raise SourceRefused(ARCHIVE_ENCRYPTED % {"n": name})
            if m.file_size > ZIP_RATIO_FLOOR_BYTES and m.file_size > ZIP_MAX_RATIO * max(m.compress_size, 1):
                raise SourceRefused(ARCHIVE_BOMB % {"n": name})
            if m.is_dir():
                continue
            key = str(PurePosixPath(name))
            self._members[key] = m
            self._by_basename.setdefault(PurePosixPath(key).name, []).append(key)
        self._zip = archive

    def read(self, ref: str) -> bytes | FileProblem:
        ref = nfc(ref).replace("\\", "/")
        if _unsafe(ref):
            return FileProblem(str(FILE_UNSAFE_PATH % {"f": ref}))
        limit = settings.MAX_UPLOAD_BYTES
        too_large = FileProblem(str(FILE_TOO_LARGE % {"f": ref, "n": limit // (1024 * 1024)}))
        if self._zip is not None:
            key = str(PurePosixPath(ref))
            if key not in self._members:
                candidates = self._by_basename.get(PurePosixPath(key).name, [])
                if len(candidates) != 1:
                    return FileProblem(str(FILE_NOT_FOUND % {"f": ref}))
                key = candidates[0]
            try:
                with self._zip.open(self._members[key]) as fh:
                    return read_limited(fh, max_bytes=limit)  # the header's size is not trusted
            except UploadTooLarge:
                return too_large
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
                raise SourceRefused(ARCHIVE_BROKEN) from None
        root = self.path.resolve()
        target = (root / ref).resolve()
        if not target.is_relative_to(root):  # a link or a ".." that leads out of the folder
            return FileProblem(str(FILE_UNSAFE_PATH % {"f": ref}))
        if not target.is_file():
            return FileProblem(str(FILE_NOT_FOUND % {"f": ref}))
        try:
            with target.open("rb") as fh:
                return read_limited(fh, max_bytes=limit)
        except UploadTooLarge:
            return too_large
        except OSError:
            return FileProblem(str(FILE_NOT_FOUND % {"f": ref}))


def _unsafe(name: str) -> bool:
    """An absolute path, a drive letter, or a ".." step."""
    name = name.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return any(part == ".." for part in name.split("/"))
