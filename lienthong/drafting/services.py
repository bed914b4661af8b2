"""Writes on drafts: the outgoing flow of NĐ30 Art. 10–19 (vanthu.md §4.1).

    drafting ─submit→ content_review ─→ format_check ─→ approval ─→ signing ─sign→ to_number
        ↑                 │                  │              │           │            │ number (register)
        └──── return ─────┴──────────────────┴──────────────┴───────────┘         to_seal
                                                                                     │ seal (agency)
                                                                                  to_issue ─issue→ issued

Each move is a conditional ``UPDATE … WHERE state = <expected>``: of two people acting on the same
draft at once, one moves it and the other is told it has moved on. Every move leaves a
``DraftStep`` and an audit entry. Only the person whose turn it is may act: the unit head for the
content check, a văn thư of the agency for the format check, numbering, sealing and issue, the
signer for approval and signature; anyone of them may return the draft with a reason. A signer who is also the
content reviewer checks the content with the approval, and may approve and sign in one step
(``draft_approve_and_sign``).

Longer than 600 lines because the whole flow, each step next to the ones it hands over to, reads as one state machine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Role
from lienthong.agencies.models import Agency, Unit
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.authority import selectors as authority_selectors
from lienthong.core.choices import Urgency
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.core.text import nfc
from lienthong.delivery import selectors as delivery_selectors
from lienthong.delivery import services as delivery_services
from lienthong.documents import notation
from lienthong.documents import services as document_services
from lienthong.documents.models import Document, DocumentType, RelationKind, Secrecy, SignerAuthority
from lienthong.documents.selectors import document_get
from lienthong.drafting.models import Draft, DraftComment, DraftFile, DraftRecipient, DraftState, DraftStep, FileRole
from lienthong.drafting.selectors import CLERK_STATES, CLOSED_STATES, SIGNER_STATES, draft_get, is_clerk_of, may_act
from lienthong.notifications import services as notification_services
from lienthong.signing.methods import SignRequest, method_get

S = DraftState
# Who may return the draft: whoever acts at these states (``selectors.may_act``).
_RETURNABLE = (S.CONTENT_REVIEW, S.FORMAT_CHECK, S.APPROVAL, S.SIGNING)

# Messages users see (the forms and the tests use these constants rather than copies of the text).
WRONG_STEP = gettext_lazy("Không thể %(a)s khi dự thảo đang ở bước “%(s)s”.")
NOT_YOUR_STEP = gettext_lazy("Bước “%(s)s” không thuộc thẩm quyền của bạn.")
MOVED_ON = gettext_lazy("Dự thảo vừa được người khác chuyển sang bước khác. Vui lòng tải lại trang.")
SIGNER_NOT_LEADER = gettext_lazy("Người ký phải là lãnh đạo của cơ quan ban hành.")
BAD_UNIT_ABBREVIATION = gettext_lazy("Chữ viết tắt đơn vị không hợp lệ (ví dụ: VX, KT, TCCB).")
RELATION_INCOMPLETE = gettext_lazy(
    "Văn bản sửa đổi, thay thế hoặc đính chính cần chọn cả văn bản liên quan và loại quan hệ.")
COMMENT_EMPTY = gettext_lazy("Ý kiến không được để trống.")
COMMENTS_CLOSED = gettext_lazy("Dự thảo đã kết thúc, không nhận thêm ý kiến.")
RETURN_REASON_REQUIRED = gettext_lazy("Cần nêu lý do trả lại.")
ABANDON_REASON_REQUIRED = gettext_lazy("Cần nêu lý do hủy dự thảo.")


@dataclass
class DraftInput:
    document_type: DocumentType | None
    subject: str
    signer_id: int | None
    reviewer_id: int | None = None
    unit_id: int | None = None
    urgency: str = Urgency.NORMAL
    secrecy: str = Secrecy.NORMAL
    signer_authority: str = ""
    signer_position: str = ""
    unit_abbreviation: str = ""
    extra_recipients: str = ""
    related_document_id: int | None = None
    relation_kind: str = ""
    recipient_ids: list[int] = field(default_factory=list)
    recipient_list_ids: list[int] = field(default_factory=list)
    files: list = field(default_factory=list)
    attachments: list = field(default_factory=list)


# --- Whose turn it is (the rule itself is ``selectors.may_act``) ----------------------------------------

def expected_actor_ids(draft: Draft) -> list[int]:
    """The people whose turn it is (notified when the draft reaches them)."""
    if draft.state == S.DRAFTING:
        return [draft.created_by_id]
    if draft.state == S.CONTENT_REVIEW:  # reached only with a reviewer (draft_submit)
        return [draft.reviewer_id] if draft.reviewer_id is not None else []
    if draft.state in SIGNER_STATES:
        return [draft.signer_id]
    if draft.state in CLERK_STATES:
        return list(account_selectors.agency_people(agency_id=draft.agency_id, roles=[Role.CLERK])
                    .values_list("user_id", flat=True))
    return []


def _require_turn(actor, draft: Draft, allowed_states, action_label: str) -> None:
    if draft.state not in allowed_states:
        raise ValidationFailed({"state": [WRONG_STEP % {"a": action_label, "s": draft.get_state_display()}]})
    if not may_act(actor, draft):
        raise PermissionDenied(NOT_YOUR_STEP % {"s": draft.get_state_display()})


def _move(*, actor, draft: Draft, to_state: str, action: str, note: str = "", summary: str = "") -> None:
    """Move ``draft`` from its current state to ``to_state`` unless someone else moved it first."""
    now = timezone.now()
    moved = Draft.objects.filter(pk=draft.pk, state=draft.state).update(
        state=to_state, state_changed_at=now, updated_at=now)
    if not moved:
        raise ValidationFailed({"state": [str(MOVED_ON)]})
    DraftStep.objects.create(draft=draft, action=action, from_state=draft.state, to_state=to_state, actor=actor,
                             note=note)
    audit_log(actor=actor, action=AuditAction.TRANSITION, obj_type="draft", obj_id=draft.pk, agency_id=draft.agency_id,
              summary=summary or f"{S(draft.state).label} → {S(to_state).label}",
              details={"note": note} if note else None)
    draft.state, draft.state_changed_at = to_state, now
    transaction.on_commit(lambda: _notify_turn(draft.pk, actor_id=actor.pk))


def _notify_turn(draft_id: int, *, actor_id: int | None = None) -> None:
    """Tell the people whose turn it now is, except the person who just took the step (a văn thư who numbers
    the document is one of the văn thư who seal it: being told of one's own step is noise)."""
    draft = Draft.objects.filter(pk=draft_id).first()
    if draft is None or draft.state in CLOSED_STATES:
        return
    user_ids = [u for u in expected_actor_ids(draft) if u != actor_id]
    if not user_ids:
        return
    title = (_("Dự thảo trả lại: %(s)s") if draft.state == S.DRAFTING else _("Dự thảo %(st)s: %(s)s")) % {
        "s": draft.subject[:150], "st": draft.get_state_display().lower()}
    notification_services.notify(user_ids=user_ids, kind="draft", title=title,
                                 url=reverse("drafting:detail", args=[draft.pk]),
                                 dedupe_key=f"draft:{draft.pk}:{draft.state}:{draft.state_changed_at:%Y%m%d%H%M%S%f}")


# --- Validation -----------------------------------------------------------------------------------

def _validate(data: DraftInput, agency: Agency, errors: dict) -> None:
    data.subject = nfc(data.subject)
    data.signer_position = nfc(data.signer_position)
    data.unit_abbreviation = nfc(data.unit_abbreviation)
    data.extra_recipients = nfc(data.extra_recipients)
    document_services.check_metadata(errors, document_type=data.document_type, subject=data.subject,
                                     urgency=data.urgency, secrecy=data.secrecy,
                                     signer_authority=data.signer_authority)
    leaders = account_selectors.agency_people(agency_id=agency.pk, roles=[Role.LEADER])
    # A TL./TUQ. signer need not lead the agency: the written grant decides (checked just below).
    by_grant = data.signer_authority in (SignerAuthority.TL, SignerAuthority.TUQ)
    if not data.signer_id or not (by_grant or leaders.filter(user_id=data.signer_id).exists()):
        errors.setdefault("signer", []).append(str(SIGNER_NOT_LEADER))
    elif "signer_authority" not in errors:
        _check_authority(signer_id=data.signer_id, authority=data.signer_authority, agency=agency,
                         document_type=data.document_type, errors=errors)
    if data.reviewer_id and not leaders.filter(user_id=data.reviewer_id).exists():
        errors.setdefault("reviewer", []).append(_("Người kiểm tra nội dung phải là lãnh đạo của cơ quan."))
    if data.unit_id and not Unit.objects.filter(pk=data.unit_id, agency=agency, is_active=True).exists():
        errors.setdefault("unit", []).append(_("Đơn vị soạn thảo không thuộc cơ quan."))
    # Checked again at numbering; here so that a draft is not signed with a ký hiệu that cannot be built.
    if data.unit_abbreviation and not notation.is_abbreviation(data.unit_abbreviation):
        errors.setdefault("unit_abbreviation", []).append(str(BAD_UNIT_ABBREVIATION))
    if bool(data.related_document_id) != bool(data.relation_kind):
        errors.setdefault("related_document", []).append(str(RELATION_INCOMPLETE))
    elif data.relation_kind and data.relation_kind not in RelationKind.values:
        errors.setdefault("related_document", []).append(_("Loại quan hệ không hợp lệ."))


def _check_authority(*, signer_id: int, authority: str, agency: Agency, document_type, errors: dict,
                     on_date: dt.date | None = None) -> None:
    """The signer's authority prefix must rest on the record (vanthu.md §7 rule 6; NĐ30 Art. 13): TM./KT.
    on the signer's position, Q. on an acting appointment, TL./TUQ. on a written grant in force."""
    try:
        authority_selectors.authority_basis(
            signer_id=signer_id, authority=authority, agency=agency, on_date=on_date or timezone.localdate(),
            document_type_id=document_type.pk if document_type is not None else None)
    except ValidationFailed as exc:
        for msgs in exc.errors.values():
            errors.setdefault("signer_authority", []).extend(msgs)


def _require_authority(draft: Draft) -> None:
    """Checked again when the signer signs: a grant may have ended since the draft was written."""
    errors: dict[str, list] = {}
    _check_authority(signer_id=draft.signer_id, authority=draft.signer_authority, agency=draft.agency,
                     document_type=draft.document_type, errors=errors)
    if errors:
        raise ValidationFailed(errors)


def _related_document(actor, data: DraftInput, errors: dict) -> Document | None:
    """The document this draft amends, replaces, corrects or answers: one the actor can see."""
    if not data.related_document_id:
        return None
    try:
        return document_get(user=actor, document_id=data.related_document_id)
    except NotFound:
        errors.setdefault("related_document", []).append(
            _("Không tìm thấy văn bản liên quan hoặc bạn không có quyền xem."))
        return None


def _recipients(draft_agency: Agency, data: DraftInput, errors: dict) -> tuple[list[int], str]:
    """Recipient agency ids in order, and the printed "Nơi nhận" (saved lists print under their name)."""
    try:
        chosen = delivery_selectors.recipients_resolve(
            sender_agency_id=draft_agency.pk, agency_ids=data.recipient_ids, list_ids=data.recipient_list_ids)
    except ValidationFailed as exc:
        for msgs in exc.errors.values():
            errors.setdefault("recipients", []).extend(msgs)
        return [], ""
    lines = [f"- {label};" for label in chosen.labels]
    lines += [f"- {line.strip().lstrip('-').strip().rstrip(';.')};" for line in data.extra_recipients.splitlines()
              if line.strip()]
    if lines:
        lines[-1] = lines[-1][:-1] + "."
    return chosen.agency_ids, "\n".join([_("Nơi nhận:")] + lines) if lines else ""


# --- Creating and editing -------------------------------------------------------------------------

def draft_create(*, actor, agency: Agency, data: DraftInput) -> Draft:
    """A new draft by a person of ``agency`` (the drafter), with its first version and recipients."""
    if agency.pk not in account_selectors.position_agencies(user=actor).all_ids:
        raise PermissionDenied(_("Bạn chỉ soạn thảo được văn bản của cơ quan mình."))
    errors: dict[str, list] = {}
    _validate(data, agency, errors)
    related = _related_document(actor, data, errors)
    recipient_ids, recipients_text = _recipients(agency, data, errors)
    main = _read(data.files, "files", errors)
    attachments = _read(data.attachments, "attachments", errors)
    if errors:
        raise ValidationFailed(errors)
    assert data.document_type is not None and data.signer_id is not None  # _validate refused them missing
    written: list[str] = []
    try:
        with transaction.atomic():
            draft = Draft.objects.create(
                agency=agency, unit_id=data.unit_id, document_type=data.document_type, subject=data.subject,
                urgency=data.urgency, secrecy=data.secrecy, unit_abbreviation=data.unit_abbreviation,
                reviewer_id=data.reviewer_id, signer_id=data.signer_id, signer_authority=data.signer_authority,
                signer_position=data.signer_position, extra_recipients=data.extra_recipients,
                recipients_text=recipients_text, related_document=related, relation_kind=data.relation_kind,
                created_by=actor,
            )
            DraftRecipient.objects.bulk_create(
                DraftRecipient(draft=draft, agency_id=a, order=i) for i, a in enumerate(recipient_ids))
            _store(draft, main, FileRole.DRAFT, actor, written)
            _store(draft, attachments, FileRole.ATTACHMENT, actor, written)
            audit_log(actor=actor, action=AuditAction.CREATED, obj_type="draft", obj_id=draft.pk,
                      agency_id=agency.pk, summary=_("Tạo dự thảo: %(s)s") % {"s": draft.subject[:200]})
        return draft
    except BaseException:
        document_services.files_discard(written)
        raise


def draft_update(*, actor, draft: Draft, data: DraftInput) -> Draft:
    """Change the metadata and recipients while the draft is with its drafter."""
    _require_turn(actor, draft, (S.DRAFTING,), _("sửa"))
    errors: dict[str, list] = {}
    _validate(data, draft.agency, errors)
    related = _related_document(actor, data, errors)
    recipient_ids, recipients_text = _recipients(draft.agency, data, errors)
    if errors:
        raise ValidationFailed(errors)
    assert data.signer_id is not None  # _validate refused a missing signer
    with transaction.atomic():
        for name in ("document_type", "subject", "urgency", "secrecy", "unit_abbreviation", "signer_authority",
                     "signer_position", "extra_recipients", "relation_kind"):
            setattr(draft, name, getattr(data, name))
        draft.unit_id, draft.reviewer_id, draft.signer_id = data.unit_id, data.reviewer_id, data.signer_id
        draft.related_document, draft.recipients_text = related, recipients_text
        draft.save()
        DraftRecipient.objects.filter(draft=draft).delete()
        DraftRecipient.objects.bulk_create(
            DraftRecipient(draft=draft, agency_id=a, order=i) for i, a in enumerate(recipient_ids))
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="draft", obj_id=draft.pk,
                  agency_id=draft.agency_id, summary=_("Sửa thông tin dự thảo"))
    return draft


