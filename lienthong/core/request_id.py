"""The request id: one short id per request, in the answer's ``X-Request-ID`` header, on every log line
written while the request (or a background task it queued, ``core.jobs``) runs, on the 500 page as its
reference and on the error record the system administrator sees (``monitoring``).

A caller (the reverse proxy, another system) may send its own ``X-Request-ID``; it is kept when it is safe
(8 to 64 characters of A-Z, a-z, 0-9 and "-"), otherwise a new one is made. The id lives in a context variable,
so code that has no request at hand (services, tasks, logging) reads it with ``current()``.
"""

from __future__ import annotations

import contextvars
import logging
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
NONE = "-"  # what a log line outside any request or task shows
_SAFE = re.compile(r"[A-Za-z0-9-]{8,64}")

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("lienthong_request_id", default=None)


def new_id() -> str:
    """A fresh id: 16 hexadecimal characters (64 random bits)."""
    return secrets.token_hex(8)


def is_safe(value: str | None) -> bool:
    return bool(value) and _SAFE.fullmatch(value) is not None


def current() -> str | None:
    """The id of the request or task being served, or None outside both."""
    return _current.get()


@contextmanager
def bound(request_id: str | None) -> Iterator[str | None]:
    """Run the block with ``request_id`` as the current id (a task started by a request, a management command)."""
    token = _current.set(request_id)
    try:
        yield request_id
    finally:
        _current.reset(token)


class RequestIdMiddleware:
    """First in MIDDLEWARE: gives the request its id (``request.request_id``) and answers it in the header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get(META_KEY, "")
        request_id = incoming if is_safe(incoming) else new_id()
        request.request_id = request_id
        with bound(request_id):
            response = self.get_response(request)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """On the log handlers: every record gets ``request_id`` (the current id, or "-")."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = current() or NONE
        return True
