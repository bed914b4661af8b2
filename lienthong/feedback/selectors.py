"""Reads of the feedback app: the reporter's own reports, the operator's queue, the SLA figures of a month and
the open defects, for the operator's pages, the API and the Provincial Office's report (oversight).

Who may do what: the reporter sees their own reports (``reports_of``); only an operator (``is_operator``) sees the
queue. Both are querysets: a report that is not the reader's answers ``NotFound``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from lienthong.agencies.models import Agency
from lienthong.core.errors import NotFound, PermissionDenied
from lienthong.feedback.models import OPEN_STATES, Kind, ProblemReport, ReportMessage, Severity, SlaTarget, State
from lienthong.files.inventory import StoredObject

AGE_BUCKETS = ((7, "under_7"), (30, "under_30"), (None, "over_30"))  # open defects by age, in days


def is_operator(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and getattr(user, "is_operator", False))


def reports_of(*, user) -> QuerySet[ProblemReport]:
    """The reports ``user`` sent, newest first."""
    if not getattr(user, "is_authenticated", False):
        return ProblemReport.objects.none()
    return ProblemReport.objects.filter(reporter_id=user.pk).select_related("reporter_agency")


def report_for_reporter(*, user, report_id: int) -> ProblemReport:
    report = reports_of(user=user).filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    return report


def operator_queue(*, user, state: str = "", severity: str = "", kind: str | None = None,
                   agency_id: int | None = None, open_only: bool = False) -> QuerySet[ProblemReport]:
    """Every report, for an operator, filtered; ``PermissionDenied`` for anyone else. Open ones first, then by
    the response deadline."""
    if not is_operator(user):
        raise PermissionDenied()
    qs = ProblemReport.objects.select_related("reporter", "reporter_agency")
    if state:
        qs = qs.filter(state=state)
    elif open_only:
        qs = qs.filter(state__in=OPEN_STATES)
    if severity:
        qs = qs.filter(severity=severity)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if agency_id:
        qs = qs.filter(reporter_agency_id=agency_id)
    return qs.order_by(F("closed_at").asc(nulls_first=True), "response_due_at", "-pk")


def report_for_operator(*, user, report_id: int) -> ProblemReport:
    report = operator_queue(user=user).filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    return report


def report_messages(*, report: ProblemReport) -> QuerySet[ReportMessage]:
    return report.messages.select_related("author")


def operator_open_count(*, user) -> int:
    """The operator menu's counter: reports still waiting for a first answer."""
    if not is_operator(user):
        return 0
    return ProblemReport.objects.filter(state=State.NEW).count()


def sla_targets() -> dict[str, SlaTarget]:
    return {t.severity: t for t in SlaTarget.objects.all()}


def reporter_agencies() -> QuerySet:
    """The agencies that sent reports (the queue's filter)."""
    ids = ProblemReport.objects.filter(reporter_agency__isnull=False).values("reporter_agency_id")
    return Agency.objects.filter(pk__in=ids).order_by("name")


# --- SLA figures ------------------------------------------------------------------------------------------

def _met(done: str, due: str, now: dt.datetime) -> dict[str, Q]:
    """Conditions of met, missed and pending for one deadline: done in time; done late or still not done past the
    deadline; not done and not yet due."""
    is_done, not_done = Q(**{f"{done}__isnull": False}), Q(**{f"{done}__isnull": True})
    return {
        "met": is_done & Q(**{f"{done}__lte": F(due)}),
        "missed": (is_done & Q(**{f"{done}__gt": F(due)})) | (not_done & Q(**{f"{due}__lt": now})),
        "pending": not_done & Q(**{f"{due}__gte": now}),
    }


@dataclass
class SlaRow:
    key: str
    label: str
    total: int = 0
    response_met: int = 0
    response_missed: int = 0
    response_pending: int = 0
    fix_met: int = 0
    fix_missed: int = 0
    fix_pending: int = 0

    @property
    def response_rate(self) -> float | None:
        decided = self.response_met + self.response_missed
        return self.response_met / decided if decided else None

    @property
    def fix_rate(self) -> float | None:
        decided = self.fix_met + self.fix_missed
        return self.fix_met / decided if decided else None


@dataclass
class MonthReport:
    month: dt.date
    by_severity: list[SlaRow] = field(default_factory=list)
    by_agency: list[SlaRow] = field(default_factory=list)
    total: SlaRow | None = None
    open_by_age: dict[str, int] = field(default_factory=dict)
    open_defects: int = 0
    targets: list[SlaTarget] = field(default_factory=list)


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    end = dt.datetime(month.year + (month.month == 12), month.month % 12 + 1, 1, tzinfo=tz)
    return start, end