def _read(uploads, field_name: str, errors: dict) -> list:
    try:
        return document_services.files_read(uploads, field_name=field_name)
    except ValidationFailed as exc:
        for name, msgs in exc.errors.items():
            errors.setdefault(name, []).extend(msgs)
        return []


def _store(draft: Draft, read: list, role: str, actor, written: list[str], note: str = "") -> list[DraftFile]:
    if not read:
        return []
    stored = document_services.files_store(read, written=written)
    version = 1
    if role == FileRole.DRAFT:
        last = DraftFile.objects.filter(draft=draft, role=role).order_by("-version").values_list("version", flat=True)
        version = (last.first() or 0) + 1
    return DraftFile.objects.bulk_create(
        DraftFile(draft=draft, stored_file=s, role=role, version=version, filename=f.name, note=nfc(note)[:500],
                  uploaded_by=actor)
        for f, s in zip(read, stored, strict=True))


def draft_add_files(*, actor, draft: Draft, uploads, role: str = FileRole.DRAFT, note: str = "") -> list[DraftFile]:
    """A new version of the draft (or attachments), by whoever holds the draft at this step before signature."""
    if role not in (FileRole.DRAFT, FileRole.ATTACHMENT):
        raise ValidationFailed({"role": [_("Loại tệp không hợp lệ.")]})
    _require_turn(actor, draft, (S.DRAFTING, *_RETURNABLE), _("thêm phiên bản"))
    errors: dict[str, list] = {}
    read = _read(uploads, "files", errors)
    if not read and not errors:
        errors["files"] = [_("Chưa chọn tệp.")]
    if errors:
        raise ValidationFailed(errors)
    written: list[str] = []
    try:
        with transaction.atomic():
            rows = _store(draft, read, role, actor, written, note)
            Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
            audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="draft", obj_id=draft.pk,
                      agency_id=draft.agency_id, summary=_("Thêm %(n)s tệp (%(r)s)") % {
                          "n": len(rows), "r": FileRole(role).label})
        return rows
    except BaseException:
        document_services.files_discard(written)
        raise


