"""The work on an incoming document (NĐ30 Art. 23–24; vanthu.md §4.2): submit to a leader → assign (lead /
supporting / for information, each with its own deadline and instruction) → a unit head hands a unit's part to
people → notes and progress → completion with the reply's number, and đôn đốc by hand. Every step the sender
should know about is reported back through ``delivery.services.delivery_report`` (04 assigned, 05 in progress,
06 done)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Position, Role, User
from lienthong.agencies.models import Unit
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core import events as core_events
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.core.text import nfc
from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import DeliveryState
from lienthong.documents import selectors as document_selectors
from lienthong.documents import services as document_services
from lienthong.documents.models import Document, DocumentStatus, RelationKind, Secrecy
from lienthong.notifications import services as notification_services
from lienthong.processing import selectors
from lienthong.processing.models import (
    OPEN_STATES,
    Assignment,
    AssignmentRole,
    AssignmentState,
    Handling,
    HandlingState,
    ProcessingNote,
)
from lienthong.processing.services.common import doc_url

H = HandlingState
REPLY_MAX_LENGTH = 2000  # "Nội dung phản hồi cho nơi gửi": a status row's text (DeliveryEvent.reply)

# Messages users see (the forms and the tests use these constants rather than copies of the text).
NOT_A_LEADER = gettext_lazy("Người nhận trình phải là lãnh đạo của cơ quan.")
NOBODY_CHOSEN = gettext_lazy("Cần chọn ít nhất một đơn vị hoặc người xử lý.")
# A refused line of an instruction: LINE names it, the rest says what is wrong with it.
LINE = gettext_lazy("Dòng %(i)s: ")
LINE_UNIT_OR_PERSON = gettext_lazy("chọn một đơn vị hoặc một người.")
LINE_UNIT_NOT_IN_AGENCY = gettext_lazy("đơn vị không thuộc cơ quan nhận văn bản.")
LINE_PERSON_NOT_IN_UNIT = gettext_lazy("người được giao không thuộc đơn vị.")
LINE_PERSON_NOT_IN_AGENCY = gettext_lazy("người được giao không thuộc cơ quan nhận văn bản.")
LINE_BEFORE_RECEIVED = gettext_lazy("hạn xử lý không được trước ngày đến (%(d)s).")
LINE_AFTER_UNIT_DEADLINE = gettext_lazy("hạn xử lý không được sau hạn của đơn vị (%(d)s).")
ONE_LEAD_ONLY = gettext_lazy("Chỉ có một đơn vị hoặc người chủ trì.")
ASSIGN_NOT_ALLOWED = gettext_lazy("Chỉ lãnh đạo cơ quan mới phân công xử lý văn bản đến.")
NOT_SUBMITTED = gettext_lazy("Văn bản chưa được trình lãnh đạo.")
LEAD_TAKEN = gettext_lazy("Văn bản đã có đơn vị hoặc người chủ trì.")
LEAD_REQUIRED = gettext_lazy("Cần chọn đơn vị hoặc người chủ trì.")
DELEGATE_NOT_ALLOWED = gettext_lazy("Chỉ lãnh đạo đơn vị được giao mới phân công tiếp trong đơn vị.")
NOTE_EMPTY = gettext_lazy("Nội dung không được để trống.")
PROGRESS_RANGE = gettext_lazy("Tiến độ phải từ 0 đến 100%.")
PART_DONE = gettext_lazy("Phần việc đã hoàn thành.")
PART_DONE_BEFORE = gettext_lazy("Phần việc đã hoàn thành trước đó.")
REPLY_NOT_VISIBLE = gettext_lazy("Văn bản trả lời phải là văn bản của cơ quan mình mà bạn được xem.")
CHASE_NOT_ALLOWED = gettext_lazy("Chỉ lãnh đạo, văn thư hoặc người giao việc mới được đôn đốc.")
LATE_NEEDS_REASON = gettext_lazy("Dòng %(i)s: hạn xử lý %(d)s sau hạn của văn bản (%(due)s). Nếu cần hạn muộn hơn, "
                                 "hãy xác nhận và nêu lý do.")
LATE_REASON_TOO_LONG = gettext_lazy("Lý do đặt hạn sau hạn của văn bản tối đa %(n)s ký tự.")
LATE_REASON_MAX_LENGTH = 500


@dataclass
class AssignmentSpec:
    role: str
    unit_id: int | None = None
    user_id: int | None = None
    deadline: dt.date | None = None
    instruction: str = ""


# --- Submit and assign ----------------------------------------------------------------------------

def _handling_for_update(handling_id: int) -> Handling:
    qs = Handling.objects.select_related("document", "agency")
    if connection.features.has_select_for_update:
        qs = qs.select_for_update(of=("self",))
    handling = qs.filter(pk=handling_id).first()
    if handling is None:
        raise NotFound()
    return handling


def _check_active(handling: Handling) -> None:
    if handling.document.status != DocumentStatus.ACTIVE:
        raise ValidationFailed({"state": [_("Văn bản đã bị hủy hoặc thu hồi, không thể xử lý tiếp.")]})


def handling_submit(*, actor, handling_id: int, leader_id: int, note: str = "") -> Handling:
    """The văn thư submits the registered document to a leader of the agency (same day; urgent at once)."""
    with transaction.atomic():
        handling = _handling_for_update(handling_id)
        held = account_selectors.position_agencies(user=actor)
        if handling.agency_id not in held.clerk_ids:
            raise PermissionDenied(_("Chỉ văn thư của cơ quan mới trình văn bản đến."))
        _check_active(handling)
        if handling.state not in (H.REGISTERED, H.SUBMITTED):
            raise ValidationFailed({"state": [_("Văn bản đã được phân công, không trình lại được.")]})
        if not account_selectors.people_of(agency_ids=[handling.agency_id], roles=[Role.LEADER]).filter(
                user_id=leader_id).exists():
            raise ValidationFailed({"leader": [str(NOT_A_LEADER)]})
        now = timezone.now()
        Handling.objects.filter(pk=handling.pk).update(state=H.SUBMITTED, submitted_to_id=leader_id,
                                                       submitted_by=actor, submitted_at=now, submit_note=nfc(note))
        handling.state, handling.submitted_to_id = H.SUBMITTED, leader_id
        audit_log(actor=actor, action=AuditAction.TRANSITION, obj_type="document", obj_id=handling.document_id,
                  agency_id=handling.agency_id, summary=_("Trình lãnh đạo"), details={"leader": leader_id})
        doc = handling.document
        prefix = _("KHẨN – ") if handling.is_urgent else ""
        transaction.on_commit(lambda: notification_services.notify(
            user_ids=[leader_id], kind="incoming",
            title=prefix + _("Văn bản đến chờ phân công: %(s)s") % {"s": doc.number_symbol},
            body=doc.subject[:500], url=doc_url(doc.pk), dedupe_key=f"submit:{handling.pk}:{leader_id}"))
    return handling


def _validate_specs(handling: Handling, specs: list[AssignmentSpec], *, unit: Unit | None = None,
                    parent: Assignment | None = None) -> dict:
    """Check a leader's instruction; ``unit`` set means a unit head handing on inside that unit."""
    errors: dict[str, list] = {}
    if not specs:
        errors["assignments"] = [str(NOBODY_CHOSEN)]
        return errors
    unit_ids = {s.unit_id for s in specs if s.unit_id}
    user_ids = {s.user_id for s in specs if s.user_id}
    valid_units = set(Unit.objects.filter(pk__in=unit_ids, agency_id=handling.agency_id, is_active=True)
                      .values_list("pk", flat=True))
    people = Position.objects.filter(user_id__in=user_ids, agency_id=handling.agency_id, is_active=True)
    if unit is not None:
        people = people.filter(unit=unit)
    valid_users = set(people.values_list("user_id", flat=True))
    seen = set()
    for i, s in enumerate(specs, start=1):
        where = LINE % {"i": i}
        s.instruction = nfc(s.instruction)
        if s.role not in AssignmentRole.values:
            errors.setdefault("assignments", []).append(where + _("vai trò không hợp lệ."))
        if bool(s.unit_id) == bool(s.user_id):
            errors.setdefault("assignments", []).append(where + str(LINE_UNIT_OR_PERSON))
            continue
        if unit is not None and s.unit_id:
            errors.setdefault("assignments", []).append(where + _("trong đơn vị chỉ giao cho người."))
        elif s.unit_id and s.unit_id not in valid_units:
            errors.setdefault("assignments", []).append(where + str(LINE_UNIT_NOT_IN_AGENCY))
        elif s.unit_id and handling.document.secrecy != Secrecy.NORMAL:
            # A unit's people never see a secret document (documents_visible_to): it goes to named people.
            errors.setdefault("assignments", []).append(
                where + _("văn bản mật chỉ giao cho cá nhân được nêu tên, không giao cho đơn vị."))
        elif s.user_id and s.user_id not in valid_users:
            errors.setdefault("assignments", []).append(
                where + str(LINE_PERSON_NOT_IN_UNIT if unit is not None else LINE_PERSON_NOT_IN_AGENCY))
        key = ("u", s.unit_id) if s.unit_id else ("p", s.user_id)
        if key in seen:
            errors.setdefault("assignments", []).append(where + _("đơn vị hoặc người này được chọn hai lần."))
        seen.add(key)
        if s.deadline and s.deadline < handling.received_on:
            errors.setdefault("assignments", []).append(where + LINE_BEFORE_RECEIVED % {
                "d": handling.received_on.strftime("%d/%m/%Y")})
        if parent is not None and parent.deadline and s.deadline and s.deadline > parent.deadline:
            errors.setdefault("assignments", []).append(where + LINE_AFTER_UNIT_DEADLINE % {
                "d": parent.deadline.strftime("%d/%m/%Y")})
    leads = sum(1 for s in specs if s.role == AssignmentRole.LEAD)
    if leads > 1:
        errors.setdefault("assignments", []).append(str(ONE_LEAD_ONLY))
    return errors