def _rows(qs, group: str, *, now) -> list[dict]:
    """Response counted on every report; the fix only on defects (a suggestion or a question is answered, not
    fixed)."""
    response = _met("first_response_at", "response_due_at", now)
    fix = _met("fixed_at", "fix_due_at", now)
    defect = Q(kind=Kind.DEFECT)
    aggregates = {"total": Count("pk"), **{f"response_{k}": Count("pk", filter=q) for k, q in response.items()},
                  **{f"fix_{k}": Count("pk", filter=q & defect) for k, q in fix.items()}}
    if group:
        return list(qs.values(group).annotate(**aggregates).order_by(group))
    return [qs.aggregate(**aggregates)]


def month_report(*, month: dt.date, now: dt.datetime | None = None) -> MonthReport:
    """The Provincial Office's monthly figures: the reports opened in ``month`` by severity and by agency, with
    their response and fix deadlines met, missed or pending (as of ``now``); the defects open now by age.
    Five queries, whatever the number of reports."""
    now = now or timezone.now()
    start, end = _month_bounds(month)
    qs = ProblemReport.objects.filter(created_at__gte=start, created_at__lt=end)
    by_sev = {r["severity"]: r for r in _rows(qs, "severity", now=now)}
    report = MonthReport(month=month)
    for key, label in Severity.choices:
        row = by_sev.get(key, {})
        report.by_severity.append(SlaRow(key=key, label=str(label),
                                         **{k: v for k, v in row.items() if k != "severity"}))
    report.total = SlaRow(key="", label="", **_rows(qs, "", now=now)[0])
    agency_rows = _rows(qs, "reporter_agency__name", now=now)
    for r in agency_rows:
        name = r.pop("reporter_agency__name") or ""
        report.by_agency.append(SlaRow(key=name, label=name, **r))
    report.open_by_age = open_defects_by_age(now=now)
    report.open_defects = sum(report.open_by_age.values())
    report.targets = list(SlaTarget.objects.all())
    return report


def open_defects_by_age(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Defects (and reports not yet classified) still open, by how long ago they came: one query."""
    now = now or timezone.now()
    qs = ProblemReport.objects.filter(state__in=OPEN_STATES, kind__in=[Kind.DEFECT, Kind.UNSORTED])
    aggregates, lower = {}, None
    for days, key in AGE_BUCKETS:
        cond = Q()
        if days is not None:
            cond &= Q(created_at__gt=now - dt.timedelta(days=days))
        if lower is not None:
            cond &= Q(created_at__lte=now - dt.timedelta(days=lower))
        aggregates[key] = Count("pk", filter=cond) if cond else Count("pk")
        lower = days
    return {k: v or 0 for k, v in qs.aggregate(**aggregates).items()}


@dataclass(frozen=True)
class DashboardFigures:
    """The oversight dashboard's tile: open defects, and this month's SLA."""

    open_defects: int
    overdue_open: int
    response_rate: float | None
    fix_rate: float | None


def dashboard_figures(*, now: dt.datetime | None = None) -> DashboardFigures:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    start, _end = _month_bounds(today.replace(day=1))
    open_qs = ProblemReport.objects.filter(state__in=OPEN_STATES)
    counts = open_qs.aggregate(
        open_defects=Count("pk", filter=Q(kind__in=[Kind.DEFECT, Kind.UNSORTED])),
        overdue_open=Count("pk", filter=Q(first_response_at__isnull=True, response_due_at__lt=now)
                           | Q(kind=Kind.DEFECT, fixed_at__isnull=True, fix_due_at__lt=now)))
    month = SlaRow(key="", label="", **_rows(ProblemReport.objects.filter(created_at__gte=start), "", now=now)[0])
    return DashboardFigures(open_defects=counts["open_defects"], overdue_open=counts["overdue_open"],
                            response_rate=month.response_rate, fix_rate=month.fix_rate)


def stored_screenshots() -> Iterator[StoredObject]:
    """The inventory's source (files.inventory): every screenshot a report refers to."""
    rows = (ProblemReport.objects.exclude(screenshot_name="")
            .values_list("screenshot_name", "screenshot_sha256", "screenshot_size").distinct().iterator())
    for name, sha, size in rows:
        yield StoredObject(name=name, sha256=sha or None, size=size)
