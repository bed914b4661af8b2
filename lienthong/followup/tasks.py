"""Background jobs of the task follow-up (run by the django-q2 worker)."""

from __future__ import annotations

from . import services


def send_task_reminders() -> int:
    """Daily: tasks due soon, due today, overdue (``services.send_task_reminders``)."""
    return services.send_task_reminders()
