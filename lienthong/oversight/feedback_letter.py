"""The monthly report on problem reports (lienthong.feedback) as a công văn from the Provincial Office to the
contractor: the figures by severity and agency, the SLA met or missed and the open defects by age, with a request
to fix what is overdue. Rendered to PDF with WeasyPrint (imported inside ``letter_pdf`` only); always Vietnamese,
as the usage notice (``notice``). Pure functions of their arguments: the service gathers the figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from lienthong.feedback.selectors import MonthReport
from lienthong.oversight.notice import issuer_line, organ_line, percent, signature_block

SUBJECT = "V/v khắc phục lỗi và phản hồi góp ý của người dùng Hệ thống quản lý văn bản và điều hành"
FILENAME = "cong-van-bao-loi-thang.pdf"


@dataclass
class Letter:
    parent_name: str
    issuer_name: str
    issuer_abbreviation: str
    place: str
    year: int
    month: dt.date
    contractor_name: str
    figures: MonthReport
    signer_name: str
    signer_title: str = ""


def letter_html(letter: Letter) -> str:
    with translation.override("vi"):
        _authority, signer_lines = signature_block(letter.signer_title)
        total = letter.figures.total
        return render_to_string("oversight/feedback_letter.html", {
            "n": letter, "subject": SUBJECT, "signer_lines": signer_lines, "letter_subject": SUBJECT,
            "letter_symbol": letter.issuer_abbreviation,
            "parent_line": organ_line(letter.parent_name) if letter.parent_name else "",
            "issuer_line": issuer_line(letter.issuer_name, letter.parent_name),
            "month": letter.month.strftime("%m/%Y"), "f": letter.figures,
            "response_rate": percent(total.response_rate if total else None),
            "fix_rate": percent(total.fix_rate if total else None),
        })


def letter_pdf(letter: Letter) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=letter_html(letter)).write_pdf()
