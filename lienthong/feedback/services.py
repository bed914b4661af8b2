"""Writes of the feedback app: a report sent from a page (or the API, or the server error page), a report opened
by the system from an unhandled error (grouped by cause), and the operator's triage: classify, grade, answer, mark
fixed in a release, close. The reporter is notified at each step the operator takes; every step is audit-logged.

SLA: each report gets its response and fix deadlines when it is opened and again when its severity changes, from
the ``SlaTarget`` row of its severity, in calendar hours (docs/decisions.md "Problem reports: SLA in calendar
hours")."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.agencies.models import Agency
from lienthong.audit.services import audit_log
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.core.text import nfc
from lienthong.feedback import selectors
from lienthong.feedback.models import (
    OPEN_STATES,
    Kind,
    ProblemReport,
    ReportMessage,
    Severity,
    SlaTarget,
    Source,
    State,
)
from lienthong.files import checks
from lienthong.files import storage as file_store
from lienthong.files.inventory import stored_objects
from lienthong.files.uploads import UploadTooLarge, read_limited
from lienthong.notifications.services import notify

logger = logging.getLogger("lienthong.feedback")

TEXT_MAX = 5000
RELEASE_MAX = 60
OBJ_TYPE = "problem_report"
DEFAULT_HOURS = {Severity.CRITICAL: (4, 24), Severity.HIGH: (8, 72), Severity.MEDIUM: (24, 168),
                 Severity.LOW: (72, 720)}

EMPTY_TEXT = gettext_lazy("Hãy mô tả lỗi hoặc góp ý của bạn.")
TEXT_TOO_LONG = gettext_lazy("Nội dung tối đa %(n)s ký tự.")
SCREENSHOT_TOO_LARGE = gettext_lazy("Ảnh chụp màn hình lớn hơn giới hạn %(limit)s nên không được đính kèm; "
                                    "báo lỗi của bạn vẫn được ghi nhận.")
SCREENSHOT_NOT_IMAGE = gettext_lazy("Tệp đính kèm không phải ảnh PNG hoặc JPEG nên không được đính kèm; báo lỗi "
                                    "của bạn vẫn được ghi nhận.")
OPERATOR_ONLY = gettext_lazy("Chỉ nhân viên nhà thầu / vận hành mới xử lý được báo lỗi.")
NO_RELEASE = gettext_lazy("Ghi tên phiên bản đã sửa lỗi.")
EMPTY_ANSWER = gettext_lazy("Nội dung trả lời không được để trống.")
ALREADY_CLOSED = gettext_lazy("Báo lỗi này đã đóng.")
BAD_CHOICE = gettext_lazy("Giá trị không hợp lệ.")


def _due(severity: str, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    target = SlaTarget.objects.filter(severity=severity).first()
    response, fix = (target.response_hours, target.fix_hours) if target else DEFAULT_HOURS[Severity(severity)]
    return start + dt.timedelta(hours=response), start + dt.timedelta(hours=fix)


def _clean_text(text: str | None, field: str = "text") -> str:
    text = nfc(text or "").strip()
    if not text:
        raise ValidationFailed({field: [str(EMPTY_TEXT if field == "text" else EMPTY_ANSWER)]})
    if len(text) > TEXT_MAX:
        raise ValidationFailed({field: [str(TEXT_TOO_LONG % {"n": TEXT_MAX})]})
    return text


def _read_screenshot(upload) -> tuple[bytes | None, checks.Sniffed | None, str]:
    """The screenshot's bytes and type, or (None, None, why it was left out)."""
    limit = settings.FEEDBACK_SCREENSHOT_MAX_BYTES
    try:
        data = upload if isinstance(upload, bytes) else read_limited(upload, max_bytes=limit)
    except UploadTooLarge:
        return None, None, str(SCREENSHOT_TOO_LARGE % {"limit": filesizeformat(limit)})
    if len(data) > limit:
        return None, None, str(SCREENSHOT_TOO_LARGE % {"limit": filesizeformat(limit)})
    kind = checks.sniff(data)
    if kind not in (checks.PNG, checks.JPEG):
        return None, None, str(SCREENSHOT_NOT_IMAGE)
    try:
        checks.check_upload(data, name="screenshot." + kind.kind, field="screenshot")
    except ValidationFailed:
        return None, None, str(SCREENSHOT_NOT_IMAGE)
    return data, kind, ""


