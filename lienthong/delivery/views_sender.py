"""The sender's pages: documents sent and where they stand, recall, saved recipient lists, and the
directory search behind the recipient picker. Thin: selectors to read, services to write."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lienthong.accounts import selectors as account_selectors
from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup
from lienthong.agencies.selectors import agency_directory
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.delivery import selectors, services
from lienthong.delivery.models import Delivery, DeliveryState, RecallState, RecipientList
from lienthong.documents.selectors import document_get

D = DeliveryState
PAGE_SIZE = 25
SEARCH_LIMIT = 40
PICKER_FIELDS = ("recipients", "members")

# Filters of the sent list: each a condition on the document's deliveries.
SENT_FILTERS = {
    "tra-lai": (gettext_lazy("Có nơi trả lại"), {"state": D.RETURNED}),
    "chua-xong": (gettext_lazy("Chưa hoàn thành"), {"state__in": [D.WAITING_EXCHANGE, D.ARRIVED, D.RECEIVED,
                                                                   D.REGISTERED, D.ASSIGNED, D.IN_PROGRESS]}),
    "thu-hoi": (gettext_lazy("Đang thu hồi"), {"recall_state": RecallState.REQUESTED}),
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
    qs = selectors.sent_documents(user=request.user)
    if flt in SENT_FILTERS:
        qs = qs.filter(Exists(Delivery.objects.filter(document_id=OuterRef("pk"), **SENT_FILTERS[flt][1])))
    else:
        flt = ""
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
    messages.success(request, _("Đã gửi yêu cầu thu hồi đến %(n)s nơi nhận; kết quả hiện theo từng nơi nhận.") % {
        "n": asked})
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
        qs = agency_directory(q=query, level_code=level or None).filter(is_active=True).select_related("parent")
        if group:
            qs = qs.filter(group__code=group)
        skip = _ints(request.GET.getlist(field_name)) + _ints(request.GET.getlist("sender"))
        if skip:
            qs = qs.exclude(pk__in=skip)
        agencies = list(qs[:SEARCH_LIMIT + 1])
        more = len(agencies) > SEARCH_LIMIT
        agencies = agencies[:SEARCH_LIMIT]
    return render(request, "delivery/recipient_list_results.html", {
        "agencies": agencies, "more": more, "field_name": field_name, "searched": bool(query or level or group)})


def picker_context(chosen_ids, *, sender_ids=()) -> dict:
    """What ``delivery/recipient_list_picker.html`` needs: the chosen agencies in order and the filters."""
    ids = _ints(chosen_ids)
    by_pk = {a.pk: a for a in Agency.objects.filter(pk__in=ids).select_related("level")} if ids else {}
    return {"chosen": [by_pk[i] for i in ids if i in by_pk], "levels": list(AdministrativeLevel.objects.all()),
            "groups": list(AgencyGroup.objects.all()), "sender_ids": list(sender_ids)}


# --- Saved recipient lists --------------------------------------------------------------------------

class RecipientListForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên danh sách"), max_length=200,
                           widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Ví dụ: Các UBND xã, thị trấn")}),
                           error_messages={"required": gettext_lazy("Cần đặt tên danh sách.")})

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        agencies = list(agencies)
        self.fields["agency"] = forms.TypedChoiceField(
            label=gettext_lazy("Của cơ quan"), coerce=int, choices=[(a.pk, a.name) for a in agencies],
            initial=agencies[0].pk if agencies else None,
            widget=forms.HiddenInput if len(agencies) == 1 else None,
            error_messages={"invalid_choice": gettext_lazy("Chỉ văn thư hoặc lãnh đạo cơ quan được lưu danh sách nơi nhận.")})
        self.order_fields(["agency", "name"])


def _managed_agencies(user) -> list[Agency]:
    """Agencies whose lists the user keeps: where the user is văn thư or an agency-wide leader."""
    full = account_selectors.position_agencies(user=user).full_ids
    return list(Agency.objects.filter(pk__in=sorted(full)).order_by("path")) if full else []


@login_required
@require_GET
def recipient_lists(request):
    agencies = _managed_agencies(request.user)
    ids = [a.pk for a in agencies]
    lists = list(RecipientList.objects.filter(agency_id__in=ids).select_related("agency")
                 .prefetch_related("members").order_by("agency__path", "name")) if ids else []
    shared = list(RecipientList.objects.filter(agency__isnull=True).prefetch_related("members").order_by("name"))
    return render(request, "delivery/recipient_lists.html", {
        "agencies": agencies, "lists": lists, "shared": shared})


@login_required
@require_http_methods(["GET", "POST"])
def recipient_list_edit(request, list_id: int | None = None):
    agencies = _managed_agencies(request.user)
    if not agencies:
        return render(request, "delivery/recipient_list_forbidden.html", {
            "message": _("Chỉ văn thư hoặc lãnh đạo cơ quan được lưu danh sách nơi nhận.")}, status=403)
    rl = None
    if list_id is not None:
        rl = RecipientList.objects.filter(pk=list_id, agency_id__in=[a.pk for a in agencies]).first()
        if rl is None:
            raise Http404(_("Không tìm thấy danh sách nơi nhận."))
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
                messages.success(request, _("Đã lưu danh sách “%(n)s” (%(c)s cơ quan).") % {
                    "n": saved.name, "c": len(_ints(members))})
                return redirect("delivery:recipient_lists")
    else:
        members = [m.pk for m in rl.members.order_by("path")] if rl else []
        form = RecipientListForm(initial={"name": rl.name, "agency": rl.agency_id} if rl else None,
                                 agencies=agencies)
    return render(request, "delivery/recipient_list_form.html", {
        "form": form, "list": rl, "member_errors": member_errors,
        **picker_context(members, sender_ids=[a.pk for a in agencies])})


urlpatterns = [
    path("da-gui/", sent_list, name="sent"),
    path("da-gui/<int:document_id>/thu-hoi/", recall, name="recall"),
    path("tim-noi-nhan/", recipient_search, name="recipient_search"),
    path("danh-sach-noi-nhan/", recipient_lists, name="recipient_lists"),
    path("danh-sach-noi-nhan/tao/", recipient_list_edit, name="recipient_list_new"),
    path("danh-sach-noi-nhan/<int:list_id>/", recipient_list_edit, name="recipient_list_edit"),
]
