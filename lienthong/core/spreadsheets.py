"""Reading an uploaded table (CSV or XLSX) as hostile input, for every importer.

The type is decided from the content, never from the name: a ZIP container with ``xl/workbook.xml`` is a
workbook; an OLE container (old .xls) is refused with a hint; PDF, executables and anything with NUL bytes
are refused; the rest must be UTF-8 text (with or without a byte-order mark). Size, row count and, for
workbooks, unpacked size and member count are limited by the caller's figures; XML parts carrying a DTD or
entity declaration are refused before openpyxl parses anything, and openpyxl reads in read-only mode with
cached values (never formulas).

Every problem is a ``SpreadsheetError`` with a Vietnamese message and a ``code``; each importer turns it
into its own error report (and may word a few codes its own way). Column definitions, header matching and
row validation stay with the importers; the upload itself is read by ``files.read_table_upload`` (the one
upload reader, which raises the same ``SpreadsheetError`` for a file too large or empty).
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core.errors import DomainError, ValidationFailed
from lienthong.core.exports import unprotected
from lienthong.core.text import fold, nfc

log = logging.getLogger(__name__)

CSV_DELIMITERS = (",", ";", "\t")
_SNIFF_WINDOW = 65536

# What a refused file is told (``SpreadsheetError.message``) and how a row's problem is prefixed.
BROKEN_WORKBOOK = gettext_lazy("Tệp Excel bị hỏng, không mở được.")
NOT_A_TABLE = gettext_lazy("Tệp không phải CSV hoặc Excel (.xlsx).")
XLS_UNSUPPORTED = gettext_lazy("Tệp Excel 97-2003 (.xls) không được hỗ trợ; hãy lưu lại thành .xlsx hoặc CSV.")
CSV_NOT_UTF8 = gettext_lazy("Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel chọn “CSV UTF-8”).")
UNPACKED_TOO_LARGE = gettext_lazy("Tệp Excel quá lớn khi giải nén.")
FORBIDDEN_CONTENT = gettext_lazy("Tệp Excel chứa nội dung không được phép.")
TOO_MANY_ROWS = gettext_lazy("Tệp có quá %(n)s dòng.")
ROW_COLUMN_PREFIXED = gettext_lazy("Dòng %(row)s, cột “%(col)s”: %(msg)s")
ROW_PREFIXED = gettext_lazy("Dòng %(row)s: %(msg)s")


class SpreadsheetError(DomainError):
    """The file as a whole cannot be read. ``code`` names the problem, ``message`` is Vietnamese."""

    code = "spreadsheet_error"


@contextmanager
def refused_as(file_error: Callable[[str], Exception]):
    """Inside, a ``SpreadsheetError`` becomes the importer's own report: ``file_error(message)``."""
    try:
        yield
    except SpreadsheetError as exc:
        raise file_error(exc.message) from None


def _error(code: str, message) -> SpreadsheetError:
    return SpreadsheetError(str(message), code=code)


def _broken() -> SpreadsheetError:
    return _error("broken_workbook", BROKEN_WORKBOOK)


def _not_a_table() -> SpreadsheetError:
    return _error("not_a_table", NOT_A_TABLE)


