"""Background jobs of records (run by django-q2's qcluster): thin wrappers."""

from lienthong.records import handover


def send_handover_reminders() -> dict[str, int]:
    """The daily handover reminder job (registered in RecordsConfig.ready)."""
    return handover.send_handover_reminders()


def propose_disposals() -> int:
    """Daily: propose for the disposal council's review the files whose retention has ended."""
    from lienthong.records.disposal import proposals_refresh

    return proposals_refresh()
