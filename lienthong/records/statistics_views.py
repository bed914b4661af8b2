"""The records statistics page and its workbook."""

from __future__ import annotations

from django.shortcuts import render

from lienthong.core.http import XLSX_TYPE, file_response
from lienthong.core.views import domain_errors_as_pages
from lienthong.records import statistics as records_statistics


def _year(request) -> int | None:
    value = request.GET.get("nam") or ""
    return int(value) if value.isdigit() and 1900 <= int(value) <= 2200 else None


@domain_errors_as_pages
def page(request):
    year = _year(request)
    stats = records_statistics.statistics(user=request.user, year=year)
    return render(request, "records/statistics/page.html", {
        "stats": stats, "states": records_statistics.STATES, "year": year or ""})


@domain_errors_as_pages
def workbook(request):
    year = _year(request)
    stats = records_statistics.statistics(user=request.user, year=year, overdue_limit=10_000)
    return file_response(records_statistics.statistics_workbook(stats),
                         filename=f"thong-ke-ho-so{'-' + str(year) if year else ''}.xlsx", content_type=XLSX_TYPE)
