"""Writes of records: the file plan (NĐ30 Art. 28, PL5 §I) and case files (Art. 29, PL6 §III.4).

Rules (vanthu.md §5):

- the plan of an agency for a year is drafted by its văn thư (or administrator), approved by one of its
  leaders with the decision that issues it (a reference, optionally the registered document) and then
  published; only a draft is edited, only a published plan opens files;
- a planned file's number is its running number and the main heading's abbreviation ("01.TCCB"), counted
  through the plan or within each main heading as the agency chooses; numbers never repeat in a plan;
- an official opens a file from a planned file, or outside the plan with its own title, number, retention
  and start date; the owner files documents into it (a link, never a copy) and takes them out while it is
  open; documents are numbered in time order;
- closing checks the file, refuses to go on past a warning without a reason, confirms the retention and
  freezes the file: nothing is filed into or taken out of a frozen file.

Opening, filing, taking out and closing are written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.audit.models import AuditAction
from lienthong.audit.services import AuditItem, audit_log, audit_log_many
from lienthong.core.errors import PermissionDenied, ValidationFailed
from lienthong.core.text import nfc
from lienthong.documents.selectors import documents_visible_to
from lienthong.records import handover, handover_selectors, selectors
from lienthong.records.models import (
    CaseFile,
    CaseFileDocument,
    CaseFileState,
    FilePlan,
    PlanEntry,
    PlanHeading,
    PlanNumbering,
    PlanState,
    RecordsSettings,
    RetentionPeriod,
)
from lienthong.records.numerals import file_number

# Messages users see (tests assert through these constants).
RETENTION_UNKNOWN = gettext_lazy("Thời hạn bảo quản “%(code)s” không có trong danh mục thời hạn bảo quản.")
NUMBER_REPEATED = gettext_lazy("Số hồ sơ “%(number)s” đã có trong danh mục hồ sơ năm %(year)s.")
PLAN_EXISTS = gettext_lazy("Cơ quan đã có danh mục hồ sơ năm %(year)s.")
PLAN_NOT_DRAFT = gettext_lazy("Danh mục hồ sơ đã được phê duyệt: không sửa được nữa.")
PLAN_NOT_APPROVED = gettext_lazy("Danh mục hồ sơ phải được phê duyệt trước khi ban hành.")
PLAN_EMPTY = gettext_lazy("Danh mục hồ sơ chưa có hồ sơ nào.")
PLAN_NOT_PUBLISHED = gettext_lazy("Chỉ mở hồ sơ từ danh mục hồ sơ đã ban hành.")
NOT_PLAN_MANAGER = gettext_lazy("Chỉ văn thư hoặc quản trị của cơ quan mới lập và sửa danh mục hồ sơ.")
NOT_PLAN_APPROVER = gettext_lazy("Chỉ lãnh đạo cơ quan mới phê duyệt danh mục hồ sơ.")
DECISION_REQUIRED = gettext_lazy("Cần ghi quyết định ban hành danh mục hồ sơ (số, ký hiệu, ngày).")
DECISION_NOT_VISIBLE = gettext_lazy("Không tìm thấy văn bản quyết định trong văn bản của cơ quan.")
NO_PREVIOUS_PLAN = gettext_lazy("Cơ quan không có danh mục hồ sơ năm %(year)s để sao chép.")
HEADING_REQUIRED = gettext_lazy("Cần chọn đề mục của hồ sơ.")
TITLE_REQUIRED = gettext_lazy("Cần ghi tiêu đề hồ sơ.")
NUMBER_REQUIRED = gettext_lazy("Cần ghi số và ký hiệu hồ sơ.")
START_REQUIRED = gettext_lazy("Cần ghi ngày bắt đầu hồ sơ.")
NO_POSITION = gettext_lazy("Bạn không có vị trí công tác tại cơ quan này.")
FILE_FROZEN = gettext_lazy("Hồ sơ “%(number)s” đã kết thúc: không thêm hoặc rút văn bản được nữa.")
NOT_FILE_OWNER = gettext_lazy("Chỉ người lập hồ sơ mới thêm, rút văn bản và kết thúc hồ sơ.")
DOCUMENT_NOT_VISIBLE = gettext_lazy("Không tìm thấy văn bản %(id)s, hoặc bạn không có quyền xem văn bản này.")
DOCUMENT_OTHER_AGENCY = gettext_lazy("Văn bản %(id)s không thuộc cơ quan của hồ sơ.")
DOCUMENT_WITHDRAWN = gettext_lazy("Văn bản %(id)s đã bị thu hồi: không đưa vào hồ sơ.")
DOCUMENTS_REQUIRED = gettext_lazy("Cần chọn ít nhất một văn bản.")
TOO_MANY_DOCUMENTS = gettext_lazy("Mỗi lần đưa vào tối đa %(n)s văn bản.")
NOT_IN_FILE = gettext_lazy("Văn bản không có trong hồ sơ.")
RETENTION_NOT_CONFIRMED = gettext_lazy("Cần xác nhận lại thời hạn bảo quản của hồ sơ trước khi kết thúc.")
REASON_REQUIRED = gettext_lazy("Hồ sơ còn cảnh báo: chỉ kết thúc được khi ghi lý do.")
FILE_EMPTY = gettext_lazy("Hồ sơ chưa có văn bản nào.")
# Warnings of the closing check.
WARN_IN_PROCESSING = gettext_lazy("Văn bản %(doc)s còn đang được xử lý.")
WARN_CANCELLED = gettext_lazy("Văn bản %(doc)s đã bị hủy: cần rút khỏi hồ sơ.")
WARN_DUPLICATE = gettext_lazy("Văn bản %(doc)s trùng số, ký hiệu và cơ quan ban hành với văn bản %(other)s.")
WARN_METADATA = gettext_lazy("Văn bản %(doc)s thiếu siêu dữ liệu: %(fields)s.")

MAX_FILED_AT_ONCE = 1000


def _retention(code: str) -> RetentionPeriod:
    row = selectors.retention_by_code(code)
    if row is None:
        raise ValidationFailed({"retention": [str(RETENTION_UNKNOWN % {"code": code})]})
    return row


def _require_manager(actor, agency_id: int) -> None:
    if agency_id not in selectors.plan_manager_agency_ids(user=actor):
        raise PermissionDenied(NOT_PLAN_MANAGER)


def plan_for_edit(actor, plan_id: int, *, lock: bool = False) -> FilePlan:
    plan = selectors.plan_get(user=actor, plan_id=plan_id)
    _require_manager(actor, plan.agency_id)
    if lock:
        plan = FilePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != PlanState.DRAFT:
        raise ValidationFailed({"state": [str(PLAN_NOT_DRAFT)]})
    return plan


def agency_numbering(agency_id: int) -> str:
    row = RecordsSettings.objects.filter(agency_id=agency_id).first()
    return row.numbering if row else PlanNumbering.THROUGH_PLAN


def agency_numbering_set(*, actor, agency_id: int, numbering: str) -> None:
    _require_manager(actor, agency_id)
    if numbering not in PlanNumbering.values:
        raise ValidationFailed({"numbering": [_("Cách đánh số không hợp lệ.")]})
    RecordsSettings.objects.update_or_create(agency_id=agency_id, defaults={"numbering": numbering})


# ----------------------------------------------------------------------------------------- plans

def plan_create(*, actor, agency_id: int, year: int) -> FilePlan:
    _require_manager(actor, agency_id)
    if not 1900 <= int(year) <= 2200:
        raise ValidationFailed({"year": [_("Năm không hợp lệ.")]})
    try:
        with transaction.atomic():
            plan = FilePlan.objects.create(agency_id=agency_id, year=year, created_by=actor,
                                           numbering=agency_numbering(agency_id))
    except IntegrityError:
        raise ValidationFailed({"year": [str(PLAN_EXISTS % {"year": year})]}) from None
    audit_log(actor=actor, action=AuditAction.CREATED, obj_type="file_plan", obj_id=plan.pk, agency_id=agency_id,
              summary=_("Lập danh mục hồ sơ năm %(y)s") % {"y": year})
    return plan


def plan_copy(*, actor, agency_id: int, year: int) -> FilePlan:
    """A draft plan for ``year`` with the headings and planned files of the agency's plan of ``year - 1``."""
    _require_manager(actor, agency_id)
    source = FilePlan.objects.filter(agency_id=agency_id, year=year - 1).first()
    if source is None:
        raise ValidationFailed({"year": [str(NO_PREVIOUS_PLAN % {"year": year - 1})]})
    with transaction.atomic():
        plan = plan_create(actor=actor, agency_id=agency_id, year=year)
        plan.numbering = source.numbering
        plan.save(update_fields=["numbering"])
        mapping: dict[int, PlanHeading] = {}
        headings = PlanHeading.objects.filter(plan=source)
        for h in [*headings.filter(parent__isnull=True).order_by("order"),
                  *headings.filter(parent__isnull=False).order_by("parent_id", "order")]:  # main headings first
            parent = mapping[h.parent_id] if h.parent_id else None
            mapping[h.pk] = PlanHeading.objects.create(plan=plan, parent=parent, order=h.order, title=h.title,
                                                       abbreviation=h.abbreviation)
        PlanEntry.objects.bulk_create([
            PlanEntry(plan=plan, heading=mapping[e.heading_id], order=e.order, number=e.number, title=e.title,
                      retention_id=e.retention_id, responsible_user_id=e.responsible_user_id,
                      responsible_unit_id=e.responsible_unit_id, responsible_name=e.responsible_name, notes=e.notes)
            for e in PlanEntry.objects.filter(plan=source)])
    return plan


