"""Writes about tasks: recording (from a document, with suggestions), handing on, progress and result reports,
confirmation or sending back, extensions and every deadline change, the daily reminders and the chasing notice.

Every write checks the actor in SQL (``selectors.tasks_visible_to`` and the actor's positions), collects its
errors in Vietnamese before touching the database, runs in one transaction and appends an audit entry to the
giver agency's chain (``obj_type="task"``: that is the task's event log).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts.models import Position, Role
from lienthong.accounts.selectors import position_agencies
from lienthong.agencies.models import Agency, Unit
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lienthong.core.text import nfc
from lienthong.documents import selectors as document_selectors
from lienthong.documents import services as document_services
from lienthong.documents.models import Direction, Document, DocumentType
from lienthong.drafting import services as drafting
from lienthong.notifications import services as notification_services
from lienthong.notifications.models import Kind
from lienthong.workcalendar.selectors import add_working_days

from . import selectors, suggestions
from .models import (
    OPEN_STATES,
    ExtensionState,
    ReportKind,
    Task,
    TaskCoordinator,
    TaskDeadlineChange,
    TaskExtension,
    TaskHandOn,
    TaskReport,
    TaskState,
)

# The refusals (tests use these constants rather than copies of the text).
NO_LEAD = gettext_lazy("Chọn cơ quan chủ trì thực hiện nhiệm vụ.")
NO_CONTENT = gettext_lazy("Nhập nội dung nhiệm vụ.")
DEADLINE_BEFORE_SOURCE = gettext_lazy("Hạn hoàn thành (%(d)s) không được trước ngày của văn bản giao (%(s)s).")
NOT_RECORDER = gettext_lazy("Chỉ người của cơ quan giữ văn bản mới ghi nhận nhiệm vụ từ văn bản này.")
EXTENSION_AFTER_DONE = gettext_lazy("Nhiệm vụ đã hoàn thành: không xin gia hạn được nữa.")
NOT_LEAD = gettext_lazy("Chỉ cơ quan chủ trì (%(a)s) mới báo cáo về nhiệm vụ này.")
NOT_GIVER = gettext_lazy("Chỉ cơ quan giao nhiệm vụ (%(a)s) mới xác nhận, trả lại hoặc quyết định gia hạn.")
NOT_OPEN = gettext_lazy("Nhiệm vụ không còn ở trạng thái đang thực hiện.")
NOT_REPORTED = gettext_lazy("Nhiệm vụ chưa có báo cáo kết quả chờ xác nhận.")
NO_REASON = gettext_lazy("Nhập lý do.")
NO_TEXT = gettext_lazy("Nhập nội dung báo cáo.")
EXTENSION_PENDING = gettext_lazy("Đã có một đề nghị gia hạn đang chờ quyết định.")
EXTENSION_NOT_LATER = gettext_lazy("Hạn mới phải sau hạn hiện tại (%(d)s).")
ROUTINE_NO_EXTENSION = gettext_lazy("Nhiệm vụ thường xuyên không có hạn để gia hạn.")
NOT_HANDER = gettext_lazy("Chỉ văn thư, lãnh đạo cơ quan chủ trì hoặc lãnh đạo đơn vị chủ trì mới giao tiếp nhiệm vụ.")
HAND_ON_OUTSIDE = gettext_lazy("Chỉ giao tiếp cho đơn vị hoặc người của cơ quan chủ trì.")
HAND_ON_EMPTY = gettext_lazy("Chọn đơn vị hoặc người nhận nhiệm vụ.")
LINK_NOT_ISSUED = gettext_lazy("Văn bản liên kết phải là văn bản đi do cơ quan chủ trì ban hành.")
DATE_FORMAT = "%d/%m/%Y"


def _day(d: dt.date | None) -> str:
    return d.strftime(DATE_FORMAT) if d else _("thường xuyên")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _task_url(task_id: int) -> str:
    return reverse("followup:detail", args=[task_id])


def _log(actor, action: str, task: Task, summary: str, details: dict | None = None) -> None:
    audit_log(actor=actor, action=action, obj_type="task", obj_id=task.pk, agency_id=task.giver_agency_id,
              summary=summary[:480], details=details or {})


def _notify(user_ids, *, task: Task, title: str, kind: str = Kind.STATUS) -> None:
    notification_services.notify(user_ids=[u for u in user_ids if u], kind=kind, title=title[:200],
                                 body=task.content[:300], url=_task_url(task.pk))


def _agency_people(agency_id: int, *, roles=(Role.CLERK, Role.LEADER)) -> list[int]:
    return list(Position.objects.filter(agency_id=agency_id, is_active=True, user__is_active=True, role__in=roles)
                .filter(~Q(role=Role.LEADER) | Q(unit__isnull=True)).values_list("user_id", flat=True).distinct())


def _giver_people(task: Task) -> list[int]:
    return list(Position.objects.filter(agency_id=task.giver_agency_id, is_active=True, user__is_active=True)
                .exclude(role=Role.ARCHIVIST).values_list("user_id", flat=True).distinct())


# --- Who may do what (answers from the actor's positions, read once per request) ------------------------------

def _in_agency(actor, agency_id: int) -> bool:
    return agency_id in position_agencies(user=actor).all_ids


def _is_giver(actor, task: Task) -> bool:
    return _in_agency(actor, task.giver_agency_id)


def _acts_for_lead(actor, task: Task) -> bool:
    """A person of the lead agency, or, for an external lead agency (tracked by hand), the giver's Office."""
    if _in_agency(actor, task.lead_agency_id):
        return True
    return task.lead_agency.is_external and _is_giver(actor, task)


