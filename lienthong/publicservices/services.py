"""Writes of the procedure catalogue and the monthly dossier counts: hand entry and import.

Every write checks the actor's right on the agency (``selectors.agencies_writable``), runs in one
transaction with its audit entry, and raises the project's error vocabulary with Vietnamese messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core import exports
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.core.text import nfc

from . import importing, selectors
from .models import ONLINE_LEVELS, OnlineLevel, Procedure, ProcedureMonth, levels_in_force, levels_in_month

# Messages users see (the tests use these constants rather than copies of the text).
LEVELS_1_4_ENDED = gettext_lazy("Mức độ 1–4 không còn áp dụng từ 15/8/2022 (Nghị định 42/2022/NĐ-CP); "
                                "chọn “toàn trình” hoặc “một phần”.")
ONLINE_OVER_TOTAL = gettext_lazy("Số hồ sơ tiếp nhận trực tuyến (%(a)s) lớn hơn tổng số hồ sơ tiếp nhận (%(b)s).")


def _check_writable(actor, agency_id: int) -> None:
    if not selectors.may_write(user=actor, agency_id=agency_id):
        raise PermissionDenied(_("Bạn không có quyền cập nhật danh mục thủ tục hành chính của cơ quan này."))


def _level_errors(level: str, allowed: tuple[str, ...]) -> list[str]:
    if level not in OnlineLevel.values:
        return [_("Mức độ không hợp lệ.")]
    if level in allowed:
        return []
    if level in (OnlineLevel.FULL, OnlineLevel.PARTIAL):
        return [_("Mức độ “toàn trình” / “một phần” chỉ áp dụng từ 15/8/2022 (Nghị định 42/2022/NĐ-CP); "
                  "trước đó dùng mức độ 1–4.")]
    return [str(LEVELS_1_4_ENDED)]


def _code_taken(*, agency_id: int, code: str, procedure: Procedure | None) -> bool:
    """Does another procedure of the agency (not ``procedure`` itself) carry ``code``?"""
    same_code = Procedure.objects.filter(agency_id=agency_id, code=code)
    if procedure is not None:
        same_code = same_code.exclude(pk=procedure.pk)
    return same_code.exists()


@transaction.atomic
def procedure_save(*, actor, agency_id: int, code: str, name: str, field: str = "", online_level: str,
                   active: bool = True, procedure: Procedure | None = None,
                   today: dt.date | None = None) -> Procedure:
    """Create (``procedure`` None) or change one procedure of ``agency_id``'s catalogue. The level is that
    of today (``level_as_of`` = today when it changes), so it must be a level in force today."""
    today = today or timezone.localdate()
    if procedure is not None:
        _check_writable(actor, procedure.agency_id)
        agency_id = procedure.agency_id
    _check_writable(actor, agency_id)
    code, name, field = nfc(code), nfc(name), nfc(field)
    errors: dict[str, list] = {}
    if not code:
        errors["code"] = [_("Chưa nhập mã thủ tục hành chính.")]
    elif len(code) > 60:
        errors["code"] = [_("Mã thủ tục dài quá 60 ký tự.")]
    elif _code_taken(agency_id=agency_id, code=code, procedure=procedure):
        errors["code"] = [_("Cơ quan đã có thủ tục mang mã “%(c)s”.") % {"c": code}]
    if not name:
        errors["name"] = [_("Chưa nhập tên thủ tục hành chính.")]
    elif len(name) > 500:
        errors["name"] = [_("Tên thủ tục dài quá 500 ký tự.")]
    if len(field) > 200:
        errors["field"] = [_("Lĩnh vực dài quá 200 ký tự.")]
    level_changed = procedure is None or procedure.online_level != online_level
    if level_changed and (problems := _level_errors(online_level, levels_in_force(today))):
        errors["online_level"] = problems
    if errors:
        raise ValidationFailed(errors)
    created = procedure is None
    before = {"code": procedure.code, "name": procedure.name, "online_level": procedure.online_level,
              "active": procedure.active} if procedure is not None else {}
    if procedure is None:
        procedure = Procedure(agency_id=agency_id)
    procedure.code, procedure.name, procedure.field, procedure.active = code, name, field, active
    if level_changed:
        procedure.online_level, procedure.level_as_of = online_level, today
    procedure.updated_by = actor
    procedure.save()
    audit_log(actor=actor, action=AuditAction.CREATED if created else AuditAction.CHANGED, obj_type="procedure",
              obj_id=procedure.pk, agency_id=agency_id,
              summary=(_("Thêm thủ tục hành chính %(c)s") if created else _("Sửa thủ tục hành chính %(c)s"))
              % {"c": code}, details={"before": before} if before else {})
    return procedure


@transaction.atomic
def procedure_month_save(*, actor, procedure: Procedure, month: dt.date, online_level: str, total: int, online: int,
                         settled: int, on_time: int, today: dt.date | None = None) -> ProcedureMonth:
    """Enter (or correct) one month's dossier counts of ``procedure``. When the month is the latest the
    procedure has, its current level follows the month's level."""
    today = today or timezone.localdate()
    _check_writable(actor, procedure.agency_id)
    month = month.replace(day=1)
    errors: dict[str, list] = {}
    if month > today.replace(day=1):
        errors["month"] = [_("Tháng %(m)s chưa tới.") % {"m": month.strftime("%m/%Y")}]
    if problems := _level_errors(online_level, levels_in_month(month)):
        errors["online_level"] = problems
    for key, value in (("total", total), ("online", online), ("settled", settled), ("on_time", on_time)):
        if value is None or value < 0:
            errors[key] = [_("Số hồ sơ phải là số nguyên không âm.")]
    if "online" not in errors and "total" not in errors and online > total:
        errors["online"] = [ONLINE_OVER_TOTAL % {"a": online, "b": total}]
    if "on_time" not in errors and "settled" not in errors and on_time > settled:
        errors["on_time"] = [_("Số hồ sơ giải quyết đúng hạn (%(a)s) lớn hơn số hồ sơ đã giải quyết (%(b)s).")
                             % {"a": on_time, "b": settled}]
    if "online" not in errors and online and online_level not in ONLINE_LEVELS:
        errors.setdefault("online", []).append(
            _("Có hồ sơ trực tuyến nhưng mức độ đã chọn không tiếp nhận hồ sơ trực tuyến."))
    if errors:
        raise ValidationFailed(errors)
    row, created = ProcedureMonth.objects.update_or_create(
        procedure=procedure, month=month,
        defaults={"online_level": online_level, "total": total, "online": online, "settled": settled,
                  "on_time": on_time, "updated_by": actor})
    if month >= procedure.level_as_of.replace(day=1) and procedure.online_level != online_level:
        procedure.online_level, procedure.level_as_of, procedure.updated_by = online_level, month, actor
        procedure.save(update_fields=["online_level", "level_as_of", "updated_by", "updated_at"])
    audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="procedure", obj_id=procedure.pk,
              agency_id=procedure.agency_id,
              summary=_("Số liệu hồ sơ tháng %(m)s của thủ tục %(c)s") % {"m": month.strftime("%m/%Y"),
                                                                          "c": procedure.code},
              details={"month": month.isoformat(), "total": total, "online": online, "settled": settled,
                       "on_time": on_time, "level": online_level, "created": created})
    return row


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    procedures_created: int = 0
    procedures_updated: int = 0
    months_written: int = 0
    agencies: list[str] = field(default_factory=list)


