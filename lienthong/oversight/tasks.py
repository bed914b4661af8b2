"""Background jobs of the oversight app (run by django-q2's qcluster)."""


def refresh_usage_stats() -> int:
    """Daily: recompute the previous and the current month's usage statistics."""
    from lienthong.oversight.services import usage_stats_refresh

    return usage_stats_refresh()


def refresh_current_month() -> int:
    """Hourly: recompute the current month's usage statistics (the page says when they were computed)."""
    from django.utils import timezone

    from lienthong.oversight.definitions import VN, month_start
    from lienthong.oversight.services import usage_stats_refresh

    return usage_stats_refresh(months=[month_start(timezone.localdate(timezone=VN))])


def refresh_agencies(agency_ids) -> int:
    """After a document event (services.on_documents_event): the previous and current month of these agencies."""
    from lienthong.oversight.services import usage_stats_refresh

    return usage_stats_refresh(agency_ids=agency_ids)
