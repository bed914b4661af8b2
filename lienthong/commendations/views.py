"""Pages of the commendations app: proposals per campaign (ranking × CCHC index) with XLSX export, and
the CCHC index import. Thin: reads in ``selectors``, the rule in ``rules``, writes in ``services``."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from lienthong.core import exports
from lienthong.core.errors import NotFound, PermissionDenied
from lienthong.core.http import file_response
from lienthong.core.views import forbidden

from . import selectors, services, tables
from .forms import ReformImportForm, RulesForm
from .rules import default_rules

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The import's confirmation (the tests use this constant rather than a copy of the text).
IMPORTED = gettext_lazy("Đã nhập chỉ số CCHC năm %(y)s: %(c)s đơn vị mới, %(u)s đơn vị được cập nhật.")


def _allowed(check, message):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(user=request.user):
                return forbidden(request, str(message))
            return view(request, *args, **kwargs)
        return wrapper
    return decorator


proposals_viewers = _allowed(selectors.may_view_proposals, gettext_lazy(
    "Chỉ Sở Thông tin và Truyền thông, Văn phòng UBND tỉnh và lãnh đạo UBND tỉnh được xem đề xuất khen thưởng."))
importers = _allowed(selectors.may_import, gettext_lazy(
    "Chỉ Sở Thông tin và Truyền thông và Văn phòng UBND tỉnh được nhập chỉ số cải cách hành chính."))


def _read(request, campaign_id):
    try:
        campaign = selectors.campaign_get(user=request.user, campaign_id=campaign_id)
    except NotFound:
        raise Http404 from None
    form = RulesForm(request.GET if request.GET else None, defaults=default_rules())
    data = selectors.proposals(user=request.user, campaign=campaign, rules=form.rules())
    return form, data


@proposals_viewers
@require_GET
def proposals(request, campaign_id):
    form, data = _read(request, campaign_id)
    return render(request, "commendations/proposals.html", {
        "form": form, "data": data, "campaign": data.campaign, "query_string": request.GET.urlencode(),
        "results_url": reverse("assessment:results", args=[data.campaign.pk]),
        "may_import": selectors.may_import(user=request.user),
    })


@proposals_viewers
@require_GET
def proposals_xlsx(request, campaign_id):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    form, data = _read(request, campaign_id)
    campaign = data.campaign
    wb = Workbook()
    ws = wb.active
    ws.title = _("Đề xuất khen thưởng")
    exports.append_row(ws, [_("Đề xuất khen thưởng kết hợp xếp hạng ứng dụng CNTT và chỉ số CCHC")])
    ws["A1"].font = Font(bold=True, size=13)
    exports.append_row(ws, [campaign.name])
    exports.append_row(ws, [_("Quy tắc:")])
    for line in data.rule_lines:
        exports.append_row(ws, ["", line])
    ws.append([])
    header = [_("Nhóm"), _("STT"), _("Cơ quan, đơn vị"), _("Hạng CNTT"), _("Tổng điểm CNTT"), _("Chỉ số CNTT"),
              _("Xếp loại"), _("Chỉ số CCHC"), _("Điểm kết hợp")]
    exports.append_row(ws, header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    if not data.ready:
        exports.append_row(ws, [_("Kết quả đánh giá chưa được phê duyệt; chưa lập đề xuất.")])
    for group in data.groups:
        for i, row in enumerate(group.proposed, start=1):
            r = row.result
            exports.append_row(ws, [group.name, i, row.agency.name, r.rank, r.total, r.index, r.class_label,
                                    row.reform.value if row.reform else None, row.verdict.combined])
            _number_formats(ws)
    all_units = wb.create_sheet(_("Toàn bộ đơn vị"))
    exports.append_row(all_units, header + [_("Đề xuất"), _("Lý do không đề xuất")])
    for cell in all_units[1]:
        cell.font = Font(bold=True)
    highlight = PatternFill("solid", fgColor="E3F4E1")
    for group in data.groups:
        for i, row in enumerate(group.rows, start=1):
            r = row.result
            exports.append_row(all_units, [
                group.name, i, row.agency.name, r.rank, r.total, r.index, r.class_label,
                row.reform.value if row.reform else None, row.verdict.combined,
                pgettext("yes/no", "Có") if row.verdict.proposed else pgettext("yes/no", "Không"),
                " ".join(row.verdict.reasons) or None])
            _number_formats(all_units)
            if row.verdict.proposed:
                for cell in all_units[all_units.max_row]:
                    cell.fill = highlight
    for sheet, widths in ((ws, (22, 6, 48, 10, 12, 11, 12, 12, 12)),
                          (all_units, (22, 6, 48, 10, 12, 11, 12, 12, 12, 9, 60))):
        for col, width in zip("ABCDEFGHIJK", widths, strict=False):  # the summary sheet has fewer columns
            sheet.column_dimensions[col].width = width
    for cell in all_units["K"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    # names typed by users ("=HYPERLINK(…)") stay text: core.exports
    return file_response(exports.workbook_bytes(wb), filename=f"de-xuat-khen-thuong-{campaign.year}-{campaign.pk}.xlsx",
                         content_type=XLSX_TYPE)


def _number_formats(ws):
    row = ws[ws.max_row]
    row[4].number_format = "0.00"
    row[5].number_format = "0.000"
    row[7].number_format = "0.00"
    row[8].number_format = "0.00"


@importers
@require_http_methods(["GET", "POST"])
def reform_import(request):
    form = ReformImportForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = tables.read_upload(upload)
            result = services.reform_scores_import(actor=request.user, data=data, filename=upload.name)
        except tables.TableError as exc:
            problems = [services.RowError(None, "", exc.message)]
        except services.ImportRejected as exc:
            problems = exc.rows
        except PermissionDenied as exc:
            return forbidden(request, exc.message)
        else:
            messages.success(request, IMPORTED % {"y": ", ".join(map(str, result.years)), "c": result.created,
                                                  "u": result.updated})
            return redirect(reverse("commendations:reform_import") + f"?nam={result.years[-1]}")
    years = selectors.reform_years()
    year = request.GET.get("nam", "")
    year = int(year) if year.isdigit() else (years[0] if years else None)
    rows = list(selectors.reform_scores(year=year)) if year else []
    return render(request, "commendations/reform_import.html", {
        "form": form, "problems": problems, "years": years, "year": year, "rows": rows,
        "columns": [c.label for c in services.COLUMNS], "min_year": services.MIN_YEAR,
        "campaigns_url": reverse("assessment:campaigns"),
    }, status=422 if problems else 200)


@importers
@require_GET
def reform_template(request):
    if request.GET.get("dinh_dang") == "csv":
        return file_response(services.reform_template_csv(), filename="mau-chi-so-cchc.csv",
                             content_type="text/csv; charset=utf-8")
    content = services.reform_template_xlsx(year=timezone.localdate().year - 1)
    return file_response(content, filename="mau-chi-so-cchc.xlsx", content_type=XLSX_TYPE)


urlpatterns = [
    path("chi-so-cchc/", reform_import, name="reform_import"),
    path("chi-so-cchc/mau.xlsx", reform_template, name="reform_template"),
    path("<int:campaign_id>/", proposals, name="proposals"),
    path("<int:campaign_id>/xuat.xlsx", proposals_xlsx, name="proposals_xlsx"),
]
