"""Scheduled jobs of the monitoring app (registered in ``apps.py``)."""

from lienthong.monitoring import services


def worker_heartbeat() -> None:
    """Every minute: the worker is alive (``/readyz`` reads the time)."""
    services.heartbeat_beat()


def prune_error_records() -> int:
    """Every night: delete the error records older than ``LIENTHONG_ERROR_RETENTION_DAYS``."""
    return services.error_records_prune()
