"""Web pages for documents: thin, they parse input and call selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Role
from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.audit.selectors import audit_entries_for
from lienthong.authority import selectors as authority_selectors
from lienthong.core.api_tools import original_response
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed, Withdrawn
from lienthong.core.http import file_response
from lienthong.documents import selectors, services
from lienthong.documents.forms import CancelForm, DocumentFilterForm, IncomingForm, OutgoingForm
from lienthong.documents.models import Direction, Register
from lienthong.processing import services as processing_services
from lienthong.search import selectors as search_selectors

PAGE_SIZE = 25


def _clerk_agencies(user):
    return list(Agency.objects.filter(pk__in=account_selectors.agency_ids_for(user=user, roles=[Role.CLERK])))


@login_required
def home(request):
    from lienthong.delivery import selectors as delivery_selectors
    from lienthong.drafting import selectors as draft_selectors
    from lienthong.processing import selectors as processing_selectors

    positions = list(account_selectors.active_positions(user=request.user).select_related("agency"))
    roles = {p.role for p in positions}
    counts = {**draft_selectors.queue_counts(user=request.user), **processing_selectors.queue_counts(user=request.user)}
    if "clerk" in roles:
        counts.update(delivery_selectors.inbox_counts(user=request.user))
    return render(request, "documents/home.html", {"positions": positions, "roles": roles, "counts": counts})


@login_required
def document_list(request):
    form = DocumentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    query = (filters.get("q") or "").strip()
    search_error = None
    hits = None
    if query:
        try:
            hits = search_selectors.search_documents(
                user=request.user, query=query, limit=PAGE_SIZE,
                direction=filters.get("direction") or None, year=filters.get("year"),
            )
        except ValidationFailed as exc:
            search_error = exc.message
    page = None
    if hits is None:
        qs = selectors.document_list(
            user=request.user, direction=filters.get("direction") or None, year=filters.get("year"),
            register_id=filters.get("register"), document_type_id=getattr(filters.get("document_type"), "pk", None),
            urgency=filters.get("urgency") or None, sender=filters.get("sender") or None,
            date_from=filters.get("date_from"), date_to=filters.get("date_to"),
        )
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    registers = selectors.registers_visible_to(user=request.user).order_by("-year", "agency__name", "code")[:60]
    return render(request, "documents/list.html", {
        "form": form, "page": page, "hits": hits, "query": query, "search_error": search_error,
        "querystring": params.urlencode(), "registers": registers,
    })


def _get_or_404(request, document_id):
    try:
        return selectors.document_get(user=request.user, document_id=document_id)
    except NotFound:
        services.document_record_denied(actor=request.user, document_id=document_id)
        raise Http404(_("Không tìm thấy văn bản hoặc bạn không có quyền xem."))


@login_required
def document_detail(request, document_id: int):
    doc = _get_or_404(request, document_id)
    services.document_record_view(actor=request.user, document=doc)
    files = selectors.document_files(document=doc)
    can_register = account_selectors.user_can_register_in(user=request.user, agency_id=doc.agency_id)
    return render(request, "documents/detail.html", {
        "doc": doc, "files": files, "history": audit_entries_for(obj_type="document", obj_id=doc.pk),
        "can_manage": can_register, "cancel_form": CancelForm(),
        "preview": next((f for f in files if f.stored_file.kind == "pdf" and not f.stored_file.has_active_content),
                        None),
        "relations": selectors.document_relations(user=request.user, document=doc),
    })


@login_required
@xframe_options_sameorigin
def document_file(request, document_id: int, file_id: int):
    try:
        df = selectors.document_file_get(user=request.user, document_id=document_id, file_id=file_id)
    except Withdrawn:  # the record is still there for the văn thư and the leaders, its files are not
        services.document_record_denied(actor=request.user, document_id=document_id)
        return render(request, "delivery/withdrawn.html", {"document_id": document_id}, status=410)
    except NotFound:
        services.document_record_denied(actor=request.user, document_id=document_id)
        raise Http404(_("Không tìm thấy tệp."))
    services.document_record_view(actor=request.user, document=df.document, action=AuditAction.DOWNLOADED,
                                  detail=df.filename)
    return original_response(stored_file=df.stored_file, filename=df.filename, inline=request.GET.get("inline") == "1")


def _metadata_format(request) -> str:
    from lienthong.documents import metadata

    fmt = request.GET.get("format", "json")
    if fmt not in metadata.FORMATS:
        raise Http404(_("Chỉ xuất được siêu dữ liệu dạng JSON hoặc XML."))
    return fmt


@login_required
def document_metadata(request, document_id: int):
    """The document's metadata with the field names of NĐ30 Phụ lục VI, as JSON or XML."""
    from lienthong.documents import metadata

    fmt = _metadata_format(request)
    doc = _get_or_404(request, document_id)
    if not metadata.has_metadata(doc):
        raise Http404(_("Văn bản đã gỡ theo yêu cầu thu hồi: không còn siêu dữ liệu để xuất."))
    content, content_type = metadata.render(metadata.document_metadata(document=doc), fmt=fmt, root="Document")
    services.document_record_view(actor=request.user, document=doc, action=AuditAction.DOWNLOADED,
                                  detail=_("Siêu dữ liệu (%(f)s)") % {"f": fmt.upper()})
    name = f"sieu-du-lieu-{doc.number_symbol or doc.register_number}".replace("/", "-")
    return file_response(content, filename=f"{name}.{fmt}", content_type=content_type)


