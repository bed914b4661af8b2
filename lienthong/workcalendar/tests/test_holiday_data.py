"""The holiday table shipped by migration 0002 is coherent: statutory days present, swaps balanced."""

import datetime as dt

import pytest

from lienthong.workcalendar.models import Holiday, HolidayKind
from lienthong.workcalendar.selectors import is_working_day, working_days_between

D = dt.date
pytestmark = pytest.mark.django_db

# Mùng 1 Tết and Giỗ Tổ (10/3 âm lịch), UTC+7, per year.
LUNAR = {
    2017: (D(2017, 1, 28), D(2017, 4, 6)), 2018: (D(2018, 2, 16), D(2018, 4, 25)),
    2019: (D(2019, 2, 5), D(2019, 4, 14)), 2020: (D(2020, 1, 25), D(2020, 4, 2)),
    2021: (D(2021, 2, 12), D(2021, 4, 21)), 2022: (D(2022, 2, 1), D(2022, 4, 10)),
    2023: (D(2023, 1, 22), D(2023, 4, 29)), 2024: (D(2024, 2, 10), D(2024, 4, 18)),
    2025: (D(2025, 1, 29), D(2025, 4, 7)), 2026: (D(2026, 2, 17), D(2026, 4, 26)),
    2027: (D(2027, 2, 6), D(2027, 4, 16)),
}


@pytest.mark.parametrize("year", range(2017, 2028))
def test_statutory_days_are_in_the_table(year):
    tet, gio_to = LUNAR[year]
    off = set(Holiday.objects.filter(date__year=year, kind=HolidayKind.DAY_OFF).values_list("date", flat=True))
    for day in (D(year, 1, 1), tet, tet + dt.timedelta(days=1), gio_to, D(year, 4, 30), D(year, 5, 1), D(year, 9, 2)):
        assert day in off, day
    assert "Giỗ Tổ" in Holiday.objects.get(date=gio_to).name


@pytest.mark.parametrize("year", range(2017, 2028))
def test_tet_gives_five_working_days_off(year):
    tet, _ = LUNAR[year]
    window = [tet + dt.timedelta(days=i) for i in range(-10, 11)]
    weekdays_off = [d for d in window if d.weekday() < 5 and not is_working_day(d)]
    assert len(weekdays_off) == 5, weekdays_off


def test_lam_bu_rows_are_weekend_days_and_balance_a_swapped_day():
    working = list(Holiday.objects.filter(kind=HolidayKind.WORKING_DAY).values_list("date", flat=True))
    assert working and all(d.weekday() >= 5 for d in working)
    swapped = Holiday.objects.filter(name__startswith="Nghỉ hoán đổi").count()
    assert swapped == len(working)


def test_working_days_per_year_in_the_demo_years():
    assert working_days_between(D(2016, 12, 31), D(2017, 12, 31)) == 260 - 1 - 5 - 1 - 2 - 1  # 250
    assert working_days_between(D(2017, 12, 31), D(2018, 12, 31)) == 251