def heading_add(*, actor, plan_id: int, title: str, abbreviation: str = "", parent_id: int | None = None,
                unit_id: int | None = None) -> PlanHeading:
    with transaction.atomic():
        plan = plan_for_edit(actor, plan_id, lock=True)
        title = nfc(title)
        if not title:
            raise ValidationFailed({"title": [_("Cần ghi tên đề mục.")]})
        parent = None
        if parent_id:
            parent = PlanHeading.objects.filter(plan=plan, pk=parent_id, parent__isnull=True).first()
            if parent is None:
                raise ValidationFailed({"parent": [_("Đề mục lớn không có trong danh mục này.")]})
        siblings = PlanHeading.objects.filter(plan=plan, parent=parent)
        order = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
        return PlanHeading.objects.create(plan=plan, parent=parent, order=order, title=title[:500],
                                          abbreviation=nfc(abbreviation)[:20] if parent is None else "")


def _main_heading(heading: PlanHeading) -> PlanHeading:
    return heading.parent if heading.parent is not None else heading


def next_number(plan: FilePlan, heading: PlanHeading) -> str:
    main = _main_heading(heading)
    if plan.numbering == PlanNumbering.WITHIN_HEADING:
        count = (PlanEntry.objects.filter(plan=plan, heading_id=main.pk).count()
                 + PlanEntry.objects.filter(plan=plan, heading__parent_id=main.pk).count())
    else:
        count = PlanEntry.objects.filter(plan=plan).count()
    taken = set(PlanEntry.objects.filter(plan=plan).values_list("number", flat=True))
    number = file_number(count + 1, main.abbreviation)
    while number in taken:  # after a removal the count runs behind the numbers given
        count += 1
        number = file_number(count + 1, main.abbreviation)
    return number


