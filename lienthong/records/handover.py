"""Handover of closed files to the agency archive (nộp lưu, NĐ30 Art. 30–31, PL5 §III and §V; vanthu.md §5).

Writes of the handover and its printouts (the reads are in ``records.handover_selectors``):

- **deadline**: a closed file is due ``rule.months`` after the end of the work (or, for construction files,
  after the final accounts), the rule being data (``HandoverRule``); its owner is reminded ``remind_days``
  (30) days before and when it is overdue, by the daily job ``send_handover_reminders``;
- **keeping past the deadline**: only with a recorded approval of one of the agency's leaders, for at most
  the rule's ``max_keep_months`` (24) past the deadline; the archive is told and lists those files;
- **handover**: the owner submits a set of closed files (one ``Handover``: the Mục lục hồ sơ, tài liệu nộp
  lưu as XLSX and the Biên bản giao nhận as PDF); the files become ``handed_over`` and are frozen;
- **checking**: the agency's archive (positions with the role ``archivist``) compares each file with the
  plan, then accepts it (``accepted``: in the archive's custody, read-only) or sends it back with a reason
  (``closed`` again, the reason shown to the owner);
- **use of a file in custody**: by request, approved or refused by the archive, and the use recorded: the
  Sổ sử dụng bản lưu (``UsageRequest``). A file never widens what someone sees: documents in it are still
  shown only to those who see each document;
- **an official who leaves**: their files still with them (open, or closed and not handed over) pass to a
  named successor who works in the same agency.

Every write is audit-logged.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Position, Role, User
from lienthong.agencies.models import Agency
from lienthong.audit.models import AuditAction
from lienthong.audit.services import AuditItem, audit_log, audit_log_many
from lienthong.core import exports
from lienthong.core.errors import NotFound, PermissionDenied, ValidationFailed
from lienthong.core.text import nfc
from lienthong.notifications.services import NotificationSpec, notify, notify_many
from lienthong.records import handover_selectors as reads
from lienthong.records import selectors
from lienthong.records.models import (
    CaseFile,
    CaseFileState,
    DueBasis,
    Handover,
    HandoverItem,
    HandoverRule,
    HandoverState,
    ItemDecision,
    KeepApproval,
    UsageRequest,
    UsageState,
)

# Messages users see (tests assert through these constants).
FILES_REQUIRED = gettext_lazy("Cần chọn ít nhất một hồ sơ để nộp lưu.")
TOO_MANY_FILES = gettext_lazy("Mỗi lần nộp lưu tối đa %(n)s hồ sơ.")
NOT_CLOSED = gettext_lazy("Hồ sơ “%(number)s” chưa kết thúc (hoặc đã nộp lưu): chỉ nộp lưu hồ sơ đã kết thúc.")
NOT_OWNER = gettext_lazy("Chỉ người lập hồ sơ mới nộp lưu hồ sơ “%(number)s”.")
MIXED_AGENCIES = gettext_lazy("Các hồ sơ của một lần nộp lưu phải cùng một cơ quan.")
NOT_ARCHIVIST = gettext_lazy("Chỉ Lưu trữ cơ quan mới nhận hoặc trả lại hồ sơ nộp lưu.")
NOT_HANDED_OVER = gettext_lazy("Hồ sơ “%(number)s” chưa được nộp lưu (hoặc đã được kiểm tra): không nhận hay trả "
                               "lại được.")
RETURN_REASON_REQUIRED = gettext_lazy("Cần ghi lý do trả lại hồ sơ.")
NOT_LEADER = gettext_lazy("Chỉ lãnh đạo cơ quan mới đồng ý cho giữ lại hồ sơ quá hạn nộp lưu.")
KEEP_NOT_CLOSED = gettext_lazy("Chỉ giữ lại hồ sơ đã kết thúc và chưa nộp lưu.")
NO_DUE_DATE = gettext_lazy("Hồ sơ chưa có hạn nộp lưu (hồ sơ xây dựng cơ bản cần ngày quyết toán công trình).")
KEEP_TOO_LONG = gettext_lazy("Chỉ được giữ lại tối đa %(m)s tháng sau hạn nộp lưu, tức là đến ngày %(d)s.")
KEEP_BEFORE_DUE = gettext_lazy("Ngày giữ lại phải sau hạn nộp lưu (%(d)s).")
KEEP_REASON_REQUIRED = gettext_lazy("Cần ghi lý do giữ lại hồ sơ.")
RULE_UNKNOWN = gettext_lazy("Quy định thời hạn nộp lưu “%(code)s” không có.")
ACCOUNTS_DATE_REQUIRED = gettext_lazy("Hồ sơ xây dựng cơ bản cần ngày quyết toán công trình.")
NOT_FILE_OWNER = gettext_lazy("Chỉ người lập hồ sơ mới sửa hạn nộp lưu.")
DUE_FROZEN = gettext_lazy("Hồ sơ đã nộp lưu: không sửa hạn nộp lưu được nữa.")
NOT_IN_CUSTODY = gettext_lazy("Chỉ đề nghị sử dụng hồ sơ Lưu trữ cơ quan đã nhận.")
PURPOSE_REQUIRED = gettext_lazy("Cần ghi mục đích sử dụng.")
NO_POSITION = gettext_lazy("Bạn không công tác tại cơ quan giữ hồ sơ này.")
REQUEST_DECIDED = gettext_lazy("Đề nghị sử dụng này đã được xử lý.")
REQUEST_NOT_APPROVED = gettext_lazy("Chỉ ghi nhận sử dụng cho đề nghị đã được đồng ý.")
NOT_USAGE_KEEPER = gettext_lazy("Chỉ Lưu trữ cơ quan mới duyệt đề nghị và ghi sổ sử dụng bản lưu.")
ACCESS_UNTIL_PAST = gettext_lazy("Ngày hết hạn sử dụng không được trước hôm nay.")
SUCCESSOR_REQUIRED = gettext_lazy("Cần chọn người nhận bàn giao hồ sơ.")
SUCCESSOR_SAME = gettext_lazy("Người nhận bàn giao phải là người khác.")
SUCCESSOR_OTHER_AGENCY = gettext_lazy("Người nhận bàn giao “%(name)s” không công tác tại %(agency)s: chỉ bàn giao "
                                      "hồ sơ cho người cùng cơ quan.")
NOT_PASS_ON_ALLOWED = gettext_lazy("Chỉ người lập hồ sơ, lãnh đạo hoặc quản trị cơ quan mới bàn giao hồ sơ của "
                                   "một người.")
NOTHING_TO_PASS_ON = gettext_lazy("Người này không còn hồ sơ nào đang giữ tại cơ quan.")
PASS_ON_REASON_REQUIRED = gettext_lazy("Cần ghi lý do bàn giao (nghỉ hưu, thôi việc, chuyển công tác…).")

MAX_FILES_AT_ONCE = 500
USAGE_DAYS = 14  # how long an approved request lets its author read the file, unless the archive says otherwise
# Files with a retention shorter than this many years are not required to go to the archive (NĐ30 Art. 30).
HANDOVER_MIN_YEARS = 5


# ========================================================================================= writes

def set_due(case_file: CaseFile) -> None:
    """Fill in the deadline of a file being closed (called by ``services.case_file_close``)."""
    case_file.handover_due = reads.due_of(case_file, reads.rule_of(case_file))


def file_due_set(*, actor, case_file_id: int, rule_code: str, final_accounts_date: dt.date | None) -> CaseFile:
    """The owner says which rule the file's deadline follows (and the final accounts date for construction)."""
    row = selectors.case_file_get(user=actor, case_file_id=case_file_id)
    if row.owner_id != actor.pk:
        raise PermissionDenied(NOT_FILE_OWNER)
    rule = HandoverRule.objects.filter(code=(rule_code or "").strip()).first()
    if rule is None:
        raise ValidationFailed({"rule_code": [str(RULE_UNKNOWN % {"code": rule_code})]})
    if rule.counts_from == DueBasis.FINAL_ACCOUNTS and final_accounts_date is None:
        raise ValidationFailed({"final_accounts_date": [str(ACCOUNTS_DATE_REQUIRED)]})
    with transaction.atomic():
        row = CaseFile.objects.select_for_update().get(pk=row.pk)
        if row.state not in (CaseFileState.OPEN, CaseFileState.CLOSED):
            raise ValidationFailed({"state": [str(DUE_FROZEN)]})
        row.handover_rule, row.final_accounts_date = rule, final_accounts_date
        row.handover_due = reads.due_of(row, rule) if row.state == CaseFileState.CLOSED else None
        row.save(update_fields=["handover_rule", "final_accounts_date", "handover_due"])
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="case_file", obj_id=row.pk,
                  agency_id=row.agency_id, summary=_("Hạn nộp lưu theo quy định: %(r)s") % {"r": rule.name},
                  details={"rule": rule.code, "final_accounts_date": str(final_accounts_date or ""),
                           "handover_due": str(row.handover_due or "")})
    return row


