"""The province report as XLSX (openpyxl): every figure, one sheet per unit group with a native bar chart of
the units' indexes (an Excel chart object, editable in Excel / LibreOffice), an overview sheet with the class
counts per group (native stacked bar chart), the criteria-level points, the excluded units and the
recommendations."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from lienthong.core import exports

from . import content
from .data import CampaignReport

HEADER_FILL = "DDE7F3"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(name: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", name).strip()[:31] or "Sheet"
    title, i = base, 2
    while title.lower() in used:
        title = f"{base[:26]} ({i})"
        i += 1
    used.add(title.lower())
    return title


def build_xlsx(report: CampaignReport, *, progress=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    bold = Font(name="Times New Roman", bold=True)
    plain = Font(name="Times New Roman")
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")

    def header(ws, row: int, values: list[str]):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=exports.cell_value(value))
            cell.font, cell.fill, cell.border = bold, fill, box
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")

    def title(ws, text: str, sub: str = ""):
        ws["A1"] = exports.cell_value(text)
        ws["A1"].font = Font(name="Times New Roman", bold=True, size=13)
        if sub:
            ws["A2"] = exports.cell_value(sub)
            ws["A2"].font = Font(name="Times New Roman", italic=True)

    wb = Workbook()
    used: set[str] = set()
    h = content.heading(report)

    # ---- overview
    ws = wb.active
    ws.title = _sheet_title(_("Tổng hợp"), used)
    title(ws, h.summary, report.title)
    bands = ([b.label for b in report.criteria_set.bands]
             or sorted({lbl for g in report.groups for lbl, _n in g.classes}))
    header(ws, 4, [_("Nhóm đơn vị"), _("Số đơn vị"), _("Điểm tối đa"), _("Chỉ số bình quân")] + bands)
    r = 5
    for g in report.groups:
        counts = dict(g.classes)
        exports.append_row(ws, [g.name, len(g.rows), g.max_points, g.mean_index]
                           + [counts.get(b, 0) for b in bands])
        ws.cell(row=r, column=4).number_format = "0.0%"
        r += 1
    last_overview_row = r - 1
    ws.cell(row=r + 1, column=1, value=_("Đơn vị được đánh giá")).font = bold
    ws.cell(row=r + 1, column=2, value=report.unit_count)
    ws.cell(row=r + 2, column=1, value=_("Đơn vị xếp hạng")).font = bold
    ws.cell(row=r + 2, column=2, value=report.ranked_count)
    ws.cell(row=r + 3, column=1, value=_("Đơn vị không xếp hạng")).font = bold
    ws.cell(row=r + 3, column=2, value=len(report.excluded))
    ws.cell(row=r + 4, column=1, value=_("Bộ tiêu chí")).font = bold
    ws.cell(row=r + 4, column=2,
            value=exports.cell_value(f"{report.criteria_set.name} (v{report.criteria_set.version})"))
    if report.approval:
        ws.cell(row=r + 5, column=1, value=_("Phê duyệt")).font = bold
        ws.cell(row=r + 5, column=2, value=exports.cell_value(
            report.approval.decision or report.approval.approved_at.strftime("%d/%m/%Y")))
    ws.column_dimensions["A"].width = 38
    for col in range(2, 5 + len(bands)):
        ws.column_dimensions[get_column_letter(col)].width = 14
    if report.groups and bands:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
        chart.title = _("Xếp loại theo nhóm đơn vị")
        chart.y_axis.title = _("Số đơn vị")
        data = Reference(ws, min_col=5, max_col=4 + len(bands), min_row=4, max_row=last_overview_row)
        cats = Reference(ws, min_col=1, min_row=5, max_row=last_overview_row)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(cats)
        chart.height, chart.width = 7.5, 18
        ws.add_chart(chart, f"A{r + 8}")

    # ---- one sheet per group
    for gi, g in enumerate(report.groups, start=1):
        ws = wb.create_sheet(_sheet_title(g.name, used))
        title(ws, g.name, content.group_summary(g))
        head = [_("Hạng"), _("Đơn vị")] + [f"{c.code}. {c.name} ({c.max:g})" for c in g.categories] + [
            _("Điểm đạt"), _("Điểm tối đa áp dụng"), _("Tổng điểm (thang nhóm)"), _("Chỉ số"), _("Xếp loại"),
            _("Chỉ số năm trước"), _("Thay đổi chỉ số"), _("Hạng năm trước"), _("Thay đổi hạng"),
            _("Lý do xếp hạng riêng")]
        header(ws, 4, head)
        ncat = len(g.categories)
        for row in g.rows:
            exports.append_row(ws, [row.rank, row.name]
                               + [(row.categories.get(c.code) or {}).get("points") for c in g.categories]
                               + [row.points, row.max_points, row.total, row.index, row.class_label,
                                  row.previous_index, row.change_index, row.previous_rank, row.change_rank,
                                  row.separate_reason or None])
            line = ws._current_row  # the row just appended (``max_row`` scans every cell: quadratic)
            for col in range(3, 3 + ncat + 3):
                ws.cell(row=line, column=col).number_format = "0.00"
            for col in (3 + ncat + 3, 3 + ncat + 5, 3 + ncat + 6):
                ws.cell(row=line, column=col).number_format = "0.0%"
            for col in range(1, len(head) + 1):
                ws.cell(row=line, column=col).font = plain
        ws.row_dimensions[4].height = 60
        ws.column_dimensions["A"].width = 7
        ws.column_dimensions["B"].width = 42
        for col in range(3, len(head) + 1):
            ws.column_dimensions[get_column_letter(col)].width = 12
        ws.freeze_panes = "C5"
        if g.rows:
            first, last = 5, 4 + len(g.rows)
            index_col = 3 + ncat + 3
            chart = BarChart()
            chart.type = "bar"
            chart.title = _("Chỉ số ứng dụng CNTT – %(g)s") % {"g": g.name}
            chart.x_axis.scaling.orientation = "maxMin"  # best first, top down
            chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
            chart.y_axis.number_format = "0%"
            chart.add_data(Reference(ws, min_col=index_col, min_row=4, max_row=last), titles_from_data=True)
            chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
            chart.legend = None
            chart.height, chart.width = max(7.5, 0.55 * len(g.rows) + 3), 20
            ws.add_chart(chart, f"A{last + 3}")
        if progress:
            progress(40 + int(40 * gi / max(1, len(report.groups))), _("Đang ghi nhóm %(g)s") % {"g": g.name})

    # ---- criteria points, every unit
    ws = wb.create_sheet(_sheet_title(_("Điểm theo tiêu chí"), used))
    title(ws, _("Điểm theo từng tiêu chí"))
    crits = [(cat, c) for cat, c in report.criteria_set.criteria()]
    header(ws, 4, [_("Nhóm đơn vị"), _("Đơn vị")] + [f"{c.code}" for _cat, c in crits])
    for row in report.rows + report.excluded:
        exports.append_row(ws, [row.group, row.name] + [
            (row.criteria.get(c.code) or {}).get("points") if (row.criteria.get(c.code) or {}).get(
                "status") != "not_applicable" else None for _cat, c in crits])
    header(ws, ws._current_row + 2, [_("Mã"), _("Tiêu chí"), _("Điểm tối đa")])
    for _cat, c in crits:
        exports.append_row(ws, [c.code, c.name, c.max])
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 42
    ws.freeze_panes = "C5"

    # ---- excluded and separate
    ws = wb.create_sheet(_sheet_title(_("Không xếp hạng"), used))
    title(ws, _("Đơn vị không xếp hạng và đơn vị xếp hạng riêng"))
    header(ws, 4, [_("Đơn vị"), _("Nhóm"), _("Tình trạng"), _("Lý do"), _("Chỉ số (tham khảo)")])
    for row in report.excluded:
        exports.append_row(ws, [row.name, row.group, _("Không xếp hạng"), row.excluded_reason, row.index])
        ws.cell(row=ws._current_row, column=5).number_format = "0.0%"
    for row in report.separate:
        exports.append_row(ws, [row.name, row.group, _("Xếp hạng riêng"), row.separate_reason, row.index])
        ws.cell(row=ws._current_row, column=5).number_format = "0.0%"
    for col, width in zip("ABCDE", (42, 14, 16, 60, 14), strict=True):
        ws.column_dimensions[col].width = width

    # ---- recommendations
    ws = wb.create_sheet(_sheet_title(_("Khuyến nghị"), used))
    title(ws, _("Nhóm tiêu chí chưa đạt và khuyến nghị"),
          _("Nhóm tiêu chí có chỉ số dưới %(t)s") % {"t": f"{report.threshold * 100:.0f} %"})
    header(ws, 4, [_("Đơn vị"), _("Mã"), _("Nhóm tiêu chí"), _("Chỉ số"), _("Tiêu chí chưa đạt"), _("Khuyến nghị")])
    for row in report.rows:
        for rec in row.recommendations:
            exports.append_row(ws, [row.name, rec.category_code, rec.category_name, rec.category_index,
                                    ", ".join(rec.criteria), rec.text])
            ws.cell(row=ws._current_row, column=4).number_format = "0.0%"
            ws.cell(row=ws._current_row, column=6).alignment = wrap
    for col, width in zip("ABCDEF", (40, 7, 30, 10, 18, 80), strict=True):
        ws.column_dimensions[col].width = width

    return exports.workbook_bytes(wb)