def _create(handling: Handling, specs: list[AssignmentSpec], *, actor, parent: Assignment | None) -> list[Assignment]:
    now = timezone.now()
    doc = handling.document
    rows = Assignment.objects.bulk_create([
        Assignment(
            handling=handling, document_id=handling.document_id, agency_id=handling.agency_id, parent=parent,
            role=s.role, unit_id=s.unit_id, user_id=s.user_id, instruction=s.instruction[:2000],
            deadline=None if s.role == AssignmentRole.INFO else (s.deadline or (parent.deadline if parent else None) or
                                                               selectors.default_deadline(handling=handling)),
            assigned_by=actor, assigned_at=now,
        ) for s in specs])
    document_services.document_grant(document_id=handling.document_id,
                                     user_ids=[s.user_id for s in specs if s.user_id],
                                     unit_ids=[s.unit_id for s in specs if s.unit_id])
    unit_ids = [s.unit_id for s in specs if s.unit_id]
    notify_ids = [s.user_id for s in specs if s.user_id]
    if unit_ids:
        notify_ids += list(account_selectors.unit_leader_user_ids(unit_ids=unit_ids).values_list("user_id", flat=True))
    transaction.on_commit(lambda: notification_services.notify(
        user_ids=set(notify_ids) - {actor.pk}, kind="assignment",
        title=_("Được giao xử lý văn bản %(s)s") % {"s": doc.number_symbol}, body=doc.subject[:500],
        url=doc_url(doc.pk), dedupe_key=f"assign:{handling.pk}:{now:%Y%m%d%H%M%S%f}"))
    return rows