def entry_add(*, actor, plan_id: int, heading_id: int | None, title: str, retention_code: str, number: str = "",
              responsible_name: str = "", responsible_user_id: int | None = None,
              responsible_unit_id: int | None = None, notes: str = "") -> PlanEntry:
    with transaction.atomic():
        plan = plan_for_edit(actor, plan_id, lock=True)
        errors: dict[str, list[str]] = {}
        heading = PlanHeading.objects.filter(plan=plan, pk=heading_id).select_related("parent").first() \
            if heading_id else None
        if heading is None:
            errors.setdefault("heading", []).append(str(HEADING_REQUIRED))
        title = nfc(title)
        if not title:
            errors.setdefault("title", []).append(str(TITLE_REQUIRED))
        retention = selectors.retention_by_code(retention_code)
        if retention is None:
            errors.setdefault("retention", []).append(str(RETENTION_UNKNOWN % {"code": retention_code}))
        number = nfc(number)[:20]
        if heading is not None and not number:
            number = next_number(plan, heading)
        if number and PlanEntry.objects.filter(plan=plan, number=number).exists():
            errors.setdefault("number", []).append(str(NUMBER_REPEATED % {"number": number, "year": plan.year}))
        user_id = unit_id = None
        if responsible_user_id:
            if not account_selectors.agency_people(agency_id=plan.agency_id).filter(
                    user_id=responsible_user_id).exists():
                errors.setdefault("responsible_user", []).append(_("Người lập hồ sơ không thuộc cơ quan."))
            user_id = responsible_user_id
        if responsible_unit_id:
            if not selectors.unit_in_agency(unit_id=responsible_unit_id, agency_id=plan.agency_id):
                errors.setdefault("responsible_unit", []).append(_("Đơn vị không thuộc cơ quan."))
            unit_id = responsible_unit_id
        if errors or heading is None or retention is None:
            raise ValidationFailed(errors)
        order = (PlanEntry.objects.filter(plan=plan).aggregate(m=Max("order"))["m"] or 0) + 1
        return PlanEntry.objects.create(plan=plan, heading=heading, order=order, number=number, title=title[:500],
                                        retention=retention, responsible_user_id=user_id,
                                        responsible_unit_id=unit_id, responsible_name=nfc(responsible_name)[:200],
                                        notes=nfc(notes)[:500])


