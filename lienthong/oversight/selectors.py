"""Reading the cached monthly usage statistics (written by ``services.usage_stats_refresh``).

Every function runs a constant number of queries whatever the number of agencies. Keys and
definitions follow ``docs/indicators.md``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Case, IntegerField, Max, Min, Q, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.accounts.models import Role
from lienthong.accounts.selectors import agency_ids_for, agency_people
from lienthong.agencies.models import AdministrativeLevel, Agency, AgencyGroup
from lienthong.assessment.models import AssessmentAuthority, AuthorityKind
from lienthong.assessment.selectors import user_has_authority
from lienthong.core.errors import ValidationFailed
from lienthong.oversight.definitions import EXCLUDED_STATUSES, month_start, next_month
from lienthong.oversight.models import AgencyMonthStats, SavedThresholds
from lienthong.processing.models import OPEN_STATES, Assignment, AssignmentRole

SUMMED = ["documents_issued", "documents_received", "issued_normal", "sent_electronically", "issued_e_doc",
          "issued_legally_valid", "received_signed_valid", "received_assigned", "assignments_completed",
          "completed_with_deadline", "completed_on_time", "handlings_completed", "late_acknowledgements",
          "documents_filed"]


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _weighted_median(pairs: list[tuple[float, int]]) -> float | None:
    """Median of monthly medians, each weighted by its number of handlings (exact for one month)."""
    pairs = sorted((v, w) for v, w in pairs if v is not None and w)
    total = sum(w for _, w in pairs)
    if not total:
        return None
    acc = 0
    for v, w in pairs:
        acc += w
        if acc * 2 >= total:
            return v
    return pairs[-1][0]


@dataclass
class UsageRow:
    agency_id: int
    agency_name: str
    agency_short_name: str
    level_code: str
    level_rank: int
    group_code: str | None
    group_name: str | None
    totals: dict = field(default_factory=dict)
    staff_accounts: int = 0
    active_users: int = 0
    overdue_items: int = 0
    median_processing_days: float | None = None
    last_activity_at: dt.datetime | None = None

    @property
    def documents_issued(self) -> int:
        return self.totals.get("documents_issued", 0)

    @property
    def documents_received(self) -> int:
        return self.totals.get("documents_received", 0)

    @property
    def late_acknowledgements(self) -> int:
        return self.totals.get("late_acknowledgements", 0)

    @property
    def e_doc_share(self) -> float | None:
        return _ratio(self.totals.get("issued_e_doc", 0), self.totals.get("issued_normal", 0))

    @property
    def sent_electronically_share(self) -> float | None:
        return _ratio(self.totals.get("sent_electronically", 0), self.totals.get("issued_normal", 0))

    @property
    def digital_sign_valid_share(self) -> float | None:
        return _ratio(self.totals.get("issued_legally_valid", 0), self.documents_issued)

    @property
    def received_signed_valid_share(self) -> float | None:
        return _ratio(self.totals.get("received_signed_valid", 0), self.documents_received)

    @property
    def e_case_share(self) -> float | None:
        return _ratio(self.totals.get("received_assigned", 0), self.documents_received)

    @property
    def on_time_share(self) -> float | None:
        return _ratio(self.totals.get("completed_on_time", 0), self.totals.get("completed_with_deadline", 0))

    @property
    def filed_share(self) -> float | None:
        """Documents issued and received in the period that were filed in a case file (records)."""
        return _ratio(self.totals.get("documents_filed", 0), self.documents_issued + self.documents_received)

    @property
    def active_user_share(self) -> float | None:
        return _ratio(self.active_users, self.staff_accounts)

    @property
    def unused_accounts(self) -> int:
        return self.staff_accounts - self.active_users

    def indicator(self, key: str):
        return getattr(self, key)


def usage_overview(*, month_from: dt.date, month_to: dt.date, agency_ids=None) -> list[UsageRow]:
    """One row per internal agency for the months ``month_from``…``month_to`` (inclusive): counts
    summed over the months; staff, active users, unused accounts and overdue items as of the last
    month; last activity up to the end of the last month. Ordered by level, group, name. Three queries."""
    first, last = month_start(month_from), month_start(month_to)
    agencies = Agency.objects.filter(is_external=False)
    if agency_ids is not None:
        agencies = agencies.filter(pk__in=sorted({int(a) for a in agency_ids}))
    # AgencyMonthStats.agency has related_name "+", so aggregate from the stats side instead.
    stats = AgencyMonthStats.objects.filter(month__gte=first, month__lte=last, agency__in=agencies)
    sums = {r["agency_id"]: r for r in stats.values("agency_id").order_by().annotate(
        **{k: Sum(k) for k in SUMMED},
        staff=Sum("staff_accounts", filter=Q(month=last)), active=Sum("active_users", filter=Q(month=last)),
        overdue=Sum("overdue_open", filter=Q(month=last)), last_at=Max("last_activity_at"))}
    medians: dict[int, list] = {}
    for agency_id, med, n in stats.filter(handlings_completed__gt=0).values_list(
            "agency_id", "median_processing_days", "handlings_completed"):
        medians.setdefault(agency_id, []).append((med, n))
    out = []
    for a in agencies.order_by("level__rank", "group__order", "name", "pk").values(
            "pk", "name", "short_name", "level__code", "level__rank", "group__code", "group__name"):
        r: Mapping[str, Any] = sums.get(a["pk"], {})  # the sums' names are built at run time (SUMMED)
        out.append(UsageRow(
            agency_id=a["pk"], agency_name=a["name"], agency_short_name=a["short_name"], level_code=a["level__code"],
            level_rank=a["level__rank"], group_code=a["group__code"], group_name=a["group__name"],
            totals={k: r.get(k) or 0 for k in SUMMED}, staff_accounts=r.get("staff") or 0,
            active_users=r.get("active") or 0, overdue_items=r.get("overdue") or 0,
            median_processing_days=_weighted_median(medians.get(a["pk"], [])), last_activity_at=r.get("last_at")))
    return out


@dataclass
class TrendPoint:
    month: dt.date
    row: UsageRow


def usage_trend(*, agency_id: int, months: list[dt.date]) -> list[TrendPoint]:
    """The agency's figures month by month (months without statistics give zeros). Two queries."""
    months = sorted({month_start(m) for m in months})
    a = Agency.objects.filter(pk=agency_id).values(
        "pk", "name", "short_name", "level__code", "level__rank", "group__code", "group__name").get()
    by_month = {s.month: s for s in AgencyMonthStats.objects.filter(agency_id=agency_id, month__in=months)}
    out = []
    for m in months:
        s = by_month.get(m)
        row = UsageRow(agency_id=a["pk"], agency_name=a["name"], agency_short_name=a["short_name"],
                       level_code=a["level__code"], level_rank=a["level__rank"], group_code=a["group__code"],
                       group_name=a["group__name"])
        if s is not None:
            row.totals = {k: getattr(s, k) for k in SUMMED}
            row.staff_accounts, row.active_users, row.overdue_items = s.staff_accounts, s.active_users, s.overdue_open
            row.median_processing_days, row.last_activity_at = s.median_processing_days, s.last_activity_at
        out.append(TrendPoint(month=m, row=row))
    return out