def _archivists(agency_id: int) -> list[int]:
    return list(Position.objects.filter(agency_id=agency_id, role=Role.ARCHIVIST, is_active=True,
                                        user__is_active=True).values_list("user_id", flat=True).distinct())


def handover_submit(*, actor, case_file_ids: list[int], note: str = "") -> Handover:
    """Hand a set of the actor's closed files over to their agency's archive. One refused file refuses all."""
    ids = list(dict.fromkeys(int(i) for i in case_file_ids or []))
    if not ids:
        raise ValidationFailed({"case_file_ids": [str(FILES_REQUIRED)]})
    if len(ids) > MAX_FILES_AT_ONCE:
        raise ValidationFailed({"case_file_ids": [str(TOO_MANY_FILES % {"n": MAX_FILES_AT_ONCE})]})
    visible = set(selectors.case_files_visible_to(user=actor).filter(pk__in=ids).values_list("pk", flat=True))
    if len(visible) != len(ids):
        raise NotFound()
    with transaction.atomic():
        files = list(CaseFile.objects.select_for_update().filter(pk__in=ids).order_by("number", "id"))
        errors = []
        for f in files:
            if f.owner_id != actor.pk:
                errors.append(str(NOT_OWNER % {"number": f.number}))
            elif f.state != CaseFileState.CLOSED:
                errors.append(str(NOT_CLOSED % {"number": f.number}))
        if len({f.agency_id for f in files}) > 1:
            errors.append(str(MIXED_AGENCIES))
        if errors:
            raise ValidationFailed({"case_file_ids": errors})
        agency_id = files[0].agency_id
        year = timezone.localdate().year
        Agency.objects.select_for_update().filter(pk=agency_id).first()  # one number at a time per agency
        number = (Handover.objects.filter(agency_id=agency_id, year=year).aggregate(m=Max("number"))["m"] or 0) + 1
        try:
            with transaction.atomic():
                handover = Handover.objects.create(agency_id=agency_id, unit_id=files[0].unit_id, year=year,
                                                   number=number, submitted_by=actor, note=nfc(note)[:500])
        except IntegrityError as exc:  # pragma: no cover - the agency row lock above serialises numbering
            raise ValidationFailed({"case_file_ids": [_("Vui lòng thử lại.")]}) from exc
        HandoverItem.objects.bulk_create([HandoverItem(handover=handover, case_file=f, ordinal=i)
                                          for i, f in enumerate(files, start=1)])
        CaseFile.objects.filter(pk__in=[f.pk for f in files]).update(state=CaseFileState.HANDED_OVER)
        audit_log_many(actor=actor, agency_id=agency_id, items=[
            AuditItem(action=AuditAction.SENT, obj_type="case_file", obj_id=f.pk,
                      summary=_("Nộp lưu hồ sơ %(n)s (lần nộp lưu số %(h)s/%(y)s)") % {
                          "n": f.number, "h": number, "y": year}, details={"handover_id": handover.pk})
            for f in files] + [
            AuditItem(action=AuditAction.CREATED, obj_type="handover", obj_id=handover.pk,
                      summary=_("Nộp lưu %(k)s hồ sơ vào Lưu trữ cơ quan") % {"k": len(files)},
                      details={"case_file_ids": [f.pk for f in files]})])
        notify(user_ids=_archivists(agency_id), kind="status",
               title=_("Có %(k)s hồ sơ nộp lưu chờ kiểm tra") % {"k": len(files)},
               body=str(actor), url=reverse("records:handover", kwargs={"handover_id": handover.pk}),
               dedupe_key=f"handover:{handover.pk}")
    return handover