def _label(specs: list[AssignmentSpec]) -> str:
    names = dict(Unit.objects.filter(pk__in=[s.unit_id for s in specs if s.unit_id]).values_list("pk", "name"))
    people = {u.pk: str(u) for u in User.objects.filter(pk__in=[s.user_id for s in specs if s.user_id])}
    parts = []
    for s in specs:
        if s.unit_id:
            who = names.get(s.unit_id)
        else:
            assert s.user_id is not None  # _validate_specs: each spec names a unit or a person
            who = people.get(s.user_id)
        due = _(" (hạn %(d)s)") % {"d": s.deadline.strftime("%d/%m/%Y")} if s.deadline else ""
        parts.append(f"{AssignmentRole(s.role).label}: {who}{due}")
    return "; ".join(parts)


def _units_of_people(agency_id: int, user_ids) -> dict[int, str]:
    """The department (unit) each person works in at the agency, by user id, for what the sender reads."""
    rows = Position.objects.filter(agency_id=agency_id, user_id__in=list(user_ids), unit__isnull=False,
                                   is_active=True).order_by("unit__order", "pk").values_list("user_id", "unit__name")
    out: dict[int, str] = {}
    for user_id, name in rows:
        out.setdefault(user_id, name)
    return out


def _sender_label(agency_id: int, specs: list[AssignmentSpec]) -> str:
    """The instruction as the sender reads it (status 04): each role with its departments, never the people
    named, their deadlines or the instruction text, which are the receiving agency's own business."""
    names = dict(Unit.objects.filter(pk__in=[s.unit_id for s in specs if s.unit_id]).values_list("pk", "name"))
    people = _units_of_people(agency_id, [s.user_id for s in specs if s.user_id])
    by_role: dict[str, list[str]] = {}
    for s in specs:
        if s.role == AssignmentRole.INFO:
            continue
        if s.unit_id:
            name = names.get(s.unit_id)
        else:
            assert s.user_id is not None  # _validate_specs: each spec names a unit or a person
            name = people.get(s.user_id)
        if name and name not in by_role.setdefault(s.role, []):
            by_role[s.role].append(name)
    return "; ".join(f"{AssignmentRole(role).label}: {', '.join(units)}"
                     for role in (AssignmentRole.LEAD, AssignmentRole.SUPPORT) if (units := by_role.get(role)))


