"""Export and import of the agency directory as CSV or XLSX.

One file format both ways: a header row with ``COLUMNS`` and one agency per row, parents before
their children (the export is in tree order). Levels and groups are referred to by code, a parent by
its identifier code.

The import treats the upload as hostile: its type is read from the content, not the name; it is
limited in size, in rows and, for XLSX, in unpacked size, with DTDs refused; every row is validated
and every bad row reported with its number and a Vietnamese message. A batch with any error
changes nothing: all rows are written in one transaction, each through ``agency_save``.

A row whose identifier code exists updates that agency; any other row creates one. A row without
an identifier code (an external body, say) updates the code-less agency with the same name under the
same parent, if there is exactly one. A parent without an identifier code cannot be written in the
file, so an existing agency whose current parent has no code keeps that parent when its row leaves
``parent_identifier_code`` empty: the export→import round trip changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup
from lienthong.agencies.services import agency_save, identifier_code_error, identifier_code_is_valid
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core import exports, spreadsheets
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.core.spreadsheets import ImportRejected
from lienthong.core.text import fold
from lienthong.files import read_table_upload

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = (
    "identifier_code", "name", "short_name", "abbreviation", "level", "group", "parent_identifier_code",
    "place_name", "is_external", "is_active", "identifier_verified",
)
BOOLEAN_COLUMNS = {"is_external": False, "is_active": True, "identifier_verified": True}  # value when empty
MAX_LENGTHS = {"identifier_code": 35, "name": 255, "short_name": 120, "abbreviation": 40, "place_name": 100}

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000  # data rows, blank ones included
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # an XLSX of 5 MB that unpacks to more than this is a zip bomb
MAX_ZIP_MEMBERS = 200
MAX_READ_COLUMNS = 40
MAX_ERRORS = 500  # the report stops listing rows after this many; the batch is refused anyway

_TRUE = {"1", "true", "x", "co", "yes", "dung"}
_FALSE = {"0", "false", "khong", "no", "sai"}
_EXTRA_CELLS = "__extra_cells__"  # marks a row with values to the right of the last header column

# What the import says. A row's problems start in lower case: ``ROW_PREFIXED`` puts the row number before them.
ONLY_SYSTEM_ADMINS_IMPORT = gettext_lazy("Chỉ quản trị hệ thống mới được nhập danh mục cơ quan.")
ROW_PREFIXED = gettext_lazy("Dòng %(row)s: %(message)s")
NO_DATA_ROWS = gettext_lazy("Tệp không có dòng dữ liệu nào.")
MISSING_COLUMNS = gettext_lazy("thiếu cột %(c)s.")
EXTRA_CELLS = gettext_lazy("có giá trị nằm ngoài các cột của tiêu đề.")
CODE_REPEATED = gettext_lazy("mã định danh “%(c)s” trùng với dòng %(n)s.")
NAME_REQUIRED = gettext_lazy("tên cơ quan (name) không được để trống.")
ABBREVIATION_REQUIRED = gettext_lazy("chữ viết tắt (abbreviation) không được để trống.")
LEVEL_UNKNOWN = gettext_lazy("cấp “%(c)s” không có trong danh mục cấp hành chính (có: %(known)s).")
GROUP_UNKNOWN = gettext_lazy("nhóm “%(c)s” không có trong danh mục nhóm xếp hạng.")
FLAG_INVALID = gettext_lazy("cột %(c)s có giá trị “%(v)s” không hợp lệ (dùng 1 hoặc 0).")
OWN_PARENT = gettext_lazy("cơ quan không thể là cấp trên của chính nó.")
PARENT_DECLARED_LATER = gettext_lazy("cơ quan cấp trên “%(c)s” được khai báo ở dòng %(n)s, sau dòng này; hãy đặt dòng "
                                     "của cơ quan cấp trên lên trước.")
PARENT_UNKNOWN = gettext_lazy("không tìm thấy cơ quan cấp trên có mã định danh “%(c)s” (phải có sẵn trong danh mục "
                              "hoặc khai báo ở dòng trước).")


# ----------------------------------------------------------------------------------------- export

def _export_rows():
    """Every agency in tree order (parents first), from one query."""
    return (
        Agency.objects.order_by("path")
        .values_list("identifier_code", "name", "short_name", "abbreviation", "level__code", "group__code",
                     "parent__identifier_code", "place_name", "is_external", "is_active", "identifier_verified")
        .iterator(chunk_size=2000)
    )


def agencies_export_csv() -> bytes:
    """UTF-8 with a byte-order mark, so that Excel shows the Vietnamese letters right; a name that a
    spreadsheet would read as a formula gets a leading "'" (``core.exports``), which the import removes."""
    rows = ([("1" if v else "0") if isinstance(v, bool) else (v or "") for v in row] for row in _export_rows())
    return exports.csv_bytes([COLUMNS, *rows])


def agencies_export_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=_("Danh mục cơ quan"))
    for letter, width in zip("ABCDEFGHIJK", (18, 60, 30, 16, 10, 14, 22, 18, 11, 10, 18), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in COLUMNS:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for row in _export_rows():
        cells = []
        for value in row:
            cells.append(WriteOnlyCell(ws, value=exports.cell_value(value) if value not in ("", None) else None))
        ws.append(cells)
    return exports.workbook_bytes(wb)


# ----------------------------------------------------------------------------------------- import

@dataclass(frozen=True)
class RowError:
    row: int | None  # the row number as the spreadsheet shows it (header = 1); None for the whole file
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return ROW_PREFIXED % {"row": self.row, "message": self.message}


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


def _file_error(message) -> ImportRejected:
    return ImportRejected([RowError(None, str(message))])


def read_upload(upload) -> bytes:
    """At most ``MAX_BYTES`` of an uploaded file; a larger file is refused without reading it all."""
    with spreadsheets.refused_as(_file_error):
        return read_table_upload(upload, max_bytes=MAX_BYTES)


def _raw_rows(data: bytes):
    with spreadsheets.refused_as(_file_error):
        yield from spreadsheets.iter_rows(
            data, max_rows=MAX_ROWS, max_columns=MAX_READ_COLUMNS, max_unpacked_bytes=MAX_UNPACKED_BYTES,
            max_members=MAX_ZIP_MEMBERS, what="agency import")  # the export's "'" is removed


def read_table(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) for every non-blank data row. The type comes from the content."""
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in _raw_rows(data):
        if not any(cells):
            continue
        if header is None:
            header = [c.strip().lower() for c in cells]
            while header and not header[-1]:
                header.pop()
            _check_header(header, row=number)
            continue
        row = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
        if any(cells[len(header):]):
            row[_EXTRA_CELLS] = "1"
        rows.append((number, row))
    if header is None:
        raise _file_error(_("Tệp không có dòng tiêu đề."))
    if not rows:
        raise _file_error(NO_DATA_ROWS)
    return rows


