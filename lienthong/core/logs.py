"""The JSON log format (``LIENTHONG_LOG_FORMAT=json``): one object per line with ``time``, ``level``,
``logger``, ``request_id`` and ``message``, plus the record's extra fields (``status_code`` of Django's request
log lines, ``exc_info`` with the traceback). Django's ``request`` object on its log records is left out (it is
not data; the request id already names the request); Vietnamese text stays readable (no \\u escapes)."""

from __future__ import annotations

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
NOT_LOGGED = ("request", "server_time")


class JsonFormatter(_BaseJsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", FIELDS)
        kwargs.setdefault("rename_fields", RENAMED)
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *NOT_LOGGED])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)
