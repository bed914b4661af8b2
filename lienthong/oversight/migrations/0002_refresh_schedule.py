"""Once: the daily usage-statistics refresh as a django-q2 schedule (01:30 Vietnam time, off hours).

Since issue 13 every scheduled job is declared once, in its app's ``AppConfig.ready()`` (here OversightConfig), and
``migrate`` makes the missing schedules from that registry (``lienthong.core.schedules``). This migration stays,
empty, for the migration graph; databases it already ran in keep their schedule as the administrators set it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial"), ("django_q", "0018_task_success_index")]
    operations = []  # the schedule is made after migrate by lienthong.core.schedules.sync
