"""Web pages of the documents app alone: originals, metadata, cancelling, registers and their books.
Thin: they parse input and call selectors and services.

The pages that put documents beside the other apps (home, the list with search, the document page with the
panels of the flow, registration) are in ``lienthong.web.views``; their URL names stay ``documents:…``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed, Withdrawn
from lienthong.core.http import file_response
from lienthong.documents import access, metadata, selectors, services
from lienthong.documents import register_book as book
from lienthong.documents.forms import CancelForm
from lienthong.documents.models import Register
from lienthong.files import original_response


def _get_or_404(request, document_id: int):
    """The document if the user may see it; a logged refusal and 404 otherwise."""
    try:
        return access.document_for(user=request.user, document_id=document_id)
    except NotFound:
        raise Http404(_("Không tìm thấy văn bản hoặc bạn không có quyền xem.")) from None


@login_required
@xframe_options_sameorigin
def document_file(request, document_id: int, file_id: int):
    try:
        df = access.document_file_for(user=request.user, document_id=document_id, file_id=file_id)
    except Withdrawn:  # the record is still there for the văn thư and the leaders, its files are not
        return render(request, "delivery/withdrawn.html", {"document_id": document_id}, status=410)
    except NotFound:
        raise Http404(_("Không tìm thấy tệp.")) from None
    access.document_file_downloaded(actor=request.user, document_file=df)
    return original_response(stored_file=df.stored_file, filename=df.filename, inline=request.GET.get("inline") == "1")


def _metadata_format(request) -> str:
    fmt = request.GET.get("format", "json")
    if fmt not in metadata.FORMATS:
        raise Http404(_("Chỉ xuất được siêu dữ liệu dạng JSON hoặc XML."))
    return fmt


@login_required
def document_metadata(request, document_id: int):
    """The document's metadata with the field names of NĐ30 Phụ lục VI, as JSON or XML."""
    fmt = _metadata_format(request)
    doc = _get_or_404(request, document_id)
    if not metadata.has_metadata(doc):
        raise Http404(_("Văn bản đã gỡ theo yêu cầu thu hồi: không còn siêu dữ liệu để xuất."))
    content, content_type = metadata.render(metadata.document_metadata(document=doc), fmt=fmt, root="Document")
    access.document_metadata_downloaded(actor=request.user, document=doc, fmt=fmt)
    name = f"sieu-du-lieu-{doc.number_symbol or doc.register_number}".replace("/", "-")
    return file_response(content, filename=f"{name}.{fmt}", content_type=content_type)


@login_required
@require_POST
def document_cancel(request, document_id: int):
    doc = _get_or_404(request, document_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.document_cancel(actor=request.user, document=doc, reason=form.cleaned_data["reason"])
            messages.success(request, _("Đã hủy văn bản; số vẫn giữ trong sổ."))
        except (ValidationFailed, PermissionDenied) as exc:
            messages.error(request, exc.message)
    else:
        for error in form.errors.get("reason", [_("Cần nêu lý do hủy.")]):
            messages.error(request, error)
    return redirect("documents:detail", document_id=doc.pk)


@login_required
def register_list(request):
    registers = list(selectors.registers_listed(user=request.user))
    for r in registers:  # printed volumes (quyển) of the PDF book, from the counter, no query
        r.volumes = book.volume_ranges(register=r)
    return render(request, "documents/registers.html",
                  {"registers": registers, "current_year": timezone.localdate().year})


def register_get_or_404(request, register_id: int) -> Register:
    try:
        return selectors.register_get(user=request.user, register_id=register_id)
    except NotFound:
        raise Http404(_("Không tìm thấy sổ văn bản.")) from None


@login_required
def register_metadata(request, register_id: int):
    """Metadata of every document of the register the user may see (NĐ30 Phụ lục VI names), JSON or XML."""
    fmt = _metadata_format(request)
    register = register_get_or_404(request, register_id)
    data = metadata.register_metadata(user=request.user, register=register)
    content, content_type = metadata.render(data, fmt=fmt, root="Register")
    access.register_metadata_downloaded(actor=request.user, register=register, fmt=fmt)
    return file_response(content, filename=f"sieu-du-lieu-so-{register.code}-{register.year}.{fmt}",
                         content_type=content_type)


@login_required
def register_book(request, register_id: int):
    """The printable register (sổ) with the columns of Decree 30 Appendix IV, as PDF or XLSX."""
    register = register_get_or_404(request, register_id)
    fmt = request.GET.get("format", "pdf")
    volumes = book.volume_count(register=register)
    if fmt == "xlsx":
        content, content_type, ext = book.register_book_xlsx(register=register), book.XLSX_TYPE, "xlsx"
        volume = None
    else:
        try:
            volume = int(request.GET.get("volume", "1"))
        except ValueError:
            volume = 0
        if not 1 <= volume <= volumes:
            raise Http404(_("Không có quyển sổ này."))
        content = book.register_book_pdf(register=register, volume=volume if volumes > 1 else None)
        content_type, ext = "application/pdf", "pdf"
    volume_text = f" quyển {volume:02d}" if volume and volumes > 1 else ""
    access.register_book_printed(actor=request.user, register=register,
                                 summary=f"{register.name} {register.year}{volume_text} ({ext.upper()})")
    suffix = f"-quyen-{volume:02d}" if volume and volumes > 1 else ""
    return file_response(content, filename=f"so-{register.code}-{register.year}{suffix}.{ext}",
                         content_type=content_type)
