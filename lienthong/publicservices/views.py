"""Pages of the online-public-service catalogue: catalogue and figures, procedure edit and monthly counts,
import with the error table, the import template. Thin: reads from ``selectors``, writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lienthong.assessment.indicator_source import period
from lienthong.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lienthong.core.forms import add_domain_errors
from lienthong.core.http import file_response

from . import importing, selectors, services
from .forms import CatalogueFilterForm, ImportForm, ProcedureForm, ProcedureMonthForm, ranking_year
from .models import OnlineLevel

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _forbidden(request, message):
    return render(request, "publicservices/forbidden.html", {"message": message}, status=403)


def _no_catalogue(request):
    return _forbidden(request, _("Bạn không thuộc cơ quan nào có danh mục thủ tục hành chính để xem."))


def _no_write(request):
    return _forbidden(request, _("Bạn không có quyền cập nhật danh mục thủ tục hành chính và số liệu hồ sơ."))


def _months(year: int):
    start, end = period(year)
    return start.replace(day=1), end.replace(day=1)


@login_required
@require_GET
def catalogue(request):
    agencies = selectors.agencies_visible(user=request.user)
    visible = list(agencies)
    if not visible:
        return _no_catalogue(request)
    form = CatalogueFilterForm(request.GET or None, agencies=agencies)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    year = cleaned.get("year") or ranking_year()
    month_from, month_to = _months(year)
    agency = cleaned.get("agency")
    if agency is None and len(visible) == 1:
        agency = visible[0]
    writable_ids = selectors.writable_agency_ids(user=request.user)
    context = {"form": form, "year": year, "month_from": month_from, "month_to": month_to, "agency": agency,
               "single_agency": len(visible) == 1,
               "can_import": bool(writable_ids), "query_string": request.GET.urlencode()}
    if agency is None:
        figures = selectors.service_figures(agency_ids=[a.pk for a in visible], month_from=month_from,
                                            month_to=month_to)
        context["summary"] = [(a, figures[a.pk]) for a in visible]
        return render(request, "publicservices/catalogue.html", context)
    procedures = selectors.procedures_visible(user=request.user, agency_id=agency.pk, q=cleaned.get("q", ""),
                                              level=cleaned.get("level", ""), month_from=month_from,
                                              month_to=month_to)
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    figures = selectors.service_figures(agency_ids=[agency.pk], month_from=month_from, month_to=month_to)[agency.pk]
    params = request.GET.copy()
    params.pop("page", None)
    context.update(page=page, figures=figures, can_write=agency.pk in writable_ids, page_query=params.urlencode())
    return render(request, "publicservices/catalogue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def procedure_new(request):
    if not selectors.may_write_any(user=request.user):
        return _no_write(request)
    writable = selectors.agencies_writable(user=request.user)
    initial = {"active": True}
    if request.GET.get("agency", "").isdigit():
        initial["agency"] = int(request.GET["agency"])
    form = ProcedureForm(request.POST or None, agencies=writable, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            procedure = services.procedure_save(actor=request.user, agency_id=data["agency"].pk, code=data["code"],
                                                name=data["name"], field=data["field"],
                                                online_level=data["online_level"], active=data["active"])
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        except PermissionDenied as exc:
            return _forbidden(request, exc.message)
        else:
            messages.success(request, _("Đã thêm thủ tục %(c)s.") % {"c": procedure.code})
            return redirect("publicservices:procedure", procedure.pk)
    return render(request, "publicservices/procedure_edit.html", {"form": form, "procedure": None})


def _procedure_or_404(request, pk):
    try:
        return selectors.procedure_get(user=request.user, pk=pk)
    except NotFound:
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
def procedure(request, procedure_id):
    proc = _procedure_or_404(request, procedure_id)
    can_write = selectors.may_write(user=request.user, agency_id=proc.agency_id)
    initial = {"code": proc.code, "name": proc.name, "field": proc.field, "online_level": proc.online_level,
               "active": proc.active}
    form = ProcedureForm(request.POST or None, initial=initial, current_level=proc.online_level)
    if request.method == "POST":
        if not can_write:
            return _no_write(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.procedure_save(actor=request.user, agency_id=proc.agency_id, procedure=proc,
                                        code=data["code"], name=data["name"], field=data["field"],
                                        online_level=data["online_level"], active=data["active"])
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu thủ tục %(c)s.") % {"c": proc.code})
                return redirect("publicservices:procedure", proc.pk)
    month_form = ProcedureMonthForm(initial={"month": timezone.localdate().replace(day=1),
                                             "online_level": proc.online_level})
    return _procedure_page(request, proc, form, month_form, can_write)


def _procedure_page(request, proc, form, month_form, can_write, status=200):
    return render(request, "publicservices/procedure.html", {
        "procedure": proc, "form": form, "month_form": month_form, "can_write": can_write,
        "months": selectors.procedure_months(procedure=proc)[:120],
    }, status=status)


@login_required
@require_POST
def month_save(request, procedure_id):
    proc = _procedure_or_404(request, procedure_id)
    if not selectors.may_write(user=request.user, agency_id=proc.agency_id):
        return _no_write(request)
    month_form = ProcedureMonthForm(request.POST)
    if month_form.is_valid():
        data = month_form.cleaned_data
        try:
            services.procedure_month_save(actor=request.user, procedure=proc, **data)
        except ValidationFailed as exc:
            add_domain_errors(month_form, exc)
        else:
            messages.success(request, _("Đã lưu số liệu tháng %(m)s.") % {"m": data["month"].strftime("%m/%Y")})
            return redirect(reverse("publicservices:procedure", args=[proc.pk]) + "#so-lieu")
    form = ProcedureForm(initial={"code": proc.code, "name": proc.name, "field": proc.field,
                                  "online_level": proc.online_level, "active": proc.active},
                         current_level=proc.online_level)
    return _procedure_page(request, proc, form, month_form, True, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    if not selectors.may_write_any(user=request.user):
        return _no_write(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.procedures_import(actor=request.user, upload=form.cleaned_data["file"])
        except importing.ImportRejected as exc:
            problems, status = exc.rows, 422
        except DomainError as exc:
            form.add_error("file", exc.message)
            status = 422
        else:
            messages.success(request, _(
                "Đã nhập %(rows)s dòng: %(new)s thủ tục mới, %(upd)s thủ tục cập nhật, %(months)s tháng số liệu "
                "(%(agencies)s).") % {"rows": result.rows, "new": result.procedures_created,
                                       "upd": result.procedures_updated, "months": result.months_written,
                                       "agencies": ", ".join(result.agencies)})
            return redirect("publicservices:catalogue")
    elif request.method == "POST":
        status = 422
    columns = [(label, required) for _k, label, _a, required in importing.COLUMNS]
    return render(request, "publicservices/import.html", {
        "form": form, "problems": problems, "columns": columns, "levels": OnlineLevel.choices,
        "problem_rows": len({p.row for p in problems if p.row is not None}) if problems else 0,
    }, status=status)


@login_required
@require_GET
def template_file(request):
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    data = services.import_template(fmt=fmt)
    return file_response(data, filename=f"mau-nhap-dich-vu-cong.{fmt}",
                         content_type="text/csv; charset=utf-8" if fmt == "csv" else XLSX_TYPE)


urlpatterns = [
    path("", catalogue, name="catalogue"),
    path("thu-tuc/moi/", procedure_new, name="procedure_new"),
    path("thu-tuc/<int:procedure_id>/", procedure, name="procedure"),
    path("thu-tuc/<int:procedure_id>/thang/", month_save, name="month_save"),
    path("nhap/", import_page, name="import"),
    path("mau-nhap/", template_file, name="template"),
]
