"""Background jobs of processing: thin wrappers called by django-q2."""

from lienthong.processing import services


def send_deadline_reminders() -> dict[str, int]:
    """The daily reminder job (scheduled by migration 0002_reminder_schedule)."""
    return services.send_deadline_reminders()