def _department_of(assignment: Assignment) -> str:
    """The department working on a part, as the sender reads it ("" when the part is a person's outside
    any department)."""
    if assignment.unit is not None:
        return assignment.unit.name
    if assignment.parent_id:
        parent = Assignment.objects.select_related("unit").get(pk=assignment.parent_id)
        if parent.unit is not None:
            return parent.unit.name
    assert assignment.user_id is not None  # a part is a unit's or a person's (assignment_user_xor_unit)
    return _units_of_people(assignment.agency_id, [assignment.user_id]).get(assignment.user_id, "")


def _in_progress_text(assignment: Assignment) -> str:
    department = _department_of(assignment)
    return _("%(u)s đang xử lý") % {"u": department} if department else ""


def _reply_checked(reply_to_sender: str) -> str:
    reply = nfc(reply_to_sender)
    if len(reply) > REPLY_MAX_LENGTH:
        raise ValidationFailed({"reply_to_sender": [
            _("Nội dung phản hồi cho nơi gửi tối đa %(n)s ký tự.") % {"n": REPLY_MAX_LENGTH}]})
    return reply


def _late_lines(handling: Handling, specs: list[AssignmentSpec]) -> list[tuple[int, AssignmentSpec]]:
    """The lines whose deadline falls after the document's own deadline."""
    due = handling.document.due_date
    if due is None:
        return []
    return [(i, s) for i, s in enumerate(specs, start=1)
            if s.role != AssignmentRole.INFO and s.deadline is not None and s.deadline > due]


def handling_assign(*, actor, handling_id: int, specs: list[AssignmentSpec], late_reason: str = "") -> list[Assignment]:
    """A leader's instruction (NĐ30 Art. 23.2): lead, supporting and for-information units or people,
    each with a deadline (default: the agency's deadline for the document's urgency, never after the document's
    own deadline) and instruction. A deadline after the document's own needs ``late_reason``: the leader
    confirms it and says why (kept in the audit log and the history). More can be added later by any leader of
    the agency; there is only ever one lead."""
    late_reason = nfc(late_reason)
    with transaction.atomic():
        handling = _handling_for_update(handling_id)
        held = account_selectors.position_agencies(user=actor)
        if handling.agency_id not in held.leader_ids and handling.submitted_to_id != actor.pk:
            raise PermissionDenied(str(ASSIGN_NOT_ALLOWED))
        _check_active(handling)
        if handling.state not in (H.SUBMITTED, H.ASSIGNED, H.IN_PROGRESS):
            raise ValidationFailed({"state": [
                str(NOT_SUBMITTED) if handling.state == H.REGISTERED
                else _("Văn bản đã xử lý xong, không phân công thêm được.")]})
        errors = _validate_specs(handling, specs)
        existing = Assignment.objects.filter(handling=handling, parent__isnull=True)
        if any(s.role == AssignmentRole.LEAD for s in specs) and existing.filter(role=AssignmentRole.LEAD).exists():
            errors.setdefault("assignments", []).append(str(LEAD_TAKEN))
        if not existing.filter(role=AssignmentRole.LEAD).exists() and not any(
                s.role == AssignmentRole.LEAD for s in specs):
            errors.setdefault("assignments", []).append(str(LEAD_REQUIRED))
        taken = existing.filter(Q(unit_id__in=[s.unit_id for s in specs if s.unit_id]) |
                                Q(user_id__in=[s.user_id for s in specs if s.user_id]))
        if taken.exists():
            errors.setdefault("assignments", []).append(_("Có đơn vị hoặc người đã được giao văn bản này trước đó."))
        late = _late_lines(handling, specs)
        if late and not late_reason:
            due = handling.document.due_date
            assert due is not None  # _late_lines: only with a document deadline
            errors.setdefault("late_reason", []).extend(
                str(LATE_NEEDS_REASON % {"i": i, "d": s.deadline.strftime("%d/%m/%Y"), "due": due.strftime("%d/%m/%Y")})
                for i, s in late if s.deadline is not None)
        if late and len(late_reason) > LATE_REASON_MAX_LENGTH:
            errors.setdefault("late_reason", []).append(str(LATE_REASON_TOO_LONG % {"n": LATE_REASON_MAX_LENGTH}))
        if errors:
            raise ValidationFailed(errors)
        rows = _create(handling, specs, actor=actor, parent=None)
        if handling.state == H.SUBMITTED:
            Handling.objects.filter(pk=handling.pk).update(state=H.ASSIGNED)
            handling.state = H.ASSIGNED
        summary = _("Phân công: %(l)s") % {"l": _label(specs)[:400]}
        if late:
            summary = (summary[:250] + _("; hạn sau hạn của văn bản, lý do: %(r)s") % {"r": late_reason})[:500]
        audit_log(actor=actor, action=AuditAction.ASSIGNED, obj_type="document", obj_id=handling.document_id,
                  agency_id=handling.agency_id, summary=summary,
                  details={"late_reason": late_reason} if late else None)
        delivery_services.delivery_report(actor=actor, incoming_document_id=handling.document_id,
                                          state=DeliveryState.ASSIGNED,
                                          description=_sender_label(handling.agency_id, specs))
    return rows


