"""Reads about file plans and case files. Who sees what is decided in SQL querysets:

- a file plan: everyone holding a position in its agency;
- a case file: its owner, the people of its unit, the agency's leaders (agency-wide leader positions) and its
  văn thư; and, once handed over, the agency's archive (``handover_selectors.custody_rule``);
- a document in a file: only if the reader sees the document itself (``documents_visible_to``). A file
  never widens what someone sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Role, User
from lienthong.agencies.models import Unit
from lienthong.core.errors import NotFound
from lienthong.documents.models import Document
from lienthong.documents.selectors import documents_visible_to
from lienthong.processing import selectors as processing_selectors
from lienthong.records import handover_selectors
from lienthong.records.models import (
    CaseFile,
    CaseFileDocument,
    CaseFileState,
    FilePlan,
    PlanEntry,
    PlanHeading,
    PlanState,
    RetentionPeriod,
)
from lienthong.records.numerals import roman

# ----------------------------------------------------------------------------------------- retention

def retention_periods() -> QuerySet[RetentionPeriod]:
    return RetentionPeriod.objects.filter(is_active=True).order_by("order", "code")


def retention_by_code(code: str) -> RetentionPeriod | None:
    return RetentionPeriod.objects.filter(code=(code or "").strip(), is_active=True).first()


# ----------------------------------------------------------------------------------------- rights

def plan_manager_agency_ids(*, user) -> set[int]:
    """Agencies whose plan ``user`` drafts and edits: its văn thư and its administrators."""
    return set(account_selectors.active_positions(user=user).filter(
        role__in=[Role.CLERK, Role.AGENCY_ADMIN]).values_list("agency_id", flat=True))


def plan_approver_agency_ids(*, user) -> set[int]:
    """Agencies whose plan ``user`` approves: its leaders (agency-wide leader positions)."""
    return set(account_selectors.position_agencies(user=user).leader_ids)


def case_files_visible_to(*, user) -> QuerySet[CaseFile]:
    if not user.is_authenticated:
        return CaseFile.objects.none()
    held = account_selectors.position_agencies(user=user)
    if not held.all_ids:
        return CaseFile.objects.none()
    # Where the user keeps the records (leader, văn thư) every file of the agency; elsewhere their own files and
    # their unit's. Written so that a keeper's rule is a plain agency filter, which the list's index serves.
    keepers = held.leader_ids | held.clerk_ids
    others = sorted(held.all_ids - keepers)
    rules = [Q(agency_id__in=sorted(keepers))] if keepers else []
    if others:
        own = Q(owner_id=user.pk)
        if held.unit_ids:
            own |= Q(unit_id__in=sorted(held.unit_ids))
        rules.append(Q(agency_id__in=others) & own)
    rule = rules[0]
    for more in rules[1:]:
        rule |= more
    rule |= handover_selectors.custody_rule(user=user, covered=keepers)
    return CaseFile.objects.filter(rule)


# ----------------------------------------------------------------------------------------- file plans

def plans_visible_to(*, user) -> QuerySet[FilePlan]:
    held = account_selectors.position_agencies(user=user) if user.is_authenticated else None
    if not held or not held.all_ids:
        return FilePlan.objects.none()
    return FilePlan.objects.filter(agency_id__in=sorted(held.all_ids))


def plan_list(*, user, year: int | None = None) -> QuerySet[FilePlan]:
    qs = plans_visible_to(user=user).select_related("agency").annotate(entry_count=Count("entries"))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "agency__name")


def plan_get(*, user, plan_id: int) -> FilePlan:
    plan = plans_visible_to(user=user).select_related("agency", "approved_by", "decision_document").filter(
        pk=plan_id).first()
    if plan is None:
        raise NotFound()
    return plan


@dataclass
class HeadingRow:
    heading: PlanHeading
    numeral: str
    level: int  # 1: main heading, 2: sub-heading
    entries: list[PlanEntry]


@dataclass
class PlanContent:
    rows: list[HeadingRow]
    total: int
    permanent: int

    @property
    def fixed_term(self) -> int:
        return self.total - self.permanent


def plan_content(*, plan: FilePlan) -> PlanContent:
    """The plan in its printed order: each main heading, its own files, then each sub-heading and its files
    (three queries whatever the size)."""
    headings = list(PlanHeading.objects.filter(plan=plan).order_by("order", "id"))
    entries = list(PlanEntry.objects.filter(plan=plan).select_related("retention", "responsible_user",
                                                                         "responsible_unit").order_by("order", "id"))
    by_heading: dict[int, list[PlanEntry]] = {}
    for e in entries:
        e.responsible_label = responsible_of(e)
        by_heading.setdefault(e.heading_id, []).append(e)
    mains = [h for h in headings if h.parent_id is None]
    subs: dict[int, list[PlanHeading]] = {}
    for h in headings:
        if h.parent_id is not None:
            subs.setdefault(h.parent_id, []).append(h)
    rows = []
    for i, main in enumerate(mains, start=1):
        rows.append(HeadingRow(main, roman(i), 1, by_heading.get(main.pk, [])))
        for j, sub in enumerate(subs.get(main.pk, []), start=1):
            rows.append(HeadingRow(sub, str(j), 2, by_heading.get(sub.pk, [])))
    permanent = sum(1 for e in entries if e.retention.years is None)
    return PlanContent(rows=rows, total=len(entries), permanent=permanent)


def responsible_of(e: PlanEntry) -> str:
    """Who keeps a planned file, as the plan prints it: the name written, else the person, else the unit."""
    if e.responsible_name:
        return e.responsible_name
    if e.responsible_user is not None:
        return e.responsible_user.full_name or e.responsible_user.get_username()
    if e.responsible_unit is not None:
        return e.responsible_unit.name
    return ""


def published_entries(*, user, year: int | None = None) -> QuerySet[PlanEntry]:
    """Planned files a user may open a file from: of published plans of the user's agencies."""
    qs = PlanEntry.objects.filter(plan__in=plans_visible_to(user=user).filter(state=PlanState.PUBLISHED))
    if year:
        qs = qs.filter(plan__year=year)
    return qs.select_related("plan", "retention").order_by("-plan__year", "order")


