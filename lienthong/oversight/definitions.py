"""What the usage statistics count and over which months (docs/indicators.md), shared by the refresh that
writes them (``services``) and the reads (``selectors``, ``forms``, the exports), so that reads never depend
on the write module. Months are calendar months in Vietnam time (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Documents in these states count nowhere in the statistics (nor in the agency's overdue list).
EXCLUDED_STATUSES = ("cancelled", "withdrawn")


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def next_month(m: dt.date) -> dt.date:
    return (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_last_day(m: dt.date) -> dt.date:
    return next_month(m) - dt.timedelta(days=1)


def default_months(today: dt.date | None = None) -> list[dt.date]:
    """The months the daily refresh recomputes: the previous and the current month."""
    today = today or timezone.localdate(timezone=VN)
    this = month_start(today)
    return [month_start(this - dt.timedelta(days=1)), this]