def handover_decide(*, actor, case_file_id: int, accept: bool, reason: str = "") -> CaseFile:
    """The archive accepts a handed-over file into its custody, or sends it back to its owner with a reason."""
    reason = nfc(reason)[:1000]
    row = selectors.case_file_get(user=actor, case_file_id=case_file_id)
    if row.agency_id not in reads.archive_agency_ids(user=actor):
        raise PermissionDenied(NOT_ARCHIVIST)
    if not accept and not reason:
        raise ValidationFailed({"reason": [str(RETURN_REASON_REQUIRED)]})
    with transaction.atomic():
        row = CaseFile.objects.select_for_update(of=("self",)).select_related("agency", "owner", "retention").get(
            pk=row.pk)
        item = HandoverItem.objects.select_for_update().filter(
            case_file=row, decision=ItemDecision.PENDING).select_related("handover").first()
        if row.state != CaseFileState.HANDED_OVER or item is None:
            raise ValidationFailed({"state": [str(NOT_HANDED_OVER % {"number": row.number})]})
        now = timezone.now()
        item.decision = ItemDecision.ACCEPTED if accept else ItemDecision.RETURNED
        item.reason, item.decided_by, item.decided_at = ("" if accept else reason), actor, now
        item.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        row.state = CaseFileState.ACCEPTED if accept else CaseFileState.CLOSED
        row.save(update_fields=["state"])
        handover = item.handover
        if not HandoverItem.objects.filter(handover=handover, decision=ItemDecision.PENDING).exists():
            handover.state, handover.completed_at = HandoverState.DONE, now
            handover.save(update_fields=["state", "completed_at"])
        check = reads.plan_check(CaseFile.objects.select_related("plan_entry", "plan_entry__retention").get(pk=row.pk))
        audit_log(actor=actor, action=AuditAction.RECEIVED if accept else AuditAction.RETURNED,
                  obj_type="case_file", obj_id=row.pk, agency_id=row.agency_id,
                  summary=(_("Lưu trữ cơ quan nhận hồ sơ %(n)s") if accept
                           else _("Lưu trữ cơ quan trả lại hồ sơ %(n)s: %(r)s")) % {"n": row.number, "r": reason},
                  details={"handover_id": handover.pk, "plan_check": check.notes, "reason": reason})
        title = (_("Lưu trữ cơ quan đã nhận hồ sơ %(n)s") if accept
                 else _("Lưu trữ cơ quan trả lại hồ sơ %(n)s")) % {"n": row.number}
        notify(user_ids=[row.owner_id], kind="status", title=title, body=reason,
               url=reverse("records:file", kwargs={"case_file_id": row.pk}),
               dedupe_key=f"handover-decision:{item.pk}")
    return row


