"""Background jobs of the documents app: thin wrappers that take ids and call a service."""

from lienthong.documents import services


def extract_file_text(file_id: int) -> None:
    services.document_file_extract(file_id=file_id)


def send_acknowledgement_reminders() -> dict[str, int]:
    """The daily same-day acknowledgement reminder (scheduled by migration 0011_acknowledgement_reminder_schedule)."""
    from lienthong.documents.acknowledgements import acknowledgement_reminders_send

    return acknowledgement_reminders_send()
