"""Background job functions for the tests (importable by dotted path, as django-q needs)."""

from lienthong.core import request_id as request_ids


def current_request_id() -> str | None:
    return request_ids.current()


def fail() -> None:
    raise ValueError("Tệp hỏng ở bước thử")
