"""The daily same-day acknowledgement reminder as a django-q2 schedule (15:30 Vietnam time, before the end
of the working day: NĐ30 Art. 21.2 wants the sender told the same day that the document was received)."""

import datetime as dt

from django.db import migrations

from lienthong.core.schedules import daily_schedule


class Migration(migrations.Migration):
    dependencies = [("documents", "0010_notation_parts_and_exact_duplicate_key"), ("django_q", "0018_task_success_index")]
    operations = [daily_schedule(func="lienthong.delivery.tasks.send_acknowledgement_reminders",
                                 name="Nhắc xác nhận đã nhận văn bản đến trong ngày", at=dt.time(15, 30))]