def plan_entry_get(*, user, entry_id: int) -> PlanEntry:
    entry = PlanEntry.objects.filter(pk=entry_id, plan__in=plans_visible_to(user=user)).select_related(
        "plan", "retention", "heading").first()
    if entry is None:
        raise NotFound()
    return entry


# ----------------------------------------------------------------------------------------- case files

def case_file_list(*, user, year: int | None = None, state: str | None = None, mine: bool = False,
                   unit_id: int | None = None) -> QuerySet[CaseFile]:
    qs = case_files_visible_to(user=user)
    if year:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    if mine:
        qs = qs.filter(owner_id=user.pk)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.select_related("agency", "owner", "unit", "retention").order_by("-year", "number", "-id")


# The list of files pages by keyset, not by OFFSET: a page starts after (or ends before) the (year, number, id)
# of a row, so page 1 500 of 100 000 files costs what the first page costs, and a file added between two
# requests neither repeats nor hides a row. Each side of a cursor is read as two index ranges (the rest of the
# cursor's year, then the years beyond it), which both SQLite and PostgreSQL seek directly in the list's order
# indexes; a single OR condition over (year, number, id) would walk the index from the start.
LIST_COUNT_CAP = 10_000


@dataclass(frozen=True)
class FileCursor:
    """A position in the list's order (-year, number, -id); in a URL ``<year>-<id>-<number>``."""

    year: int
    number: str
    id: int

    def encode(self) -> str:
        return f"{self.year}-{self.id}-{self.number}"

    @classmethod
    def decode(cls, text: str | None) -> FileCursor | None:
        """The cursor written in ``text``; None for anything that is not one (the caller shows the first page)."""
        parts = (text or "").split("-", 2)
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            return None
        year, pk, number = int(parts[0]), int(parts[1]), parts[2]
        if not (0 < year < 10_000 and 0 < pk < 2**63 and 0 < len(number) <= 20):
            return None
        return cls(year=year, number=number, id=pk)

    @classmethod
    def of(cls, row: CaseFile) -> FileCursor:
        return cls(year=row.year, number=row.number, id=row.pk)


