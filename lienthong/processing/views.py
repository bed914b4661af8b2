"""Processing pages: the panel on an incoming document (submit, assign, hand on, notes, completion,
đôn đốc), the work queues of each role, and the printouts (Phiếu giải quyết văn bản đến, Sổ theo dõi
giải quyết văn bản đến). Thin: parse, call a selector or service, render.

The panel's forms post to the views below. On success they go back to the document page; on an
error they render the same panel, on a page of its own, with what the user typed and the error next
to it, and nothing has been stored (each service is one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from lienthong.accounts import selectors as account_selectors
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.core.forms import add_domain_errors
from lienthong.core.http import file_response
from lienthong.core.text import distinct_parts
from lienthong.delivery import selectors as delivery_selectors
from lienthong.documents import selectors as document_selectors
from lienthong.documents.services import normalize_number_symbol
from lienthong.processing import printing, selectors, services
from lienthong.processing.forms import (
    AssignmentRows,
    ChaseForm,
    CompleteForm,
    NoteForm,
    SubmitForm,
    TrackingForm,
)
from lienthong.processing.models import OPEN_STATES, Assignment, AssignmentRole, Handling, HandlingState

if TYPE_CHECKING:
    from lienthong.documents.models import Document

REPLY_CHOICES = 50
QUEUE_PAGE_SIZE = 30
PANEL_ANCHOR = "#xu-ly"

# Messages users see (the tests use these constants rather than copies of the text).
SUBMITTED = gettext_lazy("Đã trình %(l)s.")
PART_COMPLETED = gettext_lazy("Đã hoàn thành phần việc.")
CHASED = gettext_lazy("Đã gửi đôn đốc đến %(n)s người.")
REPLY_NUMBER_UNKNOWN = gettext_lazy("Không tìm thấy văn bản đi số “%(s)s” của cơ quan.")
ASSIGNED = gettext_lazy("Đã phân công %(n)s đơn vị, cá nhân.")
HANDED_ON = gettext_lazy("Đã giao phần việc của %(u)s.")
PROGRESS_NOTED = gettext_lazy("Đã ghi nhận tiến độ xử lý.")


# --- Reading what the user may act on -----------------------------------------------------------------

def _document_or_404(user, document_id: int) -> Document:
    try:
        return document_selectors.document_get(user=user, document_id=document_id)
    except NotFound:
        raise Http404(_("Không tìm thấy văn bản hoặc bạn không có quyền xem.")) from None


def _handling_or_404(request, handling_id: int) -> Handling:
    """The handling of an incoming document the user sees (same 404 for "missing" and "not yours")."""
    document_id = selectors.handling_document_id(handling_id=handling_id)
    if document_id is None:
        raise Http404(_("Không tìm thấy văn bản hoặc bạn không có quyền xem."))
    document = _document_or_404(request.user, document_id)
    handling = selectors.handling_of(document_id=document.pk)
    handling.document = document
    return handling


def _assignment_or_404(request, assignment_id: int) -> Assignment:
    try:
        return selectors.assignment_get(user=request.user, assignment_id=assignment_id)
    except NotFound:
        raise Http404(_("Không tìm thấy phần việc hoặc bạn không có quyền xem.")) from None


def _people(agency_id: int) -> list:
    """One position per person of the agency (a person holding two shows once)."""
    seen, out = set(), []
    for p in account_selectors.agency_people(agency_id=agency_id):
        if p.user_id not in seen:
            seen.add(p.user_id)
            out.append(p)
    return out


def _person_label(p) -> str:
    extra = " – ".join(distinct_parts([p.title, p.unit.name if p.unit_id else ""]))
    return f"{p.user}" + (f" ({extra})" if extra else "")


def _assign_targets(agency_id: int, people=None) -> list:
    units = [(f"unit:{u.pk}", u.name) for u in selectors.assignable_units(agency_id=agency_id)]
    people = _people(agency_id) if people is None else people
    return [(_("Đơn vị"), units), (_("Cá nhân"), [(f"user:{p.user_id}", _person_label(p)) for p in people])]


def _unit_targets(agency_id: int, unit_id: int, people=None) -> list:
    people = _people(agency_id) if people is None else people
    return [(f"user:{p.user_id}", _person_label(p)) for p in people if p.unit_id == unit_id]


def _default_deadline(handling: Handling):
    return selectors.default_deadline(handling=handling)


# --- The panel ---------------------------------------------------------------------------------------

@dataclass
class Row:
    """One line of the assignment tree as the panel shows it, with what this user may do on it."""

    a: Assignment
    depth: int
    can_delegate: bool = False
    can_work: bool = False
    can_chase: bool = False
    delegate: AssignmentRows | None = None
    note_form: NoteForm | None = None
    complete_form: CompleteForm | None = None
    chase_form: ChaseForm | None = None
    children: list = field(default_factory=list)

    @property
    def target(self) -> str:
        return self.a.unit.name if self.a.unit_id else str(self.a.user)

    @property
    def open_forms(self) -> bool:
        return any(f is not None and getattr(f, "is_bound", False) for f in (
            self.note_form, self.complete_form, self.chase_form)) or bool(self.delegate and self.delegate.data)


def _flatten(tree: list[Assignment]) -> list[tuple[Assignment, int]]:
    """Parents before their children, depth first, whatever order the database returned NULLs in."""
    children: dict[int | None, list[Assignment]] = {}
    for a in tree:
        children.setdefault(a.parent_id, []).append(a)
    role_order = {AssignmentRole.LEAD: 0, AssignmentRole.SUPPORT: 1, AssignmentRole.INFO: 2}
    out: list[tuple[Assignment, int]] = []

    def walk(parent_id, depth):
        for a in sorted(children.get(parent_id, []), key=lambda x: (role_order.get(x.role, 9), x.pk)):
            out.append((a, depth))
            walk(a.pk, depth + 1)

    walk(None, 0)
    return out


def panel_context(request, *, document: Document, handling: Handling | None = None, bound: dict | None = None
                  ) -> dict:
    """Everything the processing panel shows to ``request.user`` on ``document``; ``bound`` carries a
    form that failed, keyed "submit", "assign" or (kind, assignment_id), to show it with its errors."""
    user = request.user
    handling = handling or selectors.handling_of(document_id=document.pk)
    if handling is None:
        return {}
    handling.document = document
    bound = bound or {}
    rights = selectors.panel_rights(user=user, handling=handling, document=document)
    agency_id = handling.agency_id
    active, is_clerk, is_leader, led_units = rights.active, rights.is_clerk, rights.is_leader, rights.led_unit_ids

    ctx: dict = {"h": handling, "doc": document, "active": active, "is_clerk": is_clerk, "is_leader": is_leader,
                 "origin": delivery_selectors.incoming_origin(incoming_document_id=document.pk),
                 "can_print": True, "states": HandlingState}
    if active and is_clerk and handling.state in (HandlingState.REGISTERED, HandlingState.SUBMITTED):
        ctx["submit_form"] = bound.get("submit") or SubmitForm(
            leaders=selectors.agency_leaders(agency_id=agency_id), initial={"leader": handling.submitted_to_id})
    people = None
    if active and is_leader and handling.state in (HandlingState.SUBMITTED, HandlingState.ASSIGNED,
                                                    HandlingState.IN_PROGRESS):
        people = _people(agency_id)
        first = handling.state == HandlingState.SUBMITTED
        ctx["assign_rows"] = bound.get("assign") or AssignmentRows(
            prefix="a", targets=_assign_targets(agency_id, people), default_deadline=_default_deadline(handling),
            roles=(AssignmentRole.LEAD, AssignmentRole.SUPPORT) if first else (AssignmentRole.SUPPORT,))
        ctx["assign_more"] = not first

    rows: list[Row] = []
    replies = None
    for a, depth in _flatten(selectors.assignment_tree(handling=handling)):
        row = Row(a=a, depth=depth)
        is_open = active and a.state in OPEN_STATES
        row.can_delegate = is_open and a.unit_id in led_units and a.role != AssignmentRole.INFO
        row.can_work = is_open and (a.user_id == user.pk or a.unit_id in led_units)
        row.can_chase = is_open and a.role != AssignmentRole.INFO and (
            agency_id in rights.full_ids or a.assigned_by_id == user.pk)
        if row.can_delegate:
            if people is None:
                people = _people(agency_id)
            row.delegate = bound.get(("delegate", a.pk)) or AssignmentRows(
                prefix=f"d{a.pk}", targets=_unit_targets(agency_id, a.unit_id, people), default_deadline=a.deadline,
                roles=(AssignmentRole.LEAD,))
        if row.can_work:
            if replies is None:
                replies = selectors.reply_candidates(user=user, agency_id=agency_id, limit=REPLY_CHOICES)
            row.note_form = bound.get(("note", a.pk)) or NoteForm(prefix=f"n{a.pk}", initial={"progress": a.progress})
            row.complete_form = bound.get(("complete", a.pk)) or CompleteForm(prefix=f"c{a.pk}", replies=replies)
            if ctx["origin"] is None:  # came on paper: no sender in the system to read a reply (issue 11)
                for form in (row.note_form, row.complete_form):
                    form.fields.pop("reply_to_sender", None)
        if row.can_chase:
            row.chase_form = bound.get(("chase", a.pk)) or ChaseForm(prefix=f"ch{a.pk}")
        rows.append(row)
    ctx["rows"] = rows
    # A form the user may no longer use (someone else acted meanwhile, or it was never theirs) still
    # shows why it was refused, above the panel.
    shown = {"submit": ctx.get("submit_form"), "assign": ctx.get("assign_rows")}
    for row in rows:
        shown.update({("delegate", row.a.pk): row.delegate, ("note", row.a.pk): row.note_form,
                      ("complete", row.a.pk): row.complete_form, ("chase", row.a.pk): row.chase_form})
    ctx["orphan_errors"] = [msg for key, form in bound.items() if shown.get(key) is not form
                            for msg in _all_errors(form)]
    return ctx


def _all_errors(form) -> list[str]:
    if isinstance(form, AssignmentRows):
        return form.non_field_errors + [e for r in form.rows for errs in r.errors.values() for e in errs]
    return [e for errs in form.errors.values() for e in errs]


def render_panel(request, document: Document) -> str:
    ctx = panel_context(request, document=document)
    if not ctx:
        # Registered before the flow existed: its văn thư can bring it in.
        if selectors.may_start_handling(user=request.user, document=document):
            return render_to_string("processing/_start.html", {"doc": document}, request=request)
        return ""
    return render_to_string("processing/_panel.html", ctx, request=request)


@login_required
@require_POST
def handling_start(request, document_id: int):
    try:
        services.handling_start(actor=request.user, document_id=document_id)
    except NotFound:
        raise Http404(_("Không tìm thấy văn bản hoặc bạn không có quyền xem.")) from None
    except (ValidationFailed, PermissionDenied) as exc:
        messages.error(request, " ".join(m for ms in exc.errors.values() for m in ms)
                       if isinstance(exc, ValidationFailed) else exc.message)
    return _back(document_id)


def _panel_page(request, handling: Handling, bound: dict) -> HttpResponse:
    """The panel on a page of its own, with the form that failed, its input and its errors."""
    ctx = panel_context(request, document=handling.document, handling=handling, bound=bound)
    return render(request, "processing/panel_page.html", ctx)


def _back(handling_or_document_id) -> HttpResponse:
    return redirect(reverse("documents:detail", args=[handling_or_document_id]) + PANEL_ANCHOR)


def _rows_errors(rows: AssignmentRows, exc) -> None:
    if isinstance(exc, ValidationFailed):
        for key, msgs in exc.errors.items():
            if key == "late_reason":  # shown next to the confirmation it asks for
                rows.add_late_errors(msgs)
            else:
                rows.add_errors(msgs)
    else:
        rows.add_errors([exc.message])


# --- Actions -----------------------------------------------------------------------------------------

@login_required
@require_POST
def handling_submit(request, handling_id: int):
    handling = _handling_or_404(request, handling_id)
    form = SubmitForm(request.POST, leaders=selectors.agency_leaders(agency_id=handling.agency_id))
    if form.is_valid():
        try:
            services.handling_submit(actor=request.user, handling_id=handling.pk, leader_id=form.cleaned_data["leader"],
                                     note=form.cleaned_data["note"])
            leader = dict(form.fields["leader"].choices).get(form.cleaned_data["leader"], "")
            messages.success(request, SUBMITTED % {"l": leader})
            return _back(handling.document_id)
        except (ValidationFailed, PermissionDenied) as exc:
            add_domain_errors(form, exc)
    return _panel_page(request, handling, {"submit": form})


@login_required
@require_POST
def handling_assign(request, handling_id: int):
    handling = _handling_or_404(request, handling_id)
    rows = AssignmentRows(request.POST, prefix="a", targets=_assign_targets(handling.agency_id),
                          default_deadline=_default_deadline(handling))
    if rows.is_valid():
        try:
            created = services.handling_assign(actor=request.user, handling_id=handling.pk, specs=rows.specs(),
                                               late_reason=rows.confirmed_late_reason)
            messages.success(request, ASSIGNED % {"n": len(created)})
            return _back(handling.document_id)
        except (ValidationFailed, PermissionDenied) as exc:
            _rows_errors(rows, exc)
    return _panel_page(request, handling, {"assign": rows})


@login_required
@require_GET
def assignment_row(request, handling_id: int):
    """One more empty line for an assignment form (htmx), and the "add" button for the line after it."""
    handling = _handling_or_404(request, handling_id)
    prefix = request.GET.get("prefix", "a")
    try:
        index = min(int(request.GET.get("i", "0")), 999)
    except ValueError:
        index = 0
    if prefix == "a":
        rows = AssignmentRows(prefix="a", targets=_assign_targets(handling.agency_id),
                              default_deadline=_default_deadline(handling), roles=())
    elif prefix.startswith("d") and prefix[1:].isdigit():
        parent = _assignment_or_404(request, int(prefix[1:]))
        if parent.handling_id != handling.pk or not parent.unit_id:
            raise Http404()
        rows = AssignmentRows(prefix=prefix, targets=_unit_targets(parent.agency_id, parent.unit_id),
                              default_deadline=parent.deadline, roles=())
    else:
        raise Http404()
    return render(request, "processing/_assign_row.html", {
        "h": handling, "rows": rows, "row": rows.row(index), "next_index": index + 1, "oob": True})


@login_required
@require_POST
def assignment_delegate(request, assignment_id: int):
    parent = _assignment_or_404(request, assignment_id)
    handling = _handling_or_404(request, parent.handling_id)
    rows = AssignmentRows(request.POST, prefix=f"d{parent.pk}", targets=_unit_targets(parent.agency_id, parent.unit_id)
                          if parent.unit_id else [], default_deadline=parent.deadline)
    if rows.is_valid():
        try:
            services.assignment_delegate(actor=request.user, assignment_id=parent.pk, specs=rows.specs())
            messages.success(request, HANDED_ON % {"u": parent.unit or parent.user})
            return _back(handling.document_id)
        except (ValidationFailed, PermissionDenied) as exc:
            _rows_errors(rows, exc)
    return _panel_page(request, handling, {("delegate", parent.pk): rows})


@login_required
@require_POST
def assignment_note(request, assignment_id: int):
    a = _assignment_or_404(request, assignment_id)
    form = NoteForm(request.POST, prefix=f"n{a.pk}")
    if form.is_valid():
        try:
            services.assignment_note(actor=request.user, assignment_id=a.pk, text=form.cleaned_data["text"],
                                     progress=form.cleaned_data.get("progress"),
                                     reply_to_sender=form.cleaned_data.get("reply_to_sender") or "")
            messages.success(request, str(PROGRESS_NOTED))
            return _back(a.document_id)
        except (ValidationFailed, PermissionDenied) as exc:
            add_domain_errors(form, exc)
    return _panel_page(request, _handling_or_404(request, a.handling_id), {("note", a.pk): form})


def _reply_by_number(user, agency_id: int, number: str) -> Document | None:
    """The agency's issued document with this số, ký hiệu (``selectors.reply_by_number``), as typed."""
    norm = normalize_number_symbol(number)
    if not norm:
        return None
    return selectors.reply_by_number(user=user, agency_id=agency_id, norm=norm)