def sniff_kind(data: bytes) -> str:
    """"xlsx" or "csv", from the content; anything else is refused."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _error("xls", XLS_UNSUPPORTED)
    head = data[:_SNIFF_WINDOW]
    if head.lstrip()[:5] == b"%PDF-" or head[:2] == b"MZ" or head[:4] == b"\x7fELF" or b"\x00" in head:
        raise _not_a_table()
    return "csv"


def header_key(text: str, *, keep_underscore: bool = False) -> str:
    """A header as matched against column names: "Tháng (mm/yyyy)" → "thang".

    Diacritics and case are folded, bracketed hints dropped, punctuation read as a space (the
    underscore too, unless ``keep_underscore``: headers written as column keys such as "agency_code").
    """
    other = r"[^a-z0-9_ ]" if keep_underscore else r"[^a-z0-9 ]"
    return " ".join(re.sub(other, " ", re.sub(r"\(.*?\)", " ", fold(text))).split())


def _csv_rows(data: bytes, *, max_columns: int, cell_text: Callable) -> Iterator[tuple[int, list[str]]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise _not_a_table()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _error("csv_encoding", CSV_NOT_UTF8) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            yield number, [cell_text(v) for v in row[:max_columns]]
    except csv.Error:
        raise _error("csv_broken", _("Tệp CSV bị lỗi ở dòng %(n)s.") % {"n": reader.line_num}) from None


def check_workbook_container(data: bytes, *, max_unpacked_bytes: int, max_members: int) -> None:
    """Refuse what a real workbook never holds (DTDs, entities, zip bombs) before openpyxl parses it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _broken() from None
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise _error("not_a_workbook", _("Tệp không phải bảng tính Excel (.xlsx)."))
    if len(members) > max_members or sum(m.file_size for m in members) > max_unpacked_bytes:
        raise _error("unpacked_too_large", UNPACKED_TOO_LARGE)
    forbidden = _error("forbidden_content", FORBIDDEN_CONTENT)
    for member in members:
        if not member.filename.endswith((".xml", ".rels")):
            continue
        tail = b""
        try:
            with archive.open(member) as stream:
                first = True
                while chunk := stream.read(65536):
                    # UTF-16 parts would hide a DTD from the scan; Excel and LibreOffice write UTF-8.
                    if first and chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                        raise forbidden
                    first = False
                    window = (tail + chunk).upper()
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise forbidden
                    tail = chunk[-16:]
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            raise _broken() from None


def _xlsx_rows(data: bytes, *, max_columns: int, max_unpacked_bytes: int, max_members: int,
               cell_text: Callable, what: str) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    check_workbook_container(data, max_unpacked_bytes=max_unpacked_bytes, max_members=max_members)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a broken or hostile workbook can fail anywhere inside openpyxl
        log.info("unreadable %s workbook", what, exc_info=True)
        raise _broken() from None
    try:
        if not wb.worksheets:
            raise _error("no_sheet", _("Tệp Excel không có trang tính nào."))
        for number, row in enumerate(wb.worksheets[0].iter_rows(max_col=max_columns, values_only=True), start=1):
            yield number, [cell_text(v) for v in row]
    except SpreadsheetError:
        raise
    except Exception:
        log.info("unreadable %s worksheet", what, exc_info=True)
        raise _broken() from None
    finally:
        wb.close()


def default_cell_text(value) -> str:
    """The text of a cell; the apostrophe our exports put before formula-like text is taken off again
    (``core.exports.unprotected``), so a file exported and imported back keeps its names."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unprotected(nfc(str(value)))


def iter_rows(data: bytes, *, max_rows: int, max_columns: int, max_unpacked_bytes: int, max_members: int,
              cell_text: Callable = default_cell_text, kind: str | None = None,
              what: str = "import") -> Iterator[tuple[int, list[str]]]:
    """(row number as the spreadsheet shows it, cell texts) for every row of the first sheet or the CSV
    text, blank rows included; more than ``max_rows`` rows after the first is refused.

    ``kind`` is ``sniff_kind(data)`` when the caller has it already; ``what`` names the importer in logs.
    """
    kind = kind or sniff_kind(data)
    if kind == "xlsx":
        source = _xlsx_rows(data, max_columns=max_columns, max_unpacked_bytes=max_unpacked_bytes,
                            max_members=max_members, cell_text=cell_text, what=what)
    else:
        source = _csv_rows(data, max_columns=max_columns, cell_text=cell_text)
    for number, cells in source:
        if number > max_rows + 1:
            raise _error("too_many_rows", TOO_MANY_ROWS % {"n": max_rows})
        yield number, cells


# ------------------------------------------------------------------------------------- error reports

@dataclass(frozen=True)
class RowError:
    """One problem of an import: where it is and what is wrong, in Vietnamese."""

    row: int | None  # as the spreadsheet shows it (header = 1); None for the whole file
    column: str      # the column's header as written in the file ("" for the whole row or file)
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return ROW_COLUMN_PREFIXED % {"row": self.row, "col": self.column, "msg": self.message}
        return ROW_PREFIXED % {"row": self.row, "msg": self.message}


class ImportRejected(ValidationFailed):
    """The file or some of its rows are invalid; nothing was stored. ``rows`` lists every problem
    (``RowError`` or any object whose ``str`` is the Vietnamese line to show)."""

    def __init__(self, rows: list):
        self.rows = rows
        super().__init__({"file": [str(e) for e in rows]})
