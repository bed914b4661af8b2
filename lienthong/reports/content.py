"""The words of the province report, written once for the DOCX, the PDF and the XLSX.

Decree 30/2020/NĐ-CP layout: heading (issuing agency and its parent on the left, national title on the right,
place and date), the document type and summary, numbered sections in Roman numerals, "Nơi nhận" and the
signature block. The number is left blank for the clerk (văn thư) who registers the report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lienthong.assessment.criteria import NO_RELATIVE_CRITERIA, relative_rules_text

from .data import CampaignReport, GroupReport, Row, change_text, fixed, num, pct, rank_change_text

_PLACE_WORDS = ("THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "TỈNH", "HUYỆN", "QUẬN", "PHƯỜNG", "XÃ")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def parent_line(name: str) -> str:
    """"Ủy ban nhân dân tỉnh Hậu Giang" → "UBND TỈNH HẬU GIANG" (the line above the issuing agency)."""
    return name.upper().replace("ỦY BAN NHÂN DÂN", "UBND").replace("HỘI ĐỒNG NHÂN DÂN", "HĐND")


def agency_lines(name: str, width: int = 30) -> list[str]:
    """The issuing agency in capitals, broken before its place when too long ("SỞ THÔNG TIN VÀ TRUYỀN
    THÔNG" / "TỈNH HẬU GIANG" → the place is dropped: the parent line already names the province)."""
    upper = name.upper()
    cut = max((upper.rfind(f" {w} ") for w in _PLACE_WORDS), default=-1)
    if cut > 0 and len(upper) > width:
        head, tail = upper[:cut], upper[cut + 1:]
        return [head] if len(head) > width // 2 else [head, tail]
    return [upper]


def date_words(value: dt.date) -> str:
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {"d": f"{value.day:02d}", "m": month, "y": value.year}


@dataclass
class Heading:
    parent: str
    agency: list[str]
    number: str
    place_date: str
    doc_type: str
    summary: str


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)


def heading(report: CampaignReport, abbreviation: str = "") -> Heading:
    abbr = abbreviation or "STTTT"
    place = report.place or ""
    return Heading(
        parent=parent_line(report.council_parent_name) if report.council_parent_name else "",
        agency=agency_lines(report.council_name),
        number=_("Số:        /BC-%(a)s") % {"a": abbr},
        place_date=(f"{place}, " if place else "") + date_words(report.today),
        doc_type=_("BÁO CÁO"),
        summary=_("Kết quả đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin năm %(y)s") % {"y": report.year},
    )


def overview(report: CampaignReport) -> Section:
    c = report.campaign
    paras = [_("Thực hiện kế hoạch đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin (CNTT) của các cơ quan, "
               "đơn vị trên địa bàn tỉnh năm %(y)s (đợt “%(n)s”), %(a)s báo cáo kết quả như sau.")
             % {"y": report.year, "n": c.name, "a": report.council_name}]
    paras.append(_("Có %(all)s cơ quan, đơn vị tham gia đánh giá; %(ranked)s đơn vị được xếp hạng trong %(g)s nhóm; "
                   "%(ex)s đơn vị được đánh giá nhưng không xếp hạng.")
                 % {"all": report.unit_count, "ranked": report.ranked_count, "g": len(report.groups),
                    "ex": len(report.excluded)})
    if report.approval and report.approval.decision:
        paras.append(_("Kết quả đã được Ủy ban nhân dân tỉnh phê duyệt tại %(d)s.") % {"d": report.approval.decision})
    elif report.approval:
        paras.append(_("Kết quả đã được Ủy ban nhân dân tỉnh phê duyệt ngày %(d)s.")
                     % {"d": report.approval.approved_at.strftime("%d/%m/%Y")})
    else:
        paras.append(_("Kết quả chưa được Ủy ban nhân dân tỉnh phê duyệt; số liệu dưới đây là kết quả tính toán của "
                       "Hội đồng đánh giá."))
    for g in report.groups:
        best = g.rows[0] if g.rows else None
        line = _("%(g)s: %(n)s đơn vị, chỉ số bình quân %(m)s") % {"g": g.name, "n": len(g.rows),
                                                                   "m": pct(g.mean_index)}
        if best:
            line += _("; dẫn đầu là %(u)s (%(i)s)") % {"u": best.name, "i": pct(best.index)}
        paras.append(line + ".")
    if report.with_previous:
        changes = [r.change_index for r in report.rows if r.change_index is not None]
        up = sum(1 for v in changes if v > 0.0005)
        down = sum(1 for v in changes if v < -0.0005)
        paras.append(_("So với năm %(y)s (cùng bộ tiêu chí): %(up)s đơn vị tăng chỉ số, %(down)s đơn vị giảm, %(same)s "
                       "đơn vị không đổi; %(new)s đơn vị chưa có kết quả năm trước.")
                     % {"y": report.year - 1, "up": up, "down": down, "same": len(changes) - up - down,
                        "new": len(report.rows) - len(changes)})
    else:
        paras.append(_("Chưa có kết quả năm %(y)s của cùng bộ tiêu chí nên báo cáo chưa so sánh với năm trước.")
                     % {"y": report.year - 1})
    return Section(title=_("TỔNG QUAN"), paragraphs=paras)


