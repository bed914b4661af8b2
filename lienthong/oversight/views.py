"""The Provincial Office's usage dashboard: every agency's monthly usage statistics (cached in
``AgencyMonthStats``), grouped by level and group, laggards highlighted, drill-down, XLSX export.
Thin: the figures come from ``selectors``; who may look is ``selectors.may_oversee``."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import zlib
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps
from itertools import groupby
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lienthong.core import exports
from lienthong.core.errors import DomainError, ValidationFailed
from lienthong.core.http import file_response
from lienthong.core.jobs import enqueue
from lienthong.feedback import selectors as feedback_selectors
from lienthong.oversight import selectors
from lienthong.oversight.definitions import VN
from lienthong.oversight.forms import ReminderForm, ThresholdForm, UsageFilterForm, default_period, months_back
from lienthong.oversight.query import usage_query
from lienthong.oversight.services import reminder_draft_create, thresholds_save
from lienthong.oversight.svg import trend_svg


def overseer_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.may_oversee(request.user):
            return render(request, "forbidden.html", {"message": str(selectors.OVERSEERS_ONLY)}, status=403)
        return view(request, *args, **kwargs)
    return wrapper


def _read(request):
    """Filters and thresholds from the query string → (query, rows, laggards by agency id). The laggards are
    found among the rows already read (``selectors.failed_thresholds``), not read a second time."""
    q = usage_query(request.GET, user=request.user)
    rows = q.rows()
    lagging = {}
    if q.thresholds:
        for row in rows:
            failed = selectors.failed_thresholds(row, q.thresholds)
            if failed:
                lagging[row.agency_id] = failed
    return q, rows, lagging


def _sections(rows, level_names):
    """Rows grouped by level, then group (in the selector's order), agencies of no group last in their level
    (the same on SQLite and PostgreSQL, which place NULLs differently)."""
    rows = sorted(rows, key=lambda r: (r.level_rank, r.group_code is None))
    out = []
    for (level_code, group_name), items in groupby(rows, key=lambda r: (r.level_code, r.group_name)):
        out.append({"level": level_names.get(level_code, level_code), "group": group_name or _("Không thuộc nhóm"),
                    "rows": list(items)})
    return out


TABLE_TEMPLATE = "oversight/_usage_table.html"
# Confirmations users see (the tests use these constants rather than copies of the text).
REFRESH_QUEUED = gettext_lazy("Đã yêu cầu làm mới số liệu; số liệu mới sẽ có sau ít phút.")
THRESHOLDS_SAVED = gettext_lazy("Đã lưu các ngưỡng: trang giám sát của cơ quan sẽ mở với các ngưỡng này.")
REMINDER_DRAFTED = gettext_lazy("Đã tạo dự thảo công văn đôn đốc gửi %(n)s cơ quan. Kiểm tra tệp dự thảo rồi trình "
                                "theo quy trình văn bản đi.")
TABLE_CACHE_SECONDS = 24 * 3600  # the figures change once a day; the key changes with them anyway


def _pct(value) -> str:
    # As {% widthratio value 1 100 %}%: a whole percentage.
    return "—" if value is None else f"{round(float(value) / 1.0 * 100)}%"


def _formatters():
    """Fast equivalents of the template's ``{{ n|intcomma }}``, ``|floatformat:1`` and ``|date:"d/m/Y H:i"``
    (Django's own look the language up on every call: 15 000 calls a page), falling back to Django's when the
    thousand separator is on."""
    from django.conf import settings
    from django.template.defaultfilters import floatformat

    if settings.USE_THOUSAND_SEPARATOR:
        return formats.localize, lambda v: floatformat(v, 1)
    sep = formats.get_format("DECIMAL_SEPARATOR")
    thousands = formats.get_format("THOUSAND_SEPARATOR") if formats.get_format("NUMBER_GROUPING") else ""
    tenth = Decimal("0.1")

    def one_decimal(v):  # floatformat rounds the decimal text half up
        return str(Decimal(str(v)).quantize(tenth, rounding=ROUND_HALF_UP)).replace(".", sep)

    def count(v):  # as |intcomma: "12.345" in Vietnamese, "12,345" in English
        return f"{v:,}".replace(",", thousands) if isinstance(v, int) and not isinstance(v, bool) else str(v)

    return count, one_decimal


def _num_cells(values) -> str:
    """``<td class="num">…</td>`` for each value, escaped, as one safe string (ten variables fewer a row for the
    template to resolve)."""
    return mark_safe("".join(f'<td class="num">{html.escape(v)}</td>' for v in values))


def _local_datetime(value, tz) -> str:
    # As |date:"d/m/Y H:i" in the current time zone.
    if value.utcoffset() is not None:
        value = value.astimezone(tz)
    return value.strftime("%d/%m/%Y %H:%M")


def _table_sections(sections, lagging, *, query_string: str, remind_except: int | None) -> list[dict]:
    """The dashboard's sections with every cell already formatted (numbers localised once, percentages, the
    date in the local time zone, the drill-down link): the table template only prints strings, and these
    strings are all the table depends on (its cache key, ``_table_html``). ``remind_except``: ``None`` when
    no công văn đôn đốc can be drafted, else the issuing agency (a laggard but never its own recipient)."""
    marker = 987654321
    head, tail = reverse("oversight:agency", args=[marker]).split(str(marker))
    suffix = f"{tail}?{query_string}" if query_string else tail
    num, one_decimal = _formatters()
    tz = timezone.get_current_timezone()
    out = []
    for section in sections:
        items = []
        for r in section["rows"]:
            failed = lagging.get(r.agency_id)
            median, last = r.median_processing_days, r.last_activity_at
            items.append({
                "id": str(r.agency_id), "name": r.agency_name, "label": r.agency_short_name or r.agency_name,
                "href": f"{head}{r.agency_id}{suffix}",
                "failed": ", ".join(str(THRESHOLD_LABELS.get(k, k)) for k in failed) if failed else "",
                "remind": bool(failed) and remind_except is not None and r.agency_id != remind_except,
                "cells": _num_cells((
                    num(r.staff_accounts), num(r.active_users), num(r.unused_accounts), num(r.documents_issued),
                    num(r.documents_received), _pct(r.sent_electronically_share),
                    _pct(r.digital_sign_valid_share), "—" if median is None else one_decimal(median),
                    _pct(r.on_time_share), num(r.overdue_items), num(r.late_acknowledgements))),
                "last": _local_datetime(last, tz) if last else "—",
            })
        items.sort(key=lambda item: not item["failed"])  # the laggards first, in their order (issue 18)
        out.append({"level": str(section["level"]), "group": str(section["group"]), "rows": items})
    return out


def _table_html(sections: list[dict]) -> str:
    """The rendered 1 000-row table, cached in the default cache (per process unless CACHES says otherwise)
    under a hash of everything it shows: the formatted cells, the language and the template's source. A new
    statistics refresh, other filters, a renamed agency or an edited template give another key, so a cached
    table is never stale; the cache only spares the rendering (docs/decisions.md)."""
    from django.core.cache import cache
    from django.template.loader import get_template

    template = get_template(TABLE_TEMPLATE)
    source = getattr(getattr(template, "template", None), "source", TABLE_TEMPLATE)
    digest = hashlib.sha256(repr((source, get_language(), sections)).encode()).hexdigest()
    key = f"oversight:usage-table:{digest}"
    blob = cache.get(key)
    if blob is not None:
        return mark_safe(zlib.decompress(blob).decode())
    text = template.render({"sections": sections})
    cache.set(key, zlib.compress(text.encode(), 1), TABLE_CACHE_SECONDS)
    return mark_safe(text)


@overseer_required
@require_GET
def dashboard(request):
    q, rows, lagging = _read(request)
    issuer = selectors.reminder_issuer(user=request.user)
    signers = list(selectors.reminder_signers(agency_id=issuer.pk)) if issuer is not None else []
    may_remind = issuer is not None and bool(signers)
    query_string = request.GET.urlencode()
    sections = _table_sections(_sections(rows, q.level_names), lagging, query_string=query_string,
                               remind_except=issuer.pk if may_remind else None)
    latest_url = None
    if not any(r.documents_issued or r.documents_received for r in rows):
        latest = selectors.latest_month_with_documents()
        if latest is not None and latest < q.month_from:
            latest_url = "?" + urlencode({"month_from": months_back(latest, 2).strftime("%Y-%m"),
                                          "month_to": latest.strftime("%Y-%m")})
            latest = latest.strftime("%m/%Y")
    return render(request, "oversight/dashboard.html", {
        "latest_url": latest_url, "latest": latest if latest_url else None,
        "form": q.form, "thresholds": q.threshold_form, "period": q.period,
        "table": _table_html(sections), "agency_count": len(rows), "lagging_count": len(lagging),
        "query": "", "query_string": query_string, "issuer": issuer, "signers": signers,
        "may_remind": may_remind, "saved_thresholds": q.saved_thresholds, "default_thresholds": q.default_thresholds,
        "threshold_data": ThresholdForm.as_data(q.thresholds),
        "computed_at": selectors.figures_computed_at(month=q.month_to, agency_ids=q.agency_ids),
        "tiles": selectors.kpi_tiles(rows, province_title=_("Toàn tỉnh"), no_group=_("Không thuộc nhóm")),
        "trend": trend_svg(selectors.province_trend(month_to=q.month_to, agency_ids=q.agency_ids)),
        "fb": feedback_selectors.dashboard_figures(),
    })


@overseer_required
@require_POST
def refresh(request):
    enqueue("lienthong.oversight.tasks.refresh_usage_stats")
    messages.success(request, str(REFRESH_QUEUED))
    return redirect(reverse("oversight:dashboard") + (f"?{request.GET.urlencode()}" if request.GET else ""))


def _agency_or_404(agency_id):
    agency = selectors.internal_agency(agency_id=agency_id)
    if agency is None:
        raise Http404
    return agency


def _trend_months(request) -> list[dt.date]:
    """The period of the query string, at least the last twelve months ending with its last month."""
    form = UsageFilterForm(request.GET)
    first, last = default_period()
    if form.is_valid():
        first, last = form.cleaned_data["month_from"], form.cleaned_data["month_to"]
    return selectors.months_between(min(first, months_back(last, 11)), last)


@overseer_required
@require_GET
def agency_detail(request, agency_id):
    agency = _agency_or_404(agency_id)
    months = _trend_months(request)
    trend = selectors.usage_trend(agency_id=agency.pk, months=months)
    overdue = list(selectors.agency_overdue_assignments(agency_id=agency.pk)[:200])
    today = timezone.localdate()
    for a in overdue:
        a.days_late = (today - a.deadline).days
    return render(request, "oversight/agency.html", {
        "agency": agency, "trend": trend, "overdue": overdue, "query_string": request.GET.urlencode(),
    })


@overseer_required
@require_GET
def agency_chart(request, agency_id):
    """PNG of the trend (``charts.trend_png``: matplotlib, imported there only when the chart is asked)."""
    from lienthong.oversight.charts import trend_png

    agency = _agency_or_404(agency_id)
    trend = selectors.usage_trend(agency_id=agency.pk, months=_trend_months(request))
    png = trend_png(trend, _("%(agency)s: sử dụng hệ thống theo tháng") % {"agency": agency.short_name or agency.name})
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


COLUMNS = [  # (header, attribute, kind)
    (gettext_lazy("Cấp"), "level", "text"), (gettext_lazy("Nhóm"), "group", "text"),
    (gettext_lazy("Cơ quan"), "agency_name", "text"), (gettext_lazy("Tài khoản cán bộ"), "staff_accounts", "int"),
    (gettext_lazy("Người dùng hoạt động"), "active_users", "int"),
    (gettext_lazy("Tài khoản không sử dụng"), "unused_accounts", "int"),
    (gettext_lazy("Văn bản phát hành"), "documents_issued", "int"),
    (gettext_lazy("Văn bản đến"), "documents_received", "int"),
    (gettext_lazy("Tỷ lệ gửi điện tử"), "sent_electronically_share", "pct"),
    (gettext_lazy("Tỷ lệ ký số hợp lệ"), "digital_sign_valid_share", "pct"),
    (gettext_lazy("Số ngày xử lý (trung vị)"), "median_processing_days", "num"),
    (gettext_lazy("Tỷ lệ đúng hạn"), "on_time_share", "pct"),
    (gettext_lazy("Việc quá hạn"), "overdue_items", "int"),
    (gettext_lazy("Xác nhận đã nhận trễ hạn"), "late_acknowledgements", "int"),
    (gettext_lazy("Hoạt động gần nhất"), "last_activity_at", "datetime"),
    (gettext_lazy("Dưới ngưỡng"), "failed", "text"),
]
THRESHOLD_LABELS = {"active_user_share": gettext_lazy("người dùng hoạt động"),
                    "sent_electronically_share": gettext_lazy("gửi điện tử"),
                    "digital_sign_valid_share": gettext_lazy("ký số hợp lệ"),
                    "overdue_items": gettext_lazy("việc quá hạn")}


@overseer_required
@require_GET
def export_xlsx(request):
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    q, rows, lagging = _read(request)
    period, level_names = q.period, q.level_names
    wb = Workbook()
    ws = wb.active
    ws.title = _("Tình hình sử dụng")
    exports.append_row(ws, [_("Tình hình sử dụng hệ thống, từ tháng %(a)s đến tháng %(b)s") % {
        "a": period["month_from"].strftime("%m/%Y"), "b": period["month_to"].strftime("%m/%Y")}])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    exports.append_row(ws, [h for h, _a, _k in COLUMNS])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDE2E1")
    for section in _sections(rows, level_names):
        for row in section["rows"]:
            failed = lagging.get(row.agency_id, {})
            values = []
            for _h, attr, kind in COLUMNS:
                if attr == "level":
                    values.append(section["level"])
                elif attr == "group":
                    values.append(section["group"])
                elif attr == "failed":
                    values.append(", ".join(str(THRESHOLD_LABELS.get(k, k)) for k in sorted(failed)) or None)
                else:
                    value = getattr(row, attr)
                    if kind == "datetime" and value is not None:
                        value = timezone.localtime(value, VN).replace(tzinfo=None)
                    values.append(value)
            exports.append_row(ws, values)  # agency, level and group names are typed by users
            for (_h, _attr, kind), cell in zip(COLUMNS, ws[ws.max_row], strict=True):  # the row just appended
                if kind == "pct":
                    cell.number_format = "0.0%"
                elif kind == "num":
                    cell.number_format = "0.0"
                elif kind == "datetime":
                    cell.number_format = "dd/mm/yyyy hh:mm"
                if failed:
                    cell.fill = fill
    for col, width in zip("ABCDEFGHIJKLMNOP", (14, 22, 40, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 17, 30),
                          strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "D4"
    name = f"giam-sat-{period['month_from']:%Y-%m}-{period['month_to']:%Y-%m}.xlsx"
    return file_response(exports.workbook_bytes(wb), filename=name,
                         content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@overseer_required
@require_GET
def export_pdf(request):
    """The dashboard as printed (``printing.dashboard_pdf``: A4 landscape), same filters and thresholds."""
    from lienthong.oversight.printing import dashboard_pdf

    q, rows, lagging = _read(request)
    pdf = dashboard_pdf(query=q, sections=_sections(rows, q.level_names), lagging=lagging)
    name = f"giam-sat-{q.month_from:%Y-%m}-{q.month_to:%Y-%m}.pdf"
    return file_response(pdf, filename=name, content_type="application/pdf")


@overseer_required
@require_POST
def reminder_draft(request):
    """"Soạn công văn đôn đốc": one draft công văn to the laggards ticked on the dashboard (the period and
    thresholds come from the query string, as on the page), then the draft's page."""
    back = reverse("oversight:dashboard") + (f"?{request.GET.urlencode()}" if request.GET else "")
    q = usage_query(request.GET, user=request.user)
    form = ReminderForm(request.POST)
    problems = [m for msgs in q.errors().values() for m in msgs]
    if not form.is_valid():
        problems += [f"{form.fields[name].label}: {m}" for name, msgs in form.errors.items() for m in msgs]
    if problems:
        for message in problems:
            messages.error(request, message)
        return redirect(back)
    try:
        draft = reminder_draft_create(
            actor=request.user, agency_ids=form.cleaned_data["agency"], month_from=q.month_from,
            month_to=q.month_to, thresholds=q.thresholds, signer_id=form.cleaned_data["signer"],
            reply_by=form.cleaned_data["reply_by"])
    except ValidationFailed as exc:
        for message in dict.fromkeys(m for msgs in exc.errors.values() for m in msgs):
            messages.error(request, message)
        return redirect(back)
    except DomainError as exc:  # PermissionDenied: not a person of the Office or Sở TT&TT
        messages.error(request, str(exc.message))
        return redirect(back)
    n = selectors.reminder_recipient_count(draft=draft)
    messages.success(request, REMINDER_DRAFTED % {"n": n})
    return redirect("drafting:detail", draft.pk)


@overseer_required
@require_POST
def thresholds_save_view(request):
    """"Lưu làm ngưỡng mặc định": the thresholds posted become those the dashboard opens with for everyone of
    the user's overseeing agency; back to the dashboard with the same query."""
    back = reverse("oversight:dashboard") + (f"?{request.GET.urlencode()}" if request.GET else "")
    form = ThresholdForm(request.POST)
    if not form.is_valid():
        for name, msgs in form.errors.items():
            for m in msgs:
                messages.error(request, f"{form.fields[name].label}: {m}" if name in form.fields else m)
        return redirect(back)
    try:
        thresholds_save(actor=request.user, thresholds=form.thresholds())
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    messages.success(request, THRESHOLDS_SAVED)
    return redirect(back)


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("lam-moi/", refresh, name="refresh"),
    path("xuat.xlsx", export_xlsx, name="export_xlsx"),
    path("xuat.pdf", export_pdf, name="export_pdf"),
    path("cong-van-don-doc/", reminder_draft, name="reminder_draft"),
    path("nguong/", thresholds_save_view, name="thresholds_save"),
    path("co-quan/<int:agency_id>/", agency_detail, name="agency"),
    path("co-quan/<int:agency_id>/bieu-do.png", agency_chart, name="agency_chart"),
]