def draft_record_view(*, actor, draft: Draft) -> None:
    """An opening of the draft's page, logged: vanthu.md §7 rule 11 asks for views of drafts too."""
    audit_log(actor=actor, action=AuditAction.VIEWED, obj_type="draft", obj_id=draft.pk, agency_id=draft.agency_id,
              summary=_("Xem dự thảo"), read_only=True)


def draft_file_record_download(*, actor, draft: Draft, summary: str) -> None:
    """A download of one of the draft's files, logged with ``summary`` (the file's name, as the caller words it)."""
    audit_log(actor=actor, action=AuditAction.DOWNLOADED, obj_type="draft", obj_id=draft.pk, agency_id=draft.agency_id,
              summary=summary, read_only=True)


def draft_comment(*, actor, draft: Draft, text: str) -> DraftComment:
    draft_get(user=actor, draft_id=draft.pk)  # only people who see the draft comment on it
    text = nfc(text)
    if not text:
        raise ValidationFailed({"text": [str(COMMENT_EMPTY)]})
    if draft.state in CLOSED_STATES:
        raise ValidationFailed({"text": [str(COMMENTS_CLOSED)]})
    version = DraftFile.objects.filter(draft=draft, role=FileRole.DRAFT).order_by("-version").values_list(
        "version", flat=True).first()
    comment = DraftComment.objects.create(draft=draft, author=actor, text=text[:4000], version=version)
    audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="draft", obj_id=draft.pk, agency_id=draft.agency_id,
              summary=_("Góp ý dự thảo"))
    return comment