def keep_approve(*, actor, case_file_id: int, until: dt.date | None, reason: str,
                 decision_reference: str = "") -> KeepApproval:
    """A leader of the agency lets the unit keep a closed file past its deadline, for at most the rule's
    ``max_keep_months``; the archive is told."""
    reason, decision_reference = nfc(reason)[:1000], nfc(decision_reference)[:255]
    row = selectors.case_file_get(user=actor, case_file_id=case_file_id)
    if row.agency_id not in account_selectors.position_agencies(user=actor).leader_ids:
        raise PermissionDenied(NOT_LEADER)
    with transaction.atomic():
        row = CaseFile.objects.select_for_update().get(pk=row.pk)
        if row.state != CaseFileState.CLOSED:
            raise ValidationFailed({"state": [str(KEEP_NOT_CLOSED)]})
        if row.handover_due is None:
            raise ValidationFailed({"state": [str(NO_DUE_DATE)]})
        rule = reads.rule_of(row)
        limit_months = rule.max_keep_months if rule else 24
        limit = reads.add_months(row.handover_due, limit_months)
        errors: dict[str, list[str]] = {}
        if not reason:
            errors["reason"] = [str(KEEP_REASON_REQUIRED)]
        if until is None or until > limit:
            errors["until"] = [str(KEEP_TOO_LONG % {"m": limit_months, "d": limit.strftime("%d/%m/%Y")})]
        elif until <= row.handover_due:
            errors["until"] = [str(KEEP_BEFORE_DUE % {"d": row.handover_due.strftime("%d/%m/%Y")})]
        if errors:
            raise ValidationFailed(errors)
        approval = KeepApproval.objects.create(case_file=row, until=until, reason=reason,
                                               decision_reference=decision_reference, approved_by=actor)
        row.kept_until = until
        row.save(update_fields=["kept_until"])
        audit_log(actor=actor, action=AuditAction.TRANSITION, obj_type="case_file", obj_id=row.pk,
                  agency_id=row.agency_id,
                  summary=_("Đồng ý giữ lại hồ sơ %(n)s đến ngày %(d)s: %(r)s") % {
                      "n": row.number, "d": until.strftime("%d/%m/%Y"), "r": reason},
                  details={"until": str(until), "decision_reference": decision_reference})
        url = reverse("records:archive") + "?tab=kept"
        notify(user_ids=_archivists(row.agency_id), kind="status",
               title=_("Hồ sơ %(n)s được giữ lại đến ngày %(d)s") % {"n": row.number,
                                                                      "d": until.strftime("%d/%m/%Y")},
               body=reason, url=url, dedupe_key=f"keep:{approval.pk}")
        notify(user_ids=[row.owner_id], kind="status",
               title=_("Hồ sơ %(n)s được giữ lại đến ngày %(d)s") % {"n": row.number,
                                                                      "d": until.strftime("%d/%m/%Y")},
               body=reason, url=reverse("records:file", kwargs={"case_file_id": row.pk}),
               dedupe_key=f"keep:{approval.pk}")
    return approval


