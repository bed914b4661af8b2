"""Draft pages: the lists, the form, the draft's own page with the steps the user may take now.

Thin: every POST calls one service; ``ValidationFailed`` and ``PermissionDenied`` come back as
Vietnamese messages next to the form that was sent. Which buttons a user sees follows the same
rules as the services (``selectors.may_act``), so a user never sees an action the service refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lienthong.authority.selectors import signature_block
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.core.forms import add_domain_errors
from lienthong.delivery import selectors as delivery_selectors
from lienthong.drafting import forms, selectors, services
from lienthong.drafting.models import Draft, DraftState, FileRole
from lienthong.files import original_response
from lienthong.signing.methods import offered_methods, preferred_method

S = DraftState
PAGE_SIZE = 25

# The whole flow, in order, with who acts at each step (shown as the step indicator).
FLOW = [
    (S.DRAFTING, gettext_lazy("Soạn thảo")),
    (S.CONTENT_REVIEW, gettext_lazy("Kiểm tra nội dung")),
    (S.FORMAT_CHECK, gettext_lazy("Kiểm tra thể thức")),
    (S.APPROVAL, gettext_lazy("Duyệt")),
    (S.SIGNING, gettext_lazy("Ký")),
    (S.TO_NUMBER, gettext_lazy("Cấp số")),
    (S.TO_SEAL, gettext_lazy("Đóng dấu")),
    (S.TO_ISSUE, gettext_lazy("Phát hành")),
    (S.ISSUED, gettext_lazy("Đã phát hành")),
]
CONTENT_AND_APPROVAL = gettext_lazy("Kiểm tra nội dung, duyệt")
STEP_LABELS = {
    "submit": gettext_lazy("Trình"), "content_ok": gettext_lazy("Đồng ý nội dung"),
    "format_ok": gettext_lazy("Đạt thể thức"), "approve": gettext_lazy("Duyệt"), "return": gettext_lazy("Trả lại"),
    "sign": gettext_lazy("Ký"), "number": gettext_lazy("Cấp số"), "seal": gettext_lazy("Đóng dấu"),
    "issue": gettext_lazy("Phát hành"), "abandon": gettext_lazy("Hủy dự thảo"),
}

# Confirmations users see (the tests use these constants rather than copies of the text).
SAVED = gettext_lazy("Đã lưu dự thảo. Khi sẵn sàng, bấm “Trình”.")
SAVED_AND_SUBMITTED = gettext_lazy("Đã lưu và trình dự thảo; bước tiếp theo: %(s)s.")
APPROVED = gettext_lazy("Đã duyệt dự thảo; chờ ký.")
RETURNED = gettext_lazy("Đã trả lại dự thảo cho người soạn thảo.")
NUMBERED = gettext_lazy("Đã cấp số %(s)s.")
SEALED_AND_ISSUED = gettext_lazy("Đã đóng dấu và phát hành văn bản.")
CONTENT_AGREED = gettext_lazy("Đã đồng ý nội dung, chuyển văn thư kiểm tra thể thức.")
FORMAT_CHECKED = gettext_lazy("Đã kiểm tra thể thức, trình người ký duyệt.")
SIGNED = gettext_lazy("Đã ký; chuyển văn thư cấp số.")
APPROVED_AND_SIGNED = gettext_lazy("Đã duyệt và ký; chuyển văn thư cấp số.")


def _draft_or_404(request, draft_id: int) -> Draft:
    try:
        return selectors.draft_get(user=request.user, draft_id=draft_id)
    except NotFound:
        raise Http404(_("Không tìm thấy dự thảo hoặc bạn không có quyền xem.")) from None


# --- Lists ------------------------------------------------------------------------------------------

@login_required
@require_GET
def draft_list(request):
    tab = "mine" if request.GET.get("tab") == "mine" else "queue"
    queue, mine = selectors.waiting_for(user=request.user), selectors.my_drafts(user=request.user, open_only=False)
    page = Paginator(queue if tab == "queue" else mine, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {tab: page.paginator.count}
    counts["mine" if tab == "queue" else "queue"] = (mine if tab == "queue" else queue).count()
    return render(request, "drafting/list.html", {
        "tab": tab, "page": page, "counts": counts,
        "many_agencies": len({d.agency_id for d in page}) > 1,
    })


# --- Creating and editing -----------------------------------------------------------------------------

def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _draft_input(form) -> services.DraftInput:
    cd = form.cleaned_data
    return services.DraftInput(
        document_type=cd.get("document_type"), subject=cd.get("subject", ""), signer_id=cd.get("signer"),
        reviewer_id=cd.get("reviewer"), unit_id=cd.get("unit"), urgency=cd.get("urgency") or "normal",
        secrecy=cd.get("secrecy") or "normal", signer_authority=cd.get("signer_authority") or "",
        signer_position=cd.get("signer_position") or "", unit_abbreviation=cd.get("unit_abbreviation") or "",
        extra_recipients=cd.get("extra_recipients") or "", related_document_id=cd.get("related_document"),
        relation_kind=cd.get("relation_kind") or "", recipient_ids=cd.get("recipients") or [],
        recipient_list_ids=cd.get("recipient_lists") or [],
        files=[cd["file"]] if cd.get("file") else [], attachments=cd.get("attachments") or [],
    )


def _initial_for(user, opts: selectors.DraftFormOptions, request) -> dict:
    """Sensible defaults: the user's unit and its head as reviewer, the agency's first leader as signer,
    and a reply's related document when the page was opened from an incoming document."""
    initial = {}
    own = next((p for p in opts.positions if p.unit_id), None)
    if own is not None:
        initial["unit"] = own.unit_id
        initial["unit_abbreviation"] = own.unit.abbreviation
        head = next((p for p in opts.leaders if p.unit_id == own.unit_id and p.user_id != user.pk), None)
        if head is not None:
            initial["reviewer"] = head.user_id
    top = next((p for p in opts.leaders if p.unit_id is None and p.agency_id == opts.agencies[0].pk), None)
    if top is not None:
        initial["signer"] = top.user_id
        initial["signer_position"] = top.title
    related = _int(request.GET.get("lien-quan"))
    if related:
        initial["related_document"] = related
        kind = request.GET.get("quan-he", "replies_to")
        initial["relation_kind"] = kind
        # A reply goes to the sender of the document it answers (issue 18): its issuing agency, when that is
        # in the directory and not the drafting agency itself.
        answered = next((d for d in opts.related if d.pk == related), None)
        if kind == "replies_to" and answered is not None and answered.issuer_agency_id and (
                answered.issuer_agency_id not in {a.pk for a in opts.agencies}):
            initial["recipients"] = [answered.issuer_agency_id]
    return initial