def _visible(actor, task_id: int) -> Task:
    return selectors.task_get(user=actor, task_id=task_id)


def _lock(task_id: int) -> Task:
    return Task.objects.select_for_update().select_related("lead_agency", "giver_agency").get(pk=task_id)


# --- Recording -------------------------------------------------------------------------------------------------

@dataclass
class TaskInput:
    content: str
    lead_agency_id: int | None
    lead_unit_id: int | None = None
    coordinator_ids: list[int] = field(default_factory=list)
    deadline: dt.date | None = None
    given_by: str = ""
    passage: str = ""


def _validate(data: TaskInput, document: Document, errors: dict) -> tuple[Agency, list[int]]:
    if not nfc(data.content or "").strip():
        errors.setdefault("content", []).append(str(NO_CONTENT))
    lead = Agency.objects.filter(pk=data.lead_agency_id, is_active=True).first() if data.lead_agency_id else None
    if lead is None:
        errors.setdefault("lead_agency", []).append(str(NO_LEAD))
    if data.lead_unit_id and (lead is None or not Unit.objects.filter(pk=data.lead_unit_id, agency=lead,
                                                                      is_active=True).exists()):
        errors.setdefault("lead_unit", []).append(_("Đơn vị chủ trì phải thuộc cơ quan chủ trì."))
    if data.deadline is not None and data.deadline < document.issued_on:
        errors.setdefault("deadline", []).append(
            DEADLINE_BEFORE_SOURCE % {"d": _day(data.deadline), "s": _day(document.issued_on)})
    coordinators = [int(a) for a in dict.fromkeys(data.coordinator_ids or ()) if int(a) != data.lead_agency_id]
    if coordinators and Agency.objects.filter(pk__in=coordinators, is_active=True).count() != len(coordinators):
        errors.setdefault("coordinators", []).append(_("Cơ quan phối hợp không hợp lệ."))
    return lead, coordinators  # type: ignore[return-value]  # None only with an error, and nothing is stored then


def task_record(*, actor, document_id: int, data: TaskInput) -> Task:
    """Record one task of a document the actor's agency holds (issued or received) and sees."""
    return task_record_many(actor=actor, document_id=document_id, items=[data])[0]