def entry_delete(*, actor, entry_id: int) -> None:
    entry = selectors.plan_entry_get(user=actor, entry_id=entry_id)
    with transaction.atomic():
        plan_for_edit(actor, entry.plan_id, lock=True)
        PlanEntry.objects.filter(pk=entry.pk).delete()


def plan_approve(*, actor, plan_id: int, decision_reference: str, decision_document_id: int | None = None,
                 ) -> FilePlan:
    plan = selectors.plan_get(user=actor, plan_id=plan_id)
    if plan.agency_id not in selectors.plan_approver_agency_ids(user=actor):
        raise PermissionDenied(NOT_PLAN_APPROVER)
    with transaction.atomic():
        plan = FilePlan.objects.select_for_update().get(pk=plan.pk)
        if plan.state != PlanState.DRAFT:
            raise ValidationFailed({"state": [str(PLAN_NOT_DRAFT)]})
        errors: dict[str, list[str]] = {}
        reference = nfc(decision_reference)[:255]
        if not reference:
            errors["decision_reference"] = [str(DECISION_REQUIRED)]
        decision = None
        if decision_document_id:
            decision = documents_visible_to(user=actor).filter(pk=decision_document_id,
                                                               agency_id=plan.agency_id).first()
            if decision is None:
                errors["decision_document"] = [str(DECISION_NOT_VISIBLE)]
        if not PlanEntry.objects.filter(plan=plan).exists():
            errors["plan"] = [str(PLAN_EMPTY)]
        if errors:
            raise ValidationFailed(errors)
        plan.state, plan.decision_reference, plan.decision_document = PlanState.APPROVED, reference, decision
        plan.approved_by, plan.approved_at = actor, timezone.now()
        plan.save(update_fields=["state", "decision_reference", "decision_document", "approved_by", "approved_at"])
        audit_log(actor=actor, action=AuditAction.TRANSITION, obj_type="file_plan", obj_id=plan.pk,
                  agency_id=plan.agency_id, summary=_("Phê duyệt danh mục hồ sơ năm %(y)s: %(d)s") % {
                      "y": plan.year, "d": reference}, details={"decision_document_id": decision_document_id})
    return plan


def plan_publish(*, actor, plan_id: int) -> FilePlan:
    plan = selectors.plan_get(user=actor, plan_id=plan_id)
    if plan.agency_id not in selectors.plan_manager_agency_ids(user=actor) | selectors.plan_approver_agency_ids(
            user=actor):
        raise PermissionDenied(NOT_PLAN_MANAGER)
    with transaction.atomic():
        plan = FilePlan.objects.select_for_update().get(pk=plan.pk)
        if plan.state != PlanState.APPROVED:
            raise ValidationFailed({"state": [str(PLAN_NOT_APPROVED)]})
        plan.state, plan.published_at = PlanState.PUBLISHED, timezone.now()
        plan.save(update_fields=["state", "published_at"])
        audit_log(actor=actor, action=AuditAction.TRANSITION, obj_type="file_plan", obj_id=plan.pk,
                  agency_id=plan.agency_id, summary=_("Ban hành danh mục hồ sơ năm %(y)s") % {"y": plan.year})
    return plan


# ----------------------------------------------------------------------------------------- case files

