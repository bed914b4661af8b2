"""Small pieces shared by the JSON endpoints of the document flow (drafts, deliveries, processing).

They only shape requests and answers; who may see or do what stays in the selectors and services.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.http import FileResponse

from lienthong.core.errors import DomainError, ValidationFailed
from lienthong.documents import files as file_store


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


def original_response(*, stored_file, filename: str, inline: bool = False) -> FileResponse:
    """The bytes of a stored original, as a download or (``inline``, the PDF preview) shown in the browser.

    Both carry ``nosniff`` (the declared type is the sniffed one, never a guess from the bytes) and
    ``Content-Security-Policy: sandbox`` (no script of the file runs with the site's origin). A file
    marked as carrying active content is always a download, whatever was asked."""
    inline = inline and not stored_file.has_active_content
    response = FileResponse(file_store.open_original(stored_file.storage_name), content_type=stored_file.content_type,
                            as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


FILE_RESPONSE_DOC = {"responses": {200: {"description": "Nội dung gốc của tệp",
                                         "content": {"application/octet-stream": {}}}}}