def _picker_context(form, agencies) -> dict:
    """The chosen recipients (shown again after an error) and the directory filters of the picker."""
    raw = form["recipients"].value() or []
    chosen = [i for i in map(_int, raw if isinstance(raw, (list, tuple)) else [raw]) if i is not None]
    return delivery_selectors.recipient_picker(chosen_ids=chosen, sender_ids=[a.pk for a in agencies])


@login_required
@require_http_methods(["GET", "POST"])
def draft_create(request):
    opts = selectors.draft_form_options(user=request.user, related_id=_int(request.GET.get("lien-quan")))
    if not opts.agencies:
        messages.error(request, _("Bạn chưa có vị trí công tác ở cơ quan nào nên chưa soạn được văn bản."))
        return redirect("drafting:list")
    if request.method == "POST":
        form = forms.DraftForm(request.POST, request.FILES, **opts.form_kwargs())
        if form.is_valid():
            agency = next(a for a in opts.agencies if a.pk == form.cleaned_data["agency"])
            try:
                draft = services.draft_create(actor=request.user, agency=agency, data=_draft_input(form))
            except ValidationFailed as exc:
                add_domain_errors(form, exc, aliases={"files": "file"})
            except PermissionDenied as exc:
                form.add_error(None, exc.message)
            else:
                return _after_save(request, draft, created=True)
    else:
        form = forms.DraftForm(initial=_initial_for(request.user, opts, request), **opts.form_kwargs())
    return render(request, "drafting/form.html", {
        "form": form, "title": _("Soạn dự thảo văn bản"), "draft": None, **_picker_context(form, opts.agencies)})


