"""Writing tables (XLSX, CSV) that people open in a spreadsheet program: the one place where cell values
are made safe against formula injection.

A spreadsheet evaluates a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (and, in CSV, one
starting with a tab or carriage return, which some programs drop before reading the rest): an agency named
``=cmd|' /C calc'!A0`` would run a command in the reader's spreadsheet. openpyxl itself writes any ``str``
starting with ``=`` as a formula, in normal and in write-only workbooks.

``cell_value`` gives such a text a leading apostrophe (``'=cmd…``), the neutralisation OWASP recommends:
the text stays visible, nothing in it is evaluated by any reader (Excel, LibreOffice, a CSV re-opened after a
conversion, a cell edited later). Numbers, dates, booleans and ``None`` are left alone (a number stays a
number), so are a bare number written as text ("-12", "+84") and a lone "-" or "+" placeholder, which no
spreadsheet can evaluate into a call. A document number such as "01/QĐ-UBND" never starts with a trigger.
``unprotected`` undoes the apostrophe when a file we produced is read back by an importer.

Every export goes through this module: ``append_row`` (or ``cell_value`` for a ``WriteOnlyCell`` /
``ws.cell(value=…)``), ``csv_bytes`` for CSV, and ``workbook_bytes`` to save a workbook, which also sweeps
every cell of a normal (not write-only) workbook, so a title assigned with ``ws["A1"] = …`` is covered too.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from django.utils.functional import Promise

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*%?")
_HARMLESS = frozenset({"-", "+"})


def is_formula_like(text: str) -> bool:
    """True for a text a spreadsheet may evaluate: its first character, or its first one after leading
    blanks (LibreOffice may trim them), is ``= + - @ TAB CR``; a bare number or a lone "-"/"+" is not."""
    if not text:
        return False
    if text[0] not in FORMULA_TRIGGERS and text.lstrip()[:1] not in FORMULA_TRIGGERS:
        return False
    return not (text in _HARMLESS or _PLAIN_NUMBER.fullmatch(text))


def cell_value(value):
    """``value`` as written to a cell of an XLSX or a field of a CSV: text that could be read as a formula
    gets a leading apostrophe; everything else is returned as it is (lazy translations become ``str``)."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def unprotected(text: str) -> str:
    """A cell text read back from one of our files, without the apostrophe ``cell_value`` added."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


def row_values(values: Iterable) -> list:
    return [cell_value(v) for v in values]


def append_row(ws, values: Iterable) -> None:
    """``ws.append`` with every value through ``cell_value``; cells built by the caller (``WriteOnlyCell``,
    made with ``cell_value``) pass unchanged."""
    ws.append([v if hasattr(v, "data_type") else cell_value(v) for v in values])


def _sweep(wb) -> None:
    """Every cell of a normal workbook through ``cell_value`` (a formula cell holds its text in ``value``)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and (cell.data_type == "f" or is_formula_like(value)):
                    cell.value = "'" + value  # also resets the data type to text


def workbook_bytes(wb) -> bytes:
    """The saved workbook. A normal workbook is swept cell by cell first; a write-only one cannot be read
    back, so its cells must have been written through ``append_row`` / ``cell_value``."""
    if not getattr(wb, "write_only", False):
        _sweep(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    """CSV as Excel opens it without asking: UTF-8 with a byte-order mark, CRLF line ends, every field
    through ``cell_value``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row_values(row))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
