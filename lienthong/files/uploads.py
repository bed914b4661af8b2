"""Reading uploaded files, and the uploads that Django's request parser itself refuses, answered in Vietnamese.

One reader, ``read_limited``, takes the bytes of every uploaded file the system keeps or imports: the
declared size is looked at first, then the file is read in chunks and refused as soon as it passes the
ceiling, so an oversized file is never read whole. On top of it, each kind of caller words its refusals:
``read_upload`` for originals (the file named, then ``checks.check_upload`` parses it), ``read_table_upload``
for the CSV and XLSX files of the importers (``core.spreadsheets.SpreadsheetError``, which each importer
turns into its own error report).

Django reads a multipart body lazily and raises while reading it: ``TooManyFilesSent`` past
``DATA_UPLOAD_MAX_NUMBER_FILES``, ``RequestDataTooBig`` past ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (form
fields, not files) and ``MultiPartParserError`` for a part whose headers exceed 1 kB, which in
practice is a file name of several hundred characters. For a web form the CSRF check is the first to
read the body, so the error never reaches the view; ``UploadErrorsMiddleware`` (listed just before
``CsrfViewMiddleware``) reads it first and answers with the 400 page (JSON under /api/) and a message
that says what to do. Routed API views read the body themselves; ``lienthong.api`` answers there with
the same words, as JSON. The app's own, lower limits (``UPLOAD_MAX_FILES``, ``checks.MAX_FILENAME_CHARS``)
are checked with the other upload checks and shown next to the field.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lienthong.core.error_views import error_response, is_api, json_error, plain_page
from lienthong.core.errors import ValidationFailed
from lienthong.core.http import body_too_large_answer
from lienthong.core.spreadsheets import SpreadsheetError
from lienthong.core.text import nfc
from lienthong.files.checks import (
    MAX_FILENAME_CHARS,
    Checked,
    check_file_name,
    check_upload,
    upload_max_files,
)
from lienthong.files.storage import StorageUnavailable

READ_CHUNK_BYTES = 64 * 1024

# What a refused upload is told: an original over the size limit (its declared size known, or found while
# reading), an importer's table over its limit or empty, and Django's parser refusals.
ORIGINAL_TOO_LARGE = gettext_lazy("Tệp “%(name)s” có dung lượng %(size)s, vượt giới hạn %(limit)s.")
ORIGINAL_OVER_LIMIT = gettext_lazy("Tệp “%(name)s” vượt giới hạn %(limit)s.")
TABLE_TOO_LARGE = gettext_lazy("Tệp lớn hơn giới hạn %(n)s MB.")
TABLE_EMPTY = gettext_lazy("Tệp rỗng.")
TOO_MANY_FILES_SENT = gettext_lazy(
    "Quá nhiều tệp trong một lần gửi: tối đa %(limit)s tệp; hãy chia thành nhiều lần gửi.")
FILE_NAME_TOO_LONG = gettext_lazy("Tên tệp quá dài: hãy đổi tên tệp ngắn hơn (tối đa %(limit)s ký tự) rồi gửi lại.")


class UploadTooLarge(Exception):
    """The upload is over the ceiling. ``size`` is the size it declared, or None when it was found larger
    while being read."""

    def __init__(self, size: int | None):
        super().__init__(size)
        self.size = size


def _chunks(upload) -> Iterator[bytes]:
    if hasattr(upload, "chunks"):  # a Django File: from its start
        return upload.chunks()
    return iter(lambda: upload.read(READ_CHUNK_BYTES), b"")  # any other binary file object


def read_limited(upload, *, max_bytes: int) -> bytes:
    """All the bytes of an uploaded file (a Django ``UploadedFile`` or any binary file object).

    Raises ``UploadTooLarge`` without reading anything when the declared size is over ``max_bytes``, and
    as soon as more than ``max_bytes`` have been read otherwise."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise UploadTooLarge(size)
    # One growing buffer, handed over by getvalue() without a copy: the upload is held once in memory
    # (a list of chunks joined at the end would hold it twice at the peak).
    buffer = io.BytesIO()
    total = 0
    for chunk in _chunks(upload):
        total += len(chunk)
        if total > max_bytes:
            raise UploadTooLarge(None)
        buffer.write(chunk)
    return buffer.getvalue()