def _after_save(request, draft: Draft, *, created: bool):
    if "save_submit" in request.POST:
        try:
            services.draft_submit(actor=request.user, draft=draft)
        except (ValidationFailed, PermissionDenied) as exc:
            messages.warning(request, _("Đã lưu dự thảo nhưng chưa trình được: %(e)s") % {"e": exc.message})
        else:
            messages.success(request, SAVED_AND_SUBMITTED % {
                "s": draft.get_state_display().lower()})
        return redirect("drafting:detail", draft_id=draft.pk)
    messages.success(request, str(SAVED) if created else
                     _("Đã lưu thay đổi."))
    return redirect("drafting:detail", draft_id=draft.pk)


@login_required
@require_http_methods(["GET", "POST"])
def draft_edit(request, draft_id: int):
    draft = _draft_or_404(request, draft_id)
    if not (draft.state == S.DRAFTING and selectors.may_act(request.user, draft)):
        return _forbidden(request, _("Chỉ người soạn thảo sửa được dự thảo khi dự thảo đang ở bước soạn thảo."),
                          draft=draft)
    opts = selectors.draft_form_options(user=request.user, draft=draft)
    if request.method == "POST":
        form = forms.DraftForm(request.POST, with_files=False, **opts.form_kwargs())
        if form.is_valid():
            try:
                services.draft_update(actor=request.user, draft=draft, data=_draft_input(form))
            except ValidationFailed as exc:
                add_domain_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, exc.message)
            else:
                return _after_save(request, draft, created=False)
    else:
        recipients = selectors.draft_recipient_ids(draft=draft)
        form = forms.DraftForm(with_files=False, initial={
            "agency": draft.agency_id, "document_type": draft.document_type_id, "subject": draft.subject,
            "urgency": draft.urgency, "secrecy": draft.secrecy, "unit": draft.unit_id,
            "unit_abbreviation": draft.unit_abbreviation, "reviewer": draft.reviewer_id, "signer": draft.signer_id,
            "signer_authority": draft.signer_authority, "signer_position": draft.signer_position,
            "recipients": recipients, "extra_recipients": draft.extra_recipients,
            "related_document": draft.related_document_id, "relation_kind": draft.relation_kind,
        }, **opts.form_kwargs())
    return render(request, "drafting/form.html", {
        "form": form, "title": _("Sửa dự thảo"), "draft": draft, **_picker_context(form, opts.agencies)})


def _forbidden(request, message, *, draft: Draft | None = None):
    return render(request, "drafting/forbidden.html", {"message": message, "draft": draft}, status=403)


# --- The draft's page and its steps -------------------------------------------------------------------

@dataclass
class _Action:
    form: type
    run: object  # (user, draft, cleaned_data) -> success message
    label: str
    needs_turn: bool = True


def _note(cd) -> str:
    return cd.get("note") or ""


def _submit(user, draft, cd):
    services.draft_submit(actor=user, draft=draft, note=_note(cd))
    return _("Đã trình dự thảo; bước tiếp theo: %(s)s.") % {"s": draft.get_state_display().lower()}


def _content_ok(user, draft, cd):
    services.draft_check_content(actor=user, draft=draft, note=_note(cd))
    return str(CONTENT_AGREED)


def _format_ok(user, draft, cd):
    services.draft_check_format(actor=user, draft=draft, note=_note(cd))
    return str(FORMAT_CHECKED)


def _approve(user, draft, cd):
    services.draft_approve(actor=user, draft=draft, note=_note(cd), urgency=cd.get("urgency"))
    return str(APPROVED)


def _approve_sign(user, draft, cd):
    services.draft_approve_and_sign(actor=user, draft=draft, method=cd["method"], uploads=cd.get("files") or [],
                                    options=_sign_options(cd), note=_note(cd), urgency=cd.get("urgency"))
    return str(APPROVED_AND_SIGNED)


