"""Reads of the handover to the agency archive (nộp lưu); the writes and the rules are in ``records.handover``.

Who sees what, in SQL querysets: the archive (positions with the role ``archivist``) sees its agency's files
handed over, in custody or kept past the deadline, the handovers and the Sổ sử dụng bản lưu; everyone of the
agency sees the catalogue of files in custody, but reads a file's documents list only with an approved,
current request (the archive and the agency's leaders without one). Documents are shown, as everywhere, only
to those who see each document.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Position, Role
from lienthong.core.errors import NotFound
from lienthong.records.models import (
    CaseFile,
    CaseFileState,
    DueBasis,
    Handover,
    HandoverItem,
    HandoverRule,
    ItemDecision,
    KeepApproval,
    UsageRequest,
    UsageState,
)

FILE_IN_CUSTODY = gettext_lazy("Hồ sơ “%(number)s” đã nộp lưu, do Lưu trữ cơ quan quản lý: chỉ được đọc, không "
                               "thêm, rút văn bản hay sửa được nữa.")
REQUEST_FIRST = gettext_lazy("Hồ sơ do Lưu trữ cơ quan quản lý: cần đề nghị sử dụng và được đồng ý trước khi xem.")
FILE_HANDED_OVER = gettext_lazy("Hồ sơ “%(number)s” đã nộp lưu và đang chờ Lưu trữ cơ quan kiểm tra: không thêm, "
                                "rút văn bản hay sửa được nữa.")

def archive_agency_ids(*, user) -> set[int]:
    """Agencies whose archive ``user`` works in (positions with the role ``archivist``)."""
    if not user.is_authenticated:
        return set()
    return set(account_selectors.active_positions(user=user).filter(role=Role.ARCHIVIST).values_list(
        "agency_id", flat=True))


def admin_agency_ids(*, user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(account_selectors.active_positions(user=user).filter(role=Role.AGENCY_ADMIN).values_list(
        "agency_id", flat=True))


def custody_rule(*, user, covered: frozenset[int] | set[int] = frozenset()) -> Q:
    """What the archive role adds to who sees a file: its agency's closed files (due, kept past the deadline or
    returned), those handed over and those in its custody. Everyone of the agency sees the catalogue of files in
    custody (their documents only by request: ``may_read_custody``). Agencies in ``covered`` (whose every file
    the user already sees) are left out, so that a keeper's rule stays a plain agency filter the list's indexes
    serve: an OR with a redundant branch makes SQLite sort the whole agency at every page."""
    held = account_selectors.position_agencies(user=user)
    archive = archive_agency_ids(user=user) - set(covered)
    rule = Q(pk__in=[])
    if archive:
        rule |= Q(agency_id__in=sorted(archive), state__in=[CaseFileState.CLOSED, CaseFileState.HANDED_OVER,
                                                               CaseFileState.ACCEPTED])
    if held.all_ids - set(covered):
        rule |= Q(agency_id__in=sorted(held.all_ids - set(covered)), state=CaseFileState.ACCEPTED)
    return rule


def may_read_custody(*, user, case_file: CaseFile) -> bool:
    """Whether ``user`` reads the documents list of a file in the archive's custody: the archive, the agency's
    leaders, and a requester whose request is approved and current. (Documents are still filtered through
    what each person sees.)"""
    if case_file.state != CaseFileState.ACCEPTED:
        return True
    if case_file.agency_id in archive_agency_ids(user=user):
        return True
    if case_file.agency_id in account_selectors.position_agencies(user=user).leader_ids:
        return True
    return UsageRequest.objects.filter(case_file=case_file, requested_by_id=user.pk, state=UsageState.APPROVED,
                                       access_until__gte=timezone.localdate()).exists()


def default_rule() -> HandoverRule | None:
    return HandoverRule.objects.filter(is_default=True).order_by("order", "id").first()


def rules() -> list[HandoverRule]:
    return list(HandoverRule.objects.order_by("order", "code"))


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_of(case_file: CaseFile, rule: HandoverRule | None) -> dt.date | None:
    """The handover deadline of a file under ``rule`` (None while its date is unknown)."""
    if rule is None:
        return None
    start = case_file.final_accounts_date if rule.counts_from == DueBasis.FINAL_ACCOUNTS else case_file.end_date
    return add_months(start, rule.months) if start else None


def rule_of(case_file: CaseFile) -> HandoverRule | None:
    if case_file.handover_rule_id:
        return HandoverRule.objects.filter(pk=case_file.handover_rule_id).first()
    return default_rule()


def candidates(*, user) -> QuerySet[CaseFile]:
    """The user's closed files, ready to be handed over, the most urgent first."""
    return (CaseFile.objects.filter(owner_id=user.pk, state=CaseFileState.CLOSED)
            .select_related("agency", "retention", "unit").order_by("handover_due", "number", "id"))