def _assignment_for_update(assignment_id: int) -> Assignment:
    """The assignment, read only once its document's handling is locked: read before the lock, it
    could be a moment old (two completions at once would both see it open; a note racing the
    completion would reopen a finished part)."""
    handling_id = Assignment.objects.filter(pk=assignment_id).values_list("handling_id", flat=True).first()
    if handling_id is None:
        raise NotFound()
    _handling_for_update(handling_id)  # serialises work on one document
    return Assignment.objects.select_related("handling__document", "unit").get(pk=assignment_id)


def assignment_delegate(*, actor, assignment_id: int, specs: list[AssignmentSpec]) -> list[Assignment]:
    """A unit head hands the unit's part on to people of the unit, with their own deadlines."""
    with transaction.atomic():
        parent = _assignment_for_update(assignment_id)
        unit = parent.unit
        if unit is None or not Position.objects.filter(
                user=actor, unit_id=unit.pk, role=Role.LEADER, is_active=True).exists():
            raise PermissionDenied(str(DELEGATE_NOT_ALLOWED))
        handling = parent.handling
        _check_active(handling)
        if parent.state == AssignmentState.DONE:
            raise ValidationFailed({"state": [_("Phần việc của đơn vị đã hoàn thành.")]})
        errors = _validate_specs(handling, specs, unit=unit, parent=parent)
        if any(s.role == AssignmentRole.LEAD for s in specs) and parent.children.filter(
                role=AssignmentRole.LEAD).exists():
            errors.setdefault("assignments", []).append(_("Đơn vị đã giao người chủ trì."))
        if parent.children.filter(user_id__in=[s.user_id for s in specs]).exists():
            errors.setdefault("assignments", []).append(_("Có người đã được giao phần việc này trước đó."))
        if errors:
            raise ValidationFailed(errors)
        rows = _create(handling, specs, actor=actor, parent=parent)
        audit_log(actor=actor, action=AuditAction.ASSIGNED, obj_type="document", obj_id=handling.document_id,
                  agency_id=handling.agency_id,
                  summary=_("%(u)s giao: %(l)s") % {"u": unit.name, "l": _label(specs)[:400]})
    return rows


def _roll_up(parent_id: int | None) -> None:
    """A unit's progress is its people's (issue 18: the department row stayed at 0 % while its specialist
    reported 50 %): the mean of the lead and supporting parts handed on, up the tree; never lowered below
    what the unit reported itself, and a finished part stays at 100 %."""
    while parent_id:
        parts = list(Assignment.objects.filter(parent_id=parent_id).exclude(role=AssignmentRole.INFO)
                     .exclude(state=AssignmentState.WITHDRAWN).values_list("progress", flat=True))
        if not parts:
            return
        mean = round(sum(parts) / len(parts))
        Assignment.objects.filter(pk=parent_id, progress__lt=mean).exclude(state=AssignmentState.DONE).update(
            progress=mean)
        parent_id = Assignment.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()


