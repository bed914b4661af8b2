"""The usage dashboard as a PDF (A4 landscape, WeasyPrint imported inside the function): the same rows,
filters and thresholds as the page, laggards shaded, for the Office to attach to a report or print."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.oversight.definitions import VN
from lienthong.oversight.notice import figure, indicator_labels, short_labels
from lienthong.oversight.selectors import HIGHER_IS_WORSE


def threshold_text(thresholds: dict[str, float]) -> str:
    """"tỷ lệ người dùng hoạt động ≥ 50%; số việc quá hạn ≤ 5" (empty without thresholds)."""
    labels = indicator_labels()
    return "; ".join(f"{labels.get(k, k)} {'≤' if k in HIGHER_IS_WORSE else '≥'} {figure(k, v)}"
                     for k, v in thresholds.items())


def dashboard_pdf(*, query, sections: list[dict], lagging: dict) -> bytes:
    import weasyprint

    filters = []
    if query.level:
        filters.append(_("Cấp: %(v)s") % {"v": query.level_names.get(query.level, query.level)})
    if query.group:
        filters.append(_("Nhóm: %(v)s") % {"v": query.group_names.get(query.group, query.group)})
    labels = short_labels()
    order = list(labels)
    for section in sections:
        for row in section["rows"]:
            failed = sorted(lagging.get(row.agency_id, {}), key=lambda k: order.index(k) if k in order else 99)
            row.failed_labels = [labels.get(k, k) for k in failed]
    html = render_to_string("oversight/dashboard_pdf.html", {
        "period": query.period, "filters": " · ".join(filters), "thresholds": threshold_text(query.thresholds),
        "sections": sections, "agency_count": sum(len(s["rows"]) for s in sections), "lagging_count": len(lagging),
        "printed_at": timezone.localtime(timezone.now(), VN),
    })
    return weasyprint.HTML(string=html).write_pdf()