def _return(user, draft, cd):
    services.draft_return(actor=user, draft=draft, reason=cd["reason"])
    return str(RETURNED)


def _sign_options(cd) -> dict:
    return {"pin": cd["pin"]} if cd.get("pin") else {}


def _sign(user, draft, cd):
    services.draft_sign(actor=user, draft=draft, method=cd["method"], uploads=cd.get("files") or [],
                        options=_sign_options(cd))
    return str(SIGNED)


def _number(user, draft, cd):
    doc = services.draft_number(actor=user, draft=draft, register_id=cd.get("register"))
    return NUMBERED % {"s": doc.number_symbol}


def _seal(user, draft, cd):
    services.draft_seal(actor=user, draft=draft, method=cd["method"], uploads=cd.get("files") or [],
                        issue=bool(cd.get("issue")), options=_sign_options(cd))
    if draft.state == S.ISSUED:
        return str(SEALED_AND_ISSUED)
    return _("Đã đóng dấu; văn bản chờ phát hành.")


def _issue(user, draft, cd):
    services.draft_issue(actor=user, draft=draft)
    return _("Đã phát hành văn bản.")


def _abandon(user, draft, cd):
    services.draft_abandon(actor=user, draft=draft, reason=cd["reason"])
    return _("Đã hủy dự thảo.")


def _upload(user, draft, cd):
    rows = services.draft_add_files(actor=user, draft=draft, uploads=cd.get("files") or [], role=cd["role"],
                                    note=cd.get("note") or "")
    if cd["role"] == FileRole.DRAFT and rows:
        return _("Đã thêm phiên bản %(v)s của dự thảo.") % {"v": rows[0].version}
    return _("Đã thêm %(n)s tệp kèm theo.") % {"n": len(rows)}


def _comment(user, draft, cd):
    services.draft_comment(actor=user, draft=draft, text=cd["text"])
    return _("Đã gửi ý kiến.")


ACTIONS: dict[str, _Action] = {
    "submit": _Action(forms.NoteForm, _submit, gettext_lazy("Trình")),
    "content_ok": _Action(forms.NoteForm, _content_ok, gettext_lazy("Đồng ý nội dung")),
    "format_ok": _Action(forms.NoteForm, _format_ok, gettext_lazy("Đạt thể thức, trình ký")),
    "approve_sign": _Action(forms.ApproveSignForm, _approve_sign, gettext_lazy("Duyệt và ký")),
    "approve": _Action(forms.ApproveForm, _approve, gettext_lazy("Duyệt")),
    "sign": _Action(forms.SignForm, _sign, gettext_lazy("Ký")),
    "number": _Action(forms.NumberForm, _number, gettext_lazy("Cấp số")),
    "seal": _Action(forms.SealForm, _seal, gettext_lazy("Đóng dấu")),
    "issue": _Action(forms.IssueForm, _issue, gettext_lazy("Phát hành")),
    "upload": _Action(forms.UploadForm, _upload, gettext_lazy("Tải lên")),
    "return": _Action(forms.ReturnForm, _return, gettext_lazy("Trả lại")),
    "abandon": _Action(forms.AbandonForm, _abandon, gettext_lazy("Hủy dự thảo")),
    "comment": _Action(forms.CommentForm, _comment, gettext_lazy("Gửi ý kiến"), needs_turn=False),
}
# What the person whose turn it is may do at each state (``services`` enforces the same rules).
# The page's action slugs for the services' step names (``selectors.available_steps``).
_SLUG_FOR_STEP = {"add_files": "upload", "check_content": "content_ok", "check_format": "format_ok"}


SECONDARY = ("upload", "return", "abandon")


def _secondary(actions: list[str]) -> tuple[str, ...]:
    """The actions folded under "more": with "Duyệt và ký" offered, approving alone is one of them."""
    return ("approve", *SECONDARY) if "approve_sign" in actions else SECONDARY