# --- The flow -------------------------------------------------------------------------------------

@transaction.atomic
def draft_submit(*, actor, draft: Draft, note: str = "") -> Draft:
    """The drafter sends the draft on: to the unit head if one is named, else to the format check."""
    _require_turn(actor, draft, (S.DRAFTING,), _("trình"))
    errors = {}
    if not DraftFile.objects.filter(draft=draft, role=FileRole.DRAFT).exists():
        errors["files"] = [_("Cần đính kèm tệp dự thảo trước khi trình.")]
    if not DraftRecipient.objects.filter(draft=draft).exists() and not draft.extra_recipients.strip():
        errors["recipients"] = [_("Cần chọn nơi nhận trước khi trình.")]
    if errors:
        raise ValidationFailed(errors)
    # A content reviewer who is also the signer checks the content when approving (``_content_with_approval``):
    # NĐ30 does not fix the order of the checks, and one person need not open the draft three times.
    target = S.CONTENT_REVIEW if draft.reviewer_id and draft.reviewer_id != draft.signer_id else S.FORMAT_CHECK
    _move(actor=actor, draft=draft, to_state=target, action="submit", note=nfc(note))
    return draft


@transaction.atomic
def draft_check_content(*, actor, draft: Draft, note: str = "") -> Draft:
    _require_turn(actor, draft, (S.CONTENT_REVIEW,), _("kiểm tra nội dung"))
    _move(actor=actor, draft=draft, to_state=S.FORMAT_CHECK, action="content_ok", note=nfc(note))
    return draft