def usage_request(*, actor, case_file_id: int, purpose: str) -> UsageRequest:
    purpose = nfc(purpose)[:1000]
    row = selectors.case_file_get(user=actor, case_file_id=case_file_id)
    if row.state != CaseFileState.ACCEPTED:
        raise ValidationFailed({"state": [str(NOT_IN_CUSTODY)]})
    if row.agency_id not in account_selectors.position_agencies(user=actor).all_ids:
        raise PermissionDenied(NO_POSITION)
    if not purpose:
        raise ValidationFailed({"purpose": [str(PURPOSE_REQUIRED)]})
    with transaction.atomic():
        request = UsageRequest.objects.create(case_file=row, agency_id=row.agency_id, requested_by=actor,
                                              purpose=purpose)
        audit_log(actor=actor, action=AuditAction.CREATED, obj_type="usage_request", obj_id=request.pk,
                  agency_id=row.agency_id, summary=_("Đề nghị sử dụng hồ sơ %(n)s: %(p)s") % {
                      "n": row.number, "p": purpose[:200]}, details={"case_file_id": row.pk})
        notify(user_ids=_archivists(row.agency_id), kind="status",
               title=_("Đề nghị sử dụng hồ sơ %(n)s") % {"n": row.number}, body=purpose,
               url=reverse("records:archive") + "?tab=usage", dedupe_key=f"usage:{request.pk}")
    return request