def _check_header(header: list[str], *, row: int) -> None:
    problems = []
    missing = [c for c in COLUMNS if c not in header]
    unknown = [c or _("(cột không tên)") for c in header if c not in COLUMNS]
    duplicated = sorted({c for c in header if c and header.count(c) > 1})
    if missing:
        problems.append(RowError(row, MISSING_COLUMNS % {"c": ", ".join(missing)}))
    if unknown:
        problems.append(RowError(row, _("cột không xác định: %(c)s.") % {"c": ", ".join(unknown)}))
    if duplicated:
        problems.append(RowError(row, _("cột bị lặp: %(c)s.") % {"c": ", ".join(duplicated)}))
    if problems:
        raise ImportRejected(problems)


@dataclass
class _Planned:
    row: int
    values: dict  # field name -> value, ready for the model
    code: str | None
    parent_code: str | None
    existing: Agency | None  # the agency this row updates, if any
    existing_parent: Agency | None  # the parent, when it is already in the directory
    keep_parent: bool = False  # the current parent has no identifier code, so the file could not name it


def _parse_bool(value: str) -> bool | None:
    folded = fold(value).strip()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    return None


class _Lookups:
    """What validation needs from the database, read in a fixed number of queries."""

    def __init__(self, rows: list[tuple[int, dict[str, str]]]):
        self.levels = {lv.code.lower(): lv for lv in AdministrativeLevel.objects.all()}
        self.groups = {g.code.lower(): g for g in AgencyGroup.objects.all()}
        self.first_row_of: dict[str, int] = {}
        for number, row in rows:
            if row["identifier_code"]:
                self.first_row_of.setdefault(row["identifier_code"], number)
        referenced = set(self.first_row_of) | {r["parent_identifier_code"] for _n, r in rows}
        referenced.discard("")
        self.by_code = {a.identifier_code: a for a in
                        Agency.objects.filter(identifier_code__in=referenced).select_related("parent")}
        names = {r["name"] for _n, r in rows if not r["identifier_code"]}
        self.codeless_by_name: dict[str, list[Agency]] = {}
        for agency in Agency.objects.filter(identifier_code__isnull=True, name__in=names).select_related("parent"):
            self.codeless_by_name.setdefault(agency.name, []).append(agency)


