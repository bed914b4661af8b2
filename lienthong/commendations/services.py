"""Writes of the commendations app: importing the administrative-reform (CCHC) index.

``reform_scores_import`` reads a CSV or XLSX file (``tables``: hostile input, type from the content,
size and row limits), validates every row against the file and the agency directory, and stores all
rows in one transaction or none: a file with a single bad row changes nothing, and the answer lists
every bad row with its number, its column and a Vietnamese message.

File layout (the template from ``reform_template_xlsx`` / ``reform_template_csv``): a header row, then
one agency and year per row. Columns are recognised by name, in any order, with or without Vietnamese
diacritics: "Mã định danh" (the agency's identifier code) or "Tên cơ quan" (its exact full or short
name; both may be given, then they must match), "Năm", "Chỉ số CCHC" (0–100, decimal point or comma),
and an optional "Xếp hạng" — or the same headers in English (a template downloaded with the English
interface). An agency already holding a value for that year gets the new value.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core import exports, spreadsheets
from lienthong.core.errors import PermissionDenied
from lienthong.core.spreadsheets import ImportRejected, RowError
from lienthong.core.text import nfc

from . import selectors, tables
from .models import ReformIndexScore

MIN_YEAR = 2000
MAX_ERRORS = 300

# What a refused file, header or row is told (the tests use these constants rather than copies of the text).
NO_DATA_ROWS = gettext_lazy("Tệp không có dòng dữ liệu nào.")
MISSING_COLUMN = gettext_lazy("thiếu cột “%(c)s”.")
UNKNOWN_CODE = gettext_lazy("không có cơ quan nào mang mã định danh “%(c)s” trong danh mục.")
CODE_NAME_MISMATCH = gettext_lazy("mã định danh “%(c)s” là của “%(a)s”, không phải “%(n)s”.")
UNKNOWN_NAME = gettext_lazy("không có cơ quan nào tên “%(n)s” trong danh mục (ghi đúng tên đầy đủ hoặc tên "
                            "ngắn, hoặc dùng mã định danh).")
NO_AGENCY = gettext_lazy("chưa ghi mã định danh hoặc tên cơ quan.")
YEAR_OUT_OF_RANGE = gettext_lazy("năm %(v)s nằm ngoài khoảng %(a)s–%(b)s.")
NO_VALUE = gettext_lazy("chưa ghi chỉ số.")
VALUE_NOT_A_NUMBER = gettext_lazy("chỉ số “%(v)s” không phải là số.")
VALUE_OUT_OF_RANGE = gettext_lazy("chỉ số %(v)s nằm ngoài khoảng 0–100.")
RANK_NOT_POSITIVE = gettext_lazy("xếp hạng “%(v)s” phải là số nguyên dương.")
AGENCY_TWICE = gettext_lazy("cơ quan “%(a)s” đã có ở dòng %(n)s cho năm %(y)s.")


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy Vietnamese header, as written in the template
    aliases: tuple[str, ...]


COLUMNS = (
    Column("code", gettext_lazy("Mã định danh"), ("ma dinh danh", "ma co quan", "ma dinh danh co quan",
                                                  "identifier code", "code")),
    Column("name", gettext_lazy("Tên cơ quan"), ("ten co quan", "co quan", "don vi", "ten don vi", "name",
                                                 "agency")),
    Column("year", gettext_lazy("Năm"), ("nam", "year")),
    Column("value", gettext_lazy("Chỉ số CCHC"), ("chi so cchc", "chi so", "chi so par", "par index", "diem",
                                                  "value")),
    Column("rank", gettext_lazy("Xếp hạng"), ("xep hang", "thu hang", "rank")),
)
LABELS = {c.key: c.label for c in COLUMNS}


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    years: list[int] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ parsing

def _header_key(text: str) -> str:
    return spreadsheets.header_key(text)


HEADER_LANGUAGES = ("vi", "en")  # a template downloaded with either interface language imports


@functools.cache
def _header_names() -> dict[str, str]:
    """Folded header → column key: the aliases and the label in every interface language."""
    names = {_header_key(alias): c.key for c in COLUMNS for alias in c.aliases}
    for language in HEADER_LANGUAGES:
        with translation.override(language):
            names.update({_header_key(str(c.label)): c.key for c in COLUMNS})
    return names


def _map_header(cells: list[str], row: int) -> dict[str, int]:
    by_alias = _header_names()
    positions: dict[str, int] = {}
    problems = []
    for i, text in enumerate(cells):
        if not text:
            continue
        key = by_alias.get(_header_key(text))
        if key is None:
            problems.append(RowError(row, text, _("cột không xác định.")))
        elif key in positions:
            problems.append(RowError(row, text, _("cột bị lặp.")))
        else:
            positions[key] = i
    if "code" not in positions and "name" not in positions:
        problems.append(RowError(row, "", _("thiếu cột “Mã định danh” hoặc “Tên cơ quan”.")))
    for key in ("year", "value"):
        if key not in positions:
            problems.append(RowError(row, "", MISSING_COLUMN % {"c": LABELS[key]}))
    if problems:
        raise ImportRejected(problems)
    return positions


def _number(text: str) -> Decimal | None:
    text = text.strip().rstrip("%").strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class _Agencies:
    """The internal agencies the file names, in two queries."""

    def __init__(self, codes: set[str], names: set[str]):
        self.by_code = {a.identifier_code: a for a in
                        Agency.objects.filter(is_external=False, identifier_code__in=codes)} if codes else {}
        self.by_name: dict[str, list[Agency]] = {}
        if names:
            wanted = {n.casefold() for n in names}
            for a in Agency.objects.filter(is_external=False).only("pk", "name", "short_name", "identifier_code"):
                for label in {a.name.casefold(), (a.short_name or "").casefold()}:
                    if label in wanted:
                        self.by_name.setdefault(label, []).append(a)


@dataclass
class _Planned:
    row: int
    agency: Agency
    year: int
    value: Decimal
    rank: int | None


def _plan(rows: list[tables.RawRow], positions: dict[str, int], *, max_year: int):
    def cell(raw, key):
        i = positions.get(key)
        return raw.cells[i].strip() if i is not None and i < len(raw.cells) else ""

    codes = {cell(r, "code") for r in rows} - {""}
    names = {nfc(cell(r, "name")) for r in rows if cell(r, "name")}
    agencies = _Agencies(codes, names)
    seen: dict[tuple[int, int], int] = {}
    plans, errors = [], []
    for raw in rows:
        row_errors: list[RowError] = []

        def bad(key, message, raw=raw, row_errors=row_errors):  # this row's, bound now
            row_errors.append(RowError(raw.number, str(LABELS[key]), message))

        code, name = cell(raw, "code"), nfc(cell(raw, "name"))
        agency = None
        if code:
            agency = agencies.by_code.get(code)
            if agency is None:
                bad("code", UNKNOWN_CODE % {"c": code})
            elif name and name.casefold() not in {agency.name.casefold(), (agency.short_name or "").casefold()}:
                bad("name", CODE_NAME_MISMATCH % {"c": code, "a": agency.name, "n": name})
                agency = None
        elif name:
            matches = agencies.by_name.get(name.casefold(), [])
            if not matches:
                bad("name", UNKNOWN_NAME % {"n": name})
            elif len({a.pk for a in matches}) > 1:
                bad("name", _("có nhiều cơ quan tên “%(n)s”; hãy ghi mã định danh.") % {"n": name})
            else:
                agency = matches[0]
        else:
            bad("code" if "code" in positions else "name", str(NO_AGENCY))

        year = None
        year_text = cell(raw, "year")
        if not year_text:
            bad("year", _("chưa ghi năm."))
        elif not year_text.isdigit():
            bad("year", _("năm “%(v)s” không phải số năm (ví dụ 2017).") % {"v": year_text})
        elif not MIN_YEAR <= int(year_text) <= max_year:
            bad("year", YEAR_OUT_OF_RANGE % {"v": year_text, "a": MIN_YEAR, "b": max_year})
        else:
            year = int(year_text)

        value = None
        value_text = cell(raw, "value")
        if not value_text:
            bad("value", str(NO_VALUE))
        elif (number := _number(value_text)) is None:
            bad("value", VALUE_NOT_A_NUMBER % {"v": value_text})
        elif not 0 <= number <= 100:
            bad("value", VALUE_OUT_OF_RANGE % {"v": value_text})
        else:
            value = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

        rank = None
        rank_text = cell(raw, "rank")
        if rank_text:
            if rank_text.isdigit() and int(rank_text) > 0:
                rank = int(rank_text)
            else:
                bad("rank", RANK_NOT_POSITIVE % {"v": rank_text})

        if agency is not None and year is not None:
            key = (year, agency.pk)
            if key in seen:
                bad("code" if code else "name", AGENCY_TWICE % {"a": agency.name, "n": seen[key], "y": year})
            else:
                seen[key] = raw.number
        if row_errors:
            errors += row_errors
        else:
            # Each of them is left None only together with a row error.
            assert agency is not None and year is not None and value is not None
            plans.append(_Planned(raw.number, agency, year, value, rank))
    return plans, errors


# ------------------------------------------------------------------------------------------ import

def reform_scores_import(*, actor, data: bytes, filename: str = "", today=None) -> ImportResult:
    """Store the CCHC index rows of a CSV/XLSX file: all of them, or none with every problem listed.

    ``PermissionDenied`` unless the actor belongs to the council (Sở TT&TT) or the office (Văn phòng UBND
    tỉnh); ``ImportRejected`` (a ``ValidationFailed`` with ``rows``) for an unreadable file or bad rows.
    """
    if not selectors.may_import(user=actor):
        raise PermissionDenied(_("Chỉ Sở Thông tin và Truyền thông và Văn phòng UBND tỉnh được nhập chỉ số "
                                 "cải cách hành chính."))
    max_year = (today or timezone.localdate()).year
    try:
        raw_rows = tables.read_rows(data)
    except tables.TableError as exc:
        raise ImportRejected([RowError(None, "", exc.message)]) from None
    if not raw_rows:
        raise ImportRejected([RowError(None, "", _("Tệp không có dòng tiêu đề."))])
    header, body = raw_rows[0], raw_rows[1:]
    positions = _map_header(header.cells, header.number)
    if not body:
        raise ImportRejected([RowError(None, "", str(NO_DATA_ROWS))])
    plans, errors = _plan(body, positions, max_year=max_year)
    if errors:
        extra = len(errors) - MAX_ERRORS
        raise ImportRejected(errors[:MAX_ERRORS] + (
            [RowError(None, "", _("… và %(n)s lỗi khác.") % {"n": extra})] if extra > 0 else []))
    now = timezone.now()
    filename = (filename or "")[:255]
    result = ImportResult(years=sorted({p.year for p in plans}))
    with transaction.atomic():
        existing = {(r.year, r.agency_id): r for r in ReformIndexScore.objects.select_for_update().filter(
            year__in=result.years, agency_id__in={p.agency.pk for p in plans})}
        new, changed = [], []
        for p in plans:
            row = existing.get((p.year, p.agency.pk))
            if row is None:
                row = ReformIndexScore(year=p.year, agency=p.agency)
                new.append(row)
            else:
                changed.append(row)
            row.value, row.rank, row.source_filename, row.imported_by, row.imported_at = (
                p.value, p.rank, filename, actor, now)
        ReformIndexScore.objects.bulk_create(new)
        ReformIndexScore.objects.bulk_update(changed, ["value", "rank", "source_filename", "imported_by",
                                                       "imported_at"])
        result.created, result.updated = len(new), len(changed)
        audit_log(actor=actor, action=AuditAction.IMPORTED, obj_type="reform_index", obj_id="-", agency_id=None,
                  summary=_("Nhập chỉ số CCHC năm %(y)s từ tệp %(f)s: %(c)s mới, %(u)s cập nhật") % {
                      "y": ", ".join(map(str, result.years)), "f": filename or "-", "c": result.created,
                      "u": result.updated},
                  details={"years": result.years, "file": filename, "created": result.created,
                           "updated": result.updated})
    return result


# ------------------------------------------------------------------------------------------ templates

def _template_agencies():
    return selectors.ranked_agencies().values_list("identifier_code", "name")


def reform_template_xlsx(*, year: int) -> bytes:
    """The import template: the data sheet (header only), the agency list to copy from, and instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Chỉ số CCHC")
    exports.append_row(ws, [c.label for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDE", (20, 60, 8, 14, 10), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ref = wb.create_sheet(_("Danh mục cơ quan"))
    exports.append_row(ref, [LABELS["code"], LABELS["name"]])
    for cell in ref[1]:
        cell.font = Font(bold=True)
    for code, name in _template_agencies():
        exports.append_row(ref, [code or "", name])  # "'" before a formula-like name; the import drops it
    ref.column_dimensions["A"].width, ref.column_dimensions["B"].width = 20, 70
    guide = wb.create_sheet(_("Hướng dẫn"))
    for line in template_guide(year=year):
        exports.append_row(guide, [line])
    guide.column_dimensions["A"].width = 120
    return exports.workbook_bytes(wb)


def reform_template_csv() -> bytes:
    return exports.csv_bytes([[c.label for c in COLUMNS]])


def template_guide(*, year: int) -> list[str]:
    return [
        _("Nhập chỉ số cải cách hành chính (CCHC) của các cơ quan, đơn vị"),
        _("Trang tính đầu tiên: dòng 1 là tiêu đề; mỗi dòng sau là một cơ quan trong một năm."),
        _("Mã định danh: mã của cơ quan (xem trang “Danh mục cơ quan”); hoặc ghi Tên cơ quan đúng như danh mục."),
        _("Năm: năm của chỉ số, ví dụ %(y)s; từ %(a)s đến năm hiện tại.") % {"y": year, "a": MIN_YEAR},
        _("Chỉ số CCHC: từ 0 đến 100, dùng dấu phẩy hoặc dấu chấm thập phân."),
        _("Xếp hạng: không bắt buộc, số nguyên dương."),
        _("Mỗi cơ quan chỉ một dòng cho mỗi năm. Chỉ cần một dòng lỗi là cả tệp không được nhập; "
          "cơ quan đã có chỉ số của năm đó sẽ được cập nhật."),
    ]
