"""Background jobs of records: thin wrappers called by django-q2."""

from lienthong.records import handover


def send_handover_reminders() -> dict[str, int]:
    """The daily handover reminder job (registered in RecordsConfig.ready)."""
    return handover.send_handover_reminders()