def _validate_row(row: dict[str, str], *, lookups: _Lookups, seen: dict[str, int]) -> tuple[dict, list[str]]:
    """The row's model values and its problems (Vietnamese, without the row number)."""
    problems: list[str] = []
    if _EXTRA_CELLS in row:
        problems.append(str(EXTRA_CELLS))
    code, parent_code = row["identifier_code"], row["parent_identifier_code"]
    values: dict = {name: row[name] for name in ("name", "short_name", "abbreviation", "place_name")}
    for name, limit in MAX_LENGTHS.items():
        if len(row[name]) > limit:
            problems.append(_("cột %(c)s dài quá %(n)s ký tự.") % {"c": name, "n": limit})
    if code:
        if not identifier_code_is_valid(code):
            message = identifier_code_error(code)  # a row's problems start in lower case
            problems.append(message[:1].lower() + message[1:])
        elif code in seen:
            problems.append(CODE_REPEATED % {"c": code, "n": seen[code]})
    if not values["name"]:
        problems.append(str(NAME_REQUIRED))
    if not values["abbreviation"]:
        problems.append(str(ABBREVIATION_REQUIRED))
    level_code = row["level"].lower()
    if not level_code:
        problems.append(_("cấp (level) không được để trống."))
    elif level_code not in lookups.levels:
        problems.append(LEVEL_UNKNOWN % {"c": row["level"], "known": ", ".join(sorted(lookups.levels))})
    group_code = row["group"].lower()
    if group_code and group_code not in lookups.groups:
        problems.append(GROUP_UNKNOWN % {"c": row["group"]})
    for name, default in BOOLEAN_COLUMNS.items():
        parsed = _parse_bool(row[name]) if row[name] else default
        if parsed is None:
            problems.append(FLAG_INVALID % {"c": name, "v": row[name]})
        values[name] = parsed
    if parent_code:
        if parent_code == code:
            problems.append(str(OWN_PARENT))
        elif parent_code in seen or parent_code in lookups.by_code:
            pass
        elif parent_code in lookups.first_row_of:
            problems.append(PARENT_DECLARED_LATER % {"c": parent_code, "n": lookups.first_row_of[parent_code]})
        else:
            problems.append(PARENT_UNKNOWN % {"c": parent_code})
    if not problems:
        values["level"] = lookups.levels[level_code]
        values["group"] = lookups.groups.get(group_code)
        values["short_name"] = values["short_name"] or values["name"]
    return values, problems


def _codeless_target(name: str, parent_code: str, lookups: _Lookups) -> list[Agency]:
    """Existing agencies without an identifier code that a code-less row may stand for."""
    candidates = lookups.codeless_by_name.get(name, [])
    if parent_code:
        parent = lookups.by_code.get(parent_code)
        return [a for a in candidates if parent is not None and a.parent_id == parent.pk]
    return [a for a in candidates if a.parent_id is None or not a.parent.identifier_code]