def _actor_unit(actor, agency_id: int) -> int | None:
    return account_selectors.active_positions(user=actor).filter(
        agency_id=agency_id, unit__isnull=False).values_list("unit_id", flat=True).first()


def case_file_open(*, actor, plan_entry_id: int | None = None, agency_id: int | None = None, title: str = "",
                   number: str = "", retention_code: str = "", start_date: dt.date | None = None,
                   description: str = "") -> CaseFile:
    """Open a file from a planned file (title, number, retention from the plan unless given) or outside the
    plan (``agency_id``, title, number, retention and start date all required)."""
    errors: dict[str, list[str]] = {}
    held = account_selectors.position_agencies(user=actor)
    entry = None
    if plan_entry_id:
        entry = selectors.plan_entry_get(user=actor, entry_id=plan_entry_id)
        if entry.plan.state != PlanState.PUBLISHED:
            raise ValidationFailed({"plan_entry": [str(PLAN_NOT_PUBLISHED)]})
        agency_id = entry.plan.agency_id
        title = nfc(title) or entry.title
        number = nfc(number) or entry.number
        retention = selectors.retention_by_code(retention_code) if retention_code else entry.retention
        year = entry.plan.year
        start_date = start_date or max(dt.date(year, 1, 1), min(timezone.localdate(), dt.date(year, 12, 31)))
    else:
        if not agency_id:
            agency_id = min(held.all_ids) if len(held.all_ids) == 1 else None
        title, number = nfc(title), nfc(number)
        retention = selectors.retention_by_code(retention_code)
        if not title:
            errors["title"] = [str(TITLE_REQUIRED)]
        if not number:
            errors["number"] = [str(NUMBER_REQUIRED)]
        if start_date is None:
            errors["start_date"] = [str(START_REQUIRED)]
        year = start_date.year if start_date else 0
    if retention is None:
        errors["retention"] = [str(RETENTION_UNKNOWN % {"code": retention_code})]
    if len(number) > 20:
        errors.setdefault("number", []).append(_("Số và ký hiệu hồ sơ tối đa 20 ký tự."))
    if errors or retention is None or start_date is None:
        raise ValidationFailed(errors)
    if not agency_id or agency_id not in held.all_ids:
        raise PermissionDenied(NO_POSITION)
    with transaction.atomic():
        row = CaseFile.objects.create(agency_id=agency_id, plan_entry=entry, year=year, number=number,
                                      title=title[:500], retention=retention, owner=actor,
                                      unit_id=_actor_unit(actor, agency_id), start_date=start_date,
                                      description=nfc(description)[:500])
        audit_log(actor=actor, action=AuditAction.CREATED, obj_type="case_file", obj_id=row.pk, agency_id=agency_id,
                  summary=_("Mở hồ sơ %(n)s: %(t)s") % {"n": number, "t": title[:200]},
                  details={"plan_entry_id": plan_entry_id})
    return row


def _owned_open_file(actor, case_file_id: int, *, lock: bool = True) -> CaseFile:
    row = selectors.case_file_get(user=actor, case_file_id=case_file_id)
    if row.owner_id != actor.pk:
        raise PermissionDenied(NOT_FILE_OWNER)
    if lock:
        row = CaseFile.objects.select_for_update().select_related("retention").get(pk=row.pk)
    if row.is_frozen:
        message = handover_selectors.frozen_message(row) or FILE_FROZEN % {"number": row.number}
        raise ValidationFailed({"state": [str(message)]})
    return row


def _renumber(case_file: CaseFile) -> None:
    """Documents in time order: date of the document, then when it was registered (PL6 §III.4)."""
    items = list(CaseFileDocument.objects.filter(case_file=case_file).order_by(
        "document__issued_on", "document__created_at", "document_id"))
    changed = []
    for i, item in enumerate(items, start=1):
        if item.ordinal != i:
            item.ordinal = i
            changed.append(item)
    if changed:
        CaseFileDocument.objects.bulk_update(changed, ["ordinal"], batch_size=500)
    CaseFile.objects.filter(pk=case_file.pk).update(doc_total=len(items))


