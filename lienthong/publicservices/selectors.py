"""Reads of the procedure catalogue and dossier counts, permission-scoped in SQL.

Who sees what: a system administrator and the people of an agency that plays the ``office`` or ``council``
part of the ranking (``assessment.AssessmentAuthority``) see every agency's catalogue; anyone else sees the
catalogues of the agencies where they hold an active position. Who writes: administrators and the office
for every agency, an agency's own people for their agency (the council reads only: it assesses the figures).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from lienthong.accounts.selectors import agency_ids_for
from lienthong.agencies.models import Agency
from lienthong.assessment.models import AuthorityKind
from lienthong.assessment.selectors import user_has_authority
from lienthong.core.errors import NotFound

from .models import FULL_LEVELS, ONLINE_LEVELS, PARTIAL_LEVELS, Procedure, ProcedureMonth

RATIO_PLACES = Decimal("0.000001")


def _memo(user, name: str, compute) -> bool:
    """The answer kept on the user object for the rest of the request (a page asks several times)."""
    cache = user.__dict__.setdefault("_publicservices_roles", {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def reads_all(*, user) -> bool:
    """Administrators, office and council see every agency's catalogue (one query, none for an admin)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_system_admin:
        return True
    return _memo(user, "reads_all",
                 lambda: user_has_authority(user=user, kinds=(AuthorityKind.OFFICE, AuthorityKind.COUNCIL)))