def _usage_for_keeper(actor, request_id: int) -> UsageRequest:
    request = UsageRequest.objects.select_for_update().filter(
        pk=request_id, agency_id__in=sorted(reads.archive_agency_ids(user=actor))).select_related("case_file").first()
    if request is None:
        if UsageRequest.objects.filter(pk=request_id, requested_by_id=actor.pk).exists():
            raise PermissionDenied(NOT_USAGE_KEEPER)
        raise NotFound()
    return request


def usage_decide(*, actor, request_id: int, approve: bool, note: str = "",
                 access_until: dt.date | None = None) -> UsageRequest:
    note = nfc(note)[:1000]
    today = timezone.localdate()
    if approve and access_until is not None and access_until < today:
        raise ValidationFailed({"access_until": [str(ACCESS_UNTIL_PAST)]})
    with transaction.atomic():
        request = _usage_for_keeper(actor, request_id)
        if request.state != UsageState.REQUESTED:
            raise ValidationFailed({"state": [str(REQUEST_DECIDED)]})
        request.state = UsageState.APPROVED if approve else UsageState.REFUSED
        request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
        request.access_until = (access_until or today + dt.timedelta(days=USAGE_DAYS)) if approve else None
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "access_until"])
        audit_log(actor=actor, action=AuditAction.TRANSITION, obj_type="usage_request", obj_id=request.pk,
                  agency_id=request.agency_id,
                  summary=(_("Đồng ý cho sử dụng hồ sơ %(n)s") if approve
                           else _("Không đồng ý cho sử dụng hồ sơ %(n)s")) % {"n": request.case_file.number},
                  details={"note": note, "access_until": str(request.access_until or "")})
        notify(user_ids=[request.requested_by_id], kind="status",
               title=(_("Được sử dụng hồ sơ %(n)s") if approve else _("Không được sử dụng hồ sơ %(n)s")) % {
                   "n": request.case_file.number}, body=note,
               url=reverse("records:file", kwargs={"case_file_id": request.case_file_id}),
               dedupe_key=f"usage-decision:{request.pk}")
    return request


def usage_record(*, actor, request_id: int, note: str = "") -> UsageRequest:
    """Write in the register that the approved use took place (and ended)."""
    note = nfc(note)[:1000]
    with transaction.atomic():
        request = _usage_for_keeper(actor, request_id)
        if request.state != UsageState.APPROVED:
            raise ValidationFailed({"state": [str(REQUEST_NOT_APPROVED)]})
        request.state, request.used_at, request.use_note = UsageState.USED, timezone.now(), note
        request.save(update_fields=["state", "used_at", "use_note"])
        audit_log(actor=actor, action=AuditAction.COMPLETED, obj_type="usage_request", obj_id=request.pk,
                  agency_id=request.agency_id,
                  summary=_("Ghi sổ sử dụng bản lưu: hồ sơ %(n)s") % {"n": request.case_file.number},
                  details={"note": note})
    return request