@transaction.atomic
def draft_check_format(*, actor, draft: Draft, note: str = "") -> Draft:
    _require_turn(actor, draft, (S.FORMAT_CHECK,), _("kiểm tra thể thức"))
    _move(actor=actor, draft=draft, to_state=S.APPROVAL, action="format_ok", note=nfc(note))
    return draft


@transaction.atomic
def draft_approve(*, actor, draft: Draft, note: str = "", urgency: str | None = None) -> Draft:
    """The signer approves the draft (NĐ30 Art. 11) and decides the urgency (PL1 §III.2b)."""
    _require_turn(actor, draft, (S.APPROVAL,), _("duyệt"))
    _approve(actor, draft, note=note, urgency=urgency)
    return draft


def _approve(actor, draft: Draft, *, note: str, urgency: str | None) -> None:
    if urgency and urgency != draft.urgency:
        if urgency not in Urgency.values:
            raise ValidationFailed({"urgency": [_("Độ khẩn không hợp lệ.")]})
        Draft.objects.filter(pk=draft.pk).update(urgency=urgency)
        draft.urgency = urgency
    _content_with_approval(actor, draft)
    _move(actor=actor, draft=draft, to_state=S.SIGNING, action="approve", note=nfc(note))


def _content_with_approval(actor, draft: Draft) -> None:
    """When the content reviewer is the signer, the content check is recorded with the approval (its own step
    in the history and the audit log), unless it was recorded since the draft was last submitted."""
    if draft.reviewer_id is None or draft.reviewer_id != draft.signer_id:
        return
    last_submit = DraftStep.objects.filter(draft=draft, action="submit").order_by("-at", "-id").first()
    done = DraftStep.objects.filter(draft=draft, action="content_ok")
    if last_submit is not None:
        done = done.filter(id__gt=last_submit.pk)
    if done.exists():
        return
    DraftStep.objects.create(draft=draft, action="content_ok", from_state=draft.state, to_state=draft.state,
                             actor=actor)
    audit_log(actor=actor, action=AuditAction.TRANSITION, obj_type="draft", obj_id=draft.pk, agency_id=draft.agency_id,
              summary=_("Đồng ý nội dung (người ký kiểm tra nội dung khi duyệt)"))


