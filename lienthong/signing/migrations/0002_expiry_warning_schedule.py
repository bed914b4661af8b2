"""The daily certificate-expiry warning job as a django-q2 schedule (06:30 Vietnam time)."""

import datetime as dt

from django.db import migrations

from lienthong.core.schedules import daily_schedule


class Migration(migrations.Migration):
    dependencies = [("signing", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = [daily_schedule(func="lienthong.signing.services.credential_expiry_warnings",
                                 name="Cảnh báo chứng thư số sắp hết hạn", at=dt.time(6, 30))]
