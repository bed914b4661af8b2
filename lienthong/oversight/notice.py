"""The "công văn đôn đốc": a Decree 30 công văn (PL1, Mẫu 1.5) from the Provincial Office to the agencies
that lag behind on the usage dashboard, with each agency's figures in a table, rendered to PDF with
WeasyPrint (imported inside ``notice_pdf`` only) in Liberation Serif (Times New Roman metrics).

The number and the day are left blank: the văn thư fills them in when the signed letter is numbered
(NĐ30 Art. 15). Pure functions of their arguments: the service gathers the figures. The letter is always
Vietnamese (``notice_context`` / ``notice_html`` work under ``translation.override("vi")``), whatever the
language of the person who asks for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from lienthong.core import docx
from lienthong.oversight.selectors import HIGHER_IS_WORSE, UsageRow

SUBJECT = "V/v đôn đốc sử dụng Hệ thống quản lý văn bản và điều hành"
MAX_LISTED = 6  # more addressees than this: "Kính gửi: Các cơ quan, đơn vị có tên trong bảng dưới đây."


def indicator_labels() -> dict[str, str]:
    """The indicators the dashboard's thresholds use, as the letter names them."""
    return {
        "active_user_share": _("tỷ lệ người dùng hoạt động"),
        "sent_electronically_share": _("tỷ lệ văn bản gửi điện tử"),
        "digital_sign_valid_share": _("tỷ lệ văn bản ký số hợp lệ"),
        "overdue_items": _("số việc quá hạn"),
    }


def percent(value: float | None) -> str:
    """"25%", "12,5%" (Vietnamese decimal comma), "—" when there is nothing to divide."""
    if value is None:
        return "—"
    text = f"{value * 100:.1f}".replace(".", ",")
    return (text[:-2] if text.endswith(",0") else text) + "%"


def figure(key: str, value) -> str:
    if key.endswith("_share"):
        return percent(value)
    return "—" if value is None else str(value)


