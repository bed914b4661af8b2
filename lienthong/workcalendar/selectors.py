"""Working-day arithmetic and deadline lookups.

A date is a working day when it is Monday–Friday and not a ``day_off`` row, or when it is a ``working_day``
row (a làm-bù Saturday). Holidays are read a whole calendar year at a time, one query for every year a
calculation touches, so no function issues a query per day. ``WorkCalendar`` keeps what it read only for
its own lifetime: build one per request or task when many dates are computed at once (a list page), and
nothing leaks across requests, where the administrator may have changed a holiday.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _

from lienthong.core.choices import Urgency
from lienthong.core.errors import ValidationFailed
from lienthong.workcalendar.models import DeadlinePolicy, Holiday, HolidayKind

# The project's proposal when no DeadlinePolicy row applies (same values as migration 0003). Hỏa tốc is
# "immediately": 0 working days, i.e. the same day when it is a working day, otherwise the next one.
BUILTIN_DEADLINE_DAYS: dict[str, int] = {
    Urgency.NORMAL: 10,
    Urgency.URGENT: 3,
    Urgency.VERY_URGENT: 2,
    Urgency.FLASH: 0,
}

_ONE_DAY = dt.timedelta(days=1)


class WorkCalendar:
    """The working days of the province, reading holidays lazily, one query per block of missing years."""

    def __init__(self):
        self._years: set[int] = set()
        self._exceptions: dict[dt.date, str] = {}

    def load(self, first: dt.date, last: dt.date) -> None:
        """Read, in one query, the holidays of every not yet loaded year between ``first`` and ``last``."""
        if first > last:
            first, last = last, first
        missing = [y for y in range(first.year, last.year + 1) if y not in self._years]
        if not missing:
            return
        rows = Holiday.objects.filter(date__gte=dt.date(missing[0], 1, 1), date__lte=dt.date(missing[-1], 12, 31))
        self._exceptions.update(rows.values_list("date", "kind"))
        self._years.update(range(missing[0], missing[-1] + 1))

    def is_working_day(self, day: dt.date) -> bool:
        if day.year not in self._years:
            self.load(day, day)
        kind = self._exceptions.get(day)
        if kind == HolidayKind.DAY_OFF:
            return False
        if kind == HolidayKind.WORKING_DAY:
            return True
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """See the module function of the same name."""
        # Most calls stay inside one or two years: read them up front in a single query. A Tết break adds at
        # most ~9 days; the walk loads any further year on demand.
        span = dt.timedelta(days=abs(days) * 7 // 5 + 21)
        self.load(start, start + span if days >= 0 else start - span)
        if days == 0:
            day = start
            while not self.is_working_day(day):
                day += _ONE_DAY
            return day
        step = _ONE_DAY if days > 0 else -_ONE_DAY
        day, left = start, abs(days)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """See the module function of the same name."""
        if end == start:
            return 0
        if end < start:
            return -self.working_days_between(end, start)
        self.load(start + _ONE_DAY, end)
        count = _weekdays_in(start, end)
        for day, kind in self._exceptions.items():
            if start < day <= end:
                if kind == HolidayKind.DAY_OFF and day.weekday() < 5:
                    count -= 1
                elif kind == HolidayKind.WORKING_DAY and day.weekday() >= 5:
                    count += 1
        return count


def _weekdays_in(start: dt.date, end: dt.date) -> int:
    """Mondays–Fridays in (start, end], end > start, by arithmetic."""
    total = (end - start).days
    weeks, rest = divmod(total, 7)
    count = weeks * 5
    first_weekday = (start.weekday() + 1) % 7  # weekday of start + 1 day
    for i in range(rest):
        if (first_weekday + i) % 7 < 5:
            count += 1
    return count


def is_working_day(day: dt.date) -> bool:
    """Whether offices work on ``day`` (one query)."""
    return WorkCalendar().is_working_day(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date that is ``days`` working days after ``start``.

    Counting starts the day after ``start`` whatever ``start`` is: a document received on Friday with 1
    working day is due on Monday, one received on Saturday too. ``days == 0`` gives ``start`` itself when it
    is a working day, else the next working day. Negative ``days`` count backwards (``-1`` is the last working
    day before ``start``), for reminders before a deadline.
    """
    return WorkCalendar().add_working_days(start, days)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after ``day``."""
    return add_working_days(day, 1)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """The number of working days in (start, end]: ``start`` itself is not counted, ``end`` is.

    So ``working_days_between(d, add_working_days(d, n)) == n`` for n >= 1. Zero when ``end == start``;
    when ``end`` is before ``start`` the result is minus the count over (end, start], e.g. a deadline passed
    three working days ago gives ``working_days_between(today, deadline) == -3``.
    """
    return WorkCalendar().working_days_between(start, end)


def _check_urgency(urgency: str) -> None:
    if urgency not in Urgency.values:
        raise ValidationFailed({"urgency": [_("Độ khẩn không hợp lệ: %(value)s.") % {"value": urgency}]})


def deadline_days(*, agency_id: int | None, urgency: str) -> int:
    """Working days allowed for ``urgency``: the agency's own policy, else the province default row, else
    ``BUILTIN_DEADLINE_DAYS``. One query."""
    _check_urgency(urgency)
    scope = Q(agency__isnull=True)
    if agency_id is not None:
        scope |= Q(agency_id=agency_id)
    found: dict[int | None, int] = {  # None: the province default row
        agency: days for agency, days in DeadlinePolicy.objects.filter(scope, urgency=urgency)
        .values_list("agency_id", "working_days")}
    if agency_id is not None and agency_id in found:
        return found[agency_id]
    if None in found:
        return found[None]
    return BUILTIN_DEADLINE_DAYS[urgency]


def default_deadline(*, agency_id: int | None, urgency: str, start: dt.date) -> dt.date:
    """The deadline of a document of ``urgency`` received (or assigned) on ``start`` in ``agency_id``.

    Two queries: the policy and the holidays of the years crossed.
    """
    return add_working_days(start, deadline_days(agency_id=agency_id, urgency=urgency))
