"""Reads about incoming-document processing: work queues, the assignment tree, deadlines.

Due-soon and overdue are decided in SQL: the cut-off date (today plus N working days on the
working-day calendar) is computed once and compared with the stored deadlines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict, cast

from django.conf import settings
from django.db.models import Case, CharField, Count, Exists, OuterRef, Prefetch, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils import timezone

from lienthong.accounts import selectors as account_selectors
from lienthong.accounts.models import Position, Role
from lienthong.agencies.models import Agency, Unit
from lienthong.core.errors import NotFound
from lienthong.core.text import fold
from lienthong.documents import selectors as document_selectors
from lienthong.documents.models import Direction, Document, DocumentStatus
from lienthong.documents.selectors import documents_visible_to
from lienthong.processing.models import (
    OPEN_STATES,
    Assignment,
    AssignmentRole,
    Handling,
    HandlingState,
    ProcessingNote,
)
from lienthong.workcalendar import selectors as calendar


def due_soon_cutoff(today: dt.date | None = None) -> dt.date:
    return calendar.add_working_days(today or timezone.localdate(), settings.REMINDER_DUE_SOON_WORKING_DAYS)


def with_urgency_flag(qs: QuerySet[Assignment], today: dt.date | None = None) -> QuerySet[Assignment]:
    """Annotate ``deadline_status``: "overdue", "due_soon" or "" (SQL, no Python loop)."""
    today = today or timezone.localdate()
    return qs.annotate(deadline_status=Case(
        When(state__in=OPEN_STATES, deadline__lt=today, then=Value("overdue")),
        When(state__in=OPEN_STATES, deadline__lte=due_soon_cutoff(today), then=Value("due_soon")),
        default=Value(""), output_field=CharField()))


def _assignment_list(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    # The assigning person comes in a small query of its own (by primary key, for the rows shown): a
    # second join to the users made PostgreSQL spend longer planning the page query than running it
    # (20 ms of planning against 7 ms of execution for a unit head's queue at a million documents).
    return with_urgency_flag(qs.filter(document__status=DocumentStatus.ACTIVE)).select_related(
        "document__document_type", "unit", "user").prefetch_related("assigned_by").order_by(
        "-handling__is_urgent", "deadline", "-assigned_at", "-id")


def _to_process(user, include_info: bool = False) -> QuerySet[Assignment]:
    qs = Assignment.objects.filter(user=user, state__in=OPEN_STATES)
    if not include_info:
        qs = qs.exclude(role=AssignmentRole.INFO)
    return qs


def to_process(*, user, include_info: bool = False) -> QuerySet[Assignment]:
    """A specialist's queue: open assignments to the user personally (lead and supporting first)."""
    return _assignment_list(_to_process(user, include_info))


def for_information(*, user) -> QuerySet[Assignment]:
    return _assignment_list(Assignment.objects.filter(user=user, role=AssignmentRole.INFO,
                                                      state__in=OPEN_STATES))


def _led_unit_ids(user) -> list[int]:
    return list(Position.objects.filter(user=user, role=Role.LEADER, is_active=True, unit__isnull=False)
                .values_list("unit_id", flat=True))


def _unit_to_assign(user) -> QuerySet[Assignment]:
    unit_ids = _led_unit_ids(user)
    if not unit_ids:
        return Assignment.objects.none()
    has_children = Exists(Assignment.objects.filter(parent_id=OuterRef("pk")))
    return (Assignment.objects.filter(unit_id__in=unit_ids, state__in=OPEN_STATES)
            .exclude(role=AssignmentRole.INFO).filter(~has_children))


def unit_to_assign(*, user) -> QuerySet[Assignment]:
    """A unit head's queue: open assignments to the unit(s) the user leads, not yet handed on."""
    return _assignment_list(_unit_to_assign(user))


def handlings_to_assign(*, user) -> QuerySet[Handling]:
    """A leader's queue: incoming documents submitted to the user and not yet assigned, urgent first."""
    return (Handling.objects.filter(submitted_to=user, state=HandlingState.SUBMITTED,
                                    document__status=DocumentStatus.ACTIVE)
            .select_related("document__document_type").order_by("-is_urgent", "-submitted_at", "-id"))


def handlings_to_submit(*, user) -> QuerySet[Handling]:
    """A văn thư's queue: registered incoming documents not yet submitted to a leader."""
    clerk_ids = account_selectors.position_agencies(user=user).clerk_ids
    return (Handling.objects.filter(agency_id__in=sorted(clerk_ids), state=HandlingState.REGISTERED,
                                    document__status=DocumentStatus.ACTIVE)
            .select_related("document__document_type").order_by("-is_urgent", "-created_at", "-id"))