def date_words(day: dt.date) -> str:
    """"ngày 05 tháng 3 năm 2018": a leading zero for days below 10 and for months 1 and 2 (PL1 §II.4)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {"d": f"{day.day:02d}", "m": month, "y": day.year}


def organ_line(name: str) -> str:
    """The line of the governing body above the issuer, in capitals, "Ủy ban nhân dân" shortened (PL1 §II.2)."""
    return name.upper().replace("ỦY BAN NHÂN DÂN", "UBND").replace("HỘI ĐỒNG NHÂN DÂN", "HĐND")


def issuer_line(name: str, parent_name: str) -> str:
    """The issuer under its governing body, without repeating the body's name or place:
    "Văn phòng Ủy ban nhân dân tỉnh Hậu Giang" under "UBND TỈNH HẬU GIANG" prints "VĂN PHÒNG"."""
    short = name
    if parent_name:
        place = parent_name.split(" ", 4)[-1] if parent_name.lower().startswith("ủy ban nhân dân ") else ""
        for tail in (parent_name, place):
            if tail and short.lower().endswith(" " + tail.lower()) and len(short) > len(tail) + 1:
                short = short[: -len(tail) - 1]
                break
    return short.upper()


def signature_block(title: str) -> tuple[str, list[str]]:
    """(authority, printed lines) from the signer's title: a deputy signs "KT." for the head
    ("Phó Chánh Văn phòng" → KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG, PL1 §II.7)."""
    title = " ".join(title.split())
    if not title:
        return "", []
    if title.lower().startswith("phó "):
        head = title[4:]
        return "KT.", [f"KT. {head.upper()}", title.upper()]
    return "", [title.upper()]


def short_labels() -> dict[str, str]:
    return {"active_user_share": _("Người dùng hoạt động"), "sent_electronically_share": _("Gửi điện tử"),
            "digital_sign_valid_share": _("Ký số hợp lệ"), "overdue_items": _("Việc quá hạn")}


@dataclass
class NoticeRow:
    row: UsageRow
    failed: dict  # indicator key -> (value, limit)

    @property
    def failed_text(self) -> list[str]:
        short = short_labels()
        out = []
        for key in ("active_user_share", "sent_electronically_share", "digital_sign_valid_share", "overdue_items"):
            if key in self.failed:
                value, limit = self.failed[key]
                bound = _("tối đa") if key in HIGHER_IS_WORSE else _("tối thiểu")
                out.append(_("%(label)s: %(value)s (%(bound)s %(limit)s)") % {
                    "label": short[key], "value": figure(key, value), "bound": bound,
                    "limit": figure(key, limit)})
        return out


@dataclass
class Notice:
    parent_name: str
    issuer_name: str
    issuer_abbreviation: str
    place: str
    year: int
    month_from: dt.date
    month_to: dt.date
    rows: list[NoticeRow]
    signer_name: str
    signer_title: str = ""
    reply_by: dt.date | None = None
    unit_abbreviation: str = ""
    subject: str = SUBJECT
    thresholds: dict = field(default_factory=dict)


def recipients_of(rows: list[NoticeRow]) -> list[str]:
    return [r.row.agency_name for r in rows]


def requests(notice: Notice) -> list[str]:
    """What the agencies are asked to do, following the indicators they fell short on."""
    failed = set().union(*(r.failed for r in notice.rows)) if notice.rows else set()
    out = []
    if "active_user_share" in failed:
        out.append(_("Chỉ đạo cán bộ, công chức, viên chức sử dụng tài khoản được cấp để tiếp nhận, xử lý văn bản "
                     "trên Hệ thống; rà soát, đề nghị khóa các tài khoản không còn sử dụng."))
    if failed & {"sent_electronically_share", "digital_sign_valid_share"}:
        out.append(_("Gửi, nhận văn bản điện tử qua Hệ thống; ký số văn bản điện tử theo quy định tại Nghị định "
                     "số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư."))
    if "overdue_items" in failed:
        out.append(_("Khẩn trương giải quyết dứt điểm các văn bản, công việc đã quá hạn xử lý trên Hệ thống."))
    where = notice.issuer_name
    if notice.reply_by:
        out.append(_("Báo cáo kết quả khắc phục về %(w)s trước %(d)s.")
                   % {"w": where, "d": date_words(notice.reply_by)})
    else:
        out.append(_("Báo cáo kết quả khắc phục về %(w)s trong kỳ báo cáo tiếp theo.") % {"w": where})
    return out


def notice_context(notice: Notice) -> dict:
    with translation.override("vi"):
        return _notice_context(notice)


def _notice_context(notice: Notice) -> dict:
    _authority, signer_lines = signature_block(notice.signer_title)
    symbol = notice.issuer_abbreviation + (f"-{notice.unit_abbreviation}" if notice.unit_abbreviation else "")
    period = _("từ tháng %(a)s đến tháng %(b)s") % {"a": notice.month_from.strftime("%m/%Y"),
                                                     "b": notice.month_to.strftime("%m/%Y")}
    return {
        "n": notice,
        "parent_line": organ_line(notice.parent_name) if notice.parent_name else "",
        "issuer_line": issuer_line(notice.issuer_name, notice.parent_name),
        "symbol": symbol, "letter_symbol": symbol, "letter_subject": notice.subject,
        "period": period,
        "addressees": recipients_of(notice.rows), "max_listed": MAX_LISTED,
        "requests": requests(notice),
        "signer_lines": signer_lines,
        "rows": [{"r": r.row, "active": f"{r.row.active_users}/{r.row.staff_accounts}",
                  "electronic": percent(r.row.sent_electronically_share),
                  "signed": percent(r.row.digital_sign_valid_share), "overdue": r.row.overdue_items,
                  "failed": r.failed_text} for r in notice.rows],
        "intro": _("Thực hiện nhiệm vụ theo dõi, đôn đốc việc ứng dụng công nghệ thông tin trong hoạt động của cơ "
                   "quan nhà nước, %(issuer)s đã tổng hợp tình hình sử dụng Hệ thống quản lý văn bản và điều hành của "
                   "các cơ quan, đơn vị %(period)s. Qua số liệu thống kê trên Hệ thống, một số cơ quan, đơn vị chưa "
                   "đạt mức yêu cầu, cụ thể như sau:") % {"issuer": notice.issuer_name, "period": period},
        "note": _("Ghi chú: tỷ lệ gửi điện tử = văn bản phát hành gửi qua Hệ thống / văn bản phát hành không mật; "
                  "tỷ lệ ký số hợp lệ = văn bản điện tử có giá trị pháp lý / văn bản phát hành; người dùng hoạt động, "
                  "tài khoản và việc quá hạn tính theo tháng cuối của kỳ."),
        "ask": _("Để nâng cao hiệu quả ứng dụng công nghệ thông tin, xây dựng chính quyền điện tử của tỉnh, %(issuer)s "
                 "đề nghị Thủ trưởng các cơ quan, đơn vị nêu trên:") % {"issuer": notice.issuer_name},
        "ending": _("%(issuer)s đề nghị các cơ quan, đơn vị quan tâm, thực hiện./.") % {"issuer": notice.issuer_name},
        "filed": _("Lưu: VT") + (f", {notice.unit_abbreviation}" if notice.unit_abbreviation else "") + ".",
        "table_head": [_("STT"), _("Cơ quan, đơn vị"), _("Người dùng hoạt động / tài khoản"), _("Tỷ lệ gửi điện tử"),
                       _("Tỷ lệ ký số hợp lệ"), _("Việc quá hạn"), _("Chỉ tiêu chưa đạt")],
    }


def notice_html(notice: Notice) -> str:
    with translation.override("vi"):
        return render_to_string("oversight/reminder_notice.html", _notice_context(notice))


def notice_pdf(notice: Notice) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=notice_html(notice)).write_pdf()


def notice_docx(notice: Notice) -> bytes:
    """The same letter as an editable Word document in the Decree 30 layout (``lienthong.core.docx``): what a
    reviewer changes a word in before the PDF is signed. The number and the day stay blank, as in the PDF."""
    with translation.override("vi"):
        return _notice_docx(notice, _notice_context(notice))


def _addressee_lines(addressees: list[str]) -> list[str]:
    if len(addressees) == 1:
        return [addressees[0] + "."]
    if len(addressees) > MAX_LISTED:
        return [_("Các cơ quan, đơn vị có tên trong bảng dưới đây.")]
    return [f"- {a}{'.' if i == len(addressees) - 1 else ';'}" for i, a in enumerate(addressees)]


def _notice_docx(notice: Notice, c: dict) -> bytes:
    doc = docx.a4_document()
    blank = "\u00a0" * 6
    place = f"{notice.place}, " if notice.place else ""
    docx.letter_heading(doc, docx.LetterHeading(
        parent=c["parent_line"], agency=[c["issuer_line"]], number=_("Số:") + f" {blank}/{c['symbol']}",
        place_date=f"{place}{_('ngày')} {blank} {_('tháng')} {blank} {_('năm')} {notice.year}",
        summary_under_number=[notice.subject]),
        motto="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", motto_sub="Độc lập - Tự do - Hạnh phúc")
    lines = _addressee_lines(c["addressees"])
    docx.paragraph(doc, f"{_('Kính gửi:')} {lines[0]}", align="center", before=12, after=0)
    for line in lines[1:]:
        docx.paragraph(doc, line, align="center", after=0)
    docx.paragraph(doc, c["intro"], align="justify", indent=True, before=12)
    body = [[str(i), x["r"].agency_name, x["active"], x["electronic"], x["signed"], str(x["overdue"]),
             "\n".join(f"- {f}" for f in x["failed"])] for i, x in enumerate(c["rows"], start=1)]
    docx.table(doc, c["table_head"], body, widths_cm=[1.0, 4.2, 2.0, 1.7, 1.7, 1.5, 4.4], size=10.5, numeric_from=2)
    docx.paragraph(doc, c["note"], size=11, italic=True, align="justify")
    docx.paragraph(doc, c["ask"], align="justify", indent=True)
    for i, r in enumerate(c["requests"], start=1):
        docx.paragraph(doc, f"{i}. {r}", align="justify", indent=True, after=3)
    docx.paragraph(doc, c["ending"], align="justify", indent=True)
    docx.letter_closing(doc, recipients_title=_("Nơi nhận:"), recipients=[f"- {_('Như trên;')}", f"- {c['filed']}"],
                        signer_lines=c["signer_lines"], signer_name=notice.signer_name)
    return docx.saved(doc)