def handovers_visible_to(*, user) -> QuerySet[Handover]:
    if not user.is_authenticated:
        return Handover.objects.none()
    held = account_selectors.position_agencies(user=user)
    rule = Q(submitted_by_id=user.pk)
    keepers = archive_agency_ids(user=user) | set(held.leader_ids)
    if keepers:
        rule |= Q(agency_id__in=sorted(keepers))
    if held.unit_ids:
        rule |= Q(unit_id__in=sorted(held.unit_ids))
    return Handover.objects.filter(rule)


def handover_list(*, user) -> QuerySet[Handover]:
    return handovers_visible_to(user=user).select_related("agency", "unit", "submitted_by").order_by(
        "-submitted_at", "-id")


def handover_get(*, user, handover_id: int) -> Handover:
    row = handovers_visible_to(user=user).select_related("agency", "unit", "submitted_by").filter(
        pk=handover_id).first()
    if row is None:
        raise NotFound()
    return row


def handover_items(*, handover: Handover) -> list[HandoverItem]:
    return list(HandoverItem.objects.filter(handover=handover).select_related(
        "case_file", "case_file__retention", "case_file__owner", "case_file__plan_entry",
        "case_file__plan_entry__retention", "decided_by").order_by("ordinal", "id"))


ARCHIVE_TABS = ("pending", "custody", "kept", "usage")


def archive_files(*, user, tab: str) -> QuerySet[CaseFile]:
    """The archive's lists: files waiting for its check, files in its custody, files kept past the deadline.
    One query for the rows whatever their number (the caller pages it)."""
    agencies = sorted(archive_agency_ids(user=user))
    qs = CaseFile.objects.filter(agency_id__in=agencies)
    if tab == "pending":
        qs = qs.filter(state=CaseFileState.HANDED_OVER)
    elif tab == "kept":
        qs = qs.filter(state=CaseFileState.CLOSED, kept_until__isnull=False)
    else:
        qs = qs.filter(state=CaseFileState.ACCEPTED)
    return qs.select_related("agency", "owner", "unit", "retention").order_by("-year", "number", "-id")


def usage_register(*, user) -> QuerySet[UsageRequest]:
    """The Sổ sử dụng bản lưu of the user's archives, and the user's own requests."""
    agencies = sorted(archive_agency_ids(user=user))
    return UsageRequest.objects.filter(Q(agency_id__in=agencies) | Q(requested_by_id=user.pk)).select_related(
        "case_file", "requested_by", "decided_by").order_by("-requested_at", "-id")


def usage_of_file(*, user, case_file: CaseFile) -> list[UsageRequest]:
    qs = UsageRequest.objects.filter(case_file=case_file)
    if case_file.agency_id not in archive_agency_ids(user=user):
        qs = qs.filter(requested_by_id=user.pk)
    return list(qs.select_related("requested_by", "decided_by").order_by("-requested_at", "-id")[:50])


@dataclass(frozen=True)
class PlanCheck:
    ok: bool
    notes: list[str]