def _overdue_assigned_by(user) -> QuerySet[Assignment]:
    return Assignment.objects.filter(assigned_by=user, state__in=OPEN_STATES, deadline__lt=timezone.localdate())


def overdue_assigned_by(*, user) -> QuerySet[Assignment]:
    """What the user assigned that is overdue (the leader's follow-up list)."""
    return _assignment_list(_overdue_assigned_by(user))


def queue_counts(*, user) -> dict[str, int]:
    """Counts for the home page (one query per queue, each on an index)."""
    # Plain filters: a count needs no deadline flag (so no calendar read).
    active = {"document__status": DocumentStatus.ACTIVE}
    return {
        "to_submit": handlings_to_submit(user=user).count(),
        "to_assign": handlings_to_assign(user=user).count() + _unit_to_assign(user).filter(**active).count(),
        "to_process": _to_process(user).filter(**active).count(),
        "overdue": _overdue_assigned_by(user).filter(**active).count(),
    }


def handling_of(*, document_id: int) -> Handling | None:
    return Handling.objects.select_related("submitted_to", "reply_document").filter(document_id=document_id).first()


def documents_in_processing(*, document_ids) -> set[int]:
    """Those of ``document_ids`` whose handling is still open (not done, not closed by a recall)."""
    return set(Handling.objects.filter(document_id__in=list(document_ids)).exclude(
        state__in=(HandlingState.DONE, HandlingState.WITHDRAWN)).values_list("document_id", flat=True))


def assignment_tree(*, handling: Handling) -> list[Assignment]:
    """All assignments of a document with their notes, parents first (three queries)."""
    return list(with_urgency_flag(Assignment.objects.filter(handling=handling))
                .select_related("unit", "user", "assigned_by", "reply_document")
                .prefetch_related(Prefetch("notes", queryset=ProcessingNote.objects.select_related("author")))
                .order_by("parent_id", "id"))


def assignment_get(*, user, assignment_id: int) -> Assignment:
    """An assignment of a document the user can see."""
    assignment = (Assignment.objects.filter(pk=assignment_id, document__in=documents_visible_to(user=user))
                  .select_related("document", "unit", "user").first())
    if assignment is None:
        raise NotFound()
    return assignment


def handling_document_id(*, handling_id: int) -> int | None:
    """The document of a handling, before anything is known of who asks (the caller then checks the document)."""
    return Handling.objects.filter(pk=handling_id).values_list("document_id", flat=True).first()


# --- What the processing panel offers -------------------------------------------------------------------

@dataclass
class PanelRights:
    """What a user may do on one incoming document's handling, as the panel shows it (the services check
    the same rules when the user acts)."""

    active: bool  # the document is in force: nothing is done on a cancelled or withdrawn one
    is_clerk: bool  # a văn thư of the receiving agency: submits
    is_leader: bool  # a leader of the agency, or the one it was submitted to: assigns
    led_unit_ids: set[int]  # units of the agency the user heads: hands their parts on, works on them
    full_ids: frozenset[int]  # agencies whose documents the user sees whole: may chase


def panel_rights(*, user, handling: Handling, document: Document) -> PanelRights:
    held = account_selectors.position_agencies(user=user)
    agency_id = handling.agency_id
    led_units = set()
    if held.unit_ids:
        led_units = set(account_selectors.active_positions(user=user).filter(
            role=Role.LEADER, agency_id=agency_id, unit__isnull=False).values_list("unit_id", flat=True))
    return PanelRights(active=document.status == DocumentStatus.ACTIVE, is_clerk=agency_id in held.clerk_ids,
                       is_leader=agency_id in held.leader_ids or handling.submitted_to_id == user.pk,
                       led_unit_ids=led_units, full_ids=held.full_ids)


def may_start_handling(*, user, document: Document) -> bool:
    """Whether ``user`` may bring into the flow an incoming document registered before the flow existed: a văn
    thư of its agency, the document in force (``services.handling_start``)."""
    return (document.direction == Direction.INCOMING and document.status == DocumentStatus.ACTIVE
            and document.agency_id in account_selectors.position_agencies(user=user).clerk_ids)


def agency_leaders(*, agency_id: int) -> list[Position]:
    """Leaders of the agency as a whole (not unit heads): those a văn thư submits to."""
    return list(account_selectors.agency_people(agency_id=agency_id, roles=[Role.LEADER]).filter(unit__isnull=True))


def assignable_units(*, agency_id: int) -> list[Unit]:
    return list(Unit.objects.filter(agency_id=agency_id, is_active=True))