def task_record_many(*, actor, document_id: int, items: list[TaskInput]) -> list[Task]:
    """Record several tasks of one document at once (the confirmed suggestions): all or none."""
    try:
        document = document_selectors.document_get(user=actor, document_id=document_id)
    except NotFound:
        document_services.document_record_denied(actor=actor, document_id=document_id)
        raise
    if not Position.objects.filter(user=actor, agency_id=document.agency_id, is_active=True,
                                   role__in=(Role.CLERK, Role.LEADER, Role.SPECIALIST)).exists():
        raise PermissionDenied(str(NOT_RECORDER))
    errors: dict[str, list] = {}
    checked = []
    for i, data in enumerate(items):
        item_errors: dict[str, list] = {}
        lead, coordinators = _validate(data, document, item_errors)
        for name, msgs in item_errors.items():
            errors.setdefault(name if len(items) == 1 else f"{i}.{name}", []).extend(msgs)
        checked.append((data, lead, coordinators))
    if errors or not items:
        raise ValidationFailed(errors or {"content": [str(NO_CONTENT)]})
    tasks = []
    with transaction.atomic():
        for data, lead, coordinators in checked:
            task = Task.objects.create(
                content=nfc(data.content).strip(), passage=nfc(data.passage or "").strip()[:4000],
                source_document=document, giver_agency_id=document.agency_id, given_by=nfc(data.given_by)[:200],
                given_on=document.issued_on, lead_agency=lead, lead_unit_id=data.lead_unit_id,
                deadline=data.deadline, created_by=actor)
            TaskCoordinator.objects.bulk_create(TaskCoordinator(task=task, agency_id=a) for a in coordinators)
            _log(actor, AuditAction.CREATED, task, _("Ghi nhận nhiệm vụ giao %(a)s, hạn %(d)s: %(c)s") % {
                "a": lead.short_name or lead.name, "d": _day(task.deadline), "c": task.content[:200]},
                {"document": document.pk, "lead_agency": lead.pk, "deadline": str(task.deadline or "")})
            tasks.append(task)
        internal = {t.lead_agency_id for t in tasks if not t.lead_agency.is_external}
        people = Position.objects.filter(agency_id__in=internal, is_active=True, user__is_active=True).filter(
            Q(role=Role.CLERK) | Q(role=Role.LEADER, unit__isnull=True)).values_list("agency_id", "user_id")
        by_agency: dict[int, set[int]] = {}
        for agency_id, user_id in people:
            by_agency.setdefault(agency_id, set()).add(user_id)
        notification_services.notify_many([
            notification_services.NotificationSpec(
                user_id=u, kind=Kind.ASSIGNMENT, title=_("Nhiệm vụ mới được giao: %(c)s") % {"c": t.content[:150]},
                body=_("Hạn: %(d)s") % {"d": _day(t.deadline)}, url=_task_url(t.pk), dedupe_key=f"task-new-{t.pk}")
            for t in tasks for u in sorted(by_agency.get(t.lead_agency_id, ()))])
    return tasks


def task_suggestions(*, actor, document_id: int) -> list[suggestions.Suggestion]:
    """Candidate tasks read from the document's extracted text (and its subject), agencies from the directory."""
    document = document_selectors.document_get(user=actor, document_id=document_id)
    text = "\n".join(t for t in document.files.values_list("extracted_text", flat=True) if t)
    if not text.strip():
        return []
    agencies = [suggestions.AgencyName(id=pk, names=(name, short))
                for pk, name, short in Agency.objects.filter(is_active=True).values_list("pk", "name", "short_name")]
    return suggestions.suggest(text, agencies, year=document.issued_on.year)


# --- Lifecycle -------------------------------------------------------------------------------------------------

def task_hand_on(*, actor, task_id: int, unit_id: int | None = None, user_id: int | None = None,
                 note: str = "") -> Task:
    """The lead agency hands the task on to one of its units or people (a hand-on row; the person or unit is
    granted the source document when the lead agency holds it, as an assignment would)."""
    task = _visible(actor, task_id)
    held = position_agencies(user=actor)
    unit_head = task.lead_unit_id and Position.objects.filter(
        user=actor, unit_id=task.lead_unit_id, role=Role.LEADER, is_active=True).exists()
    if task.lead_agency_id not in held.full_ids and not unit_head:
        raise PermissionDenied(str(NOT_HANDER))
    if not unit_id and not user_id:
        raise ValidationFailed({"unit": [str(HAND_ON_EMPTY)]})
    if unit_id is not None and not Unit.objects.filter(pk=unit_id, agency_id=task.lead_agency_id,
                                                       is_active=True).exists():
        raise ValidationFailed({"unit": [str(HAND_ON_OUTSIDE)]})
    if user_id is not None and not Position.objects.filter(user_id=user_id, agency_id=task.lead_agency_id,
                                               is_active=True).exists():
        raise ValidationFailed({"user": [str(HAND_ON_OUTSIDE)]})
    if task.state not in OPEN_STATES:
        raise DomainError(NOT_OPEN, code="wrong_state")
    with transaction.atomic():
        task = _lock(task.pk)
        TaskHandOn.objects.create(task=task, unit_id=unit_id, user_id=user_id, note=nfc(note)[:1000], by=actor)
        task.handed_unit_id, task.handed_user_id = unit_id, user_id
        task.save(update_fields=["handed_unit", "handed_user", "updated_at"])
        if task.source_document.agency_id == task.lead_agency_id:
            document_services.document_grant(document_id=task.source_document_id,
                                             user_ids=[user_id] if user_id else (),
                                             unit_ids=[unit_id] if unit_id else ())
        _log(actor, AuditAction.ASSIGNED, task, _("Giao tiếp nhiệm vụ cho %(w)s") % {
            "w": ", ".join(str(x) for x in (task.handed_unit, task.handed_user) if x)},
            {"unit": unit_id, "user": user_id})
        targets = [user_id] if user_id else list(Position.objects.filter(
            unit_id__in=[unit_id], role=Role.LEADER, is_active=True).values_list("user_id", flat=True))
        _notify(targets, task=task, title=_("Bạn được giao thực hiện nhiệm vụ: %(c)s") % {"c": task.content[:150]},
                kind=Kind.ASSIGNMENT)
    return task