def _can_work(actor, assignment: Assignment) -> bool:
    if assignment.user_id:
        return assignment.user_id == actor.pk
    assert assignment.unit_id is not None  # a part is a unit's or a person's (assignment_user_xor_unit)
    return Position.objects.filter(user=actor, unit_id=assignment.unit_id, is_active=True).exists()


def assignment_note(*, actor, assignment_id: int, text: str, progress: int | None = None,
                    reply_to_sender: str = "") -> ProcessingNote:
    """A processing note (and progress, 0–100 %) by the person or unit working on it.

    The note stays inside the receiving agency. The sender is told "đang xử lý" (05) with the department at
    work and, only if given, ``reply_to_sender``: what the person chooses to send back."""
    text = nfc(text)
    errors = {}
    if not text:
        errors["text"] = [str(NOTE_EMPTY)]
    if progress is not None and not 0 <= progress <= 100:
        errors["progress"] = [str(PROGRESS_RANGE)]
    try:
        reply = _reply_checked(reply_to_sender)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        assignment = _assignment_for_update(assignment_id)
        if not _can_work(actor, assignment):
            raise PermissionDenied(_("Bạn không được giao xử lý phần việc này."))
        _check_active(assignment.handling)
        if assignment.state == AssignmentState.DONE:
            raise ValidationFailed({"state": [str(PART_DONE)]})
        note = ProcessingNote.objects.create(assignment=assignment, author=actor, text=text[:4000], progress=progress,
                                             reply_to_sender=reply)
        fields: dict[str, str | int] = {"state": AssignmentState.IN_PROGRESS}
        if progress is not None:
            fields["progress"] = progress
        Assignment.objects.filter(pk=assignment.pk).update(**fields)
        if assignment.parent_id is not None:
            Assignment.objects.filter(pk=assignment.parent_id, state=AssignmentState.PENDING).update(
                state=AssignmentState.IN_PROGRESS)
            _roll_up(assignment.parent_id)
        Handling.objects.filter(pk=assignment.handling_id, state=H.ASSIGNED).update(state=H.IN_PROGRESS)
        audit_log(actor=actor, action=AuditAction.PROGRESS, obj_type="document", obj_id=assignment.document_id,
                  agency_id=assignment.agency_id, summary=text[:300])
        delivery_services.delivery_report(actor=actor, incoming_document_id=assignment.document_id,
                                          state=DeliveryState.IN_PROGRESS, description=_in_progress_text(assignment),
                                          reply=reply)
    return note


