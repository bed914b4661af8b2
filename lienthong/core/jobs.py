"""Background jobs queued with the request id of whoever queued them.

``enqueue("lienthong.<app>.tasks.<function>", *args, **kwargs)`` replaces ``django_q.tasks.async_task``: the
django-q task runs ``run`` (this module), which sets the request id of the request that queued the job
(``core.request_id``) before it calls the function, so the worker's log lines and the error record of a
failed job carry the same id as the request's. Keyword arguments are the function's; django-q's own options
go in ``q_options``. The task's name (Django Q › tasks in the admin) is the function's name and the id.

A failed job is re-raised (django-q records it as failed, as before) after the listeners registered with
``register_failure_listener`` have been told (the monitoring app records it for the administrator).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.utils.module_loading import import_string

from lienthong.core import request_id as request_ids

RUNNER = "lienthong.core.jobs.run"
_failure_listeners: list[Callable[..., None]] = []
logger = logging.getLogger("lienthong.core.jobs")


def enqueue(func_path: str, *args, q_options: dict | None = None, **kwargs):
    """Queue ``func_path(*args, **kwargs)`` for the worker (or run it now when the queue is synchronous),
    carrying the current request id. Returns django-q's task id."""
    from django_q.tasks import async_task

    current = request_ids.current()
    name = f"{func_path.rsplit('.', 1)[-1]} {current or ''}".strip()[:100]
    options = {"task_name": name, **(q_options or {})}
    return async_task(RUNNER, func_path, current, *args, q_options=options, **kwargs)


def run(func_path: str, request_id: str | None, *args, **kwargs):
    """The worker's side of ``enqueue``: the function, run under the request id it was queued with."""
    with request_ids.bound(request_id or request_ids.new_id()):
        try:
            return import_string(func_path)(*args, **kwargs)
        except Exception:
            _tell_failure(func_path, sys.exc_info()[1])
            raise


def register_failure_listener(listener: Callable[..., None]) -> None:
    """``listener(func_path=..., exception=..., request_id=...)`` is called, inside the ``except`` block, when a
    job queued through ``enqueue`` raises. A listener that raises is logged and does not hide the job's error."""
    if listener not in _failure_listeners:
        _failure_listeners.append(listener)


def _tell_failure(func_path: str, exception: BaseException) -> None:
    for listener in list(_failure_listeners):
        try:
            listener(func_path=func_path, exception=exception, request_id=request_ids.current())
        except Exception:  # noqa: BLE001 - a listener must never replace the job's own error
            logger.exception("Failure listener %r raised for job %s", listener, func_path)
