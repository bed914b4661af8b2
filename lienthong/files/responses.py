"""The bytes of a stored original as an HTTP answer, with the headers that keep a hostile file harmless."""

from __future__ import annotations

from django.http import FileResponse

from lienthong.files.storage import open_original


def original_response(*, stored_file, filename: str, inline: bool = False) -> FileResponse:
    """The bytes of a stored original, as a download or (``inline``, the PDF preview) shown in the browser.

    ``stored_file`` is any row with ``storage_name``, ``content_type`` and ``has_active_content``
    (``documents.StoredFile``). Both answers carry ``nosniff`` (the declared type is the sniffed one, never
    a guess from the bytes) and ``Content-Security-Policy: sandbox`` (no script of the file runs with the
    site's origin). A file marked as carrying active content is always a download, whatever was asked."""
    inline = inline and not stored_file.has_active_content
    body = open_original(stored_file.storage_name)  # streamed from the store as the answer is sent
    response = FileResponse(body, content_type=stored_file.content_type, as_attachment=not inline,
                            filename=filename)
    if not response.has_header("Content-Length") and getattr(body, "size", None) is not None:
        response["Content-Length"] = str(body.size)  # an object store's body cannot seek to find it
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response