@login_required
@require_POST
def assignment_complete(request, assignment_id: int):
    a = _assignment_or_404(request, assignment_id)
    form = CompleteForm(request.POST, prefix=f"c{a.pk}",
                        replies=selectors.reply_candidates(user=request.user, agency_id=a.agency_id,
                                                           limit=REPLY_CHOICES))
    if form.is_valid():
        cd = form.cleaned_data
        reply_id = cd.get("reply_document")
        number = (cd.get("reply_number") or "").strip()
        if number:
            reply = _reply_by_number(request.user, a.agency_id, number)
            if reply is None:
                form.add_error("reply_number", REPLY_NUMBER_UNKNOWN % {"s": number})
            elif reply_id and reply_id != reply.pk:
                form.add_error("reply_number", _("Chọn văn bản trả lời trong danh sách hoặc nhập số, không cả hai."))
            else:
                reply_id = reply.pk
        if not form.errors:
            try:
                services.assignment_complete(actor=request.user, assignment_id=a.pk, result=cd.get("result") or "",
                                             reply_document_id=reply_id,
                                             reply_to_sender=cd.get("reply_to_sender") or "")
                messages.success(request, str(PART_COMPLETED))
                return _back(a.document_id)
            except (ValidationFailed, PermissionDenied) as exc:
                add_domain_errors(form, exc)
    return _panel_page(request, _handling_or_404(request, a.handling_id), {("complete", a.pk): form})


