"""Working days and deadlines as an officer meets them: Tết, làm-bù Saturdays, the province's holiday table."""

import datetime as dt

import pytest

from lienthong.workcalendar.models import Holiday, HolidayKind
from lienthong.workcalendar.selectors import (
    WorkCalendar,
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
)

D = dt.date
pytestmark = pytest.mark.django_db


def test_tet_2018_is_not_a_working_day():
    for day in (D(2018, 2, 14), D(2018, 2, 15), D(2018, 2, 16), D(2018, 2, 19), D(2018, 2, 20)):
        assert not is_working_day(day), day
    assert is_working_day(D(2018, 2, 13))
    assert is_working_day(D(2018, 2, 21))


def test_weekends_are_off_and_weekdays_work():
    assert is_working_day(D(2018, 3, 5))  # Monday
    assert not is_working_day(D(2018, 3, 3))  # Saturday
    assert not is_working_day(D(2018, 3, 4))  # Sunday


def test_deadline_crossing_tet_2018_skips_the_whole_break():
    # Received Tuesday 13/2/2018, the last working day before Tết: 3 working days land after the break.
    assert add_working_days(D(2018, 2, 13), 1) == D(2018, 2, 21)
    assert add_working_days(D(2018, 2, 13), 3) == D(2018, 2, 23)
    # 10 working days from Thursday 8/2: 9, 12, 13, then 21, 22, 23, 26, 27, 28/2, 1/3.
    assert add_working_days(D(2018, 2, 8), 10) == D(2018, 3, 1)


def test_a_lam_bu_saturday_counts_as_working_day():
    # 2019: Monday 29/4 off, made up on Saturday 4/5.
    assert not is_working_day(D(2019, 4, 29))
    assert is_working_day(D(2019, 5, 4))
    # Friday 26/4 + 1 working day: 27–28 weekend, 29 swapped off, 30/4 and 1/5 holidays → Thursday 2/5.
    assert add_working_days(D(2019, 4, 26), 1) == D(2019, 5, 2)
    # Friday 3/5 + 1: the làm-bù Saturday.
    assert add_working_days(D(2019, 5, 3), 1) == D(2019, 5, 4)


def test_holiday_on_sunday_gives_the_monday_off():
    assert not is_working_day(D(2018, 9, 3))  # 2/9/2018 was a Sunday
    assert not is_working_day(D(2017, 1, 2))  # 1/1/2017 was a Sunday


def test_zero_days_is_today_when_working_else_next_working_day():
    assert add_working_days(D(2018, 3, 5), 0) == D(2018, 3, 5)
    assert add_working_days(D(2018, 3, 3), 0) == D(2018, 3, 5)
    assert add_working_days(D(2018, 2, 16), 0) == D(2018, 2, 21)


def test_counting_starts_the_day_after_even_from_a_weekend():
    assert add_working_days(D(2018, 3, 2), 1) == D(2018, 3, 5)  # Friday → Monday
    assert add_working_days(D(2018, 3, 3), 1) == D(2018, 3, 5)  # Saturday → Monday


def test_negative_days_count_backwards():
    assert add_working_days(D(2018, 2, 21), -1) == D(2018, 2, 13)
    assert add_working_days(D(2018, 3, 5), -1) == D(2018, 3, 2)


def test_next_working_day_is_strictly_after():
    assert next_working_day(D(2018, 3, 5)) == D(2018, 3, 6)
    assert next_working_day(D(2018, 2, 13)) == D(2018, 2, 21)
    assert next_working_day(D(2018, 12, 31)) == D(2019, 1, 2)  # across the year and Tết Dương lịch


def test_working_days_between_counts_end_not_start():
    assert working_days_between(D(2018, 3, 5), D(2018, 3, 5)) == 0
    assert working_days_between(D(2018, 3, 5), D(2018, 3, 6)) == 1
    assert working_days_between(D(2018, 3, 2), D(2018, 3, 5)) == 1  # over a weekend
    assert working_days_between(D(2018, 2, 13), D(2018, 2, 21)) == 1  # over Tết
    assert working_days_between(D(2018, 2, 21), D(2018, 2, 13)) == -1  # overdue direction
    assert working_days_between(D(2019, 5, 3), D(2019, 5, 6)) == 2  # làm-bù Saturday counts


@pytest.mark.parametrize("start", [D(2017, 12, 20), D(2018, 2, 9), D(2019, 4, 25), D(2025, 4, 24)])
@pytest.mark.parametrize("days", [1, 3, 10, 40, 300])
def test_between_is_the_inverse_of_add(start, days):
    assert working_days_between(start, add_working_days(start, days)) == days


def test_year_2018_has_the_expected_number_of_working_days():
    # 261 weekdays in 2018, minus 1/1, Tết (5 weekdays), 25/4, 30/4, 1/5, 3/9 = 251.
    assert working_days_between(D(2017, 12, 31), D(2018, 12, 31)) == 251


def test_an_administrators_change_is_seen_by_the_next_call():
    assert is_working_day(D(2018, 3, 8))
    Holiday.objects.create(date=D(2018, 3, 8), name="Nghỉ đột xuất", kind=HolidayKind.DAY_OFF)
    assert not is_working_day(D(2018, 3, 8))


def test_one_query_per_calculation(django_assert_num_queries):
    with django_assert_num_queries(1):
        add_working_days(D(2018, 2, 8), 10)
    with django_assert_num_queries(1):
        working_days_between(D(2017, 1, 1), D(2018, 12, 31))
    with django_assert_num_queries(1):
        add_working_days(D(2018, 12, 20), 10)  # crosses into 2019, read up front


def test_a_calendar_reuses_loaded_years(django_assert_num_queries):
    cal = WorkCalendar()
    with django_assert_num_queries(1):
        for day in range(1, 29):
            cal.is_working_day(D(2018, 2, day))
        cal.add_working_days(D(2018, 2, 8), 10)
        cal.working_days_between(D(2018, 1, 1), D(2018, 6, 1))
