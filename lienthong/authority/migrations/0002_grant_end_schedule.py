"""The daily notice of ended TL./TUQ. grants as a django-q2 schedule (06:30 Vietnam time, before office hours)."""

import datetime as dt

from django.db import migrations

from lienthong.core.schedules import daily_schedule


class Migration(migrations.Migration):
    dependencies = [("authority", "0001_signing_authority"), ("django_q", "0018_task_success_index")]
    operations = [daily_schedule(func="lienthong.authority.services.grants_announce_end",
                                 name="Báo hết hiệu lực văn bản giao ký TL., TUQ.", at=dt.time(6, 30))]
