"""Reading an uploaded table (CSV or XLSX) as hostile input.

The type is decided from the content, never from the name: a ZIP container with ``xl/workbook.xml`` is a
workbook, an OLE container (old .xls) is refused with a hint, anything with NUL bytes is refused, the rest
must be UTF-8 text (with or without a byte-order mark). Size, row count and, for workbooks, unpacked
size and member count are limited; XML parts carrying a DTD or entity declaration are refused before
openpyxl parses anything, and openpyxl reads in read-only mode with cached values (never formulas).
Every problem is a ``TableError`` with a Vietnamese message; callers collect them per row and column.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lienthong.core.text import nfc

log = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 20
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_ZIP_MEMBERS = 100


class TableError(Exception):
    """The file as a whole cannot be read; ``message`` is Vietnamese."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


@dataclass(frozen=True)
class RawRow:
    number: int  # as the spreadsheet shows it (header = 1 when it is the first line)
    cells: list[str]


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file, refused without reading it all when larger than ``MAX_BYTES``."""
    limit_mb = MAX_BYTES // (1024 * 1024)
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise TableError(_("Tệp lớn hơn giới hạn %(n)s MB.") % {"n": limit_mb})
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise TableError(_("Tệp lớn hơn giới hạn %(n)s MB.") % {"n": limit_mb})
    if not data:
        raise TableError(_("Tệp rỗng."))
    return data


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(" ".join(str(value).split()))


def _csv_rows(data: bytes):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise TableError(_("Tệp CSV phải lưu với bảng mã UTF-8 (trong Excel chọn “CSV UTF-8”).")) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            yield RawRow(number, [cell_text(v) for v in row[:MAX_COLUMNS]])
    except csv.Error:
        raise TableError(_("Tệp CSV bị lỗi ở dòng %(n)s.") % {"n": reader.line_num}) from None


def _check_workbook_container(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise TableError(_("Tệp Excel bị hỏng, không mở được.")) from None
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise TableError(_("Tệp không phải bảng tính Excel (.xlsx) hay CSV."))
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise TableError(_("Tệp Excel quá lớn khi giải nén."))
    for member in members:
        if not member.filename.endswith((".xml", ".rels")):
            continue
        carry = b""
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(65536):
                    if not carry and chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                        raise TableError(_("Tệp Excel chứa nội dung không được phép."))  # UTF-16 hides a DTD
                    window = (carry + chunk).upper()
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise TableError(_("Tệp Excel chứa nội dung không được phép."))
                    carry = chunk[-16:] or b" "
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            raise TableError(_("Tệp Excel bị hỏng, không mở được.")) from None


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    _check_workbook_container(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a broken or hostile workbook can fail anywhere inside openpyxl
        log.info("unreadable reform-index workbook", exc_info=True)
        raise TableError(_("Tệp Excel bị hỏng, không mở được.")) from None
    try:
        if not wb.worksheets:
            raise TableError(_("Tệp Excel không có trang tính nào."))
        for number, row in enumerate(wb.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            yield RawRow(number, [cell_text(v) for v in row])
    except TableError:
        raise
    except Exception:
        log.info("unreadable reform-index worksheet", exc_info=True)
        raise TableError(_("Tệp Excel bị hỏng, không mở được.")) from None
    finally:
        wb.close()


def read_rows(data: bytes) -> list[RawRow]:
    """Every non-blank row of the first sheet (or the CSV text), header included."""
    if data.startswith(b"PK\x03\x04"):
        source = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError(_("Tệp Excel 97-2003 (.xls) không được hỗ trợ; hãy lưu lại thành .xlsx hoặc CSV."))
    elif b"\x00" in data[:4096] or data.lstrip()[:5] == b"%PDF-":
        raise TableError(_("Tệp không phải bảng tính Excel (.xlsx) hay CSV."))
    else:
        source = _csv_rows(data)
    rows = []
    for raw in source:
        if raw.number > MAX_ROWS + 1:
            raise TableError(_("Tệp có quá %(n)s dòng.") % {"n": MAX_ROWS})
        if any(raw.cells):
            rows.append(raw)
    return rows
