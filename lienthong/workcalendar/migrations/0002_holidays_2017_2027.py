"""Public holidays of Vietnam for 2017–2027, as the calendar of state offices (Saturday/Sunday off) saw them.

Statutory days (Labour Code 2012 art. 115 until 2020, Labour Code 2019 art. 112 from 2021): Tết Dương lịch 1/1,
Tết Nguyên đán (5 days, placed each year by the Prime Minister's decision), Giỗ Tổ Hùng Vương 10/3 âm lịch, 30/4, 1/5, Quốc khánh 2/9 (plus one adjacent day, 1/9 or 3/9,
from 2021). A statutory day falling on a Saturday or Sunday is compensated on the next working day ("nghỉ bù").
Each Tết row range is the whole break the government announced, weekends included (harmless: weekends are
off anyway, and the admin list then shows the break as people know it).

Lunar dates (Tết, Giỗ Tổ) are written out below, not computed at run time. They were checked with Hồ Ngọc Đức's
astronomical algorithm for UTC+7 (the basis of the official Vietnamese lunar calendar): mùng 1 Tết 2017-01-28,
2018-02-16, 2019-02-05, 2020-01-25, 2021-02-12, 2022-02-01, 2023-01-22, 2024-02-10, 2025-01-29, 2026-02-17,
2027-02-06; Giỗ Tổ 2017-04-06, 2018-04-25, 2019-04-14, 2020-04-02, 2021-04-21, 2022-04-10, 2023-04-29,
2024-04-18, 2025-04-07, 2026-04-26, 2027-04-16.

Verification of the government's choices (Tết ranges, swaps, the adjacent day of Quốc khánh):
- checked against published news of the decisions: Tết 2019, 2026; the 30/4 breaks of 2018 (no swap),
  2019, 2024, 2025 (with their làm-bù Saturdays); Tết Dương lịch 2026 (swap 2/1 ↔ 10/1); Giỗ Tổ and 30/4 of
  2026; Quốc khánh 2017 and 2024.
- from the published decisions as recalled, not re-checked here: Tết 2017, 2018, 2020–2025 ranges; Quốc khánh
  adjacent days 2021–2023, 2025. These follow the statutory rule exactly (5 working days for Tết).
- NOT included because it could not be verified: the reported swap of Monday 31/12/2018 (day off) with
  Saturday 5/1/2019 (làm bù). Only statutory days are stored for that period; an administrator can add both
  rows in the admin if the province confirms them.
- projected, marked "(dự kiến)" in the name: Quốc khánh 2026 adjacent day (1/9), Tết 2027 range (pattern of
  2024, same weekday of mùng 1), Quốc khánh 2027 adjacent day (3/9). Check them against the Prime Minister's
  decision when published.
- not included: Ngày Văn hóa Việt Nam 24/11 (chosen by the Politburo as a paid holiday, but not yet in the
  Labour Code at the time of writing).
"""

import datetime as dt

from django.db import migrations

OFF = "day_off"
WORK = "working_day"

TDL = "Tết Dương lịch"
GIO_TO = "Giỗ Tổ Hùng Vương (10/3 âm lịch)"
CHIEN_THANG = "Ngày Chiến thắng (30/4)"
LAO_DONG = "Ngày Quốc tế Lao động (1/5)"
QUOC_KHANH = "Quốc khánh (2/9)"
QUOC_KHANH_KE = "Quốc khánh (ngày liền kề)"