def available_actions(user, draft: Draft) -> list[str]:
    """The actions shown on the page: the steps ``user`` may take now, by their page slugs (editing
    the metadata is the separate edit page)."""
    actions = [_SLUG_FOR_STEP.get(step, step) for step in selectors.available_steps(user=user, draft=draft)
               if step != "update"]
    if "approve" in actions:  # the signer may approve and sign in one step ("Duyệt và ký", issue 18)
        actions.insert(actions.index("approve"), "approve_sign")
    return actions


def _signing_methods(user, draft: Draft, action: str) -> dict:
    if draft.state == S.SIGNING and user.pk != draft.signer_id:  # the văn thư attaches a paper scan only
        return {k: m for k, m in offered_methods(actor=user, agency=draft.agency, step="sign").items()
                if k == "paper"}
    return offered_methods(actor=user, agency=draft.agency, step=action)


def remote_command(request, user, draft: Draft, action: str) -> str:
    """The command that signs this step with a USB token (the client of ``signing.client``)."""
    base = request.build_absolute_uri("/").rstrip("/") if request is not None else "http://localhost:8000"
    return (f"python -m lienthong.signing.client --url {base} --username {user.get_username()} "
            f"--draft {draft.pk} --step {action} --p12 <tệp .p12>")


def _make_form(action: str, user, draft: Draft, data=None, files=None, request=None):
    form_class = ACTIONS[action].form
    kwargs = {"prefix": action}
    if action in ("sign", "seal", "approve_sign"):
        step = "seal" if action == "seal" else "sign"
        kwargs["methods"] = _signing_methods(user, draft, step)
        if action == "approve_sign":  # a USB token signs through its own program, after the approval
            kwargs["methods"] = {k: m for k, m in kwargs["methods"].items() if k != "remote"}
        else:
            kwargs["remote_command"] = remote_command(request, user, draft, action)
        kwargs["preferred"] = preferred_method(actor=user, agency=draft.agency, step=step,
                                               offered=kwargs["methods"])
    if action == "number":
        kwargs["registers"] = selectors.numbering_registers(user=user, draft=draft)
    if action in ("approve", "approve_sign") and data is None:
        kwargs["initial"] = {"urgency": draft.urgency}
    if action == "seal" and data is None:  # urgent documents go out as soon as they are sealed
        kwargs["initial"] = {"issue": draft.urgency != "normal"}
    return form_class(data, files, **kwargs)


def _flow(draft: Draft) -> list[dict]:
    """The step indicator: every step of the flow with who acts and whether it is done or current."""
    clerk = _("Văn thư")
    who = {S.DRAFTING: str(draft.created_by), S.CONTENT_REVIEW: str(draft.reviewer or ""),
           S.FORMAT_CHECK: clerk, S.APPROVAL: str(draft.signer), S.SIGNING: str(draft.signer),
           S.TO_NUMBER: clerk, S.TO_SEAL: clerk, S.TO_ISSUE: clerk, S.ISSUED: ""}
    # A signer who is also the content reviewer checks the content with the approval (services.draft_submit).
    merged = draft.reviewer_id is not None and draft.reviewer_id == draft.signer_id
    steps = [(state, CONTENT_AND_APPROVAL if merged and state == S.APPROVAL else label) for state, label in FLOW
             if state != S.CONTENT_REVIEW or (draft.reviewer_id and not merged)]
    order = [state for state, _label in steps]
    current = order.index(draft.state) if draft.state in order else -1
    return [{"label": label, "who": who[state],
             "status": "abandoned" if current < 0 else "done" if i < current or draft.state == S.ISSUED
             else "current" if i == current else "todo"}
            for i, (state, label) in enumerate(steps)]


def _signature_block(draft: Draft) -> tuple[list[str], str]:
    """The signature block built from the signer's authority on record, or why it has none (rule 6)."""
    day = draft.document.issued_on if draft.document_id else timezone.localdate()
    try:
        return signature_block(draft.signer, draft.signer_authority, draft.agency, day,
                               document_type_id=draft.document_type_id,
                               position_title=draft.signer_position), ""
    except ValidationFailed as exc:
        return [], " ".join(str(m) for msgs in exc.errors.values() for m in msgs)