def task_report_progress(*, actor, task_id: int, text: str) -> TaskReport:
    task = _visible(actor, task_id)
    if not _acts_for_lead(actor, task):
        raise PermissionDenied(str(NOT_LEAD % {"a": task.lead_agency.name}))
    if task.state != TaskState.OPEN:
        raise DomainError(NOT_OPEN, code="wrong_state")
    text = nfc(text or "").strip()
    if not text:
        raise ValidationFailed({"text": [str(NO_TEXT)]})
    with transaction.atomic():
        task = _lock(task.pk)
        report = TaskReport.objects.create(task=task, kind=ReportKind.PROGRESS, text=text[:4000], by=actor,
                                           on_behalf=not _in_agency(actor, task.lead_agency_id))
        task.save(update_fields=["updated_at"])
        _log(actor, AuditAction.PROGRESS, task, _("Báo cáo tiến độ: %(t)s") % {"t": text[:300]})
    return report


def task_report_result(*, actor, task_id: int, text: str, upload=None, linked_document_id: int | None = None,
                       today: dt.date | None = None) -> TaskReport:
    """The lead agency reports the result, with a file (checked like every upload) or a link to a document
    it issued; the task then waits for the giver's confirmation. File and row are stored together or not at all."""
    task = _visible(actor, task_id)
    if not _acts_for_lead(actor, task):
        raise PermissionDenied(str(NOT_LEAD % {"a": task.lead_agency.name}))
    if task.state != TaskState.OPEN:
        raise DomainError(NOT_OPEN, code="wrong_state")
    errors: dict[str, list] = {}
    text = nfc(text or "").strip()
    if not text:
        errors["text"] = [str(NO_TEXT)]
    linked = None
    if linked_document_id:
        linked = document_selectors.documents_visible_to(user=actor).filter(
            pk=linked_document_id, direction=Direction.OUTGOING, agency_id=task.lead_agency_id).first()
        if linked is None:
            errors["linked_document"] = [str(LINK_NOT_ISSUED)]
    read = []
    if upload is not None:
        try:
            read = document_services.files_read([upload], field_name="file")
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    written: list[str] = []
    try:
        with transaction.atomic():
            task = _lock(task.pk)
            stored = document_services.files_store(read, written=written)[0] if read else None
            report = TaskReport.objects.create(
                task=task, kind=ReportKind.RESULT, text=text[:4000], by=actor, linked_document=linked,
                stored_file=stored, filename=read[0].name[:255] if read else "",
                on_behalf=not _in_agency(actor, task.lead_agency_id))
            task.state, task.reported_on = TaskState.REPORTED, _today(today)
            task.save(update_fields=["state", "reported_on", "updated_at"])
            _log(actor, AuditAction.PROGRESS, task, _("Báo cáo kết quả: %(t)s") % {"t": text[:300]},
                 {"file": report.filename, "linked_document": linked_document_id})
            _notify(_giver_people(task), task=task,
                    title=_("Kết quả nhiệm vụ chờ xác nhận: %(c)s") % {"c": task.content[:150]})
        return report
    except BaseException:
        document_services.files_discard(written)
        raise


def _require_giver(actor, task: Task) -> None:
    if not _is_giver(actor, task):
        raise PermissionDenied(str(NOT_GIVER % {"a": task.giver_agency.name}))


