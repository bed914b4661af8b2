"""The daily usage-statistics refresh as a django-q2 schedule (01:30 Vietnam time, off hours)."""

import datetime as dt

from django.db import migrations

from lienthong.core.schedules import daily_schedule


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [daily_schedule(func="lienthong.oversight.tasks.refresh_usage_stats",
                                 name="Tính thống kê sử dụng hệ thống", at=dt.time(1, 30))]