def read_upload(upload, *, field: str = "files") -> Checked:
    """Read an uploaded original (Django ``UploadedFile``) and check it with ``check_upload``.

    Raises ``ValidationFailed`` with a Vietnamese message naming the file for: a name over
    ``MAX_FILENAME_CHARS``, a file over the size limit (``MAX_UPLOAD_BYTES``), and everything
    ``check_upload`` refuses.
    """
    name = nfc(getattr(upload, "name", None) or "") or "tệp"
    check_file_name(name, field=field)
    limit = settings.MAX_UPLOAD_BYTES
    try:
        data = read_limited(upload, max_bytes=limit)
    except UploadTooLarge as exc:
        if exc.size is not None:
            raise ValidationFailed({field: [ORIGINAL_TOO_LARGE % {
                "name": name, "size": filesizeformat(exc.size), "limit": filesizeformat(limit)}]}) from None
        raise ValidationFailed({field: [ORIGINAL_OVER_LIMIT % {
            "name": name, "limit": filesizeformat(limit)}]}) from None
    return check_upload(data, name=name, field=field)


def read_table_upload(upload, *, max_bytes: int) -> bytes:
    """The bytes of an uploaded table (CSV or XLSX) for an importer; ``SpreadsheetError`` ("too_large",
    "empty") when it is over ``max_bytes`` (refused without reading it all) or empty. The content is
    read by ``core.spreadsheets``."""
    try:
        data = read_limited(upload, max_bytes=max_bytes)
    except UploadTooLarge:
        raise SpreadsheetError(TABLE_TOO_LARGE % {"n": max_bytes // (1024 * 1024)}, code="too_large") from None
    if not data:
        raise SpreadsheetError(str(TABLE_EMPTY), code="empty")
    return data


# --- Refusals of Django's request parser ------------------------------------------------------------

PARSER_ERRORS = (TooManyFilesSent, RequestDataTooBig, MultiPartParserError)


def parser_error_answer(exc: Exception) -> tuple[int, str, str]:
    """(HTTP status, code, Vietnamese message) for an exception of ``PARSER_ERRORS``."""
    if isinstance(exc, TooManyFilesSent):
        return 400, "upload_too_many_files", TOO_MANY_FILES_SENT % {"limit": upload_max_files()}
    if isinstance(exc, RequestDataTooBig):
        return body_too_large_answer()
    if "header size" in str(exc):
        return 400, "upload_name_too_long", FILE_NAME_TOO_LONG % {"limit": MAX_FILENAME_CHARS}
    return 400, "upload_unreadable", _("Dữ liệu tải lên bị lỗi, không đọc được; hãy gửi lại.")


# Seconds a client is asked to wait before sending again when the file store is unavailable.
STORE_RETRY_AFTER_SECONDS = 30


def store_unavailable_response(request, exc: StorageUnavailable):
    """The 503 answer when the file store failed: the Vietnamese message as a page, or JSON under /api/."""
    if is_api(request):
        response = json_error(exc.status, exc.code, exc.message)
    else:
        response = plain_page("files/store_unavailable.html", exc.status, {"message": exc.message})
    response["Retry-After"] = str(STORE_RETRY_AFTER_SECONDS)
    return response


class UploadErrorsMiddleware:
    """Reads a multipart POST before the CSRF check does, to answer parser refusals in Vietnamese (JSON
    under /api/): the web forms' and the API's alike, before any other middleware reads the body. A view
    that fails because the file store is unavailable (``StorageUnavailable``, raised after its transaction
    rolled back) is answered 503 with the store's message instead of the 500 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.content_type.startswith("multipart/"):
            return None
        try:
            request.POST  # noqa: B018 - parsing is the point
        except PARSER_ERRORS as exc:
            return error_response(request, *parser_error_answer(exc))
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, StorageUnavailable):
            return store_unavailable_response(request, exception)
        return None