def task_confirm(*, actor, task_id: int, note: str = "", today: dt.date | None = None) -> Task:
    """The giver's office confirms completion: the task is done on the day its result was reported."""
    task = _visible(actor, task_id)
    _require_giver(actor, task)
    if task.state != TaskState.REPORTED:
        raise DomainError(NOT_REPORTED, code="wrong_state")
    with transaction.atomic():
        task = _lock(task.pk)
        task.state, task.completed_on = TaskState.DONE, task.reported_on or _today(today)
        task.save(update_fields=["state", "completed_on", "updated_at"])
        _log(actor, AuditAction.COMPLETED, task, _("Xác nhận hoàn thành nhiệm vụ%(n)s") % {
            "n": f": {nfc(note)[:300]}" if note else ""})
        _notify(_agency_people(task.lead_agency_id) + [task.handed_user_id], task=task,
                title=_("Nhiệm vụ được xác nhận hoàn thành: %(c)s") % {"c": task.content[:150]})
    return task


def task_send_back(*, actor, task_id: int, reason: str) -> Task:
    task = _visible(actor, task_id)
    _require_giver(actor, task)
    if task.state != TaskState.REPORTED:
        raise DomainError(NOT_REPORTED, code="wrong_state")
    reason = nfc(reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [str(NO_REASON)]})
    with transaction.atomic():
        task = _lock(task.pk)
        task.state, task.reported_on = TaskState.OPEN, None
        task.save(update_fields=["state", "reported_on", "updated_at"])
        _log(actor, AuditAction.RETURNED, task, _("Trả lại kết quả nhiệm vụ: %(r)s") % {"r": reason[:300]})
        _notify(_agency_people(task.lead_agency_id) + [task.handed_user_id], task=task,
                title=_("Kết quả nhiệm vụ bị trả lại: %(r)s") % {"r": reason[:150]})
    return task


def task_extension_request(*, actor, task_id: int, new_deadline: dt.date | None, reason: str) -> TaskExtension:
    task = _visible(actor, task_id)
    if task.state == TaskState.DONE:
        raise ValidationFailed({"new_deadline": [str(EXTENSION_AFTER_DONE)]})
    if not _acts_for_lead(actor, task):
        raise PermissionDenied(str(NOT_LEAD % {"a": task.lead_agency.name}))
    errors: dict[str, list] = {}
    if task.deadline is None:
        errors["new_deadline"] = [str(ROUTINE_NO_EXTENSION)]
    elif new_deadline is None or new_deadline <= task.deadline:
        errors["new_deadline"] = [str(EXTENSION_NOT_LATER % {"d": _day(task.deadline)})]
    reason = nfc(reason or "").strip()
    if not reason:
        errors["reason"] = [str(NO_REASON)]
    if selectors.pending_extension(task=task) is not None:
        errors.setdefault("new_deadline", []).append(str(EXTENSION_PENDING))
    if errors or new_deadline is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        task = _lock(task.pk)
        ext = TaskExtension.objects.create(task=task, requested_deadline=new_deadline, reason=reason[:2000],
                                           requested_by=actor)
        _log(actor, AuditAction.CHANGED, task, _("Xin gia hạn đến %(d)s: %(r)s") % {
            "d": _day(new_deadline), "r": reason[:300]})
        _notify(_giver_people(task), task=task, title=_("Đề nghị gia hạn nhiệm vụ: %(c)s") % {"c": task.content[:150]})
    return ext


