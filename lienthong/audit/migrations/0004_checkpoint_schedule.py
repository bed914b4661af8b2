"""Once: the daily signed checkpoint of the audit chains as a django-q2 schedule (00:30 Vietnam time).

Since issue 13 every scheduled job is declared once, in its app's ``AppConfig.ready()`` (here AuditConfig), and
``migrate`` makes the missing schedules from that registry (``lienthong.core.schedules``). This migration stays,
empty, for the migration graph; databases it already ran in keep their schedule as the administrators set it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_entry_key_id"), ("django_q", "0018_task_success_index")]
    operations = []  # the schedule is made after migrate by lienthong.core.schedules.sync