def writes_all(*, user) -> bool:
    """Administrators and the office change every agency's catalogue."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_system_admin:
        return True
    return _memo(user, "writes_all", lambda: user_has_authority(user=user, kinds=(AuthorityKind.OFFICE,)))


def agencies_visible(*, user, agency_id: int | None = None) -> QuerySet:
    """Internal agencies whose catalogue ``user`` may read (only ``agency_id``, when given)."""
    qs = Agency.objects.filter(is_external=False).select_related("level", "group").order_by("path")
    if agency_id is not None:
        qs = qs.filter(pk=agency_id)
    if reads_all(user=user):
        return qs
    return qs.filter(pk__in=agency_ids_for(user=user))


def agencies_writable(*, user) -> QuerySet:
    """Internal agencies whose catalogue and counts ``user`` may change."""
    qs = Agency.objects.filter(is_external=False, is_active=True).order_by("path")
    if writes_all(user=user):
        return qs
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    return qs.filter(pk__in=agency_ids_for(user=user))


def may_write(*, user, agency_id: int) -> bool:
    return agencies_writable(user=user).filter(pk=agency_id).exists()


def may_write_any(*, user) -> bool:
    """May ``user`` change the catalogue of some agency (import, new procedure)? One query."""
    return agencies_writable(user=user).exists()


def writable_agency_ids(*, user) -> set[int]:
    """The ids of ``agencies_writable``. One query."""
    return set(agencies_writable(user=user).values_list("pk", flat=True))


def procedures_visible(*, user, agency_id: int | None = None, q: str = "", level: str = "",
                       month_from: dt.date | None = None, month_to: dt.date | None = None) -> QuerySet[Procedure]:
    """Procedures ``user`` may read, each annotated with its dossiers over ``[month_from, month_to]``
    (``period_total``, ``period_online``, ``period_settled``, ``period_on_time``): one query."""
    qs = Procedure.objects.select_related("agency")
    if not reads_all(user=user):
        qs = qs.filter(agency_id__in=agency_ids_for(user=user))
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(field__icontains=q))
    if level:
        qs = qs.filter(online_level=level)
    if month_from is not None and month_to is not None:
        window = Q(months__month__gte=month_from, months__month__lte=month_to)
        zero = Value(0, output_field=IntegerField())
        qs = qs.annotate(
            period_total=Coalesce(Sum("months__total", filter=window), zero),
            period_online=Coalesce(Sum("months__online", filter=window), zero),
            period_settled=Coalesce(Sum("months__settled", filter=window), zero),
            period_on_time=Coalesce(Sum("months__on_time", filter=window), zero),
        )
    return qs.order_by("agency__path", "field", "code")


def procedure_get(*, user, pk: int) -> Procedure:
    """The procedure, if ``user`` may read it; ``NotFound`` otherwise (the same for both cases)."""
    procedure = procedures_visible(user=user).filter(pk=pk).first()
    if procedure is None:
        raise NotFound()
    return procedure


def procedure_months(*, procedure: Procedure) -> QuerySet[ProcedureMonth]:
    return procedure.months.select_related("updated_by").order_by("-month")


def months_visible(*, user, agency_id: int | None = None, month_from: dt.date | None = None,
                   month_to: dt.date | None = None) -> QuerySet[ProcedureMonth]:
    qs = ProcedureMonth.objects.select_related("procedure")
    if not reads_all(user=user):
        qs = qs.filter(procedure__agency_id__in=agency_ids_for(user=user))
    if agency_id is not None:
        qs = qs.filter(procedure__agency_id=agency_id)
    if month_from is not None:
        qs = qs.filter(month__gte=month_from)
    if month_to is not None:
        qs = qs.filter(month__lte=month_to)
    return qs.order_by("procedure__agency_id", "procedure__code", "month")


# ------------------------------------------------------------------------------------------- indicators

@dataclass
class ServiceFigures:
    """One agency's online-public-service figures over a period, with the parts of every ratio."""

    agency_id: int
    procedures: int = 0
    full: int = 0          # at level 4 / toàn trình
    partial: int = 0       # at level 3 / một phần
    used: int = 0          # online services with ≥ 1 online dossier in the period
    total: int = 0         # dossiers received, all procedures
    online: int = 0        # of which online
    total_online_services: int = 0  # dossiers received by procedures that had an online service that month
    online_online_services: int = 0
    settled: int = 0
    on_time: int = 0

    @property
    def online_services(self) -> int:
        return self.full + self.partial

    def ratio(self, key: str, *, dossier_base: str | None = None) -> Decimal | None:
        """The indicator ``key`` (docs/indicators.md). ``dossier_base`` of ``dvc_online_dossier_share``:
        "online_services" (default; dossiers of procedures with an online service that month) or "all" (every
        procedure's dossiers, the NQ 17/NQ-CP variant); the setting ``DVC_ONLINE_DOSSIER_BASE`` when None."""
        if dossier_base is None:
            from django.conf import settings

            dossier_base = getattr(settings, "DVC_ONLINE_DOSSIER_BASE", "online_services")
        if key == "dvc_online_dossier_share" and dossier_base == "all":
            return _ratio(self.online, self.total)
        num, den = {
            "dvc_level4_share": (self.full, self.procedures),
            "dvc_level3_share": (self.partial, self.procedures),
            "dvc_online_service_share": (self.online_services, self.procedures),
            "dvc_service_usage_share": (self.used, self.online_services),
            "dvc_online_dossier_share": (self.online_online_services, self.total_online_services),
            "dvc_on_time_dossier_share": (self.on_time, self.settled),
        }[key]
        return _ratio(num, den)


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month``."""
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _ratio(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) / Decimal(den)).quantize(RATIO_PLACES)


def service_figures(*, agency_ids: Iterable[int], month_from: dt.date,
                    month_to: dt.date) -> dict[int, ServiceFigures]:
    """``{agency_id: ServiceFigures}`` over the months ``[month_from, month_to]`` (first days), in one query.

    The catalogue of the period is the agency's procedures that have a month row in the period, plus its
    active procedures without one whose current level was stated before the period ended (``level_as_of``);
    each is counted at the level of its latest month row in the period, or at its current level when it has
    none there. Dossier shares add up the month rows; a month counts for ``dvc_online_dossier_share`` when
    the procedure had an online service (level 3/4, một phần/toàn trình) that month (docs/indicators.md).
    """
    agency_ids = sorted({int(a) for a in agency_ids})
    out = {a: ServiceFigures(a) for a in agency_ids}
    if not agency_ids:
        return out
    last_level = (ProcedureMonth.objects.filter(procedure=OuterRef("pk"), month__gte=month_from, month__lte=month_to)
                  .order_by("-month").values("online_level")[:1])
    window = Q(months__month__gte=month_from, months__month__lte=month_to)
    online_month = window & Q(months__online_level__in=ONLINE_LEVELS)
    zero = Value(0, output_field=IntegerField())
    rows = (Procedure.objects.filter(agency_id__in=agency_ids)
            .annotate(period_level=Subquery(last_level),
                      rows=Count("months", filter=window),
                      used=Count("months", filter=online_month & Q(months__online__gt=0)),
                      s_total=Coalesce(Sum("months__total", filter=window), zero),
                      s_online=Coalesce(Sum("months__online", filter=window), zero),
                      s_settled=Coalesce(Sum("months__settled", filter=window), zero),
                      s_on_time=Coalesce(Sum("months__on_time", filter=window), zero),
                      s_total_os=Coalesce(Sum("months__total", filter=online_month), zero),
                      s_online_os=Coalesce(Sum("months__online", filter=online_month), zero))
            .values_list("agency_id", "online_level", "active", "level_as_of", "period_level", "rows", "used",
                         "s_total", "s_online", "s_settled", "s_on_time", "s_total_os", "s_online_os"))
    end = next_month(month_to)
    for (agency_id, current, active, as_of, period_level, n_rows, used, total, online, settled, on_time,
         total_os, online_os) in rows:
        f = out[agency_id]
        f.total += total
        f.online += online
        f.settled += settled
        f.on_time += on_time
        f.total_online_services += total_os
        f.online_online_services += online_os
        if not n_rows and not (active and as_of < end):
            continue  # not in the catalogue of this period
        level = period_level or current
        f.procedures += 1
        if level in FULL_LEVELS:
            f.full += 1
        elif level in PARTIAL_LEVELS:
            f.partial += 1
        if level in ONLINE_LEVELS and used:
            f.used += 1
    return out