def task_extension_decide(*, actor, task_id: int, grant: bool, note: str = "",
                          new_deadline: dt.date | None = None) -> TaskExtension:
    """The giver grants (the requested deadline, or ``new_deadline``) or refuses the pending extension."""
    task = _visible(actor, task_id)
    _require_giver(actor, task)
    ext = selectors.pending_extension(task=task)
    if ext is None:
        raise DomainError(_("Không có đề nghị gia hạn nào đang chờ."), code="wrong_state")
    deadline = new_deadline or ext.requested_deadline
    if grant and task.deadline and deadline <= task.deadline:
        raise ValidationFailed({"new_deadline": [str(EXTENSION_NOT_LATER % {"d": _day(task.deadline)})]})
    note = nfc(note or "").strip()
    if not grant and not note:
        raise ValidationFailed({"note": [str(NO_REASON)]})
    with transaction.atomic():
        task = _lock(task.pk)
        ext.state = ExtensionState.GRANTED if grant else ExtensionState.REFUSED
        ext.decided_by, ext.decided_at, ext.decision_note = actor, timezone.now(), note[:2000]
        ext.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        if grant:
            TaskDeadlineChange.objects.create(task=task, old_deadline=task.deadline, new_deadline=deadline,
                                              reason=ext.reason, extension=ext, by=actor)
            task.deadline, task.overdue_notified = deadline, False
            task.save(update_fields=["deadline", "overdue_notified", "updated_at"])
            summary = _("Đồng ý gia hạn đến %(d)s") % {"d": _day(deadline)}
        else:
            summary = _("Không đồng ý gia hạn: %(r)s") % {"r": note[:300]}
        _log(actor, AuditAction.CHANGED, task, summary, {"extension": ext.pk, "granted": grant})
        _notify([ext.requested_by_id] + _agency_people(task.lead_agency_id), task=task, title=summary)
    return ext


def task_change_deadline(*, actor, task_id: int, new_deadline: dt.date | None, reason: str) -> Task:
    """The giver corrects a deadline (or makes the task "thường xuyên"): kept with who and why."""
    task = _visible(actor, task_id)
    _require_giver(actor, task)
    reason = nfc(reason or "").strip()
    errors: dict[str, list] = {}
    if not reason:
        errors["reason"] = [str(NO_REASON)]
    if new_deadline is not None and new_deadline < task.source_document.issued_on:
        errors["new_deadline"] = [str(DEADLINE_BEFORE_SOURCE % {"d": _day(new_deadline),
                                                                "s": _day(task.source_document.issued_on)})]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        task = _lock(task.pk)
        TaskDeadlineChange.objects.create(task=task, old_deadline=task.deadline, new_deadline=new_deadline,
                                          reason=reason[:2000], by=actor)
        old, task.deadline, task.overdue_notified = task.deadline, new_deadline, False
        task.save(update_fields=["deadline", "overdue_notified", "updated_at"])
        _log(actor, AuditAction.CHANGED, task, _("Đổi hạn từ %(o)s thành %(n)s: %(r)s") % {
            "o": _day(old), "n": _day(new_deadline), "r": reason[:300]})
    return task


def task_record_report_file_download(*, actor, report: TaskReport) -> None:
    audit_log(actor=actor, action=AuditAction.DOWNLOADED, obj_type="task", obj_id=report.task_id,
              agency_id=report.task.giver_agency_id, summary=_("Tải tệp báo cáo %(f)s") % {"f": report.filename},
              read_only=True)


def document_record_denied(*, actor, document_id) -> None:
    document_services.document_record_denied(actor=actor, document_id=document_id)


def task_record_denied(*, actor, task_id) -> None:
    audit_log(actor=actor, action=AuditAction.DENIED, obj_type="task", obj_id=task_id,
              summary=_("Yêu cầu truy cập nhiệm vụ không được phép"))


# --- Chasing (đôn đốc) -------------------------------------------------------------------------------------

CHASE_FILENAME = "cong-van-don-doc-nhiem-vu.pdf"


def task_chase_draft(*, actor, task_ids: list[int], signer_id: int | None = None):
    """A DRAFT công văn đôn đốc of the giver agency to the lead agencies of the chosen (open) tasks, its file the
    letter listing the tasks; it then follows the normal outgoing flow (drafting.services)."""
    tasks = list(selectors.task_list(user=actor).filter(pk__in=list(task_ids), state__in=OPEN_STATES))
    if not tasks:
        raise ValidationFailed({"tasks": [_("Chọn ít nhất một nhiệm vụ chưa hoàn thành để đôn đốc.")]})
    givers = {t.giver_agency_id for t in tasks}
    if len(givers) != 1 or not _is_giver(actor, tasks[0]):
        raise PermissionDenied(str(NOT_GIVER % {"a": tasks[0].giver_agency.name}))
    issuer = tasks[0].giver_agency
    leaders = {p.user_id: p for p in selectors.leaders_of(agency_id=issuer.pk).filter(unit__isnull=True)}
    if signer_id is None and leaders:
        signer_id = next(iter(leaders))
    if signer_id not in leaders:
        raise ValidationFailed({"signer": [_("Người ký phải là lãnh đạo của %(a)s.") % {"a": issuer.name}]})
    document_type = DocumentType.objects.filter(code="cong-van", is_active=True).first()
    if document_type is None:
        raise DomainError(_("Danh mục loại văn bản chưa có loại “Công văn”."))
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .printing import chase_letter_pdf

    pdf = chase_letter_pdf(issuer=issuer, tasks=tasks, signer=leaders[signer_id])
    recipients = sorted({t.lead_agency_id for t in tasks})
    data = drafting.DraftInput(
        document_type=document_type, subject=_("V/v đôn đốc thực hiện nhiệm vụ được giao"), signer_id=signer_id,
        signer_position=" ".join(leaders[signer_id].title.split()), recipient_ids=recipients,
        extra_recipients=_("Lưu: VT"),
        files=[SimpleUploadedFile(CHASE_FILENAME, pdf, content_type="application/pdf")])
    draft = drafting.draft_create(actor=actor, agency=issuer, data=data)
    for t in tasks:
        _log(actor, AuditAction.CREATED, t, _("Soạn công văn đôn đốc (dự thảo số %(d)s)") % {"d": draft.pk},
             {"draft": draft.pk})
    return draft