def assignment_complete(*, actor, assignment_id: int, result: str = "", reply_document_id: int | None = None,
                        reply_to_sender: str = "") -> Assignment:
    """Close a part of the work, optionally with the reply (an outgoing document of the same agency
    the actor can see). When every lead part at the top is done, the document is done (06).

    ``result`` stays inside the receiving agency; the sender reads "hoàn thành" (06) with the reply
    document's number and, only if given, ``reply_to_sender``. A part closed before the document is done
    sends its ``reply_to_sender`` (if any) as one more "đang xử lý" (05) row."""
    result = nfc(result)
    reply_text = _reply_checked(reply_to_sender)
    with transaction.atomic():
        assignment = _assignment_for_update(assignment_id)
        if not _can_work(actor, assignment):
            raise PermissionDenied(_("Bạn không được giao xử lý phần việc này."))
        handling = assignment.handling
        _check_active(handling)
        if assignment.state == AssignmentState.DONE:
            raise ValidationFailed({"state": [str(PART_DONE_BEFORE)]})
        reply = None
        if reply_document_id:
            reply = document_selectors.documents_visible_to(user=actor).filter(
                pk=reply_document_id, agency_id=handling.agency_id, status=DocumentStatus.ACTIVE).first()
            if reply is None:
                raise ValidationFailed({"reply_document": [str(REPLY_NOT_VISIBLE)]})
        now = timezone.now()
        done = dict(state=AssignmentState.DONE, progress=100, completed_at=now)
        Assignment.objects.filter(pk=assignment.pk).update(result=result[:4000], reply_document=reply,
                                                           reply_to_sender=reply_text, **done)
        # The lead person of a unit finishing finishes the unit's part; the same up the tree.
        node = assignment
        while node.parent_id and node.role == AssignmentRole.LEAD:
            Assignment.objects.filter(pk=node.parent_id).exclude(state=AssignmentState.DONE).update(
                reply_document=reply, **done)
            node = Assignment.objects.get(pk=node.parent_id)
        if node.parent_id:  # a supporting person done: the unit's progress moves with it
            _roll_up(node.parent_id)
        if reply is not None:
            document_services.document_relate(source=reply, target=handling.document, kind=RelationKind.REPLIES_TO)
        audit_log(actor=actor, action=AuditAction.COMPLETED, obj_type="document", obj_id=handling.document_id,
                  agency_id=handling.agency_id,
                  summary=_("Hoàn thành%(r)s") % {"r": f": {reply.number_symbol}" if reply else ""})
        leads_open = Assignment.objects.filter(handling=handling, parent__isnull=True, role=AssignmentRole.LEAD,
                                               state__in=OPEN_STATES).exists()
        if not leads_open:
            reply_doc = reply
            if reply_doc is None:  # the latest reply given on another part
                reply_id = Assignment.objects.filter(handling=handling, reply_document__isnull=False).select_related(
                    "reply_document").order_by("-completed_at").values_list("reply_document", flat=True).first()
                reply_doc = Document.objects.filter(pk=reply_id).first() if reply_id is not None else None
            Handling.objects.filter(pk=handling.pk).update(state=H.DONE, completed_at=now, reply_document=reply_doc)
            description = _("Đã xử lý xong") + (
                _("; văn bản trả lời số %(s)s") % {"s": reply_doc.number_symbol} if reply_doc else "")
            delivery_services.delivery_report(actor=actor, incoming_document_id=handling.document_id,
                                              state=DeliveryState.DONE, description=description, reply=reply_text)
        elif reply_text:
            delivery_services.delivery_report(actor=actor, incoming_document_id=handling.document_id,
                                              state=DeliveryState.IN_PROGRESS,
                                              description=_in_progress_text(assignment), reply=reply_text)
        assignment.refresh_from_db()
        # Records files the work's documents into the lead's case file (lienthong.records listens).
        core_events.emit(core_events.ASSIGNMENT_COMPLETED, assignment_id=assignment.pk,
                         document_id=handling.document_id, user_id=actor.pk,
                         is_lead=assignment.role == AssignmentRole.LEAD,
                         reply_document_id=reply.pk if reply is not None else None)
    return assignment


def assignment_chase(*, actor, assignment_id: int, message: str = "") -> int:
    """"Đôn đốc" by hand: a leader or văn thư of the agency reminds the people on an open assignment."""
    assignment = Assignment.objects.select_related("document").filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound()
    held = account_selectors.position_agencies(user=actor)
    if assignment.agency_id not in held.full_ids and assignment.assigned_by_id != actor.pk:
        raise PermissionDenied(str(CHASE_NOT_ALLOWED))
    if assignment.state == AssignmentState.DONE:
        raise ValidationFailed({"state": [_("Phần việc đã hoàn thành, không cần đôn đốc.")]})
    users = _people_on(assignment)
    doc = assignment.document
    text = nfc(message) or _("Đề nghị khẩn trương xử lý văn bản %(s)s%(d)s.") % {
        "s": doc.number_symbol,
        "d": _(" (hạn %(d)s)") % {"d": assignment.deadline.strftime("%d/%m/%Y")} if assignment.deadline else ""}
    audit_log(actor=actor, action=AuditAction.PROGRESS, obj_type="document", obj_id=doc.pk,
              agency_id=assignment.agency_id, summary=_("Đôn đốc: %(t)s") % {"t": text[:300]})
    return notification_services.notify(
        user_ids=users, kind="chase", title=_("Đôn đốc xử lý văn bản %(s)s") % {"s": doc.number_symbol},
        body=f"{text}\n— {actor}", url=doc_url(doc.pk))


def _people_on(assignment: Assignment) -> list[int]:
    if assignment.user_id:
        return [assignment.user_id]
    return list(account_selectors.unit_leader_user_ids(unit_ids=[assignment.unit_id]).values_list("user_id", flat=True))