def _plan(rows: list[tuple[int, dict[str, str]]]) -> tuple[list[_Planned], list[RowError]]:
    """Validate every row against the file and the database; the plan is only used when there is no error."""
    lookups = _Lookups(rows)
    seen: dict[str, int] = {}
    plans: list[_Planned] = []
    errors: list[RowError] = []
    for number, row in rows:
        values, problems = _validate_row(row, lookups=lookups, seen=seen)
        code, parent_code = row["identifier_code"] or None, row["parent_identifier_code"] or None
        if code and code not in seen:
            seen[code] = number
        target = None
        if not problems:
            if code:
                target = lookups.by_code.get(code)
            else:
                matches = _codeless_target(values["name"], parent_code or "", lookups)
                if len(matches) > 1:
                    problems.append(_("có %(n)s cơ quan cùng tên “%(name)s” mà không có mã định danh; hãy bổ sung "
                                      "mã định danh để phân biệt.") % {"n": len(matches), "name": values["name"]})
                target = matches[0] if matches else None
        if problems:
            errors.extend(RowError(number, p) for p in problems)
            continue
        keep_parent = bool(target and not parent_code and target.parent_id and not target.parent.identifier_code)
        plans.append(_Planned(number, values, code, parent_code, target,
                              lookups.by_code.get(parent_code) if parent_code else None, keep_parent))
    return plans, errors


_TEXT_AND_FLAGS = ("name", "short_name", "abbreviation", "place_name", "is_external", "is_active",
                   "identifier_verified")


def _differs(agency: Agency, plan: _Planned, parent_id: int | None) -> bool:
    v = plan.values
    return (agency.pk is None or agency.parent_id != parent_id or agency.identifier_code != plan.code
            or agency.level_id != v["level"].pk or agency.group_id != (v["group"].pk if v["group"] else None)
            or any(getattr(agency, name) != v[name] for name in _TEXT_AND_FLAGS))


def agencies_import(*, actor, data: bytes) -> ImportResult:
    """Create or update agencies from a CSV or XLSX file: all rows or none.

    Raises ``PermissionDenied`` unless ``actor`` is a system administrator, and ``ImportRejected``
    listing every bad row (nothing is changed then).
    """
    if not getattr(actor, "is_system_admin", False):
        raise PermissionDenied(str(ONLY_SYSTEM_ADMINS_IMPORT))
    rows = read_table(data)
    plans, errors = _plan(rows)
    if errors:
        raise ImportRejected(errors[:MAX_ERRORS] + (
            [RowError(None, _("… và %(n)s lỗi khác.") % {"n": len(errors) - MAX_ERRORS})]
            if len(errors) > MAX_ERRORS else []))
    result = ImportResult()
    with transaction.atomic():
        saved: dict[str, Agency] = {}  # identifier code -> the agency as this import left it
        moved = False  # once an existing agency has moved, paths read before the import may be stale
        for plan in plans:
            agency = plan.existing or Agency()
            parent = None
            if plan.parent_code:
                parent = saved.get(plan.parent_code) or plan.existing_parent
            elif plan.keep_parent:
                parent = agency.parent
            if not _differs(agency, plan, parent.pk if parent else None):
                result.unchanged += 1
                if plan.code:
                    saved[plan.code] = agency
                continue
            if moved:  # agency_save relies on the materialised paths of the agency and its parent
                if agency.pk:
                    agency = Agency.objects.get(pk=agency.pk)
                if parent is not None:
                    parent = Agency.objects.get(pk=parent.pk)
            created = agency.pk is None
            is_move = not created and agency.parent_id != (parent.pk if parent else None)
            for name, value in plan.values.items():
                setattr(agency, name, value)
            agency.identifier_code = plan.code
            agency.parent = parent
            try:
                agency_save(agency=agency)
            except ValidationFailed as exc:
                errors.extend(RowError(plan.row, m) for msgs in exc.errors.values() for m in msgs)
                continue
            moved = moved or is_move
            (result.created if created else result.updated).append(plan.code or agency.name)
            if plan.code:
                saved[plan.code] = agency
        if errors:
            raise ImportRejected(errors[:MAX_ERRORS])
        audit_log(actor=actor, action=AuditAction.IMPORTED, obj_type="agency_directory", obj_id="-",
                  summary=_("Nhập danh mục cơ quan: %(c)s mới, %(u)s cập nhật, %(s)s không đổi") % {
                      "c": len(result.created), "u": len(result.updated), "s": result.unchanged},
                  details={"created": result.created[:200], "updated": result.updated[:200]})
    return result
