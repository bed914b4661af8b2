"""The default service levels (calendar hours): the system administrator adjusts them in the admin."""

from django.db import migrations

DEFAULTS = {"critical": (4, 24), "high": (8, 72), "medium": (24, 168), "low": (72, 720)}


def seed(apps, schema_editor):
    SlaTarget = apps.get_model("feedback", "SlaTarget")
    for severity, (response, fix) in DEFAULTS.items():
        SlaTarget.objects.get_or_create(severity=severity, defaults={"response_hours": response, "fix_hours": fix})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
