"""The province report as PDF (WeasyPrint, Liberation Serif = Times New Roman metrics), A4 portrait, the same
words as the DOCX (``content``), charts embedded as PNG data."""

from __future__ import annotations

import base64

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from . import content
from .data import CampaignReport

CHART_ORDER = ("chi-so-theo-nhom", "nhom-tieu-chi", "thay-doi")


def province_html(report: CampaignReport, charts: dict[str, bytes], *, abbreviation: str = "") -> str:
    groups = []
    for g in report.groups:
        head, body = content.group_table(g, with_change=report.with_previous)
        small = len(g.categories) > 5
        widths = [9, None] + [10 if small else 11] * len(g.categories) + [15, 15, 17] + (
            [24] if report.with_previous else [])  # mm; the unit name takes the rest (fixed table layout)
        groups.append({"group": g, "summary": content.group_summary(g), "head": head, "body": body,
                       "legend": content.category_legend(g), "small": small, "widths": widths})
    recs_head, recs_body = content.unit_recommendations_table(report)
    recipients, signer, note = content.closing(report)
    captions = {"chi-so-theo-nhom": _("Biểu đồ 1. Chỉ số theo nhóm đơn vị"),
                "nhom-tieu-chi": _("Biểu đồ 2. Chỉ số từng nhóm tiêu chí của đơn vị"),
                "thay-doi": _("Biểu đồ 3. Thay đổi so với năm trước")}
    return render_to_string("reports/province_report_pdf.html", {
        "h": content.heading(report, abbreviation),
        "intro_sections": [
            {"number": content.ROMAN[0], "section": content.overview(report)},
            {"number": content.ROMAN[1], "section": content.methodology(report),
             "table": content.criteria_table(report)},
        ],
        "results_number": content.ROMAN[2],
        "groups": groups,
        "charts": [{"data": base64.b64encode(charts[k]).decode("ascii"), "caption": captions[k]}
                   for k in CHART_ORDER if charts.get(k)],
        "end_sections": [{"number": content.ROMAN[3 + i], "section": s} for i, s in enumerate((
            content.separate_section(report), content.excluded_section(report), content.weak_section(report)))],
        "recs": (recs_head, recs_body),
        "recipients": recipients, "signer": signer, "signer_note": note,
    })


def build_pdf(report: CampaignReport, charts: dict[str, bytes], *, abbreviation: str = "", progress=None) -> bytes:
    import weasyprint

    html = province_html(report, charts, abbreviation=abbreviation)
    if progress:
        progress(70, _("Đang dàn trang PDF"))
    return weasyprint.HTML(string=html).write_pdf()
