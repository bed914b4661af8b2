"""Retention and disposal (tiêu hủy tài liệu hết giá trị; issue 16 §4, vanthu.md §5).

- A closed file (kept by its unit, or accepted by the agency archive) whose fixed retention has ended is
  proposed for the review of the agency's disposal council (Hội đồng xác định giá trị tài liệu): the daily
  job ``proposals_refresh`` keeps the list of ``DisposalProposal`` rows. The retention runs in whole years
  from 1 January of the year after the work ended: a 10-year file closed in 2014 expires on 1/1/2025
  (docs/decisions.md). A permanent file is never proposed and never destroyed.
- Files are destroyed only on the decision that follows the council's review (quyết định hủy tài liệu hết
  giá trị), itself a registered document of the agency: ``files_dispose`` refuses without it. It removes the
  documents' originals (``documents.services.document_originals_remove``: rows in the transaction, the bytes
  from the store after commit), except those of documents still in another file that is kept; the files'
  and documents' metadata stay, each file gets a ``DisposalRecord`` (decision, who, when, what was removed,
  what was kept and why) and the state "Đã tiêu hủy". Everything is audit-logged.

Who: the agency's leaders and its văn thư (who keeps the records until an archive role exists).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.audit.models import AuditAction
from lienthong.audit.services import audit_log
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.core.text import nfc
from lienthong.documents import services as document_services
from lienthong.documents.selectors import documents_visible_to
from lienthong.records.models import (
    CaseFile,
    CaseFileDocument,
    CaseFileState,
    DisposalProposal,
    DisposalRecord,
    RetentionPeriod,
)

# Messages users see (tests assert through these constants).
NOT_KEEPER = gettext_lazy("Chỉ lãnh đạo hoặc văn thư của cơ quan mới xem xét và tiêu hủy hồ sơ hết giá trị.")
FILES_REQUIRED = gettext_lazy("Cần chọn ít nhất một hồ sơ để tiêu hủy.")
DECISION_REQUIRED = gettext_lazy(
    "Chỉ tiêu hủy hồ sơ theo quyết định của người đứng đầu cơ quan trên cơ sở đề nghị của Hội đồng xác định "
    "giá trị tài liệu: cần chọn văn bản quyết định tiêu hủy đã đăng ký.")
DECISION_NOT_FOUND = gettext_lazy("Không tìm thấy văn bản quyết định tiêu hủy trong văn bản của cơ quan.")
DECISION_NOT_VALID = gettext_lazy("Văn bản quyết định tiêu hủy đã bị hủy hoặc thu hồi.")
PERMANENT = gettext_lazy("Hồ sơ “%(n)s” có thời hạn bảo quản vĩnh viễn: không bao giờ được tiêu hủy.")
NOT_EXPIRED = gettext_lazy("Hồ sơ “%(n)s” chưa hết thời hạn bảo quản (hết hạn từ ngày %(d)s).")
NOT_CLOSED = gettext_lazy("Hồ sơ “%(n)s” đang lập hoặc đang chờ lưu trữ cơ quan nhận: chưa tiêu hủy được.")
ALREADY_DISPOSED = gettext_lazy("Hồ sơ “%(n)s” đã được tiêu hủy.")
FILE_NOT_FOUND = gettext_lazy("Không tìm thấy hồ sơ %(id)s, hoặc hồ sơ không thuộc cơ quan bạn quản lý lưu trữ.")
OTHER_AGENCY = gettext_lazy("Hồ sơ “%(n)s” không thuộc cơ quan ban hành quyết định tiêu hủy.")
TOO_MANY = gettext_lazy("Mỗi lần tiêu hủy tối đa %(n)s hồ sơ.")

MAX_AT_ONCE = 500
# States in which a file can be destroyed: closed and kept by its unit, or accepted by the archive.
DISPOSABLE_STATES = (CaseFileState.CLOSED, CaseFileState.ACCEPTED)


def expiry_date(*, end_date: dt.date | None, years: int | None) -> dt.date | None:
    """When a file's retention ends: 1 January of the year ``years`` after the year following the work's
    end. ``None`` for a permanent file or one whose work has not ended."""
    if years is None or end_date is None:
        return None
    return dt.date(end_date.year + 1 + years, 1, 1)


# ----------------------------------------------------------------------------------------- reads

def keeper_agency_ids(*, user) -> set[int]:
    """Agencies whose records ``user`` reviews for disposal: its leaders (agency-wide) and its văn thư."""
    if not user.is_authenticated:
        return set()
    held = account_selectors.position_agencies(user=user)
    return set(held.leader_ids | held.clerk_ids)


def expired_files(*, today: dt.date, agency_ids=None) -> QuerySet[CaseFile]:
    """Files whose fixed retention ended by ``today``: one condition per retention period (a handful), so
    one query whatever the number of files. Permanent files are never among them."""
    rule = Q(pk__in=[])
    for period in RetentionPeriod.objects.filter(years__isnull=False).only("pk", "years"):
        cut = today.year - period.years
        if cut < 2:
            continue
        rule |= Q(retention_id=period.pk, end_date__lt=dt.date(cut, 1, 1))
    qs = CaseFile.objects.filter(rule, state__in=DISPOSABLE_STATES, end_date__isnull=False,
                                 retention__years__isnull=False)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=sorted(agency_ids))
    return qs


def proposal_list(*, user) -> QuerySet[DisposalProposal]:
    return (DisposalProposal.objects.filter(agency_id__in=sorted(keeper_agency_ids(user=user)))
            .select_related("case_file", "case_file__retention", "case_file__owner", "case_file__unit", "agency")
            .order_by("expired_on", "case_file__number", "id"))


def record_list(*, user) -> QuerySet[DisposalRecord]:
    return (DisposalRecord.objects.filter(agency_id__in=sorted(keeper_agency_ids(user=user)))
            .select_related("case_file", "case_file__retention", "decision_document", "disposed_by")
            .order_by("-disposed_at", "-id"))


def decision_choices(*, user, limit: int = 200) -> list:
    """Registered decisions (quyết định) of the agencies ``user`` keeps records of, the latest first."""
    agencies = sorted(keeper_agency_ids(user=user))
    if not agencies:
        return []
    return list(documents_visible_to(user=user).filter(agency_id__in=agencies, document_type__code="quyet-dinh")
                .exclude(status__in=["cancelled", "recalled", "withdrawn"]).order_by("-issued_on", "-id")
                .only("pk", "number_symbol", "issued_on", "subject")[:limit])


# ----------------------------------------------------------------------------------------- the daily job

def proposals_refresh(*, today: dt.date | None = None) -> int:
    """Propose every file whose retention has ended and that is not proposed yet; withdraw proposals of
    files that no longer qualify (retention changed, file already destroyed). Returns the number of new
    proposals. A constant number of queries whatever the number of files."""
    today = today or timezone.localdate()
    expired = expired_files(today=today)
    with transaction.atomic():
        DisposalProposal.objects.exclude(case_file__in=expired.values("pk")).delete()
        new = list(expired.exclude(disposal_proposal__isnull=False).select_related("retention")
                   .only("pk", "agency_id", "end_date", "retention__years"))
        DisposalProposal.objects.bulk_create([
            DisposalProposal(case_file_id=f.pk, agency_id=f.agency_id,
                             expired_on=expiry_date(end_date=f.end_date, years=f.retention.years))
            for f in new], batch_size=1000, ignore_conflicts=True)
    return len(new)


# ----------------------------------------------------------------------------------------- disposal

@dataclass
class Disposed:
    records: list[DisposalRecord]
    originals_removed: int


def _check_decision(actor, decision_document_id: int | None, agencies: set[int]):
    if not decision_document_id:
        raise ValidationFailed({"decision_document": [str(DECISION_REQUIRED)]})
    decision = (documents_visible_to(user=actor).filter(pk=decision_document_id, agency_id__in=sorted(agencies))
                .only("pk", "agency_id", "status", "number_symbol", "issued_on").first())
    if decision is None:
        raise ValidationFailed({"decision_document": [str(DECISION_NOT_FOUND)]})
    if decision.status in ("cancelled", "recalled", "withdrawn"):
        raise ValidationFailed({"decision_document": [str(DECISION_NOT_VALID)]})
    return decision


def files_dispose(*, actor, case_file_ids: list[int], decision_document_id: int | None,
                  decision_reference: str = "", note: str = "", today: dt.date | None = None) -> Disposed:
    """Destroy the originals of the files on the decision ``decision_document_id``; all or nothing."""
    today = today or timezone.localdate()
    agencies = keeper_agency_ids(user=actor)
    if not agencies:
        raise PermissionDenied(NOT_KEEPER)
    ids = list(dict.fromkeys(int(i) for i in case_file_ids or []))
    if not ids:
        raise ValidationFailed({"case_file_ids": [str(FILES_REQUIRED)]})
    if len(ids) > MAX_AT_ONCE:
        raise ValidationFailed({"case_file_ids": [str(TOO_MANY % {"n": MAX_AT_ONCE})]})
    decision = _check_decision(actor, decision_document_id, agencies)
    reference = nfc(decision_reference)[:255] or _("%(s)s ngày %(d)s") % {
        "s": decision.number_symbol or f"#{decision.pk}", "d": decision.issued_on.strftime("%d/%m/%Y")}
    with transaction.atomic():
        files = {f.pk: f for f in CaseFile.objects.select_for_update().filter(pk__in=ids, agency_id__in=sorted(
            agencies)).select_related("retention").order_by("pk")}
        errors = []
        for i in ids:
            f = files.get(i)
            if f is None:
                errors.append(str(FILE_NOT_FOUND % {"id": i}))
            elif f.state == CaseFileState.DISPOSED:
                errors.append(str(ALREADY_DISPOSED % {"n": f.number}))
            elif f.retention.years is None:
                errors.append(str(PERMANENT % {"n": f.number}))
            elif f.state not in DISPOSABLE_STATES:
                errors.append(str(NOT_CLOSED % {"n": f.number}))
            elif f.agency_id != decision.agency_id:
                errors.append(str(OTHER_AGENCY % {"n": f.number}))
            else:
                expires = expiry_date(end_date=f.end_date, years=f.retention.years)
                if expires is None or expires > today:
                    errors.append(str(NOT_EXPIRED % {"n": f.number, "d": expires.strftime("%d/%m/%Y")
                                                     if expires else "—"}))
        if errors:
            raise ValidationFailed({"case_file_ids": errors})
        links = list(CaseFileDocument.objects.filter(case_file_id__in=ids).values_list("case_file_id",
                                                                                      "document_id"))
        document_ids = {d for _f, d in links}
        # A document that is also in a file that is kept keeps its originals (one document, several files).
        kept_in: dict[int, list[str]] = {}
        for d, number in (CaseFileDocument.objects.filter(document_id__in=document_ids)
                          .exclude(case_file_id__in=ids).exclude(case_file__state=CaseFileState.DISPOSED)
                          .values_list("document_id", "case_file__number")):
            kept_in.setdefault(d, []).append(number)
        document_ids.discard(decision.pk)
        to_remove = sorted(d for d in document_ids if d not in kept_in)
        removed = document_services.document_originals_remove(
            actor=actor, document_ids=to_remove,
            summary=_("Tiêu hủy bản gốc theo %(r)s") % {"r": reference})
        now = timezone.now()
        records = []
        for f in files.values():
            mine = [d for c, d in links if c == f.pk]
            records.append(DisposalRecord(
                case_file=f, agency_id=f.agency_id, decision_document=decision, decision_reference=reference,
                note=nfc(note)[:2000], disposed_by=actor, disposed_at=now,
                removed=[{"document_id": d, "files": removed[d]} for d in mine if d in removed],
                kept=[{"document_id": d, "case_files": kept_in[d]} for d in mine if d in kept_in]))
        DisposalRecord.objects.bulk_create(records)
        CaseFile.objects.filter(pk__in=ids).update(state=CaseFileState.DISPOSED)
        DisposalProposal.objects.filter(case_file_id__in=ids).delete()
        for f in files.values():
            audit_log(actor=actor, action=AuditAction.TRANSITION, obj_type="case_file", obj_id=f.pk,
                      agency_id=f.agency_id, summary=_("Tiêu hủy hồ sơ %(n)s theo %(r)s") % {"n": f.number,
                                                                                        "r": reference},
                      details={"decision_document_id": decision.pk, "documents_removed": [
                          d for c, d in links if c == f.pk and d in removed]})
    return Disposed(records=records, originals_removed=sum(len(v) for v in removed.values()))