@login_required
@require_POST
def assignment_chase(request, assignment_id: int):
    a = _assignment_or_404(request, assignment_id)
    form = ChaseForm(request.POST, prefix=f"ch{a.pk}")
    if form.is_valid():
        try:
            sent = services.assignment_chase(actor=request.user, assignment_id=a.pk,
                                             message=form.cleaned_data["message"])
            messages.success(request, CHASED % {"n": sent})
            return _back(a.document_id)
        except (ValidationFailed, PermissionDenied) as exc:
            add_domain_errors(form, exc)
    return _panel_page(request, _handling_or_404(request, a.handling_id), {("chase", a.pk): form})


# --- Work queues ---------------------------------------------------------------------------------------

QUEUES = {
    "to_submit": gettext_lazy("Chờ trình lãnh đạo"),
    "to_assign": gettext_lazy("Chờ phân công"),
    "to_process": gettext_lazy("Cần xử lý"),
    "info": gettext_lazy("Để biết"),
    "overdue": gettext_lazy("Đã giao, quá hạn"),
}


@login_required
@require_GET
def queue(request, name: str):
    if name not in QUEUES:
        raise Http404(_("Không có hàng đợi này."))
    user = request.user
    handlings = assignments = units = None
    if name == "to_submit":
        handlings = selectors.handlings_to_submit(user=user)
    elif name == "to_assign":
        handlings = selectors.handlings_to_assign(user=user)
        units = selectors.unit_to_assign(user=user)
    elif name == "to_process":
        assignments = selectors.to_process(user=user)
    elif name == "info":
        assignments = selectors.for_information(user=user)
    else:
        assignments = selectors.overdue_assigned_by(user=user)
    main = handlings if handlings is not None else assignments
    page = Paginator(main, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "processing/queue.html", {
        "name": name, "title": QUEUES[name], "tabs": list(QUEUES.items()), "page": page,
        "is_handlings": handlings is not None,
        # A unit head's parts to hand on: the first page is what fits a screen (oldest deadline first).
        "units": list(units[:QUEUE_PAGE_SIZE]) if units is not None else None,
    })