def plan_check(case_file: CaseFile) -> PlanCheck:
    """The archive's comparison of a handed-over file with the plan (PL6 §III.4: checked against the danh
    mục): planned or not, its number, title and retention against the planned file's, its content."""
    notes: list[str] = []
    entry = case_file.plan_entry
    if entry is None:
        notes.append(_("Hồ sơ ngoài danh mục hồ sơ."))
    else:
        if entry.number != case_file.number:
            notes.append(_("Số hồ sơ khác danh mục (%(p)s).") % {"p": entry.number})
        if entry.title != case_file.title:
            notes.append(_("Tiêu đề khác danh mục: %(p)s.") % {"p": entry.title})
        if entry.retention_id != case_file.retention_id:
            notes.append(_("Thời hạn bảo quản khác danh mục (%(p)s).") % {"p": entry.retention.name})
    if not case_file.doc_total:
        notes.append(_("Hồ sơ không có văn bản nào."))
    return PlanCheck(ok=not notes, notes=notes)


def file_context(*, user, case_file: CaseFile) -> dict:
    """What the file page shows of the handover: deadline, keep approval, the archive's decisions, use."""
    owner = case_file.owner_id == user.pk
    leader = case_file.agency_id in account_selectors.position_agencies(user=user).leader_ids
    archivist = case_file.agency_id in archive_agency_ids(user=user)
    last_return = (HandoverItem.objects.filter(case_file=case_file).exclude(decision=ItemDecision.PENDING)
                   .select_related("handover", "decided_by").order_by("-decided_at", "-id").first())
    return {
        "handover_rule": rule_of(case_file),
        "handover_rules": rules() if owner and case_file.state in (CaseFileState.OPEN, CaseFileState.CLOSED) else [],
        "may_keep": leader and case_file.state == CaseFileState.CLOSED and case_file.handover_due is not None,
        "keep_approvals": list(KeepApproval.objects.filter(case_file=case_file).select_related("approved_by")),
        "may_hand_over": owner and case_file.state == CaseFileState.CLOSED,
        "last_decision": last_return,
        "may_request_use": case_file.state == CaseFileState.ACCEPTED and not archivist,
        "may_read": may_read_custody(user=user, case_file=case_file),
        "usage": usage_of_file(user=user, case_file=case_file) if case_file.state == CaseFileState.ACCEPTED else [],
        "is_archivist": archivist,
        "request_first": REQUEST_FIRST,
    }


def frozen_message(case_file: CaseFile):
    """The message refusing a change to a frozen file, by why it is frozen."""
    if case_file.state == CaseFileState.ACCEPTED:
        return FILE_IN_CUSTODY % {"number": case_file.number}
    if case_file.state == CaseFileState.HANDED_OVER:
        return FILE_HANDED_OVER % {"number": case_file.number}
    return None


def custody_catalogue(*, user) -> QuerySet[CaseFile]:
    """The catalogue of the files in the custody of the archives of the user's agencies (metadata only)."""
    held = account_selectors.position_agencies(user=user)
    return CaseFile.objects.filter(agency_id__in=sorted(held.all_ids), state=CaseFileState.ACCEPTED).select_related(
        "agency", "owner", "unit", "retention").order_by("-year", "number", "-id")


def pass_on_choices(*, user) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[tuple[int, str]]]:
    """For the successor form: (the user's agencies, the people of those agencies, whose files the user may
    pass on: themselves, and everyone of the agencies the user leads or administers)."""
    positions = list(account_selectors.active_positions(user=user).select_related("agency"))
    agencies = list(dict.fromkeys((p.agency_id, p.agency.name) for p in positions))
    rows = (Position.objects.filter(agency_id__in=[a for a, _n in agencies], is_active=True, user__is_active=True)
            .select_related("user", "agency").order_by("user__full_name", "user__username"))
    people = list(dict.fromkeys((p.user_id, f"{p.user} · {p.agency.short_name or p.agency.name}") for p in rows))
    managed = {p.agency_id for p in positions if (p.role == Role.LEADER and p.unit_id is None)
               or p.role == Role.AGENCY_ADMIN}
    givers = [(user.pk, str(user))] + list(dict.fromkeys(
        (p.user_id, f"{p.user} · {p.agency.short_name or p.agency.name}") for p in rows
        if p.agency_id in managed and p.user_id != user.pk))
    return agencies, people, givers
