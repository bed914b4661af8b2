"""The JSON log format (``LIENTHONG_LOG_FORMAT=json``): one object per line with ``time`` (ISO 8601, UTC), ``level``,
``logger``, ``request_id`` and ``message``, plus the record's extra fields (``status_code`` of Django's request
log lines, ``exc_info`` with the traceback). Django's ``request`` object on its log records is left out (it is
not data; the request id already names the request); Vietnamese text stays readable (no \\u escapes)."""

from __future__ import annotations

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

FIELDS = "%(levelname)s %(name)s %(request_id)s %(message)s"
RENAMED = {"levelname": "level", "name": "logger"}
NOT_LOGGED = ("request", "server_time")


class JsonFormatter(_BaseJsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", FIELDS)
        kwargs.setdefault("rename_fields", RENAMED)
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *NOT_LOGGED])
        kwargs.setdefault("json_ensure_ascii", False)
        kwargs.setdefault("timestamp", "time")  # the record's creation time, ISO 8601 in UTC
        super().__init__(*args, **kwargs)
