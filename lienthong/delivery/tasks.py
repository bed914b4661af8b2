"""Background jobs of delivery: thin wrappers called by django-q2."""

from lienthong.delivery import acknowledgements


def send_acknowledgement_reminders() -> dict[str, int]:
    """The daily same-day acknowledgement reminder (scheduled by migration documents
    0011_acknowledgement_reminder_schedule, made before the reminder moved here from the documents app)."""
    return acknowledgements.acknowledgement_reminders_send()