def _reporter_context(user, position=None) -> tuple[str, Agency | None]:
    """The reporter's role and agency at the time: the position chosen in the switcher, else their first one."""
    if getattr(user, "is_operator", False):
        return str(_("Nhà thầu / vận hành")), None
    held = [position] if position is not None else account_selectors.held_positions(user=user)
    if held:
        p = min(held, key=lambda h: h.pk)  # nothing chosen in the switcher: the position they were given first
        role = str(p.get_role_display())
        title = p.title if p.title and p.title.casefold() != role.casefold() else ""
        return f"{role} – {title}" if title else role, p.agency
    if getattr(user, "is_system_admin", False):
        return str(_("Quản trị hệ thống")), None
    return "", None


def report_create(*, user, text: str, page_url: str = "", user_agent: str = "", request_id: str = "",
                  screenshot=None, position=None, source: str = Source.PAGE,
                  now: dt.datetime | None = None) -> tuple[ProblemReport, str]:
    """A report from ``user``. Returns (report, note): ``note`` says why the screenshot was left out (too large,
    not an image), the report itself being kept. The screenshot and the row are written together or not at all."""
    text = _clean_text(text)
    role, agency = _reporter_context(user, position)
    data, kind, note = _read_screenshot(screenshot) if screenshot is not None else (None, None, "")
    now = now or timezone.now()
    report = ProblemReport(
        text=text, source=source if source in Source.values else Source.PAGE,
        page_url=nfc(page_url or "")[:1000], reporter=user, reporter_role=role[:120], reporter_agency=agency,
        user_agent=(user_agent or "")[:300], request_id=re.sub(r"[^A-Za-z0-9_.:-]", "", request_id or "")[:64],
        created_at=now)
    report.response_due_at, report.fix_due_at = _due(report.severity, now)
    written: list[str] = []
    try:
        with transaction.atomic():
            if data is not None and kind is not None:
                sha = file_store.sha256_of(data)
                report.screenshot_name = file_store.write_original(data, sha, written)
                report.screenshot_sha256, report.screenshot_size = sha, len(data)
                report.screenshot_type = kind.content_type
            report.save()
            audit_log(actor=user, action="feedback.reported", obj_type=OBJ_TYPE, obj_id=report.pk,
                      agency_id=agency.pk if agency else None,
                      summary=_("Gửi báo lỗi / góp ý #%(n)s") % {"n": report.pk},
                      details={"screenshot": bool(data), "request_id": report.request_id})
    except BaseException:
        file_store.discard_written(written, _screenshot_referenced)
        raise
    return report, note


def _screenshot_referenced(sha: str) -> bool:
    """After a rollback: is the name still used by a committed report? The store is shared and content-addressed,
    so the same bytes may also be a document's original; ``files.inventory`` knows every source."""
    return any(obj.sha256 == sha for _label, obj in stored_objects())


# --- Automatic reports from unhandled errors --------------------------------------------------------------

_FRAME = re.compile(r'File "([^"]+)", line \d+, in (\S+)')


def cause_of(*, exception_type: str, traceback: str = "", path: str = "") -> tuple[str, str]:
    """(key, label) of an error's cause: the exception type and the innermost frame of the project's own code
    (file and function, not the line, so that the cause survives edits elsewhere in the file); the address or
    job when the traceback names no frame of ours."""
    frames = _FRAME.findall(traceback or "")
    ours = [(f, fn) for f, fn in frames if "/lienthong/" in f.replace("\\", "/") and "site-packages" not in f]
    chosen = (ours or frames or [("", "")])[-1]
    location = f"{chosen[0].replace(chr(92), '/').split('/lienthong/', 1)[-1]}:{chosen[1]}" if chosen[0] else path
    label = f"{exception_type} @ {location}"[:400]
    return hashlib.sha256(label.encode()).hexdigest(), label


