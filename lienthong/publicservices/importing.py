"""Reading and checking the one-stop system's export of procedures and monthly dossier counts (CSV or XLSX).

The file shape (documented in docs/indicators.md and served as a template by ``publicservices:template``):
one header row, then one row per procedure and month, with the columns of ``COLUMNS``. Headers are matched
without diacritics or case, in Vietnamese (as the one-stop systems export them), in English (a template
downloaded with the English interface) or by their key.

The upload is hostile: its type is decided from the bytes, never the name; size, rows and the unpacked size
of a workbook are limited; a workbook with a DTD or entity declaration is refused before openpyxl reads it,
and openpyxl reads it in read-only, values-only mode. CSV must be UTF-8 (with or without a byte-order mark).
Every bad row is reported with its row number (as the spreadsheet shows it), the column and a Vietnamese
message; nothing of a file with any error is stored (``services.procedures_import``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.agencies.models import Agency
from lienthong.core import spreadsheets
from lienthong.core.months import month_in_range
from lienthong.core.spreadsheets import ImportRejected, RowError
from lienthong.core.text import fold, nfc
from lienthong.files import read_table_upload

from .models import LEVEL_CHANGE, ONLINE_LEVELS, OnlineLevel, levels_in_force, levels_in_month

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_READ_COLUMNS = 30
MAX_ERRORS = 500
MAX_COUNT = 10_000_000  # dossiers of one procedure in one month: anything above is a typing error

# (key, header as the template writes it, other headers accepted, required)
COLUMNS = (
    ("agency_code", gettext_lazy("Mã định danh cơ quan"), ("ma co quan", "ma don vi", "ma dinh danh"), True),
    ("procedure_code", gettext_lazy("Mã TTHC"), ("ma thu tuc", "ma thu tuc hanh chinh"), True),
    ("procedure_name", gettext_lazy("Tên thủ tục hành chính"), ("ten tthc", "ten thu tuc"), True),
    ("field", gettext_lazy("Lĩnh vực"), (), False),
    ("level", gettext_lazy("Mức độ DVCTT"), ("muc do", "muc do dvc", "muc do dich vu cong truc tuyen"), True),
    ("month", gettext_lazy("Tháng"), ("ky", "ky bao cao", "thang bao cao"), True),
    ("total", gettext_lazy("Tổng số hồ sơ tiếp nhận"), ("tong so ho so", "so ho so tiep nhan", "tiep nhan"), True),
    ("online", gettext_lazy("Tiếp nhận trực tuyến"), ("truc tuyen", "ho so truc tuyen"), True),
    ("settled", gettext_lazy("Đã giải quyết"), ("so ho so da giai quyet", "da giai quyet xong"), True),
    ("on_time", gettext_lazy("Giải quyết đúng hạn"), ("dung han", "da giai quyet dung han"), True),
)
COUNT_KEYS = ("total", "online", "settled", "on_time")
_EXTRA = "__extra__"

# What a refused row or header is told (the tests use these constants rather than copies of the text).
UNKNOWN_COLUMN = gettext_lazy("cột không xác định (xem tệp mẫu).")
MISSING_COLUMN = gettext_lazy("thiếu cột này.")
UNKNOWN_AGENCY = gettext_lazy("không có cơ quan mang mã định danh “%(c)s” trong danh mục cơ quan.")
NOT_YOUR_AGENCY = gettext_lazy("bạn không có quyền nhập số liệu của %(a)s.")
LEVEL_INVALID = gettext_lazy("mức độ “%(v)s” không hợp lệ: dùng 1, 2, 3, 4 (trước 15/8/2022), “toàn trình”, "
                             "“một phần” (từ 15/8/2022) hoặc “không”.")
LEVEL_NOT_YET = gettext_lazy("mức độ “%(v)s” chỉ áp dụng từ 15/8/2022 (Nghị định 42/2022/NĐ-CP); tháng %(m)s "
                             "dùng mức độ 1–4.")
LEVEL_NO_LONGER = gettext_lazy("mức độ %(v)s không còn áp dụng từ 15/8/2022 (Nghị định 42/2022/NĐ-CP); ghi "
                               "“toàn trình” hoặc “một phần” (hoặc “không”).")
COUNT_NEGATIVE = gettext_lazy("số hồ sơ không được âm.")
ONLINE_OVER_TOTAL = gettext_lazy("số hồ sơ tiếp nhận trực tuyến (%(a)s) lớn hơn tổng số hồ sơ tiếp nhận (%(b)s).")
SAME_PROCEDURE_AND_MONTH = gettext_lazy("trùng thủ tục “%(c)s” và tháng với dòng %(n)s.")


def header_label(key: str) -> str:
    return str(next(label for k, label, _a, _r in COLUMNS if k == key))


def _header_key(text: str) -> str:
    """"Tháng (mm/yyyy)" → "thang"; diacritics, case, bracketed hints and punctuation do not matter."""
    return spreadsheets.header_key(text, keep_underscore=True)


HEADER_LANGUAGES = ("vi", "en")  # a template downloaded with either interface language imports


@functools.cache
def _headers() -> dict[str, str]:
    """Folded header → column key: the key, the aliases and the label in every interface language."""
    headers: dict[str, str] = {}
    for key, label, aliases, _req in COLUMNS:
        names = [key, *aliases]
        for language in HEADER_LANGUAGES:
            with translation.override(language):
                names.append(str(label))
        for name in names:
            headers[_header_key(name)] = key
    return headers


def _file_error(message) -> ImportRejected:
    return ImportRejected([RowError(None, "", str(message))])


# ---------------------------------------------------------------------------------------------- reading

def read_upload(upload) -> bytes:
    """At most ``MAX_BYTES`` of an uploaded file; a larger one is refused without reading it all."""
    with spreadsheets.refused_as(_file_error):
        return read_table_upload(upload, max_bytes=MAX_BYTES)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def sniff_kind(data: bytes) -> str:
    """"xlsx" or "csv", from the content; anything else is refused."""
    with spreadsheets.refused_as(_file_error):
        return spreadsheets.sniff_kind(data)


def _raw_rows(data: bytes, kind: str):
    with spreadsheets.refused_as(_file_error):
        yield from spreadsheets.iter_rows(
            data, kind=kind, max_rows=MAX_ROWS, max_columns=MAX_READ_COLUMNS,
            max_unpacked_bytes=MAX_UNPACKED_BYTES, max_members=MAX_ZIP_MEMBERS, cell_text=_cell_text,
            what="public-service import")


@dataclass
class Table:
    header: dict[str, str]                  # key → the header as written in the file
    rows: list[tuple[int, dict[str, str]]]  # (row number, {key: text})
    kind: str


def read_table(data: bytes) -> Table:
    kind = sniff_kind(data)
    header: list[str | None] | None = None
    written: dict[str, str] = {}
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in _raw_rows(data, kind):
        if not any(cells):
            continue
        if header is None:
            header, written = _check_header(cells, row=number)
            continue
        row = {key: cells[i].strip() if i < len(cells) else "" for i, key in enumerate(header) if key}
        for key, _label, _aliases, _req in COLUMNS:
            row.setdefault(key, "")
        if any(c for i, c in enumerate(cells) if i >= len(header) or header[i] is None):
            row[_EXTRA] = "1"
        rows.append((number, row))
    if header is None:
        raise _file_error(_("Tệp không có dòng tiêu đề."))
    if not rows:
        raise _file_error(_("Tệp không có dòng dữ liệu nào."))
    return Table(written, rows, kind)


def _check_header(cells: list[str], *, row: int) -> tuple[list[str | None], dict[str, str]]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    keys: list[str | None] = []
    written: dict[str, str] = {}
    problems: list[RowError] = []
    for text in cells:
        key = _headers().get(_header_key(text)) if text else None
        if key is None:
            if text:
                problems.append(RowError(row, text, str(UNKNOWN_COLUMN)))
            keys.append(None)
        elif key in written:
            problems.append(RowError(row, text, _("cột bị lặp (đã có ở cột “%(c)s”).") % {"c": written[key]}))
            keys.append(None)
        else:
            written[key] = text
            keys.append(key)
    for key, label, _aliases, required in COLUMNS:
        if required and key not in written:
            problems.append(RowError(row, str(label), str(MISSING_COLUMN)))
    if problems:
        raise ImportRejected(problems)
    for key, label, _aliases, _req in COLUMNS:
        written.setdefault(key, str(label))
    return keys, written


# -------------------------------------------------------------------------------------------- checking

def parse_level(text: str) -> str | None:
    """"Mức độ 4", "4", "toàn trình", "Toan_trinh", "một phần", "không" → the level's value; None if unknown."""
    folded = " ".join(fold(text).replace("_", " ").replace("-", " ").split())
    folded = re.sub(r"^(muc do|muc)\s*", "", folded)
    if folded in ("1", "2", "3", "4"):
        return folded
    return {"toan trinh": OnlineLevel.FULL, "mot phan": OnlineLevel.PARTIAL, "khong": OnlineLevel.NONE,
            "khong co": OnlineLevel.NONE, "0": OnlineLevel.NONE}.get(folded)


