"""The sender's pages: documents sent and where they stand, recall, saved recipient lists, and the
directory search behind the recipient picker. Thin: selectors to read, services to write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.delivery import selectors, services
from lienthong.delivery.forms import RecipientListForm
from lienthong.delivery.models import DeliveryState
from lienthong.documents.selectors import document_get

D = DeliveryState
PAGE_SIZE = 25
SEARCH_LIMIT = 40
PICKER_FIELDS = ("recipients", "members")

# Confirmations users see (the tests use these constants rather than copies of the text).
RECALL_SENT = gettext_lazy("Đã gửi yêu cầu thu hồi đến %(n)s nơi nhận; kết quả hiện theo từng nơi nhận.")
LIST_SAVED = gettext_lazy("Đã lưu danh sách “%(n)s” (%(c)s cơ quan).")

# Filters of the sent list: the address's slug, its label, and the condition on the document's deliveries
# (``selectors.SENT_CONDITIONS``).
SENT_FILTERS = {
    "tra-lai": (gettext_lazy("Có nơi trả lại"), "returned"),
    "chua-xong": (gettext_lazy("Chưa hoàn thành"), "unfinished"),
    "thu-hoi": (gettext_lazy("Đang thu hồi"), "recalling"),
}


def _ints(values) -> list[int]:
    out = []
    for v in values:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            continue
    return out


def state_chips(counts: dict[str, int]) -> list[dict]:
    """Per-state counts in the order of the flow, for the coloured chips."""
    return [{"state": s.value, "label": s.label.lower(), "n": counts[s.value]} for s in D if counts.get(s.value)]


# --- Sent documents ---------------------------------------------------------------------------------

@login_required
@require_GET
def sent_list(request):
    flt = request.GET.get("loc", "")
    if flt not in SENT_FILTERS:
        flt = ""
    qs = selectors.sent_documents(user=request.user, having=SENT_FILTERS[flt][1] if flt else "")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    summary = selectors.delivery_summary(document_ids=[d.pk for d in page])
    rows = [{"doc": d, "chips": state_chips(summary.get(d.pk, {})), "total": sum(summary.get(d.pk, {}).values())}
            for d in page]
    return render(request, "delivery/sent.html", {
        "page": page, "rows": rows, "filter": flt,
        "filters": [(k, label) for k, (label, _cond) in SENT_FILTERS.items()],
        "querystring": f"loc={flt}&" if flt else "",
    })


@login_required
@require_POST
def recall(request, document_id: int):
    """Ask every recipient to give the document back (with the reason); the outcome shows per
    recipient on the document's page."""
    try:
        doc = document_get(user=request.user, document_id=document_id)
    except NotFound:
        raise Http404(_("Không tìm thấy văn bản hoặc bạn không có quyền xem.")) from None
    reason = request.POST.get("reason", "")
    try:
        asked = services.delivery_recall(actor=request.user, document=doc, reason=reason)
    except PermissionDenied as exc:
        messages.error(request, exc.message)
        return redirect("documents:detail", document_id=doc.pk)
    except ValidationFailed as exc:
        for msgs in exc.errors.values():
            for msg in msgs:
                messages.error(request, msg)
        return redirect("documents:detail", document_id=doc.pk)
    messages.success(request, RECALL_SENT % {"n": asked})
    return redirect("documents:detail", document_id=doc.pk)


# --- Recipient picker -------------------------------------------------------------------------------

@login_required
@require_GET
def recipient_search(request):
    """The directory as checkboxes for the recipient picker (htmx): by name without diacritics, by
    level and group; agencies already chosen and the sender itself are left out."""
    field_name = request.GET.get("field")
    if field_name not in PICKER_FIELDS:
        field_name = PICKER_FIELDS[0]
    query = request.GET.get("pq", "").strip()
    level = request.GET.get("plevel", "")
    group = request.GET.get("pgroup", "")
    agencies, more = [], False
    if query or level or group:
        skip = _ints(request.GET.getlist(field_name)) + _ints(request.GET.getlist("sender"))
        agencies, more = selectors.recipient_candidates(q=query, level_code=level, group_code=group, skip_ids=skip,
                                                        limit=SEARCH_LIMIT)
    return render(request, "delivery/recipient_list_results.html", {
        "agencies": agencies, "more": more, "field_name": field_name, "searched": bool(query or level or group)})


# --- Saved recipient lists --------------------------------------------------------------------------

@login_required
@require_GET
def recipient_lists(request):
    agencies = selectors.recipient_list_agencies(user=request.user)
    return render(request, "delivery/recipient_lists.html", {
        "agencies": agencies, "lists": selectors.recipient_lists_of(agency_ids=[a.pk for a in agencies]),
        "shared": selectors.recipient_lists_shared()})


@login_required
@require_http_methods(["GET", "POST"])
def recipient_list_edit(request, list_id: int | None = None):
    agencies = selectors.recipient_list_agencies(user=request.user)
    if not agencies:
        return render(request, "delivery/recipient_list_forbidden.html", {
            "message": _("Chỉ văn thư hoặc lãnh đạo cơ quan được lưu danh sách nơi nhận.")}, status=403)
    rl = None
    if list_id is not None:
        try:
            rl = selectors.recipient_list_get(list_id=list_id, agency_ids=[a.pk for a in agencies])
        except NotFound:
            raise Http404(_("Không tìm thấy danh sách nơi nhận.")) from None
    member_errors: list[str] = []
    if request.method == "POST":
        form = RecipientListForm(request.POST, agencies=agencies)
        members = request.POST.getlist("members")
        if form.is_valid():
            try:
                saved = services.recipient_list_save(
                    actor=request.user, agency_id=form.cleaned_data["agency"], name=form.cleaned_data["name"],
                    member_ids=_ints(members), list_id=rl.pk if rl else None)
            except ValidationFailed as exc:
                for name, msgs in exc.errors.items():
                    for msg in msgs:
                        if name == "members":
                            member_errors.append(msg)
                        else:
                            form.add_error(name if name in form.fields else None, msg)
            except PermissionDenied as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, LIST_SAVED % {
                    "n": saved.name, "c": len(_ints(members))})
                return redirect("delivery:recipient_lists")
    else:
        members = selectors.recipient_list_member_ids(recipient_list=rl) if rl else []
        form = RecipientListForm(initial={"name": rl.name, "agency": rl.agency_id} if rl else None,
                                 agencies=agencies)
    return render(request, "delivery/recipient_list_form.html", {
        "form": form, "list": rl, "member_errors": member_errors,
        **selectors.recipient_picker(chosen_ids=_ints(members), sender_ids=[a.pk for a in agencies])})


urlpatterns = [
    path("da-gui/", sent_list, name="sent"),
    path("da-gui/<int:document_id>/thu-hoi/", recall, name="recall"),
    path("tim-noi-nhan/", recipient_search, name="recipient_search"),
    path("danh-sach-noi-nhan/", recipient_lists, name="recipient_lists"),
    path("danh-sach-noi-nhan/tao/", recipient_list_edit, name="recipient_list_new"),
    path("danh-sach-noi-nhan/<int:list_id>/", recipient_list_edit, name="recipient_list_edit"),
]
