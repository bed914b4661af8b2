"""Reads about tasks. ``tasks_visible_to`` is the one definition of who sees which task (a queryset).

- the giver agency's people (the Office that recorded the task and confirms it) see every task it gave;
- the lead agency's văn thư and agency-wide leaders see all its tasks; its other people only the tasks
  led by their unit or handed on to them or their unit (now or before);
- coordinating agencies' people read the tasks they coordinate;
- overseers (people of the agencies playing the ranking's ``office`` or ``council`` part, system
  administrators: the same rule as ``oversight.selectors.may_oversee``, a sibling app) see every task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lienthong.accounts.models import Position, Role
from lienthong.accounts.selectors import agency_people, position_agencies
from lienthong.agencies.models import Agency, Unit
from lienthong.assessment.models import AuthorityKind
from lienthong.assessment.selectors import user_has_authority
from lienthong.core import request_memo
from lienthong.core.errors import NotFound
from lienthong.documents.models import Direction
from lienthong.documents.selectors import documents_visible_to

from .models import (
    OPEN_STATES,
    ExtensionState,
    Task,
    TaskCoordinator,
    TaskDeadlineChange,
    TaskExtension,
    TaskHandOn,
    TaskReport,
    TaskState,
)

# The statistics' classes (docs/huong-dan/theo-doi-nhiem-vu.md): four for tasks with a deadline, one apart.
ON_TIME, LATE, WITHIN, OVERDUE, ROUTINE = "on_time", "late", "within", "overdue", "routine"
CLASSES = (ON_TIME, LATE, WITHIN, OVERDUE)


def is_overseer(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if getattr(user, "is_system_admin", False):
        return True
    return request_memo.remember(("followup_overseer", user.pk), lambda: user_has_authority(
        user=user, kinds=(AuthorityKind.OFFICE, AuthorityKind.COUNCIL)))


def tasks_visible_to(*, user) -> QuerySet[Task]:
    if not user.is_authenticated:
        return Task.objects.none()
    if is_overseer(user):
        return Task.objects.all()
    held = position_agencies(user=user)
    if not held.all_ids:
        return Task.objects.none()
    all_ids, full_ids, unit_ids = sorted(held.all_ids), sorted(held.full_ids), sorted(held.unit_ids)
    q = Q(giver_agency_id__in=all_ids) | Q(lead_agency_id__in=full_ids)
    mine = Q(handed_user_id=user.pk) | Q(Exists(TaskHandOn.objects.filter(task_id=OuterRef("pk"), user_id=user.pk)))
    if unit_ids:
        mine |= Q(lead_unit_id__in=unit_ids) | Q(handed_unit_id__in=unit_ids) | Q(Exists(
            TaskHandOn.objects.filter(task_id=OuterRef("pk"), unit_id__in=unit_ids)))
    q |= Q(lead_agency_id__in=all_ids) & mine
    q |= Q(Exists(TaskCoordinator.objects.filter(task_id=OuterRef("pk"), agency_id__in=all_ids)))
    return Task.objects.filter(q)


def task_get(*, user, task_id: int) -> Task:
    task = (tasks_visible_to(user=user).select_related(
        "source_document", "giver_agency", "lead_agency", "lead_unit", "handed_unit", "handed_user", "created_by")
        .filter(pk=task_id).first())
    if task is None:
        raise NotFound()
    return task


def task_list(*, user, agency_id: int | None = None, state: str | None = None, overdue: bool | None = None,
              source_document_id: int | None = None, giver_agency_id: int | None = None,
              today: dt.date | None = None) -> QuerySet[Task]:
    today = today or timezone.localdate()
    qs = tasks_visible_to(user=user).select_related("lead_agency", "lead_unit", "giver_agency", "source_document")
    if agency_id:
        qs = qs.filter(lead_agency_id=agency_id)
    if giver_agency_id:
        qs = qs.filter(giver_agency_id=giver_agency_id)
    if state:
        qs = qs.filter(state=state)
    if overdue is True:
        qs = qs.filter(state__in=OPEN_STATES, deadline__lt=today)
    elif overdue is False:
        qs = qs.exclude(state__in=OPEN_STATES, deadline__lt=today)
    if source_document_id:
        qs = qs.filter(source_document_id=source_document_id)
    return qs.order_by(F("deadline").asc(nulls_last=True), "id")


def tasks_of_document(*, user, document_id: int) -> list[Task]:
    return list(task_list(user=user, source_document_id=document_id))


def queue(*, user) -> QuerySet[Task]:
    """"Nhiệm vụ được giao": open tasks the user's agencies lead that the user sees."""
    held = position_agencies(user=user)
    return task_list(user=user).filter(lead_agency_id__in=sorted(held.all_ids), state__in=OPEN_STATES)