@dataclass(frozen=True)
class FilePage:
    rows: list[CaseFile]
    next: FileCursor | None  # "Trang sau" starts after this row
    previous: FileCursor | None  # "Trang trước" ends before this row
    total: int  # capped at LIST_COUNT_CAP + 1 (``total_capped``)
    total_capped: bool


def _files_after(qs: QuerySet[CaseFile], cursor: FileCursor, limit: int) -> list[CaseFile]:
    rows = list(qs.filter(year=cursor.year, number__gte=cursor.number)
                .exclude(number=cursor.number, id__gte=cursor.id).order_by("-year", "number", "-id")[:limit])
    if len(rows) < limit:
        rows += list(qs.filter(year__lt=cursor.year).order_by("-year", "number", "-id")[:limit - len(rows)])
    return rows


def _files_before(qs: QuerySet[CaseFile], cursor: FileCursor, limit: int) -> list[CaseFile]:
    """Up to ``limit`` rows before the cursor, nearest first (the list's order reversed)."""
    rows = list(qs.filter(year=cursor.year, number__lte=cursor.number)
                .exclude(number=cursor.number, id__lte=cursor.id).order_by("year", "-number", "id")[:limit])
    if len(rows) < limit:
        rows += list(qs.filter(year__gt=cursor.year).order_by("year", "-number", "id")[:limit - len(rows)])
    return rows


