"""Province-wide default deadlines, so the administrator finds them in the admin and can change them.

The numbers are the project's proposal (no national rule fixes them; each province sets its own in its
working regulations): normal 10 working days, khẩn 3, thượng khẩn 2, hỏa tốc 0 (same day when it is a
working day). ``lienthong.workcalendar.selectors.BUILTIN_DEADLINE_DAYS`` holds the same values as the
fallback when these rows are deleted.
"""

from django.db import migrations

DEFAULTS = {"normal": 10, "urgent": 3, "very_urgent": 2, "flash": 0}


def load(apps, schema_editor):
    DeadlinePolicy = apps.get_model("workcalendar", "DeadlinePolicy")
    for urgency, days in DEFAULTS.items():
        DeadlinePolicy.objects.get_or_create(agency=None, urgency=urgency, defaults={"working_days": days})


def unload(apps, schema_editor):
    DeadlinePolicy = apps.get_model("workcalendar", "DeadlinePolicy")
    DeadlinePolicy.objects.filter(agency__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0002_holidays_2017_2027")]

    operations = [migrations.RunPython(load, unload)]
