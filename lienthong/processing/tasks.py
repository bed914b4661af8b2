"""Background jobs of processing: thin wrappers called by django-q2."""

from lienthong.processing import services


def send_deadline_reminders() -> dict[str, int]:
    """The daily reminder job (registered in ProcessingConfig.ready)."""
    return services.send_deadline_reminders()