def case_file_page(*, user, size: int, after: FileCursor | None = None, before: FileCursor | None = None,
                   year: int | None = None, state: str | None = None, mine: bool = False,
                   unit_id: int | None = None) -> FilePage:
    """One page of ``case_file_list``: the first, the one after ``after`` or the one before ``before``. At most
    four queries whatever the page: the capped count and up to two index ranges for the rows (plus one when the
    page before runs into the start of the list and the first page is read instead)."""
    filtered = case_file_list(user=user, year=year, state=state, mine=mine, unit_id=unit_id)
    total = filtered.select_related(None).order_by()[:LIST_COUNT_CAP + 1].count()
    qs = filtered.order_by()
    if before is not None:
        rows = _files_before(qs, before, size + 1)
        if len(rows) > size:
            rows = rows[:size][::-1]
            return FilePage(rows=rows, next=FileCursor.of(rows[-1]), previous=FileCursor.of(rows[0]),
                            total=total, total_capped=total > LIST_COUNT_CAP)
        after = None  # reached the start of the list: the first page, full
    if after is not None:
        rows = _files_after(qs, after, size + 1)
        if not rows:  # past the end (the rows after it were removed): the first page
            after = None
    if after is None:
        rows = list(filtered[:size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return FilePage(rows=rows, next=FileCursor.of(rows[-1]) if more else None,
                    previous=FileCursor.of(rows[0]) if after is not None and rows else None,
                    total=total, total_capped=total > LIST_COUNT_CAP)


def case_file_get(*, user, case_file_id: int) -> CaseFile:
    row = case_files_visible_to(user=user).select_related(
        "agency", "owner", "unit", "retention", "plan_entry", "closed_by").filter(pk=case_file_id).first()
    if row is None:
        raise NotFound()
    return row


def case_file_items(*, user, case_file: CaseFile) -> list[CaseFileDocument]:
    """The documents of the file that ``user`` sees, in their order; the others are not shown at all."""
    visible = documents_visible_to(user=user).values("pk")
    return list(CaseFileDocument.objects.filter(case_file=case_file, document__in=visible)
                .select_related("document", "document__document_type", "filed_by").order_by("ordinal", "id"))


def files_of_document(*, user, document_id: int) -> list[CaseFile]:
    """The files ``user`` sees that hold the document."""
    return list(case_files_visible_to(user=user).filter(items__document_id=document_id)
                .select_related("owner").order_by("-year", "number"))


def open_files_of(*, user, agency_id: int | None = None) -> QuerySet[CaseFile]:
    """The user's own open files (where they file documents)."""
    qs = CaseFile.objects.filter(owner_id=user.pk, state=CaseFileState.OPEN)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return qs.order_by("-year", "number")


def document_ids_in_processing(*, document_ids) -> set[int]:
    return processing_selectors.documents_in_processing(document_ids=document_ids)


def all_items(*, case_file: CaseFile) -> QuerySet[CaseFileDocument]:
    """Every document of the file, for the services' checks (never shown as such)."""
    return CaseFileDocument.objects.filter(case_file=case_file).select_related("document", "document__document_type")


def unit_in_agency(*, unit_id: int, agency_id: int) -> bool:
    return Unit.objects.filter(pk=unit_id, agency_id=agency_id).exists()


def agency_units(*, agency_id: int) -> QuerySet[Unit]:
    return Unit.objects.filter(agency_id=agency_id, is_active=True).order_by("order", "name")


def user_by_id(user_id: int) -> User:
    return User.objects.get(pk=user_id)


def plan_manager_agencies(*, user) -> list[tuple[int, str]]:
    """(id, name) of the agencies whose plan ``user`` drafts."""
    rows = account_selectors.active_positions(user=user).filter(
        role__in=[Role.CLERK, Role.AGENCY_ADMIN]).select_related("agency").order_by("agency__name")
    return list(dict.fromkeys((p.agency_id, p.agency.name) for p in rows))


def filing_candidates(*, user, case_file: CaseFile, limit: int = 50) -> list:
    """The latest documents of the file's agency that ``user`` sees and that are not in the file yet."""
    inside = CaseFileDocument.objects.filter(case_file=case_file).values("document_id")
    return list(documents_visible_to(user=user).filter(agency_id=case_file.agency_id).exclude(status="withdrawn")
                .exclude(pk__in=inside).select_related("document_type").order_by("-created_at", "-id")[:limit])


def holds_position_in(*, user, agency_id: int) -> bool:
    return agency_id in account_selectors.position_agencies(user=user).all_ids


def plan_of(*, agency_id: int, year: int) -> FilePlan | None:
    return FilePlan.objects.filter(agency_id=agency_id, year=year).first()


def package_items(*, user, case_file: CaseFile) -> list[CaseFileDocument]:
    """The documents of the file ``user`` sees with their originals (three queries whatever the size)."""
    visible = documents_visible_to(user=user).values("pk")
    return list(CaseFileDocument.objects.filter(case_file=case_file, document__in=visible)
                .select_related("document", "document__document_type")
                .prefetch_related("document__files__stored_file").order_by("ordinal", "id"))


def item_count(*, case_file: CaseFile) -> int:
    return CaseFileDocument.objects.filter(case_file=case_file).count()


def filed_documents_by_month(*, first: dt.date, end: dt.date, excluded_statuses) -> dict[tuple[int, dt.date], int]:
    """For the monthly usage statistics (oversight): per (agency, first day of the month), the documents that
    sit in at least one case file, counted as oversight counts documents (outgoing by date of issue, incoming
    by date of arrival, in ``[first, end)``). Two aggregate queries whatever the number of documents."""
    filed = Exists(CaseFileDocument.objects.filter(document_id=OuterRef("pk")))
    docs = Document.objects.exclude(status__in=list(excluded_statuses)).filter(filed)
    out: dict[tuple[int, dt.date], int] = {}
    for direction, column in (("out", "issued_on"), ("in", "received_on")):
        rows = (docs.filter(direction=direction, **{f"{column}__gte": first, f"{column}__lt": end})
                .annotate(m=TruncMonth(column)).values("agency_id", "m").order_by().annotate(n=Count("pk")))
        for r in rows:
            month = r["m"].date() if isinstance(r["m"], dt.datetime) else r["m"]
            key = (r["agency_id"], month.replace(day=1))
            out[key] = out.get(key, 0) + r["n"]
    return out