def reply_candidates(*, user, agency_id: int, limit: int) -> list[Document]:
    """The latest outgoing documents of the agency the user sees, newest first (the reply chooser)."""
    return list(document_selectors.document_list(user=user, direction=Direction.OUTGOING)
                .filter(agency_id=agency_id, status=DocumentStatus.ACTIVE)[:limit])


def reply_by_number(*, user, agency_id: int, norm: str) -> Document | None:
    """The agency's issued document with this số, ký hiệu (``norm``, normalised as stored). Typed exactly first;
    failing that, typed without accents ("05/QD-UBND" for "05/QĐ-UBND") when exactly one of the agency's
    documents with that số matches."""
    issued = (document_selectors.document_list(user=user, direction=Direction.OUTGOING)
              .filter(agency_id=agency_id, status=DocumentStatus.ACTIVE))
    exact = issued.filter(number_symbol_norm=norm).first()
    if exact is not None:
        return exact
    folded = fold(norm)
    same_number = issued.filter(number_symbol_norm__startswith=norm.split("/", 1)[0] + "/")[:50]
    matches = [d for d in same_number if fold(d.number_symbol_norm) == folded]
    return matches[0] if len(matches) == 1 else None


def tracking_book_agencies(*, user) -> list[Agency]:
    """The agencies whose tracking book the user prints: where the user is văn thư or an agency-wide leader."""
    held = account_selectors.position_agencies(user=user)
    return list(Agency.objects.filter(pk__in=sorted(held.full_ids)).order_by("name"))


# --- The reminder job and the printouts ------------------------------------------------------------------

class ReminderRow(TypedDict):
    """One open assignment due by the cutoff, as ``reminder_rows`` reads it."""

    id: int
    deadline: dt.date  # never empty: the query keeps only deadlines on or before the cutoff
    user_id: int | None  # the person it was assigned to, or none when it went to a unit
    unit_id: int | None
    assigned_by_id: int
    document_id: int
    document__number_symbol: str
    subject: str


def reminder_rows(*, cutoff: dt.date) -> tuple[list[ReminderRow], dict[int, list[int]]]:
    """Open, non-informational assignments due on or before ``cutoff`` (two queries)."""
    # Cast: django-stubs types these values as their columns, not as this query yields them: user_id and
    # unit_id as int though they are nullable, deadline as optional though the filter keeps only set ones.
    rows = cast("list[ReminderRow]", list(
        Assignment.objects.filter(state__in=OPEN_STATES, deadline__lte=cutoff,
                                  document__status=DocumentStatus.ACTIVE)
        .exclude(role=AssignmentRole.INFO)
        .annotate(subject=Substr("document__subject", 1, 300))
        .values("id", "deadline", "user_id", "unit_id", "assigned_by_id", "document_id",
                "document__number_symbol", "subject")))
    unit_ids = {r["unit_id"] for r in rows if r["unit_id"]}
    leaders: dict[int, list[int]] = {}
    for unit_id, user_id in Position.objects.filter(unit_id__in=unit_ids, role=Role.LEADER, is_active=True
                                                    ).values_list("unit_id", "user_id"):
        leaders.setdefault(unit_id, []).append(user_id)
    return rows, leaders


def tracking_rows(*, agency_id: int, date_from: dt.date, date_to: dt.date) -> QuerySet[Handling]:
    """Rows of the Sổ theo dõi giải quyết văn bản đến (PL4 §VIII) for one agency and period."""
    return (Handling.objects.filter(agency_id=agency_id, received_on__gte=date_from, received_on__lte=date_to)
            .select_related("document__document_type", "reply_document")
            .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.filter(parent__isnull=True)
                                       .select_related("unit", "user").order_by("id")))
            .order_by("document__year", "document__register_number"))


def assignment_counts_by_state(*, handling_ids) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for row in (Assignment.objects.filter(handling_id__in=list(handling_ids)).values("handling_id", "state")
                .annotate(n=Count("pk")).order_by()):
        out.setdefault(row["handling_id"], {})[row["state"]] = row["n"]
    return out




def default_deadline(*, handling) -> dt.date:
    """The deadline an assignment starts with: the agency's deadline for the document's urgency, but never after
    the document's own deadline ("hạn xử lý" set by the sender or at registration) when it has one that is not
    before the date received (issue 18: a document due 18/12 was pre-filled with 21/12)."""
    doc = handling.document
    default = calendar.default_deadline(agency_id=handling.agency_id, urgency=doc.urgency, start=handling.received_on)
    due = getattr(doc, "due_date", None)
    if due is not None and handling.received_on <= due < default:
        return due
    return default
