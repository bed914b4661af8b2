"""Background jobs of delivery: thin wrappers called by django-q2."""

from lienthong.delivery import acknowledgements


def send_acknowledgement_reminders() -> dict[str, int]:
    """The daily same-day acknowledgement reminder (registered in DeliveryConfig.ready)."""
    return acknowledgements.acknowledgement_reminders_send()