# --- Daily reminders -----------------------------------------------------------------------------------------

def reminder_working_days() -> int:
    return int(getattr(settings, "FOLLOWUP_REMINDER_WORKING_DAYS", 3))


def send_task_reminders(*, today: dt.date | None = None) -> int:
    """Before the deadline (``FOLLOWUP_REMINDER_WORKING_DAYS`` working days, default 3), on the day, and once
    overdue: one notification per person, agency and kind (counting the tasks), to the lead agency's văn thư
    and leaders and to the person each task was handed on to; the e-mail digest gathers them. Cut-offs computed
    once, three reads, one bulk insert, one bulk update. Returns the number of notifications created."""
    today = _today(today)
    soon = add_working_days(today, reminder_working_days())
    due_soon, due_today, overdue = selectors.reminder_tasks(today=today, soon=soon)
    groups: dict[tuple[str, int], list[int]] = {}  # (kind, agency) -> task ids
    handed: dict[tuple[str, int], set[int]] = {}  # (kind, user) -> task ids handed on to them
    overdue_ids = []
    for kind, qs in (("soon", due_soon), ("today", due_today), ("overdue", overdue)):
        for task_id, agency_id, user_id in qs.values_list("pk", "lead_agency_id", "handed_user_id").iterator(
                chunk_size=5000):
            groups.setdefault((kind, agency_id), []).append(task_id)
            if user_id:
                handed.setdefault((kind, user_id), set()).add(task_id)
            if kind == "overdue":
                overdue_ids.append(task_id)
    followers = selectors.agency_followers(agency_ids={a for _k, a in groups})
    titles = {"soon": _("%(n)s nhiệm vụ sắp đến hạn (trước %(d)s)"), "today": _("%(n)s nhiệm vụ đến hạn hôm nay"),
              "overdue": _("%(n)s nhiệm vụ đã quá hạn")}
    url = reverse("followup:queue")
    KINDS = {"soon": Kind.REMINDER_DUE_SOON, "today": Kind.REMINDER_DUE_SOON, "overdue": Kind.REMINDER_OVERDUE}
    stamp = today.isoformat()
    specs = []
    for (kind, agency_id), ids in groups.items():
        title = titles[kind] % {"n": len(ids), "d": soon.strftime(DATE_FORMAT)}
        for user_id in sorted(followers.get(agency_id, ())):
            specs.append(notification_services.NotificationSpec(
                user_id=user_id, kind=KINDS[kind], title=title, url=url,
                dedupe_key=f"task-{kind}-{agency_id}-{stamp}"))
    for (kind, user_id), handed_ids in handed.items():
        title = titles[kind] % {"n": len(handed_ids), "d": soon.strftime(DATE_FORMAT)}
        specs.append(notification_services.NotificationSpec(
            user_id=user_id, kind=KINDS[kind], title=title, url=url, dedupe_key=f"task-{kind}-u{user_id}-{stamp}"))
    with transaction.atomic():
        created = notification_services.notify_many(specs, mail_in_background=True)
        for start in range(0, len(overdue_ids), 5000):
            Task.objects.filter(pk__in=overdue_ids[start:start + 5000]).update(overdue_notified=True)
    return created