def _render_detail(request, draft: Draft, *, failed: tuple | None = None, status: int = 200):
    detail = selectors.draft_detail(draft=draft)
    actions = available_actions(request.user, draft)
    action_forms = {a: _make_form(a, request.user, draft, request=request) for a in actions}
    page_error = None
    if failed:
        name, form, error = failed
        if name in action_forms:
            action_forms[name] = form
        else:
            page_error = error or next(iter(form.errors.values()), [None])[0]
    files = detail["files"]
    groups = [(FileRole(role).label, [f for f in files if f.role == role])
              for role in (FileRole.DRAFT, FileRole.ATTACHMENT, FileRole.SIGNED, FileRole.SEALED)]
    steps = [dict(step=s, label=STEP_LABELS.get(s.action, s.action)) for s in detail["steps"]]
    open_action = failed[0] if failed else None

    def entries(codes):
        return [{"code": c, "label": ACTIONS[c].label, "form": action_forms[c], "open": c == open_action}
                for c in codes if c in action_forms]

    return render(request, "drafting/detail.html", {
        "draft": draft, "flow": _flow(draft), "file_groups": [g for g in groups if g[1]],
        "comments": detail["comments"], "steps": steps, "recipients": detail["recipients"],
        "main_actions": entries([a for a in actions if a not in _secondary(actions) and a != "comment"]),
        "more_actions": entries(_secondary(actions)),
        "comment_form": action_forms.get("comment"), "page_error": page_error,
        "can_edit": draft.state == S.DRAFTING and "submit" in actions,
        "signature_block": _signature_block(draft),
    }, status=status)


@login_required
@require_GET
def draft_detail(request, draft_id: int):
    """The draft page; every opening is logged (VIEWED): vanthu.md §7 rule 11 asks for views of drafts too."""
    draft = _draft_or_404(request, draft_id)
    services.draft_record_view(actor=request.user, draft=draft)
    return _render_detail(request, draft)


@login_required
@require_POST
def draft_act(request, draft_id: int, action: str):
    draft = _draft_or_404(request, draft_id)
    if action not in ACTIONS:
        raise Http404(_("Không có thao tác này."))
    form = _make_form(action, request.user, draft, data=request.POST, files=request.FILES, request=request)
    if not form.is_valid():
        return _render_detail(request, draft, failed=(action, form, None), status=422)
    try:
        message = ACTIONS[action].run(request.user, draft, form.cleaned_data)
    except PermissionDenied as exc:
        form.add_error(None, exc.message)
        return _render_detail(request, draft, failed=(action, form, exc.message), status=403)
    except ValidationFailed as exc:
        add_domain_errors(form, exc)
        return _render_detail(request, draft, failed=(action, form, exc.message), status=422)
    messages.success(request, message)
    anchor = "#y-kien" if action == "comment" else ""
    return redirect(reverse("drafting:detail", args=[draft.pk]) + anchor)


@login_required
@require_GET
@xframe_options_sameorigin
def draft_file(request, draft_id: int, file_id: int):
    """A file of a draft, only to people who see the draft (``draft_get``); every download is logged."""
    draft = _draft_or_404(request, draft_id)
    try:
        df = selectors.draft_file_get(draft=draft, file_id=file_id)
    except NotFound:
        raise Http404(_("Không tìm thấy tệp.")) from None
    services.draft_file_record_download(actor=request.user, draft=draft,
                                        summary=_("Tải tệp dự thảo: %(f)s") % {"f": df.filename[:200]})
    return original_response(stored_file=df.stored_file, filename=df.filename, inline=request.GET.get("inline") == "1")


urlpatterns = [
    path("", draft_list, name="list"),
    path("tao/", draft_create, name="create"),
    path("<int:draft_id>/", draft_detail, name="detail"),
    path("<int:draft_id>/sua/", draft_edit, name="edit"),
    path("<int:draft_id>/thao-tac/<slug:action>/", draft_act, name="act"),
    path("<int:draft_id>/tep/<int:file_id>/", draft_file, name="file"),
]
