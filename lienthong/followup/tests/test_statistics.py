"""The four classes (and "thường xuyên" apart) against a hand count, at a constant number of queries; the daily
reminders; the ranking indicator."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lienthong.followup import indicators, selectors, services
from lienthong.followup.models import Task, TaskState
from lienthong.followup.tests.conftest import record
from lienthong.notifications.models import Notification

AS_OF = dt.date(2018, 6, 30)


def _set(task, **fields):
    Task.objects.filter(pk=task.pk).update(**fields)


@pytest.fixture
def counted(seed):
    """Sở TT&TT: 2 on time, 1 late, 1 within, 2 overdue, 1 routine (done); huyện: 1 overdue, 1 routine open;
    one task given before the period (left out); one completed after AS_OF (counted as not completed)."""
    p = seed
    tasks = {}
    for key, lead, deadline in (("a", "stttt", dt.date(2018, 4, 1)), ("b", "stttt", dt.date(2018, 5, 1)),
                                ("c", "stttt", dt.date(2018, 4, 10)), ("d", "stttt", dt.date(2018, 7, 15)),
                                ("e", "stttt", dt.date(2018, 5, 20)), ("f", "stttt", dt.date(2018, 6, 1)),
                                ("g", "stttt", None), ("h", "huyen", dt.date(2018, 6, 29)), ("i", "huyen", None),
                                ("j", "stttt", dt.date(2018, 6, 10))):
        tasks[key] = record(p, lead=lead, deadline=deadline, content=f"Nhiệm vụ {key}")
    _set(tasks["a"], state=TaskState.DONE, completed_on=dt.date(2018, 3, 30))
    _set(tasks["b"], state=TaskState.DONE, completed_on=dt.date(2018, 5, 1))
    _set(tasks["c"], state=TaskState.DONE, completed_on=dt.date(2018, 4, 20))  # late
    _set(tasks["g"], state=TaskState.DONE, completed_on=dt.date(2018, 5, 5))
    _set(tasks["j"], state=TaskState.DONE, completed_on=dt.date(2018, 7, 2))  # after AS_OF: overdue as of then
    old = record(p, lead="stttt", content="Nhiệm vụ cũ")
    _set(old, given_on=dt.date(2017, 12, 1))
    return p


def test_four_classes_match_a_hand_count(counted):
    with CaptureQueriesContext(connection) as ctx:
        rows = {r.agency_name: r for r in selectors.statistics(start=dt.date(2018, 1, 1), end=AS_OF)}
    assert len(ctx.captured_queries) == 2  # the aggregate, the agencies' names
    s = rows["Sở Thông tin và Truyền thông tỉnh Hậu Giang"]
    assert (s.on_time, s.late, s.within, s.overdue, s.routine, s.routine_done) == (2, 1, 1, 3, 1, 1)
    h = rows["Ủy ban nhân dân huyện Vị Thủy"]
    assert (h.on_time, h.late, h.within, h.overdue, h.routine) == (0, 0, 0, 1, 1)
    total = selectors.totals(list(rows.values()))
    assert total.with_deadline == 8 and total.total == 10
    assert s.on_time_share == 2 / 6
    # The drill-down of a cell lists exactly those tasks.
    cell = selectors.drill_down(user=counted.users["clerk.vp"], start=dt.date(2018, 1, 1), end=AS_OF,
                                agency_id=counted.agencies["stttt"].pk, cls="overdue", today=AS_OF)
    assert sorted(t.content for t in cell) == ["Nhiệm vụ e", "Nhiệm vụ f", "Nhiệm vụ j"]


def test_the_statistics_query_count_does_not_grow_with_agencies(counted):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            selectors.statistics_visible(user=counted.users["clerk.vp"], start=dt.date(2018, 1, 1), end=AS_OF)
        return len(ctx.captured_queries)

    before = count()
    for lead in ("xa", "ubnd", "huyen"):
        record(counted, lead=lead)
    assert count() == before


def test_ranking_indicator_is_the_on_time_share(counted):
    values = indicators.task_indicator_values(agency_ids=[counted.agencies["stttt"].pk], keys={"task_on_time_share"},
                                              start=dt.date(2017, 11, 1), end=AS_OF)
    # Deadlines in the window: a, b, c, e, f, j and the task given in 2017 (due 30/04/2018); d is later, g has none:
    # 2 on time of 7.
    assert str(values[counted.agencies["stttt"].pk]["task_on_time_share"]) == "0.285714"


def test_daily_reminders_before_on_the_day_and_once_overdue(seed, settings):
    settings.FOLLOWUP_REMINDER_WORKING_DAYS = 3
    p, u = seed, seed.users
    today = dt.date(2018, 4, 2)  # Monday
    soon = record(p, lead="stttt", deadline=dt.date(2018, 4, 5))  # Thursday: within 3 working days
    later = record(p, lead="stttt", deadline=dt.date(2018, 4, 20))
    record(p, lead="huyen", deadline=today)
    late = record(p, lead="huyen", deadline=dt.date(2018, 3, 20))
    services.task_hand_on(actor=u["leader.huyen"], task_id=late.pk, user_id=u["specialist.huyen.noivu"].pk)
    Notification.objects.all().delete()
    created = services.send_task_reminders(today=today)
    titles = set(Notification.objects.filter(user=u["clerk.stttt"]).values_list("title", flat=True))
    assert titles == {"1 nhiệm vụ sắp đến hạn (trước 05/04/2018)"}
    huyen = set(Notification.objects.filter(user=u["leader.huyen"]).values_list("title", flat=True))
    assert huyen == {"1 nhiệm vụ đến hạn hôm nay", "1 nhiệm vụ đã quá hạn"}
    assert Notification.objects.filter(user=u["specialist.huyen.noivu"], kind="reminder_overdue").count() == 1
    assert created == Notification.objects.count()
    # Overdue is announced once; the next day's run repeats only the due-soon one.
    assert Task.objects.get(pk=late.pk).overdue_notified
    services.send_task_reminders(today=dt.date(2018, 4, 3))
    assert Notification.objects.filter(kind="reminder_overdue", user=u["leader.huyen"]).count() == 2  # `due` now
    assert soon and later
