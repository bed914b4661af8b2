"""PDFs of the task follow-up (WeasyPrint imported inside the functions): the statistics table, and the letter of a
công văn đôn đốc listing the tasks it chases."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone


def statistics_pdf(*, rows, total, start: dt.date, end: dt.date) -> bytes:
    import weasyprint

    html = render_to_string("followup/statistics_pdf.html", {
        "rows": rows, "total": total, "start": start, "end": end, "printed_at": timezone.localtime()})
    return weasyprint.HTML(string=html).write_pdf()


def chase_letter_pdf(*, issuer, tasks, signer) -> bytes:
    import weasyprint

    html = render_to_string("followup/chase_letter_pdf.html", {
        "issuer": issuer, "tasks": tasks, "signer": signer, "today": timezone.localdate()})
    return weasyprint.HTML(string=html).write_pdf()