def awaiting_confirmation(*, user) -> QuerySet[Task]:
    """Results the user's agencies (as givers) have to confirm or send back."""
    held = position_agencies(user=user)
    return task_list(user=user).filter(giver_agency_id__in=sorted(held.all_ids), state=TaskState.REPORTED)


def menu_counts(*, user) -> dict[str, int]:
    """The menu's counters in one query: what waits for the user's agencies: tasks they lead still to be done
    (a result already reported waits for the giver, not for them), results they gave and must confirm."""
    held = position_agencies(user=user)
    if not held.all_ids:
        return {"open": 0, "to_confirm": 0}
    ids = sorted(held.all_ids)
    row = tasks_visible_to(user=user).aggregate(
        open=Count("pk", filter=Q(lead_agency_id__in=ids, state=TaskState.OPEN)),
        to_confirm=Count("pk", filter=Q(giver_agency_id__in=ids, state=TaskState.REPORTED)))
    return {k: v or 0 for k, v in row.items()}


@dataclass
class TaskHistory:
    reports: list[TaskReport]
    hand_ons: list[TaskHandOn]
    extensions: list[TaskExtension]
    deadline_changes: list[TaskDeadlineChange]
    coordinators: list[Agency]


def task_history(*, task: Task) -> TaskHistory:
    return TaskHistory(
        reports=list(task.reports.select_related("by", "linked_document", "stored_file")),
        hand_ons=list(task.hand_ons.select_related("unit", "user", "by")),
        extensions=list(task.extensions.select_related("requested_by", "decided_by")),
        deadline_changes=list(task.deadline_changes.select_related("by")),
        coordinators=list(Agency.objects.filter(pk__in=task.coordinators.values("agency_id")).order_by("name")),
    )


def pending_extension(*, task: Task) -> TaskExtension | None:
    return task.extensions.filter(state=ExtensionState.PENDING).first()


def report_file(*, user, task_id: int, report_id: int) -> TaskReport:
    task = task_get(user=user, task_id=task_id)
    report = TaskReport.objects.select_related("stored_file").filter(task=task, pk=report_id,
                                                                     stored_file__isnull=False).first()
    if report is None:
        raise NotFound()
    return report


def lead_people(*, agency_id: int):
    return agency_people(agency_id=agency_id)


def leaders_of(*, agency_id: int):
    return agency_people(agency_id=agency_id, roles=(Role.LEADER,))


# --- Statistics -----------------------------------------------------------------------------------------------

def _as_of(end: dt.date, today: dt.date | None) -> dt.date:
    today = today or timezone.localdate()
    return min(end, today)


def class_filters(*, as_of: dt.date) -> dict[str, Q]:
    """The five classes as conditions on a task, evaluated on day ``as_of``: completed (confirmed) on or before
    ``as_of`` on time / late; not completed by then and its deadline not passed / passed; no deadline apart."""
    done = Q(state=TaskState.DONE, completed_on__lte=as_of)
    has_deadline = Q(deadline__isnull=False)
    return {
        ON_TIME: has_deadline & done & Q(completed_on__lte=F("deadline")),
        LATE: has_deadline & done & Q(completed_on__gt=F("deadline")),
        WITHIN: has_deadline & ~done & Q(deadline__gte=as_of),
        OVERDUE: has_deadline & ~done & Q(deadline__lt=as_of),
        ROUTINE: Q(deadline__isnull=True),
    }


