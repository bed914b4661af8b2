"""Pages of the agency directory: the tree, export, and import (system administrators only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from lienthong.agencies import importexport
from lienthong.agencies.forms import AgencyFilterForm, AgencyImportForm
from lienthong.agencies.selectors import agency_directory
from lienthong.core.errors import PermissionDenied
from lienthong.core.http import file_response

PAGE_SIZE = 200
IMPORTED = gettext_lazy("Đã nhập danh mục: %(c)s cơ quan mới, %(u)s cơ quan được cập nhật, %(s)s không thay đổi.")


@login_required
def directory(request):
    form = AgencyFilterForm(request.GET or None)
    agencies = (form.directory() if form.is_valid() else agency_directory()).select_related("parent")
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "agencies/directory.html", {
        "form": form, "page": page, "querystring": params.urlencode(),
        "can_import": request.user.is_system_admin, "filtered": bool(form.is_bound and form.has_changed()),
    })


@login_required
def export(request, fmt: str):
    if fmt == "xlsx":
        content, content_type = importexport.agencies_export_xlsx(), importexport.XLSX_TYPE
    else:
        content, content_type = importexport.agencies_export_csv(), "text/csv; charset=utf-8"
    return file_response(content, filename=f"danh-muc-co-quan.{fmt}", content_type=content_type)


def _forbidden(request, message):
    return render(request, "agencies/forbidden.html", {"message": message}, status=403)


@login_required
@require_http_methods(["GET", "POST"])
def import_agencies(request):
    if not request.user.is_system_admin:
        return _forbidden(request, str(importexport.ONLY_SYSTEM_ADMINS_IMPORT))
    form = AgencyImportForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        try:
            data = importexport.read_upload(form.cleaned_data["file"])
            result = importexport.agencies_import(actor=request.user, data=data)
        except importexport.ImportRejected as exc:
            problems = exc.rows
        except PermissionDenied as exc:
            return _forbidden(request, exc.message)
        else:
            messages.success(request, IMPORTED % {
                "c": len(result.created), "u": len(result.updated), "s": result.unchanged})
            return redirect("agencies:directory")
    return render(request, "agencies/import.html", {
        "form": form, "problems": problems, "columns": importexport.COLUMNS,
    }, status=422 if problems else 200)