def _document_input(form) -> services.DocumentInput:
    cd = form.cleaned_data
    return services.DocumentInput(
        document_type=cd.get("document_type"), subject=cd.get("subject", ""), issued_on=cd.get("issued_on"),
        urgency=cd.get("urgency") or "normal", secrecy=cd.get("secrecy") or "normal",
        signer_authority=cd.get("signer_authority") or "", signer_position=cd.get("signer_position") or "",
        signer_name=cd.get("signer_name") or "", recipients_text=cd.get("recipients_text") or "",
        page_count=cd.get("page_count"), due_date=cd.get("due_date"), notes=cd.get("notes") or "",
        is_paper=bool(cd.get("is_paper")), files=cd.get("files") or [], language=cd.get("language") or "vi",
        issued_amount=cd.get("issued_amount"),
    )


def _apply_errors(form, exc: ValidationFailed) -> None:
    for field_name, msgs in exc.errors.items():
        target = field_name if field_name in form.fields else None
        for msg in msgs:
            form.add_error(target, msg)


@login_required
@require_http_methods(["GET", "POST"])
def register_document(request, direction: str):
    agencies = _clerk_agencies(request.user)
    if not agencies:
        messages.error(request, _("Chỉ văn thư mới được đăng ký văn bản vào sổ."))
        return redirect("documents:list")
    form_class = OutgoingForm if direction == Direction.OUTGOING else IncomingForm
    extra = {}
    if direction == Direction.OUTGOING:  # the leaders who may have signed, for the signer picker
        extra["leaders"] = [p for agency in agencies for p in account_selectors.agency_people(
            agency_id=agency.pk, roles=[Role.LEADER]).select_related("agency")]
    today = timezone.localdate()
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, clerk_agencies=agencies, **extra)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                if direction == Direction.OUTGOING:
                    doc = services.document_register_outgoing_paper(
                        actor=request.user, agency=cd["agency"], data=_document_input(form),
                        signer_id=cd.get("signer"), signed_on=cd.get("signed_on"),
                        late_issue_reason=cd.get("late_issue_reason") or "",
                        unit_abbreviation=cd.get("unit_abbreviation") or "",
                        # The signer's prefix must rest on the record on the signing date (vanthu.md §7
                        # rule 6; NĐ30 Art. 13). Passed in: authority depends on documents, not the reverse.
                        authority_check=authority_selectors.authority_basis)
                    messages.success(request, _("Đã cấp số %(s)s.") % {"s": doc.number_symbol})
                else:
                    # A paper document enters the same processing flow as one delivered through the system.
                    doc = processing_services.incoming_register_paper(
                        actor=request.user, agency=cd["agency"], data=_document_input(form),
                        number_symbol=cd["number_symbol"], issuer_agency=cd.get("issuer_agency"),
                        issuer_name=cd.get("issuer_name") or "", received_on=cd.get("received_on"))
                    messages.success(request, _("Đã vào sổ văn bản đến, số đến %(n)s.") % {"n": doc.register_number})
                    for warning in doc.notation_warnings():  # registered all the same (vanthu.md §7 rule 1)
                        messages.warning(request, warning)
                return redirect("documents:detail", document_id=doc.pk)
            except ValidationFailed as exc:
                _apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, exc.message)
    else:
        form = form_class(clerk_agencies=agencies, initial={"issued_on": today, "received_on": today,
                                                             "signed_on": today}, **extra)
    title = _("Đăng ký văn bản đi") if direction == Direction.OUTGOING else _("Đăng ký văn bản đến")
    # A refused registration (a field, a file) answers 422 with the form and its messages.
    return render(request, "documents/register_form.html", {"form": form, "title": title, "direction": direction},
                  status=422 if request.method == "POST" else 200)


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
    from lienthong.documents.register_book import volume_ranges

    registers = list(selectors.registers_visible_to(user=request.user).order_by("agency__name", "-year", "direction", "code"))
    for r in registers:  # printed volumes (quyển) of the PDF book, from the counter, no query
        r.volumes = volume_ranges(register=r)
    return render(request, "documents/registers.html", {"registers": registers, "current_year": timezone.localdate().year})


def register_get_or_404(request, register_id: int) -> Register:
    register = selectors.registers_visible_to(user=request.user).filter(pk=register_id).first()
    if register is None:
        raise Http404(_("Không tìm thấy sổ văn bản."))
    return register


@login_required
def register_metadata(request, register_id: int):
    """Metadata of every document of the register the user may see (NĐ30 Phụ lục VI names), JSON or XML."""
    from lienthong.audit.services import audit_log
    from lienthong.documents import metadata

    fmt = _metadata_format(request)
    register = register_get_or_404(request, register_id)
    data = metadata.register_metadata(user=request.user, register=register)
    content, content_type = metadata.render(data, fmt=fmt, root="Register")
    audit_log(actor=request.user, action=AuditAction.DOWNLOADED, obj_type="register", obj_id=register.pk,
              agency_id=register.agency_id,
              summary=_("Siêu dữ liệu sổ %(r)s %(y)s (%(f)s)") % {"r": register.name, "y": register.year,
                                                                 "f": fmt.upper()})
    return file_response(content, filename=f"sieu-du-lieu-so-{register.code}-{register.year}.{fmt}",
                         content_type=content_type)


@login_required
def register_book(request, register_id: int):
    """The printable register (sổ) with the columns of Decree 30 Appendix IV, as PDF or XLSX."""
    from lienthong.documents import register_book as book

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
    from lienthong.audit.services import audit_log

    volume_text = f" quyển {volume:02d}" if volume and volumes > 1 else ""
    audit_log(actor=request.user, action=AuditAction.PRINTED, obj_type="register", obj_id=register.pk,
              agency_id=register.agency_id, summary=f"{register.name} {register.year}{volume_text} ({ext.upper()})")
    suffix = f"-quyen-{volume:02d}" if volume and volumes > 1 else ""
    return file_response(content, filename=f"so-{register.code}-{register.year}{suffix}.{ext}",
                         content_type=content_type)