@dataclass
class StatRow:
    agency_id: int
    agency_name: str
    on_time: int = 0
    late: int = 0
    within: int = 0
    overdue: int = 0
    routine: int = 0
    routine_done: int = 0

    @property
    def with_deadline(self) -> int:
        return self.on_time + self.late + self.within + self.overdue

    @property
    def total(self) -> int:
        return self.with_deadline + self.routine

    @property
    def on_time_share(self) -> float | None:
        due = self.on_time + self.late + self.overdue
        return self.on_time / due if due else None


def statistics(*, start: dt.date, end: dt.date, agency_ids=None, today: dt.date | None = None,
               tasks: QuerySet[Task] | None = None) -> list[StatRow]:
    """Tasks given in ``[start, end]`` per lead agency in the four classes (and "thường xuyên" apart), as of
    ``end`` (or today while the period runs). ONE aggregate query (conditional counts grouped by lead agency, read
    from the covering index ``followup_task_stats``) and one for the agencies' names: two, whatever the size."""
    as_of = _as_of(end, today)
    f = class_filters(as_of=as_of)
    qs = (tasks if tasks is not None else Task.objects.all()).filter(given_on__gte=start, given_on__lte=end)
    if agency_ids is not None:
        qs = qs.filter(lead_agency_id__in=list(agency_ids))
    rows = list(qs.values("lead_agency_id")
            .annotate(on_time=Count("pk", filter=f[ON_TIME]), late=Count("pk", filter=f[LATE]),
                      within=Count("pk", filter=f[WITHIN]), overdue=Count("pk", filter=f[OVERDUE]),
                      routine=Count("pk", filter=f[ROUTINE]),
                      routine_done=Count("pk", filter=f[ROUTINE] & Q(state=TaskState.DONE)))
            .order_by("lead_agency_id"))
    names = dict(Agency.objects.filter(pk__in=[r["lead_agency_id"] for r in rows]).values_list("pk", "name"))
    out = [StatRow(agency_id=r["lead_agency_id"], agency_name=names.get(r["lead_agency_id"], ""), on_time=r["on_time"],
                   late=r["late"], within=r["within"], overdue=r["overdue"], routine=r["routine"],
                   routine_done=r["routine_done"]) for r in rows]
    return sorted(out, key=lambda r: (r.agency_name, r.agency_id))


