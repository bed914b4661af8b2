"""The recipient's side of a delivery: the văn thư's queues of delivered documents, a delivered
document before it is registered (metadata, files, preview), and what the văn thư does with it:
receive (status 03 to the sender), return with a reason (02), register with a số đến, or answer a
recall (15 / 16). Thin: parse, call a selector or service, render.

Every page fetches the delivery through ``delivery_for_recipient``: a delivery addressed to another
agency answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from lienthong.accounts import selectors as account_selectors
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.core.forms import add_domain_errors
from lienthong.delivery import selectors, services
from lienthong.delivery.forms import RefuseRecallForm, RegisterForm, ReturnForm
from lienthong.delivery.models import DeliveryState, RecallState
from lienthong.documents.services import find_duplicate_incoming
from lienthong.files import original_response
from lienthong.signing import selectors as signing_selectors

PAGE_SIZE = 25
QUEUES = {
    "to_receive": gettext_lazy("Chờ tiếp nhận"),
    "to_register": gettext_lazy("Chờ vào sổ"),
    "recall": gettext_lazy("Yêu cầu thu hồi"),
}
# Confirmations users see (the tests use these constants rather than copies of the text).
RECEIVED = gettext_lazy("Đã tiếp nhận văn bản; nơi gửi đã được báo.")
RETURNED = gettext_lazy("Đã trả lại văn bản %(s)s cho %(a)s.")
REGISTERED = gettext_lazy("Đã vào sổ văn bản đến, số đến %(n)s.")
RECALL_AGREED = gettext_lazy("Đã đồng ý thu hồi; văn bản đã được gỡ khỏi danh sách và tìm kiếm.")
# The reason a delivery whose signatures fail is returned with, pre-filled (%(d)s: the verification's messages).
SIGNATURE_RETURN_REASON = gettext_lazy("Chữ ký số không hợp lệ: %(d)s")
# States in which the văn thư may still receive, return or register the delivery.
OPEN_STATES = (DeliveryState.ARRIVED, DeliveryState.RECEIVED)


def _delivery_or_404(request, delivery_id: int):
    try:
        return selectors.delivery_for_recipient(user=request.user, delivery_id=delivery_id)
    except NotFound:
        raise Http404(_("Không tìm thấy văn bản gửi đến hoặc bạn không có quyền xem.")) from None


# --- The queues -------------------------------------------------------------------------------------

@login_required
@require_GET
def inbox_view(request):
    queue = request.GET.get("queue", "to_receive")
    if queue not in QUEUES:
        queue = "to_receive"
    held = account_selectors.position_agencies(user=request.user)
    counts = selectors.inbox_counts(user=request.user)
    page = Paginator(selectors.inbox(user=request.user, queue=queue), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "delivery/inbox.html", {
        "queue": queue, "page": page, "is_clerk": bool(held.clerk_ids),
        "several_agencies": len(held.clerk_ids) > 1,
        "tabs": [(key, label, counts[key]) for key, label in QUEUES.items()],
    })


# --- One delivered document -------------------------------------------------------------------------

def _signature_return_reason(doc) -> str:
    """The reason a failing delivery is returned with, pre-filled from the verification of its files."""
    problems = signing_selectors.document_verification_problems(document_id=doc.pk)
    if not problems:
        return ""
    return SIGNATURE_RETURN_REASON % {"d": " ".join(v.message for v in problems)[:1900]}


def _render_detail(request, delivery_id: int, *, register_form=None, return_form=None, refuse_form=None,
                   status: int = 200):
    delivery = _delivery_or_404(request, delivery_id)
    doc = delivery.document
    can_act = delivery.state in OPEN_STATES and delivery.recall_state != RecallState.REQUESTED
    files = [] if delivery.state == DeliveryState.WITHDRAWN else selectors.delivery_files(delivery=delivery)
    duplicate = None
    if can_act:
        # Warn before the click: the same paper may have come in by post and been registered by hand.
        duplicate = find_duplicate_incoming(
            agency_id=delivery.recipient_agency_id, number_symbol=doc.number_symbol,
            issuer_agency_id=doc.agency_id, issuer_name=doc.issuer_name, issued_on=doc.issued_on,
            identifier=doc.identifier)
    today = timezone.localdate()
    return render(request, "delivery/delivery_detail.html", {
        "delivery": delivery, "doc": doc, "files": files, "can_act": can_act, "duplicate": duplicate,
        "recall_pending": delivery.recall_state == RecallState.REQUESTED,
        "events": selectors.delivery_events(delivery=delivery),
        "preview": next((f for f in files if f.stored_file.kind == "pdf" and not f.stored_file.has_active_content),
                        None),
        "register_form": register_form or RegisterForm(
            source_type=doc.document_type, initial={"received_on": today, "due_date": doc.due_date}),
        "return_form": return_form or ReturnForm(
            initial={"reason": _signature_return_reason(doc)} if can_act else None),
        "refuse_form": refuse_form or RefuseRecallForm(),
    }, status=status)


@login_required
@require_GET
def delivery_detail(request, delivery_id: int):
    return _render_detail(request, delivery_id)


@login_required
@require_GET
@xframe_options_sameorigin
def delivery_file(request, delivery_id: int, file_id: int):
    """A file of the delivered document, readable by the recipient's văn thư before registering."""
    delivery = _delivery_or_404(request, delivery_id)
    if delivery.state == DeliveryState.WITHDRAWN:  # given back after a recall (NĐ30 Art. 18.4)
        return render(request, "delivery/withdrawn.html", {"document_id": delivery.incoming_document_id},
                      status=410)
    df = next((f for f in selectors.delivery_files(delivery=delivery) if f.pk == file_id), None)
    if df is None:
        raise Http404(_("Không tìm thấy tệp."))
    services.delivery_file_record_download(actor=request.user, delivery=delivery, filename=df.filename)
    return original_response(stored_file=df.stored_file, filename=df.filename, inline=request.GET.get("inline") == "1")