# (first day, last day, name) of each Tết Nguyên đán break.
TET = [
    ("2017-01-26", "2017-02-01", "Tết Nguyên đán Đinh Dậu"),
    ("2018-02-14", "2018-02-20", "Tết Nguyên đán Mậu Tuất"),
    ("2019-02-02", "2019-02-10", "Tết Nguyên đán Kỷ Hợi"),  # checked
    ("2020-01-23", "2020-01-29", "Tết Nguyên đán Canh Tý"),
    ("2021-02-10", "2021-02-16", "Tết Nguyên đán Tân Sửu"),
    ("2022-01-29", "2022-02-06", "Tết Nguyên đán Nhâm Dần"),
    ("2023-01-20", "2023-01-26", "Tết Nguyên đán Quý Mão"),
    ("2024-02-08", "2024-02-14", "Tết Nguyên đán Giáp Thìn"),
    ("2025-01-25", "2025-02-02", "Tết Nguyên đán Ất Tỵ"),
    ("2026-02-14", "2026-02-22", "Tết Nguyên đán Bính Ngọ"),  # checked
    ("2027-02-04", "2027-02-10", "Tết Nguyên đán Đinh Mùi (dự kiến)"),  # projected
]

# Single days: (date, name, kind).
DAYS = [
    # 2017
    ("2017-01-01", TDL, OFF), ("2017-01-02", f"Nghỉ bù {TDL}", OFF),
    ("2017-04-06", GIO_TO, OFF),
    ("2017-04-30", CHIEN_THANG, OFF), ("2017-05-01", LAO_DONG, OFF), ("2017-05-02", "Nghỉ bù Ngày Chiến thắng", OFF),
    ("2017-09-02", QUOC_KHANH, OFF), ("2017-09-04", "Nghỉ bù Quốc khánh", OFF),  # checked
    # 2018
    ("2018-01-01", TDL, OFF),
    ("2018-04-25", GIO_TO, OFF),
    ("2018-04-30", CHIEN_THANG, OFF), ("2018-05-01", LAO_DONG, OFF),  # checked: Monday + Tuesday, no swap
    ("2018-09-02", QUOC_KHANH, OFF), ("2018-09-03", "Nghỉ bù Quốc khánh", OFF),
    # 2019 (31/12/2018 ↔ 5/1/2019 swap not verified, left out: see docstring)
    ("2019-01-01", TDL, OFF),
    ("2019-04-14", GIO_TO, OFF), ("2019-04-15", "Nghỉ bù Giỗ Tổ Hùng Vương", OFF),
    ("2019-04-29", "Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2019)", OFF),  # checked
    ("2019-04-30", CHIEN_THANG, OFF), ("2019-05-01", LAO_DONG, OFF),
    ("2019-05-04", "Làm bù cho thứ Hai 29/4/2019", WORK),  # checked
    ("2019-09-02", QUOC_KHANH, OFF),
    # 2020
    ("2020-01-01", TDL, OFF),
    ("2020-04-02", GIO_TO, OFF),
    ("2020-04-30", CHIEN_THANG, OFF), ("2020-05-01", LAO_DONG, OFF),
    ("2020-09-02", QUOC_KHANH, OFF),
    # 2021 (Labour Code 2019: Quốc khánh is two days)
    ("2021-01-01", TDL, OFF),
    ("2021-04-21", GIO_TO, OFF),
    ("2021-04-30", CHIEN_THANG, OFF), ("2021-05-01", LAO_DONG, OFF), ("2021-05-03", "Nghỉ bù Quốc tế Lao động", OFF),
    ("2021-09-02", QUOC_KHANH, OFF), ("2021-09-03", QUOC_KHANH_KE, OFF),
    # 2022
    ("2022-01-01", TDL, OFF), ("2022-01-03", f"Nghỉ bù {TDL}", OFF),
    ("2022-04-10", GIO_TO, OFF), ("2022-04-11", "Nghỉ bù Giỗ Tổ Hùng Vương", OFF),
    ("2022-04-30", CHIEN_THANG, OFF), ("2022-05-01", LAO_DONG, OFF),
    ("2022-05-02", "Nghỉ bù Ngày Chiến thắng", OFF), ("2022-05-03", "Nghỉ bù Quốc tế Lao động", OFF),
    ("2022-09-01", QUOC_KHANH_KE, OFF), ("2022-09-02", QUOC_KHANH, OFF),
    # 2023
    ("2023-01-01", TDL, OFF), ("2023-01-02", f"Nghỉ bù {TDL}", OFF),
    ("2023-04-29", GIO_TO, OFF), ("2023-04-30", CHIEN_THANG, OFF), ("2023-05-01", LAO_DONG, OFF),
    ("2023-05-02", "Nghỉ bù Giỗ Tổ Hùng Vương", OFF), ("2023-05-03", "Nghỉ bù Ngày Chiến thắng", OFF),
    ("2023-09-01", QUOC_KHANH_KE, OFF), ("2023-09-02", QUOC_KHANH, OFF), ("2023-09-04", "Nghỉ bù Quốc khánh", OFF),
    # 2024
    ("2024-01-01", TDL, OFF),
    ("2024-04-18", GIO_TO, OFF),
    ("2024-04-29", "Nghỉ hoán đổi (làm bù thứ Bảy 04/5/2024)", OFF),  # checked
    ("2024-04-30", CHIEN_THANG, OFF), ("2024-05-01", LAO_DONG, OFF),
    ("2024-05-04", "Làm bù cho thứ Hai 29/4/2024", WORK),  # checked
    ("2024-09-02", QUOC_KHANH, OFF), ("2024-09-03", QUOC_KHANH_KE, OFF),  # checked
    # 2025
    ("2025-01-01", TDL, OFF),
    ("2025-04-07", GIO_TO, OFF),
    ("2025-04-26", "Làm bù cho thứ Sáu 02/5/2025", WORK),  # checked
    ("2025-04-30", CHIEN_THANG, OFF), ("2025-05-01", LAO_DONG, OFF),
    ("2025-05-02", "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)", OFF),  # checked
    ("2025-09-01", QUOC_KHANH_KE, OFF), ("2025-09-02", QUOC_KHANH, OFF),
    # 2026
    ("2026-01-01", TDL, OFF),
    ("2026-01-02", "Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)", OFF),  # checked (12729/VPCP-KGVX)
    ("2026-01-10", "Làm bù cho thứ Sáu 02/01/2026", WORK),  # checked
    ("2026-04-26", GIO_TO, OFF), ("2026-04-27", "Nghỉ bù Giỗ Tổ Hùng Vương", OFF),  # checked
    ("2026-04-30", CHIEN_THANG, OFF), ("2026-05-01", LAO_DONG, OFF),  # checked
    ("2026-09-01", f"{QUOC_KHANH_KE} (dự kiến)", OFF),  # projected
    ("2026-09-02", QUOC_KHANH, OFF),
    # 2027 (statutory days; the choices are projected)
    ("2027-01-01", TDL, OFF),
    ("2027-04-16", GIO_TO, OFF),
    ("2027-04-30", CHIEN_THANG, OFF), ("2027-05-01", LAO_DONG, OFF), ("2027-05-03", "Nghỉ bù Quốc tế Lao động", OFF),
    ("2027-09-02", QUOC_KHANH, OFF), ("2027-09-03", f"{QUOC_KHANH_KE} (dự kiến)", OFF),  # projected
]


def rows():
    for first, last, name in TET:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            yield day, name, OFF
            day += dt.timedelta(days=1)
    for iso, name, kind in DAYS:
        yield dt.date.fromisoformat(iso), name, kind


def load(apps, schema_editor):
    Holiday = apps.get_model("workcalendar", "Holiday")
    for day, name, kind in rows():
        # get_or_create: a date an administrator already entered keeps the administrator's version.
        Holiday.objects.get_or_create(date=day, defaults={"name": name, "kind": kind})


def unload(apps, schema_editor):
    Holiday = apps.get_model("workcalendar", "Holiday")
    Holiday.objects.filter(date__in=[day for day, _name, _kind in rows()]).delete()


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_holiday_deadline_policy")]

    operations = [migrations.RunPython(load, unload)]