def draft_approve_and_sign(*, actor, draft: Draft, method: str = "paper", uploads=(), options: dict | None = None,
                           note: str = "", urgency: str | None = None) -> Draft:
    """"Duyệt và ký": the signer approves and signs in one step (issue 18). The history and the audit log keep
    each step: the content check (when the signer is also the content reviewer), the approval, the signature.
    Nothing moves unless the signature is made (a wrong PIN leaves the draft waiting for approval)."""
    if method == "remote":
        raise ValidationFailed({"method": [_("Ký bằng USB token: hãy duyệt trước, rồi ký bằng chương trình ký.")]})
    signing = method_get(method)
    _require_turn(actor, draft, (S.APPROVAL,), _("duyệt và ký"))

    def approve_first():
        _approve(actor, draft, note=note, urgency=urgency)
        draft.state = S.SIGNING

    return _sign_and_store(actor, draft, signing, uploads=uploads, options=options, before=approve_first)


def _sign_and_store(actor, draft: Draft, signing, *, uploads, options: dict | None, before=None) -> Draft:
    """The personal signature over the draft's files, stored as the signed original and the draft moved to
    numbering; ``before`` runs first in the same transaction. The signature is made before anything is
    written, and files already written are discarded if the transaction fails."""
    _require_authority(draft)
    errors: dict[str, list] = {}
    read = _read(uploads, "files", errors)
    if errors:
        raise ValidationFailed(errors)
    result = signing.sign_personal(SignRequest(actor=actor, agency=draft.agency, uploads=read,
                                               current_files=_current(draft, (FileRole.DRAFT,)),
                                               options=options or {}, draft=draft))
    written: list[str] = []
    try:
        with transaction.atomic():
            if before is not None:
                before()
            _store(draft, result.files, FileRole.SIGNED, actor, written)
            _move(actor=actor, draft=draft, to_state=S.TO_NUMBER, action="sign", note=result.summary,
                  summary=result.summary)
        return draft
    except BaseException:
        document_services.files_discard(written)
        raise


