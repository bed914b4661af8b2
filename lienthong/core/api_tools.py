"""Small pieces shared by the JSON endpoints of the document flow (drafts, deliveries, processing).

They only shape requests and answers; who may see or do what stays in the selectors and services.
"""

from __future__ import annotations

from contextlib import contextmanager

from lienthong.core.errors import DomainError, ValidationFailed


def page_bounds(page: int, page_size: int) -> tuple[int, int]:
    start = (page - 1) * page_size
    return start, start + page_size


def page_of(qs, page: int, page_size: int, shape) -> dict:
    """One page of ``qs`` (count, then the slice) in the API's page shape; ``shape`` turns a row into an item."""
    start, end = page_bounds(page, page_size)
    count = qs.count()
    items = [shape(row) for row in qs[start:end]] if start < count else []
    return {"items": items, "count": count, "page": page, "page_size": page_size}


class InvalidState(DomainError):
    """A step that the record's current state does not allow (issuing an unapproved draft, receiving
    a delivery someone else already received). Nothing the client sent was malformed, so it is a
    400, not a 422; the message says where the record stands."""

    code = "invalid_state"
    status = 400


@contextmanager
def state_errors_as_400():
    """Services report a refused transition as ``ValidationFailed({"state": [...]})`` (the web forms
    show it above the form). Through the API that becomes ``InvalidState``; other field errors stay 422."""
    try:
        yield
    except ValidationFailed as exc:
        if set(exc.errors) == {"state"}:
            raise InvalidState(exc.errors["state"][0], field="state") from exc
        raise


FILE_RESPONSE_DOC = {"responses": {200: {"description": "Nội dung gốc của tệp",
                                         "content": {"application/octet-stream": {}}}}}