def figures_computed_at(*, month: dt.date, agency_ids=None) -> dt.datetime | None:
    """When the oldest of the month's figures (of ``agency_ids``, else of every agency) was computed: the page's
    "số liệu tính đến …" (every figure shown is at least that fresh). One query."""
    stats = AgencyMonthStats.objects.filter(month=month_start(month))
    if agency_ids is not None:
        stats = stats.filter(agency_id__in=sorted({int(a) for a in agency_ids}))
    return stats.aggregate(at=Min("computed_at"))["at"]


# --- the dashboard at a glance (issue 18): KPI tiles and the trend -------------------------------------------

LAGGARDS_NAMED = 3


@dataclass
class Tile:
    """Figures of several agencies together (the province, a group): shares over the summed counts."""

    title: str
    rows: list[UsageRow]
    total: UsageRow

    @property
    def agency_count(self) -> int:
        return len(self.rows)

    @property
    def weakest(self) -> list[UsageRow]:
        """The agencies that do worst, worst first (``weakness``): the ones to chase."""
        scored = [(w, r) for r in self.rows if (w := weakness(r)) is not None and w > 0]
        scored.sort(key=lambda pair: (-pair[0], pair[1].agency_name))
        return [r for _w, r in scored][:LAGGARDS_NAMED]


