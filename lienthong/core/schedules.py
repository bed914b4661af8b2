"""Daily background jobs as django-q2 schedules, created by data migrations.

``daily_schedule`` returns the migration operation: it creates the schedule (first run tomorrow at ``at``,
Vietnam time) unless one for the same function exists, and removes it when the migration is reversed.
The qcluster process (``manage.py qcluster``) runs the jobs; administrators change the time or pause them
in the admin (Django Q › Scheduled tasks).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def daily_schedule(*, func: str, name: str, at: dt.time) -> migrations.RunPython:
    def create(apps, schema_editor):
        tomorrow = dt.datetime.now(VIETNAM).date() + dt.timedelta(days=1)
        apps.get_model("django_q", "Schedule").objects.get_or_create(func=func, defaults=dict(
            name=name, schedule_type="D", repeats=-1, next_run=dt.datetime.combine(tomorrow, at, tzinfo=VIETNAM)))

    def remove(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.filter(func=func).delete()

    return migrations.RunPython(create, remove)
