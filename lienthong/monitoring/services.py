"""Writes of the monitoring app: recording unhandled errors (of requests and of background jobs), the worker's
heartbeat and the pruning of old error records.

Recording an error must never raise into the request or the job that failed: every recorder catches its own
failure (a database that is down, a broken transaction) and only logs it."""

from __future__ import annotations

import datetime as dt
import logging
import sys
import traceback as tb

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lienthong.core import jobs
from lienthong.core import request_id as request_ids
from lienthong.feedback import services as feedback
from lienthong.monitoring.models import ErrorRecord, ErrorSource, WorkerHeartbeat
from lienthong.monitoring.selectors import cluster_name

logger = logging.getLogger("lienthong.monitoring")

MESSAGE_MAX = 10_000
TRACEBACK_MAX = 100_000


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_name(exc_type) -> str:
    module = getattr(exc_type, "__module__", "")
    name = getattr(exc_type, "__qualname__", str(exc_type))
    return name if module in ("builtins", "") else f"{module}.{name}"


def _record(**fields) -> ErrorRecord | None:
    fields["message"] = _cut(fields.get("message", ""), MESSAGE_MAX)
    fields["traceback"] = _cut(fields.get("traceback", ""), TRACEBACK_MAX)
    fields["exception_type"] = _cut(fields.get("exception_type", ""), 200)
    fields["path"] = _cut(fields.get("path", ""), 500)
    try:
        with transaction.atomic():  # a savepoint: a failed insert leaves the caller's transaction usable
            record = ErrorRecord.objects.create(**fields)
    except Exception:  # noqa: BLE001 - recording an error must never raise into what failed
        logger.warning("Could not record an unhandled error (%s)", fields["exception_type"], exc_info=True)
        return None
    _open_problem_report(record)
    return record


def _open_problem_report(record: ErrorRecord) -> None:
    """The operator's queue gets the error too, grouped by cause (feedback.services.report_from_error)."""
    try:
        with transaction.atomic():
            feedback.report_from_error(exception_type=record.exception_type, message=record.message,
                                       traceback=record.traceback, path=record.path, request_id=record.request_id,
                                       username=record.username, now=record.occurred_at)
    except Exception:  # noqa: BLE001 - see the module's docstring
        logger.warning("Could not open the problem report of an error (%s)", record.exception_type, exc_info=True)


def error_record_request(request, exc_info=None) -> ErrorRecord | None:
    """Record the exception being handled (``sys.exc_info()``) for ``request``."""
    try:
        exc_type, exc, trace = exc_info or sys.exc_info()
        if exc_type is None:
            return None
        user = getattr(request, "user", None)
        username = user.get_username() if user is not None and getattr(user, "is_authenticated", False) else ""
        return _record(
            source=ErrorSource.REQUEST,
            request_id=getattr(request, "request_id", None) or request_ids.current() or "",
            method=_cut(getattr(request, "method", "") or "", 10),
            path=getattr(request, "path", "") or "",
            username=username,
            exception_type=_type_name(exc_type),
            message=str(exc),
            traceback="".join(tb.format_exception(exc_type, exc, trace)),
        )
    except Exception:  # noqa: BLE001 - see the module's docstring
        logger.warning("Could not record an unhandled error", exc_info=True)
        return None


def error_record_task(*, func_path: str, exception_type: str, message: str, traceback: str = "",
                      request_id: str | None = None) -> ErrorRecord | None:
    return _record(source=ErrorSource.TASK, request_id=request_id or "", path=func_path,
                   exception_type=exception_type, message=message, traceback=traceback)


def on_request_exception(sender, request=None, **kwargs) -> None:
    """``got_request_exception``: Django is handling an exception no view or middleware answered."""
    error_record_request(request)


def on_job_failed(*, func_path: str, exception: BaseException, request_id: str | None) -> None:
    """``core.jobs`` failure listener: a job queued with ``enqueue`` raised (called inside its ``except``)."""
    try:
        error_record_task(func_path=func_path, exception_type=_type_name(type(exception)), message=str(exception),
                          traceback=tb.format_exc(), request_id=request_id)
    except Exception:  # noqa: BLE001 - see the module's docstring
        logger.warning("Could not record a failed job", exc_info=True)


def on_task_executed(sender, task=None, **kwargs) -> None:
    """django-q's ``post_execute`` (in the cluster's monitor process): a failed task that did not go through
    ``core.jobs`` (a scheduled job) is recorded here; those of ``core.jobs`` were recorded by the job itself."""
    try:
        if not task or task.get("success", True):
            return
        func = task.get("func")
        func_path = func if isinstance(func, str) else getattr(func, "__module__", "") + "." + \
            getattr(func, "__qualname__", repr(func))
        if func_path == jobs.RUNNER:
            return
        result = str(task.get("result") or "")
        message, _sep, trace = result.partition(" : ")
        last_line = trace.strip().splitlines()[-1] if trace.strip() else ""
        exception_type = last_line.split(":", 1)[0].strip() or "Exception"  # "ValueError: ..." closes a traceback
        error_record_task(func_path=func_path, exception_type=exception_type, message=message, traceback=trace,
                          request_id=request_ids.current())
    except Exception:  # noqa: BLE001 - see the module's docstring
        logger.warning("Could not record a failed task", exc_info=True)


def heartbeat_beat(*, now: dt.datetime | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(cluster=cluster_name(), defaults={"beat_at": now or timezone.now()})


def error_records_prune(*, now: dt.datetime | None = None) -> int:
    """Delete the error records older than ``LIENTHONG_ERROR_RETENTION_DAYS``; returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.ERROR_RETENTION_DAYS)
    deleted, _details = ErrorRecord.objects.filter(occurred_at__lt=cutoff).delete()
    return deleted