def files_pass_on(*, actor, from_user_id: int, successor_id: int | None, agency_id: int, reason: str) -> int:
    """An official who leaves or transfers hands every file still with them at the agency (open, or closed
    and not handed over) to a named successor of the same agency. Returns how many files passed."""
    reason = nfc(reason)[:500]
    held = account_selectors.position_agencies(user=actor)
    allowed = actor.pk == from_user_id or agency_id in held.leader_ids or agency_id in reads.admin_agency_ids(
        user=actor)
    if agency_id not in held.all_ids or not allowed:
        raise PermissionDenied(NOT_PASS_ON_ALLOWED)
    errors: dict[str, list[str]] = {}
    if not successor_id:
        errors["successor_id"] = [str(SUCCESSOR_REQUIRED)]
    elif successor_id == from_user_id:
        errors["successor_id"] = [str(SUCCESSOR_SAME)]
    if not reason:
        errors["reason"] = [str(PASS_ON_REASON_REQUIRED)]
    if errors:
        raise ValidationFailed(errors)
    successor = User.objects.filter(pk=successor_id).first()
    if successor is None:
        raise ValidationFailed({"successor_id": [str(SUCCESSOR_REQUIRED)]})
    positions = account_selectors.active_positions(user=successor).filter(agency_id=agency_id)
    if not positions.exists():
        agency = Agency.objects.get(pk=agency_id)
        raise ValidationFailed({"successor_id": [str(SUCCESSOR_OTHER_AGENCY % {"name": str(successor),
                                                                               "agency": agency.name})]})
    unit_id = positions.filter(unit__isnull=False).values_list("unit_id", flat=True).first()
    with transaction.atomic():
        files = list(CaseFile.objects.select_for_update().filter(
            owner_id=from_user_id, agency_id=agency_id, state__in=[CaseFileState.OPEN, CaseFileState.CLOSED]))
        if not files:
            raise ValidationFailed({"from_user_id": [str(NOTHING_TO_PASS_ON)]})
        CaseFile.objects.filter(pk__in=[f.pk for f in files]).update(owner=successor, unit_id=unit_id)
        audit_log_many(actor=actor, agency_id=agency_id, items=[
            AuditItem(action=AuditAction.ASSIGNED, obj_type="case_file", obj_id=f.pk,
                      summary=_("Bàn giao hồ sơ %(n)s cho %(s)s: %(r)s") % {"n": f.number, "s": str(successor),
                                                                            "r": reason},
                      details={"from_user_id": from_user_id, "successor_id": successor.pk, "reason": reason})
            for f in files])
        notify(user_ids=[successor.pk], kind="assignment",
               title=_("Anh/chị được bàn giao %(k)s hồ sơ") % {"k": len(files)}, body=reason,
               url=reverse("records:files"), dedupe_key=f"pass-on:{from_user_id}:{files[0].pk}:{len(files)}")
    return len(files)


def send_handover_reminders(*, today: dt.date | None = None) -> dict[str, int]:
    """The daily job: the owner of every closed file due for handover within its rule's ``remind_days`` (or
    overdue) is reminded once per deadline; files kept with approval count from the approved date. Files
    with a retention under 5 years are not required to go to the archive and are not reminded."""
    today = today or timezone.localdate()
    specs: list[NotificationSpec] = []
    counted = {"due_soon": 0, "overdue": 0}
    file_url = reverse("records:file", kwargs={"case_file_id": 0}).replace("/0/", "/%s/")
    default = reads.default_rule()
    for rule in reads.rules():
        qs = CaseFile.objects.filter(state=CaseFileState.CLOSED).filter(
            Q(retention__years__isnull=True) | Q(retention__years__gte=HANDOVER_MIN_YEARS))
        qs = qs.filter(Q(handover_rule=rule) | Q(handover_rule__isnull=True)) if rule == default \
            else qs.filter(handover_rule=rule)
        cutoff = today + dt.timedelta(days=rule.remind_days)
        qs = qs.filter(Q(kept_until__isnull=True, handover_due__lte=cutoff) | Q(kept_until__lte=cutoff))
        for f in qs.values("pk", "owner_id", "number", "title", "handover_due", "kept_until").iterator():
            due = f["kept_until"] or f["handover_due"]
            late = due < today
            counted["overdue" if late else "due_soon"] += 1
            title = (_("Quá hạn nộp lưu: hồ sơ %(n)s (hạn %(d)s)") if late
                     else _("Sắp đến hạn nộp lưu: hồ sơ %(n)s (hạn %(d)s)")) % {
                "n": f["number"], "d": due.strftime("%d/%m/%Y")}
            specs.append(NotificationSpec(
                user_id=f["owner_id"], kind="reminder_overdue" if late else "reminder_due_soon", title=title,
                body=f["title"][:300], url=file_url % f["pk"],
                dedupe_key=f"handover-{'late' if late else 'soon'}:{f['pk']}:{due:%Y%m%d}"))
    created = notify_many(specs, mail_in_background=True)
    return counted | {"notifications": created}