def totals(rows: list[StatRow]) -> StatRow:
    total = StatRow(agency_id=0, agency_name="")
    for r in rows:
        for name in ("on_time", "late", "within", "overdue", "routine", "routine_done"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    return total


def statistics_visible(*, user, start: dt.date, end: dt.date, today: dt.date | None = None) -> list[StatRow]:
    """The statistics over the tasks ``user`` sees (overseers: all)."""
    return statistics(start=start, end=end, today=today, tasks=tasks_visible_to(user=user))


def drill_down(*, user, start: dt.date, end: dt.date, agency_id: int | None, cls: str,
               today: dt.date | None = None) -> QuerySet[Task]:
    """The tasks behind one cell of the dashboard."""
    f = class_filters(as_of=_as_of(end, today))
    if cls not in f:
        raise NotFound()
    qs = task_list(user=user).filter(f[cls], given_on__gte=start, given_on__lte=end)
    if agency_id:
        qs = qs.filter(lead_agency_id=agency_id)
    return qs


# --- Reminders ------------------------------------------------------------------------------------------------

def reminder_tasks(*, today: dt.date, soon: dt.date):
    """Open tasks due in ``(today, soon]``, due today, and overdue not yet announced: three querysets."""
    base = Task.objects.filter(state=TaskState.OPEN, deadline__isnull=False)
    return (base.filter(deadline__gt=today, deadline__lte=soon), base.filter(deadline=today),
            base.filter(deadline__lt=today, overdue_notified=False))


def agency_followers(*, agency_ids) -> dict[int, set[int]]:
    """The văn thư and agency-wide leaders of each agency (those told of its tasks' deadlines): one query."""
    out: dict[int, set[int]] = {}
    rows = Position.objects.filter(agency_id__in=list(agency_ids), is_active=True, user__is_active=True).filter(
        Q(role=Role.CLERK) | Q(role=Role.LEADER, unit__isnull=True)).values_list("agency_id", "user_id")
    for agency_id, user_id in rows:
        out.setdefault(agency_id, set()).add(user_id)
    return out


def may_record(*, user, agency_id: int) -> bool:
    """Văn thư, leaders and specialists of the agency holding a document record its tasks."""
    return Position.objects.filter(user=user, agency_id=agency_id, is_active=True,
                                   role__in=(Role.CLERK, Role.LEADER, Role.SPECIALIST)).exists()


def agency_choices() -> list[tuple[int, str]]:
    """Active agencies of the directory (internal and external) for the lead / coordinator pickers."""
    outside = _(" (ngoài hệ thống)")
    return [(pk, name + (outside if ext else "")) for pk, name, ext in
            Agency.objects.filter(is_active=True).order_by("is_external", "path", "name")
            .values_list("pk", "name", "is_external")]


def unit_choices(*, agency_id: int) -> list[tuple[int, str]]:
    return list(Unit.objects.filter(agency_id=agency_id, is_active=True).order_by("order", "name")
                .values_list("pk", "name"))


def lead_unit_choices() -> list[tuple[int, str]]:
    """Every active unit of an internal agency, named with its agency ("UBND huyện Vị Thủy – Phòng Nội vụ")."""
    return [(pk, f"{short or name} – {unit}") for pk, unit, short, name in
            Unit.objects.filter(is_active=True, agency__is_active=True, agency__is_external=False)
            .order_by("agency__path", "agency_id", "order", "name")
            .values_list("pk", "name", "agency__short_name", "agency__name")]


def person_choices(*, agency_id: int) -> list[tuple[int, str]]:
    return [(p.user_id, f"{p.user.full_name or p.user.get_username()} – {p.title or p.get_role_display()}")
            for p in agency_people(agency_id=agency_id)]


def issued_document_choices(*, user, agency_id: int, limit: int = 50) -> list[tuple[int, str]]:
    """The lead agency's latest outgoing documents the user sees, for "link an issued document"."""
    rows = (documents_visible_to(user=user).filter(agency_id=agency_id, direction=Direction.OUTGOING)
            .order_by("-issued_on", "-id").values_list("pk", "number_symbol", "subject")[:limit])
    return [(pk, f"{ns} – {subject[:80]}") for pk, ns, subject in rows]


@dataclass(frozen=True)
class Permissions:
    is_giver: bool
    acts_for_lead: bool
    may_hand_on: bool


def task_permissions(*, user, task: Task) -> Permissions:
    held = position_agencies(user=user)
    is_giver = task.giver_agency_id in held.all_ids
    in_lead = task.lead_agency_id in held.all_ids
    unit_head = task.lead_unit_id is not None and Position.objects.filter(
        user=user, unit_id=task.lead_unit_id, role=Role.LEADER, is_active=True).exists()
    return Permissions(is_giver=is_giver, acts_for_lead=in_lead or (task.lead_agency.is_external and is_giver),
                       may_hand_on=task.lead_agency_id in held.full_ids or unit_head)


def coordinator_ids(*, task_ids) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for task_id, agency_id in TaskCoordinator.objects.filter(task_id__in=list(task_ids)).values_list(
            "task_id", "agency_id").order_by("task_id", "agency_id"):
        out.setdefault(task_id, []).append(agency_id)
    return out


def latest_year(*, user) -> int | None:
    """The year of the latest task the user sees (the dashboard's default period): one query."""
    last = tasks_visible_to(user=user).aggregate(last=Max("given_on"))["last"]
    return last.year if last else None