@login_required
@require_POST
def delivery_receive(request, delivery_id: int):
    delivery = _delivery_or_404(request, delivery_id)
    try:
        services.delivery_receive(actor=request.user, delivery_id=delivery.pk)
        messages.success(request, str(RECEIVED))
    except (ValidationFailed, PermissionDenied) as exc:
        messages.error(request, exc.message)
    return redirect("delivery:inbox_detail", delivery_id=delivery.pk)


@login_required
@require_POST
def delivery_return(request, delivery_id: int):
    delivery = _delivery_or_404(request, delivery_id)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.delivery_return(actor=request.user, delivery_id=delivery.pk, reason=form.cleaned_data["reason"])
            messages.success(request, RETURNED % {
                "s": delivery.document.number_symbol, "a": delivery.sender_agency.name})
            return redirect("delivery:inbox")
        except (ValidationFailed, PermissionDenied) as exc:
            if isinstance(exc, ValidationFailed):
                add_domain_errors(form, exc)
            else:
                form.add_error(None, exc.message)
    return _render_detail(request, delivery.pk, return_form=form)


@login_required
@require_POST
def delivery_register(request, delivery_id: int):
    """Register the delivered document (one click from "arrived" works too) and open the new record."""
    delivery = _delivery_or_404(request, delivery_id)
    form = RegisterForm(request.POST, source_type=delivery.document.document_type)
    if form.is_valid():
        cd = form.cleaned_data
        try:
            incoming = services.delivery_register(
                actor=request.user, delivery_id=delivery.pk, received_on=cd["received_on"],
                due_date=cd.get("due_date"), notes=cd.get("notes") or "", document_type=cd.get("document_type"))
            messages.success(request, REGISTERED % {"n": incoming.register_number})
            return redirect("documents:detail", document_id=incoming.pk)
        except ValidationFailed as exc:
            add_domain_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, exc.message)
    return _render_detail(request, delivery.pk, register_form=form)


@login_required
@require_POST
def delivery_recall_answer(request, delivery_id: int):
    delivery = _delivery_or_404(request, delivery_id)
    agree = request.POST.get("answer") == "agree"
    form = RefuseRecallForm(request.POST)
    if agree or form.is_valid():
        try:
            services.delivery_recall_answer(actor=request.user, delivery_id=delivery.pk, agree=agree,
                                            reason="" if agree else form.cleaned_data["reason"])
            messages.success(request, str(RECALL_AGREED) if agree else _("Đã từ chối thu hồi; nơi gửi đã được báo."))
            return redirect(reverse("delivery:inbox") + "?queue=recall")
        except ValidationFailed as exc:
            if agree:
                messages.error(request, exc.message)
                return redirect("delivery:inbox_detail", delivery_id=delivery.pk)
            add_domain_errors(form, exc)
    return _render_detail(request, delivery.pk, refuse_form=form)


urlpatterns = [
    path("den/", inbox_view, name="inbox"),
    path("den/<int:delivery_id>/", delivery_detail, name="inbox_detail"),
    path("den/<int:delivery_id>/tep/<int:file_id>/", delivery_file, name="inbox_file"),
    path("den/<int:delivery_id>/tiep-nhan/", delivery_receive, name="inbox_receive"),
    path("den/<int:delivery_id>/tra-lai/", delivery_return, name="inbox_return"),
    path("den/<int:delivery_id>/vao-so/", delivery_register, name="inbox_register"),
    path("den/<int:delivery_id>/thu-hoi/", delivery_recall_answer, name="inbox_recall"),
]