def report_from_error(*, exception_type: str, message: str = "", traceback: str = "", path: str = "",
                      request_id: str = "", username: str = "", now: dt.datetime | None = None) -> ProblemReport:
    """Open, or count one more occurrence on, the automatic report of this error's cause.

    One open report per cause (a partial unique constraint): a new occurrence of an open cause adds to its count
    and its last-seen time. A cause whose report was fixed or closed opens a NEW report linked to the previous
    one (a regression has its own SLA clock; the fixed one's figures stay as they were; docs/decisions.md)."""
    now = now or timezone.now()
    key, label = cause_of(exception_type=exception_type, traceback=traceback, path=path)
    for _attempt in range(2):
        updated = ProblemReport.objects.filter(cause_key=key, state__in=OPEN_STATES)
        report = updated.first()
        if report is not None:
            report.occurrences += 1
            report.last_seen_at = now
            ProblemReport.objects.filter(pk=report.pk).update(occurrences=report.occurrences, last_seen_at=now)
            return report
        previous = ProblemReport.objects.filter(cause_key=key).order_by("-created_at", "-pk").first()
        text = _("Lỗi hệ thống tự động ghi nhận: %(cause)s\n%(message)s") % {"cause": label, "message": message[:1000]}
        if username:
            text += "\n" + _("Người dùng gặp lỗi: %(u)s") % {"u": username}
        if previous is not None:
            text += "\n" + _("Lỗi lặp lại sau báo lỗi #%(n)s (%(state)s%(release)s).") % {
                "n": previous.pk, "state": previous.get_state_display(),
                "release": f", {previous.fixed_in}" if previous.fixed_in else ""}
        report = ProblemReport(
            text=text, source=Source.AUTOMATIC, page_url=path[:1000], request_id=request_id[:64], kind=Kind.DEFECT,
            severity=Severity.HIGH, created_at=now, cause_key=key, cause=label, last_seen_at=now, previous=previous,
            reporter_role=str(_("Hệ thống")))
        report.response_due_at, report.fix_due_at = _due(report.severity, now)
        try:
            with transaction.atomic():
                report.save()
                audit_log(actor=None, action="feedback.reported", obj_type=OBJ_TYPE, obj_id=report.pk,
                          summary=_("Tự động mở báo lỗi #%(n)s từ lỗi hệ thống") % {"n": report.pk},
                          details={"cause": label, "request_id": request_id})
            return report
        except IntegrityError:  # another process opened it meanwhile: count on theirs
            continue
    raise RuntimeError("could not open or count the automatic report")  # pragma: no cover


# --- The operator's triage ---------------------------------------------------------------------------------

def _operator_report(actor, report_id: int) -> ProblemReport:
    if not selectors.is_operator(actor):
        raise PermissionDenied(str(OPERATOR_ONLY))
    return selectors.report_for_operator(user=actor, report_id=report_id)


def _locked(report_id: int) -> ProblemReport:
    return ProblemReport.objects.select_for_update().get(pk=report_id)


def _tell_reporter(report: ProblemReport, title: str, body: str = "", step: str = "") -> None:
    if report.reporter_id is None:
        return
    notify(user_ids=[report.reporter_id], kind="status", title=title, body=body[:500],
           url=reverse("feedback:mine_detail", args=[report.pk]),
           dedupe_key=f"feedback:{report.pk}:{step}:{timezone.now().timestamp()}")


def _log(actor, report: ProblemReport, action: str, summary: str, **details) -> None:
    audit_log(actor=actor, action=action, obj_type=OBJ_TYPE, obj_id=report.pk, agency_id=report.reporter_agency_id,
              summary=summary, details=details)


def report_classify(*, actor, report_id: int, kind: str | None = None, severity: str | None = None,
                    now: dt.datetime | None = None) -> ProblemReport:
    """Set the class (lỗi / góp ý / hướng dẫn) and the severity; a new severity gives new SLA deadlines counted
    from when the report came in."""
    _operator_report(actor, report_id)
    errors = {}
    if kind is not None and kind not in (Kind.DEFECT, Kind.SUGGESTION, Kind.GUIDANCE):
        errors["kind"] = [str(BAD_CHOICE)]
    if severity is not None and severity not in Severity.values:
        errors["severity"] = [str(BAD_CHOICE)]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        report = _locked(report_id)
        if kind is not None:
            report.kind = kind
        if severity is not None and severity != report.severity:
            report.severity = severity
            report.response_due_at, report.fix_due_at = _due(severity, report.created_at)
        report.save(update_fields=["kind", "severity", "response_due_at", "fix_due_at"])
        _log(actor, report, "feedback.classified", _("Phân loại báo lỗi #%(n)s: %(k)s, %(s)s") % {
            "n": report.pk, "k": report.get_kind_display(), "s": report.get_severity_display()},
            kind=report.kind, severity=report.severity)
    return report