def weakness(row: UsageRow) -> float | None:
    """How far the agency is from doing everything through the system: 1 − the mean of its shares sent
    electronically, signed and valid, and on time (those it has); ``None`` when it has none of them."""
    shares = [v for v in (row.sent_electronically_share, row.digital_sign_valid_share, row.on_time_share)
              if v is not None]
    return 1 - sum(shares) / len(shares) if shares else None


def _combined(rows: list[UsageRow], title: str) -> Tile:
    total = UsageRow(agency_id=0, agency_name=title, agency_short_name=title, level_code="", level_rank=0,
                     group_code=None, group_name=None)
    total.totals = {k: sum(r.totals.get(k, 0) for r in rows) for k in SUMMED}
    total.staff_accounts = sum(r.staff_accounts for r in rows)
    total.active_users = sum(r.active_users for r in rows)
    total.overdue_items = sum(r.overdue_items for r in rows)
    return Tile(title=title, rows=rows, total=total)


def kpi_tiles(rows: list[UsageRow], *, province_title: str, no_group: str) -> list[Tile]:
    """The province's tile, then one per group, the weakest group first (by ``weakness`` of its sums). From
    rows already read: no query."""
    groups: dict[str, list[UsageRow]] = {}
    for r in rows:
        groups.setdefault(r.group_name or no_group, []).append(r)
    tiles = [_combined(members, name) for name, members in groups.items()]
    tiles.sort(key=lambda t: (weakness(t.total) is None, -(weakness(t.total) or 0), t.title))
    return [_combined(list(rows), province_title), *tiles]


def province_trend(*, month_to: dt.date, months: int = 12, agency_ids=None) -> list[tuple[dt.date, UsageRow]]:
    """The ``months`` months up to ``month_to``, each with the summed figures of the agencies (all internal ones,
    or ``agency_ids``). One query."""
    last = month_start(month_to)
    firsts = [last]
    while len(firsts) < months:
        firsts.insert(0, month_start(firsts[0] - dt.timedelta(days=1)))
    stats = AgencyMonthStats.objects.filter(month__gte=firsts[0], month__lte=last, agency__is_external=False)
    if agency_ids is not None:
        stats = stats.filter(agency_id__in=sorted({int(a) for a in agency_ids}))
    sums = {r["month"]: r for r in stats.values("month").order_by().annotate(
        **{k: Sum(k) for k in SUMMED}, staff=Sum("staff_accounts"), active=Sum("active_users"),
        overdue=Sum("overdue_open"))}
    out = []
    for m in firsts:
        r: Mapping[str, Any] = sums.get(m, {})
        row = UsageRow(agency_id=0, agency_name="", agency_short_name="", level_code="", level_rank=0,
                       group_code=None, group_name=None, totals={k: r.get(k) or 0 for k in SUMMED},
                       staff_accounts=r.get("staff") or 0, active_users=r.get("active") or 0,
                       overdue_items=r.get("overdue") or 0)
        out.append((m, row))
    return out


# Indicators where a higher value is worse: the threshold is a maximum, not a minimum.
HIGHER_IS_WORSE = {"overdue_items", "unused_accounts", "median_processing_days"}


@dataclass
class Laggard:
    row: UsageRow
    failed: dict  # indicator key -> (value, threshold)


