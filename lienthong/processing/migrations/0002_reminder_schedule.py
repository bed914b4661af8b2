"""The daily deadline-reminder job as a django-q2 schedule (07:00 Vietnam time, before office hours)."""

import datetime as dt

from django.db import migrations

from lienthong.core.schedules import daily_schedule


class Migration(migrations.Migration):
    dependencies = [("processing", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [daily_schedule(func="lienthong.processing.tasks.send_deadline_reminders",
                                 name="Nhắc hạn xử lý văn bản đến", at=dt.time(7, 0))]