def report_answer(*, actor, report_id: int, text: str, now: dt.datetime | None = None) -> ReportMessage:
    """The operator answers: the first answer is the SLA's response; the reporter is notified."""
    _operator_report(actor, report_id)
    text = _clean_text(text, "answer")
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report_id)
        if report.state == State.CLOSED:
            raise ValidationFailed({"answer": [str(ALREADY_CLOSED)]})
        message = ReportMessage.objects.create(report=report, author=actor, by_operator=True, text=text,
                                               created_at=now)
        fields = []
        if report.first_response_at is None:
            report.first_response_at = now
            fields.append("first_response_at")
        if report.state == State.NEW:
            report.state = State.IN_PROGRESS
            fields.append("state")
        if fields:
            report.save(update_fields=fields)
        _log(actor, report, "feedback.answered", _("Trả lời báo lỗi #%(n)s") % {"n": report.pk})
        _tell_reporter(report, _("Nhà thầu đã trả lời báo lỗi #%(n)s") % {"n": report.pk}, text, "answer")
    return message


def report_mark_fixed(*, actor, report_id: int, release: str, note: str = "",
                      now: dt.datetime | None = None) -> ProblemReport:
    """Fixed in a named release; the reporter is notified. Counts as the response too when none came before."""
    _operator_report(actor, report_id)
    release = nfc(release or "").strip()
    if not release:
        raise ValidationFailed({"release": [str(NO_RELEASE)]})
    if len(release) > RELEASE_MAX:
        raise ValidationFailed({"release": [str(TEXT_TOO_LONG % {"n": RELEASE_MAX})]})
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report_id)
        if report.state == State.CLOSED:
            raise ValidationFailed({"release": [str(ALREADY_CLOSED)]})
        report.state, report.fixed_in, report.fixed_at = State.FIXED, release, now
        if report.kind == Kind.UNSORTED:
            report.kind = Kind.DEFECT
        report.first_response_at = report.first_response_at or now
        report.save(update_fields=["state", "fixed_in", "fixed_at", "kind", "first_response_at"])
        if note.strip():
            ReportMessage.objects.create(report=report, author=actor, by_operator=True, text=_clean_text(note, "note"),
                                         created_at=now)
        _log(actor, report, "feedback.fixed", _("Báo lỗi #%(n)s đã sửa trong phiên bản %(r)s") % {
            "n": report.pk, "r": release}, release=release)
        _tell_reporter(report, _("Lỗi bạn báo (#%(n)s) đã được sửa trong phiên bản %(r)s") % {
            "n": report.pk, "r": release}, note, "fixed")
    return report


def report_close(*, actor, report_id: int, note: str = "", now: dt.datetime | None = None) -> ProblemReport:
    _operator_report(actor, report_id)
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report_id)
        if report.state == State.CLOSED:
            raise ValidationFailed({"state": [str(ALREADY_CLOSED)]})
        report.state, report.closed_at = State.CLOSED, now
        report.first_response_at = report.first_response_at or now
        report.save(update_fields=["state", "closed_at", "first_response_at"])
        if note.strip():
            ReportMessage.objects.create(report=report, author=actor, by_operator=True, text=_clean_text(note, "note"),
                                         created_at=now)
        _log(actor, report, "feedback.closed", _("Đóng báo lỗi #%(n)s") % {"n": report.pk})
        _tell_reporter(report, _("Báo lỗi #%(n)s đã đóng") % {"n": report.pk}, note, "closed")
    return report


def report_reply(*, user, report_id: int, text: str, now: dt.datetime | None = None) -> ReportMessage:
    """The reporter adds to their own report (more detail, "still broken"). On a report marked fixed it reopens
    it: back in the operator's open queue, the fix forgotten (its release stays in the thread and the audit log),
    so that the fix deadline is measured again at the next fix."""
    report = selectors.report_for_reporter(user=user, report_id=report_id)
    text = _clean_text(text, "answer")
    if report.state == State.CLOSED:
        raise ValidationFailed({"answer": [str(ALREADY_CLOSED)]})
    with transaction.atomic():
        report = _locked(report.pk)
        message = ReportMessage.objects.create(report=report, author=user, text=text, created_at=now or timezone.now())
        if report.state == State.FIXED:
            _log(user, report, "feedback.reopened", _("Mở lại báo lỗi #%(n)s (đã sửa trong phiên bản %(r)s)") % {
                "n": report.pk, "r": report.fixed_in}, release=report.fixed_in)
            report.state, report.fixed_at, report.fixed_in = State.IN_PROGRESS, None, ""
            report.save(update_fields=["state", "fixed_at", "fixed_in"])
        else:
            _log(user, report, "feedback.replied", _("Bổ sung báo lỗi #%(n)s") % {"n": report.pk})
    return message
