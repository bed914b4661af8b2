"""Once: the daily same-day acknowledgement reminder as a django-q2 schedule (15:30 Vietnam time, before the end
of the working day: NĐ30 Art. 21.2 wants the sender told the same day that the document was received).

Since issue 13 every scheduled job is declared once, in its app's ``AppConfig.ready()`` (here DeliveryConfig: the
job moved to the delivery app), and ``migrate`` makes the missing schedules from that registry
(``lienthong.core.schedules``). This migration stays, empty, for the migration graph; databases it already ran in
keep their schedule as the administrators set it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("documents", "0010_notation_parts_and_exact_duplicate_key"), ("django_q", "0018_task_success_index")]
    operations = []  # the schedule is made after migrate by lienthong.core.schedules.sync
