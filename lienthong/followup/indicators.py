"""The ranking's automatic indicator ``task_on_time_share`` (docs/indicators.md): of the tasks an agency leads whose
deadline fell in the ranking period, the share completed on time (the Office's confirmation counts; tasks without
deadline are left out). Registered with assessment in ``FollowupConfig.ready()``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Q

from lienthong.assessment.indicator_source import ratio

from .models import Task, TaskState

KEYS = frozenset({"task_on_time_share"})


def task_indicator_values(*, agency_ids: list[int], keys: set[str], start: dt.date,
                          end: dt.date) -> dict[int, dict[str, Decimal | None]]:
    """One query whatever the number of agencies."""
    rows = (Task.objects.filter(lead_agency_id__in=list(agency_ids), deadline__gte=start, deadline__lte=end)
            .values("lead_agency_id")
            .annotate(due=Count("pk"), on_time=Count("pk", filter=Q(state=TaskState.DONE,
                                                                     completed_on__lte=F("deadline")))))
    return {r["lead_agency_id"]: {"task_on_time_share": ratio(r["on_time"], r["due"])} for r in rows}
