"""Pages of the ranking reports: the campaign's report page (charts, build buttons, previous builds), the
polled progress fragment of a build, downloads, chart PNGs and each unit's result sheet (HTML and PDF).
Thin: who may see what is ``selectors``; the work is ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lienthong.assessment.selectors import reads_all
from lienthong.core.errors import DomainError
from lienthong.core.http import file_response
from lienthong.core.views import domain_errors_as_pages

from . import selectors, services
from .charts import CHARTS
from .content import date_words
from .data import campaign_report, change_text, group_size, pct, rank_change_text, unit_row, weak_threshold
from .models import ReportFormat


@domain_errors_as_pages
@require_GET
def campaign_page(request, campaign_id):
    campaign = selectors.campaign_for_reports(user=request.user, campaign_id=campaign_id)
    report = campaign_report(campaign)
    return render(request, "reports/campaign.html", {
        "campaign": campaign, "report": report, "builds": list(selectors.builds_for(campaign=campaign)[:20]),
        "formats": ReportFormat.choices, "results_url": reverse("assessment:results", args=[campaign.pk]),
    })


@domain_errors_as_pages
@require_POST
def build(request, campaign_id):
    campaign = selectors.campaign_for_reports(user=request.user, campaign_id=campaign_id)
    try:
        services.report_build_request(actor=request.user, campaign=campaign, fmt=request.POST.get("format", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã yêu cầu tạo báo cáo; tiến độ hiện ở danh sách bên dưới."))
    return redirect(reverse("reports:campaign", args=[campaign.pk]) + "#ban-bao-cao")


@domain_errors_as_pages
@require_GET
def build_status(request, build_id):
    build = selectors.build_for(user=request.user, build_id=build_id)
    return render(request, "reports/_build.html", {"b": build})


@domain_errors_as_pages
@require_GET
def download(request, build_id):
    build = selectors.build_for(user=request.user, build_id=build_id)
    if not build.file:
        raise Http404
    response = FileResponse(build.file.open("rb"), as_attachment=True, filename=build.filename,
                            content_type=build.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@domain_errors_as_pages
@require_GET
def chart(request, campaign_id, name):
    draw = CHARTS.get(name)
    if draw is None:
        raise Http404
    campaign = selectors.campaign_for_reports(user=request.user, campaign_id=campaign_id)
    response = HttpResponse(draw(campaign_report(campaign)), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


def _sheet_context(request, campaign_id, agency_id) -> dict:
    campaign, unit, result = selectors.unit_result_for(user=request.user, campaign_id=campaign_id,
                                                       agency_id=agency_id)
    cs = campaign.criteria_set.criteria_set()
    row = unit_row(result=result, unit=unit)
    try:
        group = cs.group(unit.group_code)
        group_name, group_max = group.name, group.max_points
    except KeyError:
        group_name, group_max = unit.group_code, result.max_points
    categories = []
    for cat in cs.categories:
        data = row.categories.get(cat.code)
        if not data:
            continue
        crits = []
        for crit in cat.criteria:
            c = row.criteria.get(crit.code)
            if c is None:
                continue
            crits.append({"code": crit.code, "name": crit.name, "points": c.get("points"), "max": c.get("max"),
                          "status": c.get("status")})
        index = data.get("index")
        categories.append({"code": cat.code, "name": cat.name, "points": data.get("points"), "max": data.get("max"),
                           "index": index, "index_pct": round((index or 0) * 100, 1), "pct": pct(index),
                           "weak": cat.code in row.weak_categories, "criteria": crits})
    recs: list[dict] = []
    for rec in row.recommendations:
        if not recs or recs[-1]["code"] != rec.category_code:
            recs.append({"code": rec.category_code, "name": rec.category_name, "pct": pct(rec.category_index),
                         "items": []})
        recs[-1]["items"].append(rec)
    return {
        "campaign": campaign, "unit": unit, "agency": unit.agency, "result": result, "row": row,
        "group_name": group_name, "group_max": group_max, "categories": categories, "recommendations": recs,
        "index_pct": pct(result.index), "previous_pct": pct(result.previous_index), "change": change_text(row),
        "rank_change": rank_change_text(row),
        "group_size": group_size(campaign=campaign, group_code=unit.group_code), "threshold": pct(row_threshold()),
        "criteria_set": cs,
    }


def row_threshold() -> float:
    return weak_threshold()


@domain_errors_as_pages
@require_GET
def unit_sheet(request, campaign_id, agency_id):
    context = _sheet_context(request, campaign_id, agency_id)
    context["reads_all"] = reads_all(user=request.user)
    return render(request, "reports/unit_sheet.html", context)


@domain_errors_as_pages
@require_GET
def unit_sheet_pdf(request, campaign_id, agency_id):
    import weasyprint

    with translation.override("vi"):  # an official sheet: Vietnamese whatever the page language
        context = _sheet_context(request, campaign_id, agency_id)
        context["today_words"] = date_words(timezone.localdate())
        html = render_to_string("reports/unit_sheet_pdf.html", context, request=request)
    pdf = weasyprint.HTML(string=html).write_pdf()
    return file_response(pdf, filename=f'phieu-ket-qua-{context["campaign"].year}-{context["agency"].pk}.pdf',
                         content_type="application/pdf", inline=True)


urlpatterns = [
    path("xep-hang/<int:campaign_id>/", campaign_page, name="campaign"),
    path("xep-hang/<int:campaign_id>/tao/", build, name="build"),
    path("xep-hang/<int:campaign_id>/bieu-do/<slug:name>.png", chart, name="chart"),
    path("xep-hang/<int:campaign_id>/don-vi/<int:agency_id>/", unit_sheet, name="unit_sheet"),
    path("xep-hang/<int:campaign_id>/don-vi/<int:agency_id>/pdf/", unit_sheet_pdf, name="unit_sheet_pdf"),
    path("ban/<int:build_id>/", build_status, name="build_status"),
    path("ban/<int:build_id>/tai-ve/", download, name="download"),
]
