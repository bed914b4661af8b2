"""The daily self-assessment deadline reminders as a django-q2 schedule (07:00 Vietnam time, before office hours)."""

import datetime as dt

from django.db import migrations

from lienthong.core.schedules import daily_schedule


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [daily_schedule(func="lienthong.assessment.reminders.self_assessment_reminders",
                                 name="Nhắc hạn tự đánh giá xếp hạng ứng dụng CNTT", at=dt.time(7, 0))]
