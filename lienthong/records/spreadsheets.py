"""The file plan as a workbook in the Appendix V layout (PL5 §I), and back; the index of a file (PL5 §IV).

Layout of a plan (what the export writes and the import reads):

- title lines, then the header row "Số và ký hiệu hồ sơ · Tên đề mục và tiêu đề hồ sơ · Thời hạn bảo quản ·
  Người lập hồ sơ · Ghi chú" (the import finds it by its first two cells; lines above it are ignored);
- a main heading: first cell a Roman numeral ("I"), second its title, optionally ending with its abbreviation in
  brackets ("TỔ CHỨC, CÁN BỘ (TCCB)"); a sub-heading: first cell an Arabic numeral ("1");
- a planned file: its number ("01.TCCB", blank to number it), title, retention ("Vĩnh viễn", "10 năm" or the
  code), the person or unit who keeps it, notes;
- the totals line ("Bản danh mục này có …") ends the table.

The import is all-or-nothing: every bad row is reported with a Vietnamese reason and nothing is stored.
Reading the upload (type from content, sizes, no DTD/entities, zip-bomb limits) is ``core.spreadsheets``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core import exports, spreadsheets
from lienthong.core.spreadsheets import ImportRejected, RowError, SpreadsheetError
from lienthong.core.text import fold, nfc
from lienthong.files import read_table_upload
from lienthong.records import selectors, services
from lienthong.records.models import FilePlan, PlanEntry, PlanHeading, PlanNumbering
from lienthong.records.numerals import file_number, from_roman

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 10
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
MAX_ZIP_MEMBERS = 100

COLUMNS = [gettext_lazy("Số và ký hiệu hồ sơ"), gettext_lazy("Tên đề mục và tiêu đề hồ sơ"),
           gettext_lazy("Thời hạn bảo quản"), gettext_lazy("Người lập hồ sơ"), gettext_lazy("Ghi chú")]
TOTALS_START = "ban danh muc nay co"  # folded start of the totals line

NO_HEADER = gettext_lazy("Không tìm thấy dòng tiêu đề cột “Số và ký hiệu hồ sơ”, “Tên đề mục và tiêu đề hồ sơ”.")
NO_ENTRIES = gettext_lazy("Tệp không có hồ sơ nào.")
ENTRY_BEFORE_HEADING = gettext_lazy("hồ sơ nằm trước mọi đề mục: cần một đề mục lớn (I, II, …) phía trên.")
SUB_BEFORE_MAIN = gettext_lazy("đề mục nhỏ nằm trước mọi đề mục lớn.")
TITLE_MISSING = gettext_lazy("thiếu tiêu đề.")
RETENTION_MISSING = gettext_lazy("thiếu thời hạn bảo quản.")
RETENTION_NOT_FOUND = gettext_lazy("“%(v)s” không có trong danh mục thời hạn bảo quản.")
NUMBER_DUPLICATE = gettext_lazy("số hồ sơ “%(n)s” trùng với dòng %(r)s.")
NUMBER_TOO_LONG = gettext_lazy("số hồ sơ dài quá 20 ký tự.")
TEXT_TOO_LONG = gettext_lazy("dài quá %(n)s ký tự.")
IMPORTED = gettext_lazy("Đã nhập %(h)s đề mục và %(e)s hồ sơ vào danh mục.")

_HEADING = re.compile(r"^(?P<title>.*?)\s*\((?P<abbr>[^()]{1,20})\)\s*$")


def read_upload(upload) -> bytes:
    return read_table_upload(upload, max_bytes=MAX_BYTES)


def _cell(value) -> str:
    return nfc(" ".join(spreadsheets.default_cell_text(value).split()))


@dataclass
class _Heading:
    row: int
    title: str
    abbreviation: str
    children: list = field(default_factory=list)
    entries: list = field(default_factory=list)


@dataclass
class _Entry:
    row: int
    number: str
    title: str
    retention: object
    responsible: str
    notes: str


def _retention_lookup() -> dict[str, object]:
    out = {}
    for r in selectors.retention_periods():
        out[fold(r.name)] = r
        out[fold(r.code)] = r
        if r.years:
            out[str(r.years)] = r
    return out


def parse_plan(data: bytes) -> tuple[list[_Heading], list[RowError]]:
    """The headings and planned files of a workbook (or CSV) in the Appendix V layout, and every problem."""
    col = [str(c) for c in COLUMNS]
    errors: list[RowError] = []
    try:
        rows = [(n, cells) for n, cells in spreadsheets.iter_rows(
            data, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS, max_unpacked_bytes=MAX_UNPACKED_BYTES,
            max_members=MAX_ZIP_MEMBERS, cell_text=_cell, what="file-plan") if any(cells)]
    except SpreadsheetError as exc:
        return [], [RowError(None, "", str(exc.message))]
    start = next((i for i, (_n, cells) in enumerate(rows) if len(cells) >= 2
                  and spreadsheets.header_key(cells[0]) == spreadsheets.header_key(col[0])
                  and spreadsheets.header_key(cells[1]) == spreadsheets.header_key(col[1])), None)
    if start is None:
        return [], [RowError(None, "", str(NO_HEADER))]
    retention = _retention_lookup()
    mains: list[_Heading] = []
    current: _Heading | None = None
    numbers: dict[str, int] = {}
    count = 0
    for n, cells in rows[start + 1:]:
        cells = (cells + [""] * 5)[:5]
        first, title, keep, who, notes = cells
        if fold(first + " " + title).startswith(TOTALS_START):
            break
        if re.fullmatch(r"\d+", first) and not keep and len(first) <= 3 and "." not in first:
            if not mains:
                errors.append(RowError(n, col[0], str(SUB_BEFORE_MAIN)))
                continue
            if not title:
                errors.append(RowError(n, col[1], str(TITLE_MISSING)))
            current = _Heading(n, title, "")
            mains[-1].children.append(current)
            continue
        if from_roman(first) is not None and not keep:
            if not title:
                errors.append(RowError(n, col[1], str(TITLE_MISSING)))
            m = _HEADING.match(title)
            name, abbr = (m.group("title"), m.group("abbr").strip()) if m else (title, "")
            current = _Heading(n, name, abbr)
            mains.append(current)
            continue
        # A planned file.
        if current is None:
            errors.append(RowError(n, "", str(ENTRY_BEFORE_HEADING)))
            continue
        if not title:
            errors.append(RowError(n, col[1], str(TITLE_MISSING)))
        elif len(title) > 500:
            errors.append(RowError(n, col[1], str(TEXT_TOO_LONG % {"n": 500})))
        period = None
        if not keep:
            errors.append(RowError(n, col[2], str(RETENTION_MISSING)))
        else:
            period = retention.get(fold(keep)) or retention.get(fold(keep).replace(" nam", "").strip())
            if period is None:
                errors.append(RowError(n, col[2], str(RETENTION_NOT_FOUND % {"v": keep})))
        if len(first) > 20:
            errors.append(RowError(n, col[0], str(NUMBER_TOO_LONG)))
        elif first:
            if first in numbers:
                errors.append(RowError(n, col[0], str(NUMBER_DUPLICATE % {"n": first, "r": numbers[first]})))
            else:
                numbers[first] = n
        if len(who) > 200:
            errors.append(RowError(n, col[3], str(TEXT_TOO_LONG % {"n": 200})))
        if len(notes) > 500:
            errors.append(RowError(n, col[4], str(TEXT_TOO_LONG % {"n": 500})))
        current.entries.append(_Entry(n, first, title, period, who, notes))
        count += 1
    if not count and not errors:
        errors.append(RowError(None, "", str(NO_ENTRIES)))
    return mains, errors


def plan_import(*, actor, plan_id: int, data: bytes) -> tuple[int, int]:
    """Replace the content of a draft plan with the workbook's; ``ImportRejected`` with every bad row and
    nothing stored otherwise. Returns (headings, planned files)."""
    mains, errors = parse_plan(data)
    with transaction.atomic():
        plan = services.plan_for_edit(actor, plan_id, lock=True)
        if errors:
            raise ImportRejected(errors)
        PlanEntry.objects.filter(plan=plan).delete()
        PlanHeading.objects.filter(plan=plan).delete()
        order = 0
        headings = 0
        used = set()
        per_main: dict[int, int] = {}
        pending: list[tuple[_Entry, PlanHeading, PlanHeading]] = []
        for i, main in enumerate(mains, start=1):
            main_row = PlanHeading.objects.create(plan=plan, order=i, title=main.title[:500],
                                                  abbreviation=main.abbreviation[:20])
            headings += 1
            groups = [(main_row, main.entries)]
            for j, sub in enumerate(main.children, start=1):
                sub_row = PlanHeading.objects.create(plan=plan, parent=main_row, order=j, title=sub.title[:500])
                headings += 1
                groups.append((sub_row, sub.entries))
            for heading_row, entries in groups:
                for e in entries:
                    pending.append((e, heading_row, main_row))
                    if e.number:
                        used.add(e.number)
        rows = []
        for e, heading_row, main_row in pending:
            order += 1
            per_main[main_row.pk] = per_main.get(main_row.pk, 0) + 1
            number = e.number
            if not number:
                seq = per_main[main_row.pk] if plan.numbering == PlanNumbering.WITHIN_HEADING else order
                number = file_number(seq, main_row.abbreviation)
                while number in used:  # a number written elsewhere in the file is kept by its row
                    seq += 1
                    number = file_number(seq, main_row.abbreviation)
                used.add(number)
            rows.append(PlanEntry(plan=plan, heading=heading_row, order=order, number=number, title=e.title,
                                  retention=e.retention, responsible_name=e.responsible, notes=e.notes))
        PlanEntry.objects.bulk_create(rows)
        audit_log(actor=actor, action=AuditAction.IMPORTED, obj_type="file_plan", obj_id=plan.pk,
                  agency_id=plan.agency_id, summary=_("Nhập danh mục hồ sơ từ tệp: %(h)s đề mục, %(e)s hồ sơ") % {
                      "h": headings, "e": len(rows)})
    return headings, len(rows)


def plan_workbook(*, plan: FilePlan) -> bytes:
    """The plan in the Appendix V layout with its totals."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    content = selectors.plan_content(plan=plan)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Danh mục hồ sơ")
    exports.append_row(ws, [plan.agency.name.upper()])
    exports.append_row(ws, [_("DANH MỤC HỒ SƠ CỦA %(a)s NĂM %(y)s") % {"a": plan.agency.name.upper(), "y": plan.year}])
    if plan.decision_reference:
        exports.append_row(ws, [_("(Ban hành kèm theo %(d)s)") % {"d": plan.decision_reference}])
    exports.append_row(ws, [])
    exports.append_row(ws, [str(c) for c in COLUMNS])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in content.rows:
        title = row.heading.title + (f" ({row.heading.abbreviation})" if row.heading.abbreviation else "")
        exports.append_row(ws, [row.numeral, title.upper() if row.level == 1 else title])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True, italic=row.level == 2)
        for e in row.entries:
            exports.append_row(ws, [e.number, e.title, e.retention.name, e.responsible_label, e.notes])
    exports.append_row(ws, [])
    exports.append_row(ws, [_("Bản danh mục này có %(t)s hồ sơ, bao gồm: %(p)s hồ sơ lưu trữ vĩnh viễn; "
                      "%(f)s hồ sơ lưu trữ có thời hạn.") % {"t": content.total, "p": content.permanent,
                                                              "f": content.fixed_term}])
    for letter, width in zip("ABCDE", (18, 70, 18, 28, 24), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=header_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return exports.workbook_bytes(wb)


INDEX_COLUMNS = [gettext_lazy("STT"), gettext_lazy("Số, ký hiệu văn bản"), gettext_lazy("Ngày tháng văn bản"),
                 gettext_lazy("Tên loại và trích yếu nội dung văn bản"), gettext_lazy("Tác giả văn bản"),
                 gettext_lazy("Tờ số/Trang số"), gettext_lazy("Ghi chú")]


def index_workbook(*, user, case_file) -> bytes:
    """The mục lục văn bản (PL5 §IV) of a file: the documents ``user`` sees, by their order in the file, the
    pages each one runs over, and the closing note (số lượng văn bản, số lượng trang)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    items = selectors.case_file_items(user=user, case_file=case_file)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Mục lục văn bản")
    exports.append_row(ws, [_("MỤC LỤC VĂN BẢN")])
    ws["A1"].font = Font(bold=True)
    exports.append_row(ws, [_("Hồ sơ số: %(n)s – %(t)s") % {"n": case_file.number, "t": case_file.title}])
    exports.append_row(ws, [_("Thời hạn bảo quản: %(r)s") % {"r": case_file.retention.name}])
    exports.append_row(ws, [])
    exports.append_row(ws, [str(c) for c in INDEX_COLUMNS])
    page = 1
    pages_total = 0
    for item in items:
        doc = item.document
        count = doc.page_count or 0
        pages = f"{page}–{page + count - 1}" if count > 1 else (str(page) if count == 1 else "")
        page += count
        pages_total += count
        exports.append_row(ws, [item.ordinal, doc.number_symbol, doc.issued_on.strftime("%d/%m/%Y"),
                        f"{doc.document_type.name}: {doc.subject}", doc.issuer_name, pages, doc.notes])
    exports.append_row(ws, [])
    exports.append_row(ws, [_("Chứng từ kết thúc: hồ sơ gồm %(d)s văn bản, %(p)s trang.") % {
        "d": len(items), "p": pages_total}])
    for letter, width in zip("ABCDEFG", (6, 22, 14, 70, 32, 12, 20), strict=True):
        ws.column_dimensions[letter].width = width
    return exports.workbook_bytes(wb)
