"""The daily usage-statistics refresh as a django-q2 schedule (01:30 Vietnam time, off hours).

The qcluster process (``manage.py qcluster``) runs it; administrators can change the time or pause it
in the admin (Django Q › Scheduled tasks)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations

FUNC = "lienthong.oversight.tasks.refresh_usage_stats"


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    tomorrow = dt.datetime.now(tz).date() + dt.timedelta(days=1)
    Schedule.objects.get_or_create(func=FUNC, defaults=dict(
        name="Tính thống kê sử dụng hệ thống", schedule_type="D", repeats=-1,
        next_run=dt.datetime.combine(tomorrow, dt.time(1, 30), tzinfo=tz)))


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [migrations.RunPython(create, remove)]
