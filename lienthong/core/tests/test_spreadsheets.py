"""The shared reading of uploaded tables: hostile files refused with a Vietnamese message, honest CSV and
XLSX read row by row with the row numbers a spreadsheet shows."""

from __future__ import annotations

import io
import zipfile

import pytest

from lienthong.core import spreadsheets
from lienthong.core.spreadsheets import ImportRejected, RowError, SpreadsheetError

LIMITS = {"max_rows": 100, "max_columns": 10, "max_unpacked_bytes": 1024 * 1024, "max_members": 50}


def _rows(data: bytes) -> list[tuple[int, list[str]]]:
    return list(spreadsheets.iter_rows(data, **LIMITS))


def _workbook(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _with_doctype(workbook: bytes) -> bytes:
    """The same workbook with a DTD declaring an entity in its sheet."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + body
            dst.writestr(item, body)
    return out.getvalue()


def test_csv_with_byte_order_mark_is_read_with_row_numbers_and_blank_rows():
    data = "\ufeffMã;Tên\r\n000.00.01.H01;Sở Tư pháp\r\n;\r\nX;Huyện Đông Anh\r\n".encode()
    assert _rows(data) == [(1, ["Mã", "Tên"]), (2, ["000.00.01.H01", "Sở Tư pháp"]), (3, ["", ""]),
                           (4, ["X", "Huyện Đông Anh"])]


def test_csv_not_in_utf8_is_refused_with_a_hint():
    with pytest.raises(SpreadsheetError) as exc:
        _rows("Tên;Mã\nPhòng;01\n".encode("latin-1"))  # Windows-1252, as Excel's plain "CSV" writes
    assert str(exc.value) == str(spreadsheets.CSV_NOT_UTF8)
    assert exc.value.code == "csv_encoding"


def test_workbook_is_read_as_text():
    rows = list(spreadsheets.iter_rows(_workbook([["Năm", "Chỉ số"], [2024, 87.5], [None, None]]),
                                       **{**LIMITS, "max_columns": 2}))
    assert rows == [(1, ["Năm", "Chỉ số"]), (2, ["2024", "87.5"]), (3, ["", ""])]


def test_workbook_with_a_dtd_is_refused_before_openpyxl_reads_it(monkeypatch):
    import openpyxl

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not see this file")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(SpreadsheetError) as exc:
        _rows(_with_doctype(_workbook([["a"], ["b"]])))
    assert str(exc.value) == str(spreadsheets.FORBIDDEN_CONTENT)


def test_workbook_unpacking_beyond_the_limit_is_refused():
    data = _workbook([["x" * 1000] for _ in range(50)])
    with pytest.raises(SpreadsheetError) as exc:
        list(spreadsheets.iter_rows(data, **{**LIMITS, "max_unpacked_bytes": 2000}))
    assert str(exc.value) == str(spreadsheets.UNPACKED_TOO_LARGE)


@pytest.mark.parametrize(("data", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, spreadsheets.XLS_UNSUPPORTED),
    (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", spreadsheets.NOT_A_TABLE),
    (b"MZ\x90\x00\x03", spreadsheets.NOT_A_TABLE),
    (b"PK\x03\x04 not really a zip", spreadsheets.BROKEN_WORKBOOK),
])
def test_what_is_not_a_table_is_refused_from_its_bytes_whatever_its_name(data, message):
    with pytest.raises(SpreadsheetError) as exc:
        _rows(data)
    assert str(exc.value) == str(message)


def test_too_many_rows_are_refused():
    data = "\n".join(str(i) for i in range(103)).encode()
    with pytest.raises(SpreadsheetError) as exc:
        _rows(data)
    assert str(exc.value) == spreadsheets.TOO_MANY_ROWS % {"n": 100}


def test_headers_match_without_diacritics_case_or_hints():
    assert spreadsheets.header_key("Tháng (mm/yyyy)") == "thang"
    assert spreadsheets.header_key("  Mã ĐỊNH-danh ") == "ma dinh danh"
    assert spreadsheets.header_key("agency_code", keep_underscore=True) == "agency_code"


def test_an_import_report_lists_every_row_in_vietnamese():
    exc = ImportRejected([RowError(None, "", "Tệp rỗng."), RowError(3, "Năm", "không phải số."),
                          RowError(4, "", "trùng dòng 3.")])
    assert exc.errors == {"file": ["Tệp rỗng.",
                                   spreadsheets.ROW_COLUMN_PREFIXED % {"row": 3, "col": "Năm", "msg": "không phải số."},
                                   spreadsheets.ROW_PREFIXED % {"row": 4, "msg": "trùng dòng 3."}]}