def methodology(report: CampaignReport) -> Section:
    cs = report.criteria_set
    paras = [_("Bộ tiêu chí áp dụng: %(n)s (mã %(c)s, phiên bản %(v)s).") % {"n": cs.name, "c": cs.code,
                                                                           "v": cs.version}]
    if cs.proposal:
        paras.append(_("Lưu ý: bộ tiêu chí có phần điểm do hệ thống đề xuất (chưa phải phụ lục của văn bản quy phạm); "
                       "thay bằng bộ tiêu chí chính thức khi có văn bản."))
    paras.append(_("Mỗi tiêu chí được chấm theo quy tắc công bố (tỷ lệ × điểm tối đa, bậc thang, có/không…). Điểm của "
                   "đơn vị được quy về thang điểm của nhóm; chỉ số = điểm đạt / điểm tối đa áp dụng (0–100 %). "
                   "Tiêu chí không áp dụng cho đơn vị được loại khỏi điểm tối đa."))
    bands = "; ".join(_("%(l)s từ %(p)s điểm tối đa") % {"l": b.label, "p": pct(b.min, 0)} for b in cs.bands if b.min)
    if bands:
        paras.append(_("Xếp loại theo tỷ lệ điểm đạt so với điểm tối đa của nhóm: %(b)s; dưới mức thấp nhất: %(w)s.")
                     % {"b": bands, "w": cs.bands[-1].label})
    paras += relative_rules_text(cs) or [str(NO_RELATIVE_CRITERIA)]
    paras.append(_("Xếp hạng trong từng nhóm theo chỉ số giảm dần; các đơn vị bằng điểm cùng thứ hạng và thứ hạng kế "
                   "tiếp được bỏ qua (1, 2, 2, 4)."))
    return Section(title=_("PHƯƠNG PHÁP VÀ BỘ TIÊU CHÍ ĐÁNH GIÁ"), paragraphs=paras)


def criteria_table(report: CampaignReport) -> tuple[list[str], list[list[str]]]:
    cs = report.criteria_set
    names = {g.code: g.name for g in cs.groups}
    head = [_("Mã"), _("Nhóm tiêu chí"), _("Số tiêu chí"), _("Điểm"), _("Áp dụng cho")]
    body = []
    for cat in cs.categories:
        applies = ", ".join(names.get(g, g) for g in cat.applies_to) if cat.applies_to else _("Tất cả các nhóm")
        body.append([cat.code, cat.name, str(len(cat.criteria)), num(cat.points), applies])
    return head, body


def group_summary(g: GroupReport) -> str:
    classes = ", ".join(f"{label}: {n}" for label, n in g.classes if n)
    return _("Nhóm có %(n)s đơn vị, điểm tối đa %(m)s, chỉ số bình quân %(i)s. Xếp loại: %(c)s.") % {
        "n": len(g.rows), "m": num(g.max_points), "i": pct(g.mean_index), "c": classes or "—"}