def documents_file(*, actor, case_file_id: int, document_ids: list[int]) -> list[int]:
    """File documents into the actor's open file; returns the ids newly filed (those already there are
    left as they are). Every document must be visible to the actor and belong to the file's agency; one
    refused document refuses them all."""
    ids = list(dict.fromkeys(int(i) for i in document_ids or []))
    if not ids:
        raise ValidationFailed({"document_ids": [str(DOCUMENTS_REQUIRED)]})
    if len(ids) > MAX_FILED_AT_ONCE:
        raise ValidationFailed({"document_ids": [str(TOO_MANY_DOCUMENTS % {"n": MAX_FILED_AT_ONCE})]})
    with transaction.atomic():
        case_file = _owned_open_file(actor, case_file_id)
        return _file_into(actor, case_file, ids, strict=True)


def _file_into(actor, case_file: CaseFile, ids: list[int], *, strict: bool) -> list[int]:
    visible = {d.pk: d for d in documents_visible_to(user=actor).filter(pk__in=ids).only(
        "pk", "agency_id", "status", "number_symbol", "subject")}
    errors = []
    for i in ids:
        doc = visible.get(i)
        if doc is None:
            errors.append(str(DOCUMENT_NOT_VISIBLE % {"id": i}))
        elif doc.agency_id != case_file.agency_id:
            errors.append(str(DOCUMENT_OTHER_AGENCY % {"id": i}))
        elif doc.status == "withdrawn":
            errors.append(str(DOCUMENT_WITHDRAWN % {"id": i}))
    if errors:
        if strict:
            raise ValidationFailed({"document_ids": errors})
        ids = [i for i in ids if i in visible and visible[i].agency_id == case_file.agency_id
               and visible[i].status != "withdrawn"]
    present = set(CaseFileDocument.objects.filter(case_file=case_file, document_id__in=ids).values_list(
        "document_id", flat=True))
    new = [i for i in ids if i not in present]
    if not new:
        return []
    CaseFileDocument.objects.bulk_create([CaseFileDocument(case_file=case_file, document_id=i, filed_by=actor)
                                          for i in new])
    _renumber(case_file)
    audit_log_many(actor=actor, agency_id=case_file.agency_id, items=[
        AuditItem(action=AuditAction.CHANGED, obj_type="document", obj_id=i,
                  summary=_("Đưa vào hồ sơ %(n)s") % {"n": case_file.number},
                  details={"case_file_id": case_file.pk}) for i in new] + [
        AuditItem(action=AuditAction.CHANGED, obj_type="case_file", obj_id=case_file.pk,
                  summary=_("Đưa %(k)s văn bản vào hồ sơ") % {"k": len(new)}, details={"document_ids": new})])
    return new


def document_unfile(*, actor, case_file_id: int, document_id: int) -> None:
    with transaction.atomic():
        case_file = _owned_open_file(actor, case_file_id)
        deleted, _rows = CaseFileDocument.objects.filter(case_file=case_file, document_id=document_id).delete()
        if not deleted:
            raise ValidationFailed({"document_id": [str(NOT_IN_FILE)]})
        _renumber(case_file)
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="case_file", obj_id=case_file.pk,
                  agency_id=case_file.agency_id, summary=_("Rút văn bản khỏi hồ sơ"),
                  details={"document_id": document_id})
        audit_log(actor=actor, action=AuditAction.CHANGED, obj_type="document", obj_id=document_id,
                  agency_id=case_file.agency_id, summary=_("Rút khỏi hồ sơ %(n)s") % {"n": case_file.number},
                  details={"case_file_id": case_file.pk})


# ----------------------------------------------------------------------------------------- closing

@dataclass(frozen=True)
class CloseWarning:
    code: str  # in_processing, cancelled, duplicate, metadata, empty
    message: str
    document_id: int | None = None


def _label(doc) -> str:
    return doc.number_symbol or f"#{doc.pk}"