@login_required
@require_GET
def queue_tabs(request):
    """The queue tabs with their counts, fetched by the queue page after it is shown (htmx), so the
    list itself stays at a handful of queries whatever the number of queues."""
    current = request.GET.get("current", "")
    counts = selectors.queue_counts(user=request.user)
    return render(request, "processing/_queue_tabs.html", {
        "name": current, "tabs": list(QUEUES.items()), "counts": counts})


# --- Printouts -----------------------------------------------------------------------------------------

@login_required
@require_GET
def handling_slip(request, handling_id: int):
    """The Phiếu giải quyết văn bản đến (NĐ30 PL4 §VII) of one document, for anyone who sees it."""
    handling = _handling_or_404(request, handling_id)
    content = printing.handling_slip_pdf(handling=handling)
    services.handling_record_print(actor=request.user, handling=handling)
    return file_response(content, filename=f"phieu-giai-quyet-{handling.document.register_number}.pdf",
                         content_type="application/pdf", inline=True)


@login_required
@require_GET
def tracking_book(request):
    """The Sổ theo dõi giải quyết văn bản đến (NĐ30 PL4 §VIII) of an agency for a period: the form,
    then the PDF. Only the agency's văn thư and leaders (those who see all its incoming documents)."""
    agencies = selectors.tracking_book_agencies(user=request.user)
    if not agencies:
        raise Http404(_("Chỉ văn thư và lãnh đạo cơ quan mới in được sổ theo dõi giải quyết văn bản đến."))
    today = timezone.localdate()
    if "date_from" not in request.GET and "from" not in request.GET:
        form = TrackingForm(agencies=agencies, initial={
            "agency": agencies[0].pk, "date_from": today.replace(month=1, day=1), "date_to": today})
        return render(request, "processing/tracking_form.html", {"form": form})
    data = request.GET.copy()
    data.setdefault("date_from", request.GET.get("from", ""))
    data.setdefault("date_to", request.GET.get("to", ""))
    data.setdefault("agency", str(agencies[0].pk))
    form = TrackingForm(data, agencies=agencies)
    if not form.is_valid():
        return render(request, "processing/tracking_form.html", {"form": form}, status=400)
    cd = form.cleaned_data
    agency = next(a for a in agencies if a.pk == cd["agency"])
    content = printing.tracking_book_pdf(agency=agency, date_from=cd["date_from"], date_to=cd["date_to"])
    services.tracking_book_record_print(actor=request.user, agency=agency, date_from=cd["date_from"],
                                        date_to=cd["date_to"])
    return file_response(content, filename=f'so-theo-doi-{cd["date_from"]:%Y%m%d}-{cd["date_to"]:%Y%m%d}.pdf',
                         content_type="application/pdf", inline=True)


urlpatterns = [
    path("hang-doi/<str:name>/", queue, name="queue"),
    path("dem-hang-doi/", queue_tabs, name="queue_tabs"),
    path("bat-dau/<int:document_id>/", handling_start, name="start"),
    path("<int:handling_id>/trinh/", handling_submit, name="submit"),
    path("<int:handling_id>/phan-cong/", handling_assign, name="assign"),
    path("<int:handling_id>/them-dong/", assignment_row, name="assign_row"),
    path("<int:handling_id>/phieu.pdf", handling_slip, name="slip"),
    path("phan-viec/<int:assignment_id>/giao/", assignment_delegate, name="delegate"),
    path("phan-viec/<int:assignment_id>/tien-do/", assignment_note, name="note"),
    path("phan-viec/<int:assignment_id>/hoan-thanh/", assignment_complete, name="complete"),
    path("phan-viec/<int:assignment_id>/don-doc/", assignment_chase, name="chase"),
    path("so-theo-doi/", tracking_book, name="tracking_book"),
]