def draft_return(*, actor, draft: Draft, reason: str) -> Draft:
    """Any reviewer sends the draft back to its drafter with the reason (kept as a comment)."""
    _require_turn(actor, draft, _RETURNABLE, _("trả lại"))
    reason = nfc(reason)
    if not reason:
        raise ValidationFailed({"reason": [str(RETURN_REASON_REQUIRED)]})
    with transaction.atomic():
        _move(actor=actor, draft=draft, to_state=S.DRAFTING, action="return", note=reason)
        DraftComment.objects.create(draft=draft, author=actor, text=reason[:4000])
    return draft


def draft_abandon(*, actor, draft: Draft, reason: str) -> Draft:
    _require_turn(actor, draft, (S.DRAFTING,), _("hủy"))
    reason = nfc(reason)
    if not reason:
        raise ValidationFailed({"reason": [str(ABANDON_REASON_REQUIRED)]})
    with transaction.atomic():
        _move(actor=actor, draft=draft, to_state=S.ABANDONED, action="abandon", note=reason)
    return draft


def _current(draft: Draft, roles) -> list:
    """The draft's files of ``roles`` (latest version of the main file, all attachments) as ReadFiles."""
    rows = list(DraftFile.objects.filter(draft=draft, role__in=roles).select_related("stored_file")
                .order_by("role", "-version", "id"))
    out, seen_main = [], False
    for row in rows:
        if row.role == FileRole.DRAFT:
            if seen_main:
                continue
            seen_main = True
        out.append(document_services.stored_file_read(stored_file=row.stored_file, filename=row.filename))
    return out


def _latest_role(draft: Draft) -> str:
    """The role of the file that is the original at this point (sealed > signed > draft)."""
    roles = set(DraftFile.objects.filter(draft=draft).values_list("role", flat=True))
    for role in (FileRole.SEALED, FileRole.SIGNED, FileRole.DRAFT):
        if role in roles:
            return role
    return FileRole.DRAFT


def draft_check_turn(*, actor, draft: Draft, step: str) -> None:
    """Raise unless ``actor`` may take ``step`` ("sign": the signer's signature, "seal": the agency's)
    on ``draft`` now — the check ``draft_sign`` / ``draft_seal`` make, for a digital signature prepared
    before the step is taken (remote token signing)."""
    if step == "sign":
        _require_turn(actor, draft, (S.SIGNING,), _("ký"))
        _require_authority(draft)
    elif step == "seal":
        _require_turn(actor, draft, (S.TO_SEAL,), _("đóng dấu"))
    else:
        raise ValidationFailed({"step": [_("Bước ký không hợp lệ.")]})


def draft_files_to_sign(*, draft: Draft, step: str, with_attachments: bool = True) -> tuple[list, list]:
    """The files a signing step signs, as ReadFiles: ([the main file], [separate attachments]).
    "sign": the latest version of the draft; "seal": the personally signed original and the attachments."""
    if step == "sign":
        return _current(draft, (FileRole.DRAFT,)), []
    return (_current(draft, (FileRole.SIGNED,)),
            _current(draft, (FileRole.ATTACHMENT,)) if with_attachments else [])


def draft_sign(*, actor, draft: Draft, method: str = "paper", uploads=(), options: dict | None = None) -> Draft:
    """The competent person's signature (NĐ30 Art. 13). On paper, the signer or a văn thư attaches the scan."""
    signing = method_get(method)
    paper_by_clerk = method == "paper" and is_clerk_of(actor, draft.agency_id)
    if not (draft.state == S.SIGNING and paper_by_clerk):
        _require_turn(actor, draft, (S.SIGNING,), _("ký"))
    return _sign_and_store(actor, draft, signing, uploads=uploads, options=options)