def close_check(*, case_file: CaseFile) -> list[CloseWarning]:
    """What the owner must look at before closing (NĐ30 Art. 29: drafts and duplicates removed, metadata
    complete, the work finished). Every warning needs a reason to close past it."""
    items = list(selectors.all_items(case_file=case_file).order_by("ordinal", "id"))
    out: list[CloseWarning] = []
    if not items:
        out.append(CloseWarning("empty", str(FILE_EMPTY)))
    docs = [i.document for i in items]
    busy = selectors.document_ids_in_processing(document_ids=[d.pk for d in docs])
    seen: dict[tuple, object] = {}
    for doc in docs:
        if doc.pk in busy:
            out.append(CloseWarning("in_processing", str(WARN_IN_PROCESSING % {"doc": _label(doc)}), doc.pk))
        if doc.status == "cancelled":
            out.append(CloseWarning("cancelled", str(WARN_CANCELLED % {"doc": _label(doc)}), doc.pk))
        if doc.number_symbol_norm:
            key = (doc.number_symbol_norm, (doc.issuer_name or "").strip().lower(), doc.issued_on)
            if key in seen:
                out.append(CloseWarning("duplicate", str(WARN_DUPLICATE % {"doc": _label(doc),
                                                                           "other": _label(seen[key])}), doc.pk))
            else:
                seen[key] = doc
        missing = [str(label) for field, label in (("number_symbol", _("số, ký hiệu")), ("page_count", _("số trang")),
                                                   ("subject", _("trích yếu"))) if not getattr(doc, field)]
        if missing:
            out.append(CloseWarning("metadata", str(WARN_METADATA % {"doc": _label(doc),
                                                                     "fields": ", ".join(missing)}), doc.pk))
    return out


def case_file_close(*, actor, case_file_id: int, retention_confirmed: bool, reason: str = "",
                    retention_code: str | None = None, title: str | None = None,
                    end_date: dt.date | None = None) -> CaseFile:
    """Check, confirm the retention (it may be changed here), and freeze the file."""
    reason = nfc(reason)[:2000]
    with transaction.atomic():
        case_file = _owned_open_file(actor, case_file_id)
        errors: dict[str, list[str]] = {}
        if retention_code:
            retention = selectors.retention_by_code(retention_code)
            if retention is None:
                errors["retention"] = [str(RETENTION_UNKNOWN % {"code": retention_code})]
            else:
                case_file.retention = retention
        if not retention_confirmed:
            errors.setdefault("retention_confirmed", []).append(str(RETENTION_NOT_CONFIRMED))
        warnings = close_check(case_file=case_file)
        if warnings and not reason:
            errors["reason"] = [str(REASON_REQUIRED)] + [w.message for w in warnings]
        if errors:
            raise ValidationFailed(errors)
        if title is not None and nfc(title):
            case_file.title = nfc(title)[:500]
        _renumber(case_file)
        pages = selectors.all_items(case_file=case_file).aggregate(p=Sum("document__page_count"))["p"] or 0
        case_file.refresh_from_db(fields=["doc_total"])
        case_file.state = CaseFileState.CLOSED
        case_file.end_date = end_date or timezone.localdate()
        case_file.page_total = pages
        case_file.closed_by, case_file.closed_at = actor, timezone.now()
        case_file.close_reason = reason if warnings else ""
        handover.set_due(case_file)
        case_file.save(update_fields=["state", "end_date", "page_total", "closed_by", "closed_at", "close_reason",
                                      "retention", "title", "handover_due"])
        audit_log(actor=actor, action=AuditAction.TRANSITION, obj_type="case_file", obj_id=case_file.pk,
                  agency_id=case_file.agency_id,
                  summary=_("Kết thúc hồ sơ %(n)s: %(k)s văn bản, thời hạn bảo quản %(r)s") % {
                      "n": case_file.number, "k": case_file.doc_total, "r": case_file.retention.name},
                  details={"warnings": [w.code for w in warnings], "reason": case_file.close_reason})
    return case_file


# ----------------------------------------------------------------------------------------- events

def on_assignment_completed(*, assignment_id: int, document_id: int, user_id: int, is_lead: bool,
                            reply_document_id: int | None) -> None:
    """The lead who completes a work files its reply into their open files that already hold the incoming
    document (and the incoming document into those holding the reply). Nothing happens when the lead has no
    such file: the records panel of the document then offers to file it."""
    if not is_lead or not reply_document_id:
        return
    ids = [document_id, reply_document_id]
    files = list(CaseFile.objects.filter(owner_id=user_id, state=CaseFileState.OPEN,
                                         items__document_id__in=ids).distinct())
    if not files:
        return
    actor = selectors.user_by_id(user_id)
    for case_file in files:
        _file_into(actor, case_file, ids, strict=False)

