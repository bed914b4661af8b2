"""Reads of the monitoring app: the worker's heartbeat, the background queue, recorded errors. Each is one
indexed query (or a count over a small table), cheap enough for every probe and scrape."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django_q.models import Failure, OrmQ

from lienthong.monitoring.models import ErrorRecord, WorkerHeartbeat


def cluster_name() -> str:
    return str(settings.Q_CLUSTER.get("name", "default"))


def last_heartbeat() -> dt.datetime | None:
    """When the worker cluster last ran its heartbeat job, or None if it never did."""
    return WorkerHeartbeat.objects.filter(cluster=cluster_name()).values_list("beat_at", flat=True).first()


def queue_depth() -> int:
    """Tasks waiting in the django-q queue (the ORM broker's table): queued, or taken and not yet acknowledged."""
    return OrmQ.objects.count()


def failed_task_count() -> int:
    """Failed background tasks kept by django-q (Django Q › Failed tasks), until an administrator deletes them."""
    return Failure.objects.count()


def error_count_since(since: dt.datetime) -> int:
    return ErrorRecord.objects.filter(occurred_at__gte=since).count()
