"""Background jobs of the oversight app (run by django-q2's qcluster)."""


def refresh_usage_stats() -> int:
    """Daily: recompute the previous and the current month's usage statistics."""
    from lienthong.oversight.services import usage_stats_refresh

    return usage_stats_refresh()