def group_table(g: GroupReport, *, with_change: bool) -> tuple[list[str], list[list[str]]]:
    head = [_("Hạng"), _("Đơn vị")] + [c.code for c in g.categories] + [_("Tổng điểm"), _("Chỉ số"), _("Xếp loại")]
    if with_change:
        head.append(_("So với năm trước"))
    body = []
    for r in g.rows:
        line = [str(r.rank or "—"), r.name]
        line += [num((r.categories.get(c.code) or {}).get("points"), 2) if c.code in r.categories else "—"
                 for c in g.categories]
        line += [fixed(r.total), pct(r.index), r.class_label or "—"]
        if with_change:
            ch = change_text(r)
            rc = rank_change_text(r)
            line.append(f"{ch} ({rc})" if rc else ch)
        body.append(line)
    return head, body


def category_legend(g: GroupReport) -> str:
    return "; ".join(f"{c.code}: {c.name} ({num(c.max)} {_('điểm')})" for c in g.categories)


def separate_section(report: CampaignReport) -> Section:
    if not report.separate:
        return Section(title=_("ĐƠN VỊ XẾP HẠNG RIÊNG"), paragraphs=[_("Không có đơn vị xếp hạng riêng.")])
    paras = [_("Các cơ quan ngành dọc được đánh giá cùng bộ tiêu chí nhưng xếp hạng trong nhóm riêng, không so sánh "
               "với các sở, ban, ngành:")]
    for r in report.separate:
        paras.append(f"{r.name}: {r.separate_reason}")
    return Section(title=_("ĐƠN VỊ XẾP HẠNG RIÊNG"), paragraphs=paras)


def excluded_section(report: CampaignReport) -> Section:
    if not report.excluded:
        return Section(title=_("ĐƠN VỊ KHÔNG XẾP HẠNG"), paragraphs=[_("Không có đơn vị nào bị loại khỏi xếp hạng.")])
    paras = [_("Các đơn vị sau được đánh giá để tham khảo nhưng không xếp hạng:")]
    for r in report.excluded:
        paras.append(f"{r.name}: {r.excluded_reason or _('không nêu lý do')}")
    return Section(title=_("ĐƠN VỊ KHÔNG XẾP HẠNG"), paragraphs=paras)


def weak_section(report: CampaignReport) -> Section:
    paras = []
    for g in report.groups:
        for w in g.weak_areas:
            paras.append(_("%(g)s – %(c)s: %(k)s/%(n)s đơn vị có chỉ số dưới %(t)s (bình quân %(m)s). "
                           "Khuyến nghị: %(x)s")
                         % {"g": g.name, "c": w.name, "k": w.weak_units, "n": w.units, "t": pct(report.threshold, 0),
                            "m": pct(w.mean_index), "x": w.text})
    if not paras:
        paras.append(_("Không có nhóm tiêu chí nào mà từ 30 %% số đơn vị của nhóm có chỉ số dưới %(t)s.")
                     % {"t": pct(report.threshold, 0)})
    return Section(title=_("NHỮNG MẶT CÒN HẠN CHẾ VÀ KHUYẾN NGHỊ"), paragraphs=paras)


def unit_recommendations_table(report: CampaignReport) -> tuple[list[str], list[list[str]]]:
    """One line per unit with weak categories: the categories (with their index) and what to work on, in short;
    the full recommendations are in section VI (by group) and on each unit's result sheet."""
    head = [_("Đơn vị"), _("Nhóm tiêu chí chưa đạt"), _("Nội dung cần khắc phục")]
    body = []
    for r in report.rows:
        if not r.recommendations:
            continue
        cats: list[str] = []
        for rec in sorted(r.recommendations, key=lambda rec: rec.category_order):  # criteria-set order: "D, F"
            label = f"{rec.category_code} ({pct(rec.category_index, 0)})"
            if label not in cats:
                cats.append(label)
        labels = list(dict.fromkeys(rec.label for rec in r.recommendations))
        text = "; ".join(labels)
        body.append([r.name, ", ".join(cats), text[:1].upper() + text[1:] + "."])
    return head, body


def closing(report: CampaignReport) -> tuple[list[str], str, str]:
    """(Nơi nhận lines, signer title, signer note)."""
    recipients = [_("- UBND tỉnh (báo cáo);"), _("- Hội đồng đánh giá, xếp hạng;"),
                  _("- Các cơ quan, đơn vị được đánh giá;"), _("- Lưu: VT.")]
    return recipients, _("GIÁM ĐỐC"), _("(Ký, ghi rõ họ tên)")


def row_unit_note(r: Row) -> str:
    return r.separate_reason
