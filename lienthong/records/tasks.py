"""Background jobs of records (run by django-q2's qcluster)."""


def propose_disposals() -> int:
    """Daily: propose for the disposal council's review the files whose retention has ended."""
    from lienthong.records.disposal import proposals_refresh

    return proposals_refresh()