def procedures_import(*, actor, upload, today: dt.date | None = None) -> ImportResult:
    """Import the one-stop system's export (CSV or XLSX; shape in ``importing``). Every bad row is reported
    (``importing.ImportRejected``, with ``rows``); a file with any error stores nothing.

    A row creates the procedure if the agency does not have its code, else updates its name and field;
    a month row replaces that month's counts. A procedure's current level becomes that of its latest row
    in the file unless a later month is already known.
    """
    today = today or timezone.localdate()
    data = importing.read_upload(upload)
    table = importing.read_table(data)
    codes = {row["agency_code"] for _n, row in table.rows if row["agency_code"]}
    agencies = {a.identifier_code: a for a in Agency.objects.filter(identifier_code__in=codes, is_external=False)}
    writable = set(selectors.agencies_writable(user=actor).filter(pk__in=[a.pk for a in agencies.values()])
                   .values_list("pk", flat=True))
    plans, errors = importing.check_rows(table, agencies_by_code=agencies, writable_ids=writable, today=today)
    if errors:
        raise importing.ImportRejected(errors)
    return _store(actor=actor, plans=plans, kind=table.kind, today=today,
                  agency_names={a.pk: a.short_name or a.name for a in agencies.values()})


@transaction.atomic
def _store(*, actor, plans: list[importing.PlannedRow], kind: str, today: dt.date,
           agency_names: dict[int, str]) -> ImportResult:
    result = ImportResult(kind=kind, rows=len(plans))
    now = timezone.now()
    # The latest statement of each procedure in the file gives its name, field and level.
    latest: dict[tuple[int, str], importing.PlannedRow] = {}
    for p in plans:
        key = (p.agency_id, p.code)
        as_of = p.month or today
        if key not in latest or as_of >= (latest[key].month or today):
            latest[key] = p
    agency_ids = sorted({a for a, _c in latest})
    existing = {(p.agency_id, p.code): p for p in Procedure.objects.select_for_update().filter(
        agency_id__in=agency_ids, code__in={c for _a, c in latest})}
    to_create, to_update = [], []
    for key, p in latest.items():
        as_of = p.month or today
        proc = existing.get(key)
        if proc is None:
            to_create.append(Procedure(agency_id=p.agency_id, code=p.code, name=p.name, field=p.field,
                                       online_level=p.level, level_as_of=as_of, updated_by=actor, updated_at=now))
            continue
        before = (proc.name, proc.field, proc.online_level, proc.level_as_of)
        proc.name, proc.field = p.name, p.field or proc.field
        if as_of >= proc.level_as_of and p.level != proc.online_level:
            proc.online_level, proc.level_as_of = p.level, as_of
        if (proc.name, proc.field, proc.online_level, proc.level_as_of) != before:  # unchanged rows cost nothing
            proc.updated_by, proc.updated_at = actor, now
            to_update.append(proc)
    Procedure.objects.bulk_create(to_create, batch_size=1000)
    Procedure.objects.bulk_update(to_update, ["name", "field", "online_level", "level_as_of", "updated_by",
                                              "updated_at"], batch_size=1000)
    result.procedures_created, result.procedures_updated = len(to_create), len(to_update)
    ids = {(a, c): pk for pk, a, c in Procedure.objects.filter(
        agency_id__in=agency_ids, code__in={c for _a, c in latest}).values_list("pk", "agency_id", "code")}
    months = [ProcedureMonth(procedure_id=ids[(p.agency_id, p.code)], month=p.month, online_level=p.level,
                             updated_by=actor, updated_at=now, **p.counts) for p in plans if p.month]
    ProcedureMonth.objects.bulk_create(
        months, batch_size=1000, update_conflicts=True, unique_fields=["procedure", "month"],
        update_fields=["online_level", "total", "online", "settled", "on_time", "updated_by", "updated_at"])
    result.months_written = len(months)
    result.agencies = sorted({agency_names[a] for a in agency_ids})
    audit_log(actor=actor, action=AuditAction.IMPORTED, obj_type="procedure_import",
              obj_id=now.strftime("%Y%m%d%H%M%S"),
              summary=_("Nhập danh mục TTHC và số liệu hồ sơ: %(n)s dòng, %(a)s cơ quan") % {
                  "n": len(plans), "a": len(agency_ids)},
              details={"kind": kind, "rows": len(plans), "created": len(to_create), "updated": len(to_update),
                       "months": len(months), "agency_ids": agency_ids})
    return result