# ========================================================================================= printouts

LIST_COLUMNS = (gettext_lazy("STT"), gettext_lazy("Số, ký hiệu hồ sơ"), gettext_lazy("Tiêu đề hồ sơ"),
                gettext_lazy("Thời gian tài liệu"), gettext_lazy("Thời hạn bảo quản"),
                gettext_lazy("Số tờ/Số trang"), gettext_lazy("Ghi chú"))


def _period(f: CaseFile) -> str:
    start = f.start_date.strftime("%d/%m/%Y")
    return f"{start} – {f.end_date:%d/%m/%Y}" if f.end_date else start


def handover_list_workbook(*, handover: Handover) -> bytes:
    """The Mục lục hồ sơ, tài liệu nộp lưu (PL5 §V) of one handover."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    items = reads.handover_items(handover=handover)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Mục lục nộp lưu")
    exports.append_row(ws, [handover.agency.name.upper()])
    exports.append_row(ws, [_("MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU")])
    ws["A2"].font = Font(bold=True)
    exports.append_row(ws, [_("Đơn vị nộp lưu: %(u)s") % {"u": handover.unit.name if handover.unit else
                                                           str(handover.submitted_by)}])
    exports.append_row(ws, [_("Lần nộp lưu số %(n)s/%(y)s, ngày %(d)s") % {
        "n": handover.number, "y": handover.year, "d": timezone.localtime(handover.submitted_at).strftime(
            "%d/%m/%Y")}])
    exports.append_row(ws, [])
    exports.append_row(ws, [str(c) for c in LIST_COLUMNS])
    pages = 0
    for item in items:
        f = item.case_file
        pages += f.page_total
        note = {ItemDecision.ACCEPTED: _("Đã nhận"), ItemDecision.RETURNED: _("Trả lại: %(r)s") % {"r": item.reason},
                }.get(item.decision, "")
        exports.append_row(ws, [item.ordinal, f.number, f.title, _period(f), f.retention.name,
                                f.page_total or "", note])
    exports.append_row(ws, [])
    exports.append_row(ws, [_("Tổng số: %(k)s hồ sơ, %(d)s văn bản, %(p)s trang.") % {
        "k": len(items), "d": sum(i.case_file.doc_total for i in items), "p": pages}])
    for letter, width in zip("ABCDEFG", (6, 16, 60, 26, 16, 14, 30), strict=True):
        ws.column_dimensions[letter].width = width
    return exports.workbook_bytes(wb)


def handover_record_context(*, handover: Handover) -> dict:
    items = reads.handover_items(handover=handover)
    accepted = [i for i in items if i.decision == ItemDecision.ACCEPTED]
    receivers = sorted({str(i.decided_by) for i in accepted if i.decided_by_id})
    day = timezone.localtime(handover.completed_at or handover.submitted_at).date()
    return {
        "handover": handover, "agency": handover.agency, "items": items, "accepted": accepted,
        "returned": [i for i in items if i.decision == ItemDecision.RETURNED],
        "pending": [i for i in items if i.decision == ItemDecision.PENDING],
        "doc_total": sum(i.case_file.doc_total for i in accepted),
        "page_total": sum(i.case_file.page_total for i in accepted),
        "day": day, "receivers": receivers, "giver": str(handover.submitted_by),
        "unit_name": handover.unit.name if handover.unit else "",
    }


def handover_record_pdf(*, handover: Handover) -> bytes:
    """The Biên bản giao nhận tài liệu (PL5 §V) of one handover, A4 portrait. For an electronic handover
    it counts files and documents (there are no boxes nor shelf metres)."""
    import weasyprint
    from django.template.loader import render_to_string

    html = render_to_string("records/handover/record_pdf.html", handover_record_context(handover=handover))
    return weasyprint.HTML(string=html).write_pdf()