def laggards(*, thresholds: dict[str, float], month_from: dt.date, month_to: dt.date, agency_ids=None,
             missing_is_lagging: bool = False) -> list[Laggard]:
    """Agencies below at least one threshold (``{"e_doc_share": 0.8, "overdue_items": 5, …}``; for
    overdue items, unused accounts and median processing days the threshold is a maximum). A missing
    ratio (denominator 0) fails only with ``missing_is_lagging``. Same queries as ``usage_overview``."""
    known = {"documents_issued", "documents_received", "e_doc_share", "sent_electronically_share",
             "digital_sign_valid_share", "received_signed_valid_share", "e_case_share", "on_time_share",
             "active_user_share"} | HIGHER_IS_WORSE
    unknown = sorted(set(thresholds) - known)
    if unknown:
        raise ValidationFailed({"thresholds": [_("Chỉ số không có: %(k)s.") % {"k": ", ".join(unknown)}]})
    out = []
    for row in usage_overview(month_from=month_from, month_to=month_to, agency_ids=agency_ids):
        failed = failed_thresholds(row, thresholds, missing_is_lagging=missing_is_lagging)
        if failed:
            out.append(Laggard(row=row, failed=failed))
    return out


def failed_thresholds(row: UsageRow, thresholds: dict[str, float], *, missing_is_lagging: bool = False) -> dict:
    """The thresholds ``row`` fails, ``{key: (value, limit)}`` (the rule of ``laggards``, for rows already
    read with ``usage_overview``: no query). Keys are not checked here; ``laggards`` checks them."""
    failed = {}
    for key, limit in thresholds.items():
        value = row.indicator(key)
        if value is None:
            if missing_is_lagging:
                failed[key] = (None, limit)
        elif (value > limit) if key in HIGHER_IS_WORSE else (value < limit):
            failed[key] = (value, limit)
    return failed


def months_between(month_from: dt.date, month_to: dt.date) -> list[dt.date]:
    out, m = [], month_start(month_from)
    while m <= month_start(month_to):
        out.append(m)
        m = next_month(m)
    return out


# The refusal for anyone else (pages and API; the tests use this constant rather than a copy of the text).
OVERSEERS_ONLY = gettext_lazy("Chỉ Văn phòng UBND tỉnh, Sở Thông tin và Truyền thông và quản trị hệ thống được xem "
                              "tình hình sử dụng hệ thống của các cơ quan.")


