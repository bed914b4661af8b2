"""The same-day acknowledgement reminder moved from the documents app to this one (issue 13: documents sits below
delivery and may not read its deliveries). Its django-q2 schedule, created by documents 0011 under the old path,
is pointed at the new one in databases made before the move; in a new database 0011 already names the new path
and nothing changes here. Reversing leaves the schedule on the new path, the only one the code still has."""

from django.db import migrations

OLD = "lienthong.documents.tasks.send_acknowledgement_reminders"
NEW = "lienthong.delivery.tasks.send_acknowledgement_reminders"


def point_at_delivery(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(func=OLD).update(func=NEW)


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0002_status_reply_to_sender"),
        ("documents", "0011_acknowledgement_reminder_schedule"),
        ("django_q", "0018_task_success_index"),
    ]
    operations = [migrations.RunPython(point_at_delivery, migrations.RunPython.noop)]