def draft_number(*, actor, draft: Draft, register_id: int | None = None, today: dt.date | None = None) -> Document:
    """The văn thư takes the number and date from the register (NĐ30 Art. 15–16): the signed original
    and the attachments become the outgoing document's files."""
    _require_turn(actor, draft, (S.TO_NUMBER,), _("cấp số"))
    signer = draft.signer
    files = _current(draft, (FileRole.SIGNED, FileRole.ATTACHMENT))
    data = document_services.DocumentInput(
        document_type=draft.document_type, subject=draft.subject, issued_on=today or timezone.localdate(),
        urgency=draft.urgency, secrecy=draft.secrecy, signer_authority=draft.signer_authority,
        signer_position=draft.signer_position, signer_name=signer.full_name or signer.get_username(),
        recipients_text=draft.recipients_text, files=files,
    )
    with transaction.atomic():
        document = document_services.document_register_outgoing(
            actor=actor, agency=draft.agency, data=data, unit_abbreviation=draft.unit_abbreviation,
            register_id=register_id, today=today)
        Draft.objects.filter(pk=draft.pk).update(document=document)
        draft.document = document
        if draft.related_document is not None:
            document_services.document_relate(source=document, target=draft.related_document,
                                               kind=draft.relation_kind)
        if draft.secrecy != Secrecy.NORMAL:
            document_services.document_grant(document_id=document.pk,
                                             user_ids=[u for u in (draft.created_by_id, draft.reviewer_id) if u])
        _move(actor=actor, draft=draft, to_state=S.TO_SEAL, action="number",
              summary=_("Cấp số %(s)s") % {"s": document.number_symbol})
    return document


def draft_seal(*, actor, draft: Draft, method: str = "paper", uploads=(), issue: bool = False,
               options: dict | None = None) -> Draft:
    """The agency's seal or digital signature, only on a document its competent person has signed
    (NĐ30 Art. 17). With ``issue`` the document goes out in the same step (urgent documents)."""
    signing = method_get(method)
    _require_turn(actor, draft, (S.TO_SEAL,), _("đóng dấu"))
    errors: dict[str, list] = {}
    read = _read(uploads, "files", errors)
    if errors:
        raise ValidationFailed(errors)
    document = _numbered_document(draft)
    main, attachments = draft_files_to_sign(draft=draft, step="seal", with_attachments=method != "paper")
    result = signing.sign_agency(SignRequest(
        actor=actor, agency=draft.agency, uploads=read, current_files=main, attachments=attachments,
        number_symbol=document.number_symbol, issued_on=document.issued_on,
        options=options or {}, draft=draft))
    written: list[str] = []
    try:
        with transaction.atomic():
            if not result.unchanged:  # the sealed scan or the agency-signed PDFs become the document's originals
                _store(draft, result.files, FileRole.SEALED, actor, written)
                document_services.document_replace_originals(actor=actor, document=document,
                                                             uploads=result.files)
            _move(actor=actor, draft=draft, to_state=S.TO_ISSUE, action="seal", note=result.summary,
                  summary=result.summary)
            if issue:
                _issue(actor, draft)
        return draft
    except BaseException:
        document_services.files_discard(written)
        raise


def _numbered_document(draft: Draft) -> Document:
    """The outgoing document of a draft past numbering: ``draft_number`` sets it in the same transaction
    as the move to TO_SEAL, and nothing unsets it."""
    assert draft.document is not None, f"draft {draft.pk} in state {draft.state} has no document"
    return draft.document


def _issue(actor, draft: Draft) -> None:
    recipient_ids = list(DraftRecipient.objects.filter(draft=draft).values_list("agency_id", flat=True))
    _move(actor=actor, draft=draft, to_state=S.ISSUED, action="issue",
          summary=_("Phát hành đến %(n)s nơi nhận") % {"n": len(recipient_ids)})
    now = timezone.now()
    Draft.objects.filter(pk=draft.pk).update(issued_at=now)
    draft.issued_at = now
    if recipient_ids:
        delivery_services.delivery_send(actor=actor, document=_numbered_document(draft), recipient_ids=recipient_ids)


@transaction.atomic
def draft_issue(*, actor, draft: Draft) -> Draft:
    """Issue (NĐ30 Art. 18): deliver to every recipient agency at once; outside bodies go to the outbox."""
    _require_turn(actor, draft, (S.TO_ISSUE,), _("phát hành"))
    _issue(actor, draft)
    return draft
