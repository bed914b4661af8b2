"""Reading an uploaded reform-index table (CSV or XLSX) as hostile input.

The reading itself (type from the content, size and row limits, workbooks checked for DTDs, entities and
zip bombs before openpyxl reads them) is ``lienthong.core.spreadsheets``; this module holds the limits of
this import, how a cell becomes text here (blanks collapsed) and the wording of a few refusals.
Every problem is a ``TableError`` with a Vietnamese message; callers collect them per row and column.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from lienthong.core import spreadsheets
from lienthong.core.spreadsheets import SpreadsheetError
from lienthong.core.text import nfc
from lienthong.files import read_table_upload

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 20
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_ZIP_MEMBERS = 100

TableError = SpreadsheetError  # the file as a whole cannot be read; ``message`` is Vietnamese

# This import's own wording of a few refusals (its page and tests use these constants).
NOT_A_TABLE = gettext_lazy("Tệp không phải bảng tính Excel (.xlsx) hay CSV.")
CSV_NOT_UTF8 = gettext_lazy("Tệp CSV phải lưu với bảng mã UTF-8 (trong Excel chọn “CSV UTF-8”).")


def _worded(exc: SpreadsheetError) -> SpreadsheetError:
    """This import's own wording of a few refusals, in the active language."""
    wording = {"not_a_table": NOT_A_TABLE, "not_a_workbook": NOT_A_TABLE, "csv_encoding": CSV_NOT_UTF8}.get(exc.code)
    return SpreadsheetError(str(wording), code=exc.code) if wording else exc


@dataclass(frozen=True)
class RawRow:
    number: int  # as the spreadsheet shows it (header = 1 when it is the first line)
    cells: list[str]


def read_upload(upload) -> bytes:
    """The bytes of an uploaded file, refused without reading it all when larger than ``MAX_BYTES``."""
    try:
        return read_table_upload(upload, max_bytes=MAX_BYTES)
    except SpreadsheetError as exc:
        raise _worded(exc) from None


def cell_text(value) -> str:
    """As everywhere, with runs of blanks (line breaks in a cell) read as one space."""
    return nfc(" ".join(spreadsheets.default_cell_text(value).split()))


def read_rows(data: bytes) -> list[RawRow]:
    """Every non-blank row of the first sheet (or the CSV text), header included."""
    try:
        return [RawRow(number, cells) for number, cells in spreadsheets.iter_rows(
            data, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS, max_unpacked_bytes=MAX_UNPACKED_BYTES,
            max_members=MAX_ZIP_MEMBERS, cell_text=cell_text, what="reform-index") if any(cells)]
    except SpreadsheetError as exc:
        raise _worded(exc) from None