def import_template(*, fmt: str = "xlsx") -> bytes:
    """The import template: the header row, three example rows (before and after the level change) and,
    in XLSX, a second sheet explaining each column."""
    example = [
        ("000.00.13.H30", "1.004915", "Cấp giấy phép hoạt động in", "Xuất bản, In và Phát hành", "3", "03/2022",
         25, 10, 24, 23),
        ("000.00.13.H30", "1.004915", "Cấp giấy phép hoạt động in", "Xuất bản, In và Phát hành", "toàn trình",
         "09/2022", 30, 27, 30, 30),
        ("000.00.13.H30", "2.001212", "Cấp phép xuất bản tài liệu không kinh doanh", "Xuất bản, In và Phát hành",
         "một phần", "09/2022", 12, 4, 11, 11),
    ]
    headers = [importing.header_label(key) for key, _l, _a, _r in importing.COLUMNS]
    if fmt == "csv":
        return exports.csv_bytes([headers, *example])
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = _("Số liệu")
    exports.append_row(ws, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in example:
        exports.append_row(ws, row)
    for column in ("A", "B", "F"):  # codes and months stay text, never numbers or dates
        for cell in ws[column][1:]:
            cell.number_format = "@"
    for letter, width in zip("ABCDEFGHIJ", (20, 14, 46, 26, 14, 10, 14, 12, 12, 12), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    guide = wb.create_sheet(_("Hướng dẫn"))
    exports.append_row(guide, [_("Cột"), _("Bắt buộc"), _("Cách ghi")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    notes = {
        "agency_code": _("Mã định danh của cơ quan (dạng 000.00.13.H30), như trong Danh mục cơ quan."),
        "procedure_code": _("Mã thủ tục hành chính trên Cơ sở dữ liệu quốc gia về TTHC."),
        "procedure_name": _("Tên thủ tục hành chính."),
        "field": _("Lĩnh vực (có thể để trống)."),
        "level": _("Trước 15/8/2022: 1, 2, 3 hoặc 4. Từ 15/8/2022 (NĐ 42/2022/NĐ-CP): “toàn trình” hoặc “một "
                   "phần”. “không” nếu chỉ công khai thông tin. Tháng 8/2022 nhận cả hai cách ghi."),
        "month": _("Tháng của số liệu, dạng mm/yyyy (ví dụ 03/2022). Để trống cả tháng và các cột số hồ sơ nếu "
                   "chỉ cập nhật danh mục."),
        "total": _("Tổng số hồ sơ tiếp nhận trong tháng (số nguyên ≥ 0)."),
        "online": _("Số hồ sơ tiếp nhận trực tuyến; không lớn hơn tổng số hồ sơ tiếp nhận."),
        "settled": _("Số hồ sơ đã giải quyết trong tháng."),
        "on_time": _("Số hồ sơ giải quyết đúng hạn; không lớn hơn số hồ sơ đã giải quyết."),
    }
    for key, label, _aliases, required in importing.COLUMNS:
        exports.append_row(guide, [label, _("có") if required else _("không"), notes[key]])
    guide.append([])
    exports.append_row(guide, [_(
        "Mỗi dòng là một thủ tục trong một tháng; một thủ tục không được lặp lại cùng tháng. Tệp có "
        "bất kỳ dòng lỗi nào sẽ không được nhập; trang nhập liệt kê mọi dòng lỗi. Tệp CSV lưu bảng mã "
        "UTF-8; tối đa 5 MB, 20 000 dòng.")])
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 100
    return exports.workbook_bytes(wb)
