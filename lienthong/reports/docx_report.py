"""The province report as DOCX (python-docx), A4, Times New Roman 13 pt, Decree 30 layout.

The document starts from python-docx's blank template; page size, margins (top/bottom 20 mm, left 30 mm,
right 15 mm), fonts (Latin and complex-script both Times New Roman, so Word does not fall back for
Vietnamese), the heading and closing blocks and the tables come from lienthong.core.docx. Charts are embedded
PNGs; the page number sits at the top centre.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from lienthong.core import docx

from . import content
from .data import CampaignReport


def build_docx(report: CampaignReport, charts: dict[str, bytes], *, abbreviation: str = "",
               progress=None) -> bytes:
    from docx.shared import Cm

    doc = docx.a4_document()
    text_width = docx.TEXT_WIDTH_CM
    h = content.heading(report, abbreviation)
    docx.letter_heading(doc, docx.LetterHeading(parent=h.parent, agency=list(h.agency), number=h.number,
                                                place_date=h.place_date),
                        motto=_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), motto_sub=_("Độc lập - Tự do - Hạnh phúc"))

    docx.paragraph(doc, h.doc_type, size=14, bold=True, align="center", before=18, after=0)
    docx.paragraph(doc, h.summary, size=14, bold=True, align="center", after=0)
    docx.rule(doc, 4, text_width)
    docx.paragraph(doc, after=6)
    if progress:
        progress(55, _("Đang viết phần tổng quan và phương pháp"))

    def section_title(i, title):
        docx.paragraph(doc, f"{content.ROMAN[i]}. {title}", size=13, bold=True, before=6, after=4)

    def paragraphs(items):
        for text in items:
            docx.paragraph(doc, text, align="justify", indent=True, after=4)

    n = 0
    ov = content.overview(report)
    section_title(n, ov.title)
    paragraphs(ov.paragraphs)
    n += 1
    me = content.methodology(report)
    section_title(n, me.title)
    paragraphs(me.paragraphs)
    head, body = content.criteria_table(report)
    docx.table(doc, head, body, widths_cm=[1.3, 7.2, 1.8, 1.5, 4.7], numeric_from=2)
    n += 1
    section_title(n, _("KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG"))
    for i, g in enumerate(report.groups, start=1):
        docx.paragraph(doc, f"{i}. {g.name}", bold=True, after=3)
        paragraphs([content.group_summary(g)])
        head, body = content.group_table(g, with_change=report.with_previous)
        ncat = len(g.categories)
        fixed = 1.1 + 1.7 + 1.6 + 1.9 + (2.4 if report.with_previous else 0)
        name_w = max(3.5, text_width - fixed - ncat * 1.15)
        cat_w = max(0.9, (text_width - fixed - name_w) / ncat) if ncat else 0
        widths = [1.1, name_w] + [cat_w] * ncat + [1.7, 1.6, 1.9] + ([2.4] if report.with_previous else [])
        docx.table(doc, head, body, widths_cm=widths, size=9.5 if ncat > 5 else 10.5, numeric_from=2)
        docx.paragraph(doc, content.category_legend(g), size=11, italic=True, after=6)
        if progress:
            progress(55 + int(20 * i / max(1, len(report.groups))), _("Đang viết kết quả nhóm %(g)s") % {
                "g": g.name})
    for key, caption in (("chi-so-theo-nhom", _("Biểu đồ 1. Chỉ số theo nhóm đơn vị")),
                         ("nhom-tieu-chi", _("Biểu đồ 2. Chỉ số từng nhóm tiêu chí của đơn vị")),
                         ("thay-doi", _("Biểu đồ 3. Thay đổi so với năm trước"))):
        png = charts.get(key)
        if png:
            doc.add_picture(io.BytesIO(png), width=Cm(text_width))
            doc.paragraphs[-1].alignment = 1
            docx.paragraph(doc, caption, size=12, italic=True, align="center", after=8)
    n += 1
    for sec in (content.separate_section(report), content.excluded_section(report)):
        section_title(n, sec.title)
        paragraphs(sec.paragraphs)
        n += 1
    weak = content.weak_section(report)
    section_title(n, weak.title)
    paragraphs(weak.paragraphs)
    head, body = content.unit_recommendations_table(report)
    if body:
        docx.paragraph(doc, _("Khuyến nghị cho từng đơn vị có nhóm tiêu chí chưa đạt:"), align="justify", indent=True)
        docx.table(doc, head, body, widths_cm=[5.5, 3.5, 7.5], size=10)
    if progress:
        progress(85, _("Đang hoàn thiện văn bản"))

    recipients, signer, note = content.closing(report)
    docx.letter_closing(doc, recipients_title=_("Nơi nhận:"), recipients=recipients, signer_lines=[signer], note=note)
    return docx.saved(doc)