_MONTH_RES = (re.compile(r"^(\d{1,2})[/.\-](\d{4})$"), re.compile(r"^(\d{4})[/.\-](\d{1,2})(?:[/.\-]\d{1,2})?$"),
              re.compile(r"^\d{1,2}[/.\-](\d{1,2})[/.\-](\d{4})$"))


def parse_month(text: str) -> dt.date | None:
    """"03/2018", "3/2018", "2018-03", "2018-03-01", "01/03/2018" → 2018-03-01; None if not a month."""
    text = text.strip()
    text = re.sub(r"^(thang|tháng)\s*", "", text, flags=re.IGNORECASE)
    for i, pattern in enumerate(_MONTH_RES):
        m = pattern.match(text)
        if m:
            month, year = (int(m.group(1)), int(m.group(2))) if i != 1 else (int(m.group(2)), int(m.group(1)))
            return month_in_range(year, month)
    return None


def _parse_count(text: str) -> int | None:
    text = text.strip().replace(" ", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d{1,3}([.,]\d{3})+", text):  # 1.234 or 1,234 as written by the one-stop exports
        return int(re.sub(r"[.,]", "", text))
    return None


@dataclass
class PlannedRow:
    row: int
    agency_id: int
    code: str
    name: str
    field: str
    level: str
    month: dt.date | None
    counts: dict[str, int]


def level_label(value: str) -> str:
    return str(OnlineLevel(value).label)


def check_rows(table: Table, *, agencies_by_code: Mapping[str | None, Agency], writable_ids: set[int],
               today: dt.date) -> tuple[list[PlannedRow], list[RowError]]:
    """Every row against the file and the directory. The plan is used only if there is no error at all."""
    head = table.header
    errors: list[RowError] = []
    plans: list[PlannedRow] = []
    seen: dict[tuple[int, str, dt.date | None], int] = {}
    this_month = today.replace(day=1)
    for number, row in table.rows:
        problems: list[tuple[str, str]] = []

        def bad(key: str, message: str, problems: list[tuple[str, str]] = problems) -> None:  # this row's
            problems.append((head.get(key, key), message))

        if _EXTRA in row:
            problems.append(("", _("có giá trị nằm ngoài các cột của tiêu đề.")))
        agency = None
        code_text = row["agency_code"]
        if not code_text:
            bad("agency_code", _("chưa ghi mã định danh cơ quan."))
        else:
            agency = agencies_by_code.get(code_text)
            if agency is None:
                bad("agency_code", UNKNOWN_AGENCY % {"c": code_text})
            elif agency.pk not in writable_ids:
                bad("agency_code", NOT_YOUR_AGENCY % {"a": agency.name})
                agency = None
        code, name, field_name = row["procedure_code"], row["procedure_name"], row["field"]
        if not code:
            bad("procedure_code", _("chưa ghi mã thủ tục hành chính."))
        elif len(code) > 60:
            bad("procedure_code", _("mã thủ tục dài quá 60 ký tự."))
        if not name:
            bad("procedure_name", _("chưa ghi tên thủ tục hành chính."))
        elif len(name) > 500:
            bad("procedure_name", _("tên thủ tục dài quá 500 ký tự."))
        if len(field_name) > 200:
            bad("field", _("lĩnh vực dài quá 200 ký tự."))

        month = None
        has_counts = any(row[k] for k in COUNT_KEYS)
        if row["month"]:
            month = parse_month(row["month"])
            if month is None:
                bad("month", _("“%(v)s” không phải là tháng (ghi dạng mm/yyyy, ví dụ 03/2018).") % {"v": row["month"]})
            elif month > this_month:
                bad("month", _("tháng %(m)s chưa tới.") % {"m": month.strftime("%m/%Y")})
        elif has_counts:
            bad("month", _("có số hồ sơ nhưng chưa ghi tháng."))

        level = parse_level(row["level"]) if row["level"] else None
        if not row["level"]:
            bad("level", _("chưa ghi mức độ dịch vụ công trực tuyến."))
        elif level is None:
            bad("level", LEVEL_INVALID % {"v": row["level"]})
        elif month is not None or not row["month"]:  # with a wrong month the regime is unknown
            allowed = levels_in_month(month) if month else levels_in_force(today)
            when = month.strftime("%m/%Y") if month else today.strftime("%d/%m/%Y")
            if level not in allowed and level in (OnlineLevel.FULL, OnlineLevel.PARTIAL):
                bad("level", LEVEL_NOT_YET % {"v": level_label(level), "m": when})
            elif level not in allowed:
                bad("level", LEVEL_NO_LONGER % {"v": level})

        counts: dict[str, int] = {}
        if row["month"]:
            for key in COUNT_KEYS:
                text = row[key]
                if not text:
                    bad(key, _("chưa ghi số hồ sơ (ghi 0 nếu không có)."))
                    continue
                value = _parse_count(text)
                if value is None:
                    bad(key, _("“%(v)s” không phải là số nguyên.") % {"v": text})
                elif value < 0:
                    bad(key, str(COUNT_NEGATIVE))
                elif value > MAX_COUNT:
                    bad(key, _("số hồ sơ quá lớn."))
                else:
                    counts[key] = value
            if "online" in counts and "total" in counts and counts["online"] > counts["total"]:
                bad("online", ONLINE_OVER_TOTAL % {"a": counts["online"], "b": counts["total"]})
            if "on_time" in counts and "settled" in counts and counts["on_time"] > counts["settled"]:
                bad("on_time", _("số hồ sơ giải quyết đúng hạn (%(a)s) lớn hơn số hồ sơ đã giải quyết (%(b)s).")
                    % {"a": counts["on_time"], "b": counts["settled"]})
            if counts.get("online") and level is not None and level not in ONLINE_LEVELS:
                bad("online", _("có hồ sơ trực tuyến nhưng mức độ “%(v)s” không tiếp nhận hồ sơ trực tuyến.")
                    % {"v": level_label(level)})

        if agency is not None and code:
            key = (agency.pk, code, month)
            if key in seen:
                column = "month" if month else "procedure_code"
                bad(column, SAME_PROCEDURE_AND_MONTH % {"c": code, "n": seen[key]}
                    if month else _("thủ tục “%(c)s” đã có ở dòng %(n)s.") % {"c": code, "n": seen[key]})
            else:
                seen[key] = number
        if problems:
            errors.extend(RowError(number, col, msg) for col, msg in problems)
            if len(errors) >= MAX_ERRORS:
                errors.append(RowError(None, "", _("Còn lỗi ở các dòng sau; chỉ liệt kê %(n)s lỗi đầu tiên.")
                                       % {"n": MAX_ERRORS}))
                break
            continue
        plans.append(PlannedRow(number, agency.pk, code, name, field_name, level, month,
                                counts if month else {}))
    return plans, errors


__all__ = ["COLUMNS", "ImportRejected", "LEVEL_CHANGE", "PlannedRow", "RowError", "Table", "check_rows",
           "header_label", "parse_level", "parse_month", "read_table", "read_upload"]