def may_oversee(user) -> bool:
    """May ``user`` open the usage dashboard? System administrators, and people holding an active
    position in an agency that plays the ``office`` or ``council`` part of the ranking
    (``assessment.AssessmentAuthority``). One query (none for an administrator)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_system_admin:
        return True
    return user_has_authority(user=user, kinds=(AuthorityKind.OFFICE, AuthorityKind.COUNCIL))


def agency_overdue_assignments(*, agency_id: int, today: dt.date | None = None):
    """The agency's overdue items as counted in ``overdue_items`` (docs/indicators.md): top-of-tree
    lead assignments still open whose deadline is before ``today``, cancelled and withdrawn documents
    left out. One query;
    processing has no agency-wide overdue reader (its own lists are per person)."""
    today = today or timezone.localdate()
    return (Assignment.objects.filter(agency_id=agency_id, role=AssignmentRole.LEAD, parent__isnull=True,
                                      state__in=OPEN_STATES, deadline__lt=today)
            .exclude(document__status__in=EXCLUDED_STATUSES)
            .select_related("document", "unit", "user").order_by("deadline", "id"))


def reminder_issuer(*, user):
    """The agency in whose name ``user`` drafts a công văn đôn đốc: one where the user holds an active
    position and that plays the ``office`` part (the Provincial Office), else the ``council`` part
    (Sở TT&TT); ``None`` when there is none (a system administrator without a position). One query."""
    if user is None or not user.is_authenticated:
        return None
    office = AssessmentAuthority.objects.filter(kind=AuthorityKind.OFFICE).values("agency_id")
    council = AssessmentAuthority.objects.filter(kind=AuthorityKind.COUNCIL).values("agency_id")
    return (Agency.objects.filter(pk__in=agency_ids_for(user=user), is_active=True)
            .filter(Q(pk__in=office) | Q(pk__in=council))
            .annotate(_order=Case(When(pk__in=office, then=Value(0)), default=Value(1), output_field=IntegerField()))
            .select_related("parent").order_by("_order", "pk").first())


def reminder_signers(*, agency_id: int):
    """The leaders of the whole agency (not heads of a unit) who may sign its công văn, with their titles."""
    return agency_people(agency_id=agency_id, roles=[Role.LEADER]).filter(unit__isnull=True)


def latest_month_with_documents() -> dt.date | None:
    """The last month in which any agency issued or received a document (one query): the dashboard offers it
    when the chosen period has none, e.g. in a fresh installation or the demo, whose story is of 2017–2018."""
    return (AgencyMonthStats.objects.filter(Q(documents_issued__gt=0) | Q(documents_received__gt=0))
            .aggregate(last=Max("month"))["last"])


def reminder_recipient_count(*, draft) -> int:
    """How many agencies a drafted công văn đôn đốc goes to (one query)."""
    return draft.recipients.count()


# --- the agency directory as the dashboard filters it ------------------------------------------------------


def internal_agency(*, agency_id: int) -> Agency | None:
    """The internal agency ``agency_id`` with its level and group (the drill-down page), ``None`` when there is
    none or it is external. One query."""
    return Agency.objects.filter(pk=agency_id, is_external=False).select_related("level", "group").first()


def administrative_levels() -> list[AdministrativeLevel]:
    """The levels of the dashboard's filter, in rank order. One query."""
    return list(AdministrativeLevel.objects.order_by("rank", "name"))


def agency_groups() -> list[AgencyGroup]:
    """The agency groups of the dashboard's filter, in their order. One query."""
    return list(AgencyGroup.objects.order_by("order", "name"))


def internal_agency_ids(*, level: str = "", group: str = "") -> list[int]:
    """The internal agencies of level code ``level`` and group code ``group`` (either may be empty). One query."""
    agencies = Agency.objects.filter(is_external=False)
    if level:
        agencies = agencies.filter(level__code=level)
    if group:
        agencies = agencies.filter(group__code=group)
    return list(agencies.values_list("pk", flat=True))


# The four thresholds (indicator key → field of ``SavedThresholds``); shares are ratios, overdue items a count.
THRESHOLD_FIELDS = {"active_user_share": "min_active_share", "sent_electronically_share": "min_electronic_share",
                    "digital_sign_valid_share": "min_signed_share", "overdue_items": "max_overdue"}


def saved_thresholds(*, user) -> tuple[dict[str, float], bool]:
    """(thresholds, saved): those the user's overseeing agency saved (``reminder_issuer``), else the province's
    defaults (``settings.OVERSIGHT_DEFAULT_THRESHOLDS``, saved False). One or two queries."""
    issuer = reminder_issuer(user=user)
    row = SavedThresholds.objects.filter(agency_id=issuer.pk).first() if issuer is not None else None
    if row is None:
        return {k: v for k, v in settings.OVERSIGHT_DEFAULT_THRESHOLDS.items() if k in THRESHOLD_FIELDS}, False
    return {key: getattr(row, name) for key, name in THRESHOLD_FIELDS.items() if getattr(row, name) is not None}, True

def external_agencies() -> list[Agency]:
    """The active agencies outside the system (the directory's), companies first: the contractor a công văn on
    the problem reports goes to is one of them (a company, where the others are ministries and bodies)."""
    agencies = list(Agency.objects.filter(is_external=True, is_active=True).order_by("name")[:500])
    return sorted(agencies, key=lambda a: not a.name_folded.startswith("cong ty"))
