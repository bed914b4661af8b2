"""The daily signed checkpoint of the audit chains as a django-q2 schedule (00:30 Vietnam time)."""

import datetime as dt

from django.db import migrations

from lienthong.core.schedules import daily_schedule


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_entry_key_id"), ("django_q", "0018_task_success_index")]
    operations = [daily_schedule(func="lienthong.audit.services.audit_checkpoint_write",
                                 name="Điểm kiểm chứng nhật ký (checkpoint)", at=dt.time(0, 30))]
